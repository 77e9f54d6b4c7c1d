"""The one place where ``metropole_search`` plugs into CKAN's search.

CKAN creates its Solr client in ``ckan.lib.search.common.make_connection``;
``ckan.lib.search`` and its ``index`` and ``query`` modules (and
ckanext-harvest) import that function by name, and several call sites build
CKAN's search classes directly. Replacing the function in every module that
holds a reference therefore covers every indexing and query path, on CKAN 2.11
and 2.12 alike. ``check_solr_schema_version`` is replaced too: it fetches the
Solr schema over HTTP at start-up.

Once installed the seam stays for the life of the process (CKAN's test
runner unloads and reloads plugins between tests, and other extensions' tests
load their own plugin lists); ``uninstall`` gives Solr back. A site that does
not enable ``metropole_search`` never installs it and talks to Solr as usual.
"""
from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# Modules holding a reference to make_connection (by import or definition).
CONNECTION_HOLDERS = (
    "ckan.lib.search.common",
    "ckan.lib.search",
    "ckan.lib.search.index",
    "ckan.lib.search.query",
    "ckanext.harvest.logic.action.update",
)
SCHEMA_CHECK_HOLDER = "ckan.lib.search"

_original: dict[str, Callable[..., Any]] = {}
_fork_hook_registered = False


class SeamMoved(RuntimeError):
    """CKAN no longer exposes the functions this backend replaces."""


def _active() -> bool:
    return bool(_original)


def make_connection(decode_dates: bool = True) -> Any:
    if _active():
        from .connection import PostgresSearchConnection

        return PostgresSearchConnection(decode_dates=decode_dates)
    return _original["make_connection"](decode_dates=decode_dates)


def check_solr_schema_version(schema_file: Any = None) -> bool:
    if _active():
        from ckan.model import meta

        from .connection import PostgresSearchConnection

        if meta.engine is None:
            return True  # CKAN checks before binding its engine: nothing to ping yet
        try:
            PostgresSearchConnection().ping()
        except Exception as e:  # start-up must not fail before migrations ran
            log.warning("metropole_search index not ready: %s", e)
            return False
        return True
    return _original["check_solr_schema_version"](schema_file)


def installed_modules() -> list[str]:
    """Modules whose make_connection currently is ours."""
    found = []
    for name in CONNECTION_HOLDERS:
        module = _import(name)
        if module is not None and getattr(module, "make_connection", None) is make_connection:
            found.append(name)
    return found


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def install() -> None:
    """Point every holder of ``make_connection`` at this backend (idempotent)."""
    common = importlib.import_module("ckan.lib.search.common")
    search = importlib.import_module(SCHEMA_CHECK_HOLDER)
    original = getattr(common, "make_connection", None)
    check = getattr(search, "check_solr_schema_version", None)
    if original is None or check is None:
        raise SeamMoved(
            "ckan.lib.search.common.make_connection or "
            "ckan.lib.search.check_solr_schema_version is gone: this CKAN "
            "version reaches its search engine differently, metropole_search "
            "must be adapted"
        )
    if original is not make_connection:
        _original["make_connection"] = original
    if check is not check_solr_schema_version:
        _original["check_solr_schema_version"] = check
    for name in CONNECTION_HOLDERS:
        module = _import(name)
        if module is None:
            continue  # ckanext-harvest is optional
        if name != "ckan.lib.search.common" and not hasattr(module, "make_connection"):
            raise SeamMoved(f"{name} no longer imports make_connection")
        module.make_connection = make_connection
    # ckan.lib.search imports it from common: not declared for a checker
    search.check_solr_schema_version = check_solr_schema_version  # pyright: ignore[reportAttributeAccessIssue]
    _register_fork_hook()


def _fresh_connections_in_child() -> None:
    # `ckan search-index rebuild-fast` forks workers that inherit the
    # parent's pooled database connections: two processes on one socket
    # garble each other's results. A child starts with its own pool and
    # session; close=False leaves the parent's connections untouched.
    from ckan.model import meta

    if meta.engine is not None:
        # SQLAlchemy 1.4.33+ has close=; sqlalchemy2-stubs stopped before it
        meta.engine.dispose(close=False)  # pyright: ignore[reportCallIssue]
    meta.Session.registry.clear()


def _register_fork_hook() -> None:
    global _fork_hook_registered
    if not _fork_hook_registered:
        os.register_at_fork(after_in_child=_fresh_connections_in_child)
        _fork_hook_registered = True


def uninstall() -> None:
    """Give every holder back CKAN's own functions (Solr)."""
    if not _original:
        return
    for name in CONNECTION_HOLDERS:
        module = _import(name)
        if module is not None and hasattr(module, "make_connection"):
            module.make_connection = _original["make_connection"]
    _import(SCHEMA_CHECK_HOLDER).check_solr_schema_version = _original["check_solr_schema_version"]
    _original.clear()
