"""What the portal computes from the search index alone, kept in Redis for every worker.

The home's figures count 25,000 published datasets at 50,000, a feed page
builds the RDF of 100 datasets: each costs more than a second of CPU, and
neither changes until the index does. Entries are keyed by:

- the index's change counter (``search.changes``), read *before* computing:
  any dataset written, published, made private or deleted, in any process of
  the site, moves it on, and older entries are never read again;
- what else the output depends on: the caller's parts (page, format,
  profiles, the commune's catalogue description...), the language, the
  territory file (path and modification time) and the site's configuration
  (a changed option, a restart with a new setting, another site on the same
  Redis: other keys).

Only outputs that are the same for every visitor may be kept here (the feed
is built as an anonymous reader, the home's counts are public figures).
Redis unreadable, or the index not the portal's (``metropole_search``; Solr
does not count its changes): nothing is cached, every request computes.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from typing import Any, Callable, Optional, TypeVar

import ckan.plugins.toolkit as tk
from ckan.plugins import plugin_loaded
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError

from ckanext.metropole import config as metropole_config
from ckanext.metropole import territory
from ckanext.metropole.search import changes

log = logging.getLogger(__name__)
T = TypeVar("T")


def _configuration() -> str:
    """The site's options as text (a few hundred entries: cheap next to a page)."""
    return repr(sorted((k, v) for k, v in tk.config.items()
                       if isinstance(v, (str, int, float, bool, list, tuple))))


def _language() -> str:
    try:
        return str(tk.h.lang())
    except (RuntimeError, AttributeError):  # outside a request (commands, jobs)
        return tk.config.get("ckan.locale_default") or ""


def key(kind: str, parts: Any) -> Optional[str]:
    """The entry's key for the index as it is now, or None when nothing may be cached."""
    # the counter is kept by the portal's own index: on Solr nothing counts changes
    if not metropole_config.page_cache_ttl() or not plugin_loaded("metropole_search"):
        return None
    counter = changes.current()
    if counter is None:
        return None
    path = territory.path_of(metropole_config.territory())
    try:
        territory_stamp = [os.path.abspath(path), os.path.getmtime(path)]
    except OSError:
        territory_stamp = [path, None]
    text = json.dumps([counter, _language(), territory_stamp, _configuration(), parts],
                      default=repr, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return "{}:metropole:page:{}:{}".format(tk.config.get("ckan.site_id"), kind, digest)


def get(entry: Optional[str]) -> Optional[Any]:
    if entry is None:
        return None
    try:
        raw = connect_to_redis().get(entry)
    except RedisError as error:
        log.warning("Page cache unreadable: %s", error)
        return None
    return None if raw is None else json.loads(raw)


def put(entry: Optional[str], value: Any) -> None:
    if entry is None:
        return
    try:
        connect_to_redis().set(entry, json.dumps(value), ex=metropole_config.page_cache_ttl())
    except RedisError as error:
        log.warning("Page cache not written: %s", error)


def cached(kind: str, parts: Any, compute: Callable[[], T]) -> T:
    """``compute()``'s JSON value, from the cache while the index is unchanged."""
    entry = key(kind, parts)  # before computing: see the module's docstring
    found = get(entry)
    if found is not None:
        return found
    value = compute()
    put(entry, value)
    return value
