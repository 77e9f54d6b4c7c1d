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
