"""A counter of the search index's changes, shared by every process of the site.

What the portal computes from the index alone (the home's figures, a DCAT
feed page) can be kept under the counter's value (``ckanext.metropole.
page_cache``): every committed write to the index — a dataset added, changed,
published, made private or removed, in any web worker, host, job, harvester
or command — increments the counter, so the next request computes afresh.

The counter lives in CKAN's Redis (``ckan.redis.url``), which every worker and
host of a site already shares. It is incremented *after* the index's
transaction commits, never before: a reader that took the old value and read
the old index stores its page under a value nobody asks for any more; a
reader that takes the new value reads the committed index.
"""
from __future__ import annotations

import logging
import time
from typing import Optional

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _key() -> str:
    return "{}:metropole:search-index-changes".format(tk.config.get("ckan.site_id"))


def bump() -> None:
    """Count one committed change of the index."""
    try:
        redis = connect_to_redis()
        with redis.pipeline() as pipe:
            # a counter that was lost (Redis flushed, key evicted) restarts
            # above any value it had: an old page is never taken for a new one
            pipe.set(_key(), time.time_ns(), nx=True)
            pipe.incr(_key())
            pipe.execute()
    except RedisError as error:
        # the pages cached until now may be served until they expire
        # (ckanext.metropole.page_cache_ttl)
        log.error("Search index changed but its change counter could not be "
                  "incremented in Redis: %s", error)


def current() -> Optional[str]:
    """The counter's value, or None when Redis cannot be read (nothing is cached then)."""
    try:
        redis = connect_to_redis()
        value = redis.get(_key())
        if value is None:
            redis.set(_key(), time.time_ns(), nx=True)
            value = redis.get(_key())
    except RedisError as error:
        log.warning("Search index change counter unreadable in Redis: %s", error)
        return None
    return None if value is None else value.decode() if isinstance(value, bytes) \
        else str(value)
