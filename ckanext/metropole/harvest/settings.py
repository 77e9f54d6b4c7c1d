"""Settings of the ``metropole_dcat_rdf`` harvester (declared in config_declaration.yaml)."""
from __future__ import annotations

import os

import ckan.plugins.toolkit as tk

from ckanext.metropole.harvest.fetch import Limits

SOURCES_FILE = os.path.join(os.path.dirname(__file__), "sources.yaml")


def _int(key: str, minimum: int = 1) -> int:
    return max(tk.asint(tk.config.get(key)), minimum)


def limits() -> Limits:
    return Limits(
        connect_timeout=_int("ckanext.metropole.harvest.connect_timeout"),
        read_timeout=_int("ckanext.metropole.harvest.read_timeout"),
        total_seconds=_int("ckanext.metropole.harvest.total_timeout"),
        max_bytes=_int("ckanext.metropole.harvest.max_document_size") * 1024 * 1024,
        allow_loopback=tk.asbool(tk.config.get("ckanext.metropole.harvest.allow_loopback")),
    )


def max_pages() -> int:
    return _int("ckanext.metropole.harvest.max_pages")


def sources_file() -> str:
    return (tk.config.get("ckanext.metropole.harvest.sources_file") or "").strip() \
        or SOURCES_FILE
