"""Settings of the ``metropole_datastore`` plugin (declared in config_declaration.yaml)."""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException

REQUIRED_PLUGINS = ("datastore", "xloader")


def check_plugins() -> None:
    missing = [name for name in REQUIRED_PLUGINS if not p.plugin_loaded(name)]
    if missing:
        raise CkanConfigurationException(
            "metropole_datastore needs the plugins: " + " ".join(missing))


def public_statement_timeout() -> int:
    """Milliseconds a visitor's DataStore query may run."""
    return _positive("ckanext.metropole.datastore.public_statement_timeout")


def public_sql_concurrency() -> int:
    """Visitors' ``datastore_search_sql`` queries that may run at once (all processes)."""
    return _positive("ckanext.metropole.datastore.public_sql_concurrency")


def _positive(key: str) -> int:
    raw = tk.config.get(key)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise CkanConfigurationException(f"{key}: a whole number from 1 is expected, not {raw!r}")
    return value


def check_limits() -> None:
    """Stop the start when a limit is not a positive number (naming the option)."""
    public_statement_timeout()
    public_sql_concurrency()


def api_token_file() -> str:
    return (tk.config.get("ckanext.metropole.datastore.api_token_file") or "").strip()


def read_api_token(config: Any) -> None:
    """Give xloader the token kept in ``api_token_file`` unless the ini sets one."""
    if (config.get("ckanext.xloader.api_token") or "NOT_SET") != "NOT_SET":
        return
    path = api_token_file()
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as token:
            config["ckanext.xloader.api_token"] = token.read().strip()
