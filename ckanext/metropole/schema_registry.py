"""The SCDL schemas the portal knows, and where their files are.

Two places, the second one winning:

- the snapshot shipped with the package: the list
  ``data/vocabularies/scdl-schemas.csv`` (id, title, version, URL on
  schema.data.gouv.fr, type, homepage) and each schema's files under
  ``data/scdl-schemas/<id with / as __>/<version>/`` (see ``data/SOURCES.md``);
- the directory ``ckan metropole schemas update`` writes
  (``ckanext.metropole.schemas.directory``; by default
  ``<ckan.storage_path>/metropole/scdl-schemas``), same layout, with its own
  ``scdl-schemas.csv``. Versions are never removed: a dataset that declares
  an older version keeps being checked against it.

Every web worker and background worker reads the same directory: the list
is read again when its file changes (one ``stat`` per call), so an update
needs no restart.
"""
from __future__ import annotations

import csv
import dataclasses
import os
import re
import threading
from typing import Any

import ckan.plugins.toolkit as tk

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
SHIPPED_LIST = os.path.join(DATA_DIR, "vocabularies", "scdl-schemas.csv")
SHIPPED_DIR = os.path.join(DATA_DIR, "scdl-schemas")
LIST_NAME = "scdl-schemas.csv"
LIST_FIELDS = ("id", "title", "latest_version", "schema_url", "schema_url_latest_alias",
               "schema_type", "homepage")
# Types the portal checks files against; "other" (the BAL's description
# only) cannot be checked.
CHECKED_TYPES = ("tableschema", "datapackage", "jsonschema")
# GeoJSON's FeatureCollection, which the aménagements cyclables schema
# refers to (written for the portal from RFC 7946: no network while checking).
REFERENCED = {"https://geojson.org/schema/FeatureCollection.json":
              os.path.join(SHIPPED_DIR, "_refs", "FeatureCollection.json")}


@dataclasses.dataclass(frozen=True)
class Schema:
    """One version of a schema, with its main file on disk."""

    id: str
    title: str
    version: str
    schema_type: str
    url: str  # this version's URL on schema.data.gouv.fr
    homepage: str
    path: str  # the main file (schema.json, datapackage.json…)

    @property
    def checked(self) -> bool:
        return self.schema_type in CHECKED_TYPES and os.path.isfile(self.path)

    @property
    def label(self) -> str:
        return f"{self.title} ({self.version})"


@dataclasses.dataclass(frozen=True)
class Entry:
    """A schema of the list: its latest version and every version on disk."""

    id: str
    title: str
    latest: str
    schema_type: str
    url: str  # the latest version's URL
    homepage: str
    versions: tuple[str, ...]


def folder_name(schema_id: str) -> str:
    return schema_id.replace("/", "__")


def version_key(version: str) -> tuple[Any, ...]:
    """Sort key of a version ("v2.3.0", "2.10.1", "1.0.0-rc1")."""
    parts = re.split(r"[.\-]", version.lstrip("vV"))
    return tuple((0, int(p), "") if p.isdigit() else (-1, 0, p) for p in parts)


def update_dir() -> str:
    """Where ``schemas update`` writes ("" when the site has no storage)."""
    configured = (tk.config.get("ckanext.metropole.schemas.directory") or "").strip()
    if configured:
        return configured
    storage = (tk.config.get("ckan.storage_path") or "").strip()
    return os.path.join(storage, "metropole", "scdl-schemas") if storage else ""


def read_list(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row.get("id")]


def _versions(root: str, schema_id: str) -> list[str]:
    folder = os.path.join(root, folder_name(schema_id))
    if not os.path.isdir(folder):
        return []
    return [v for v in os.listdir(folder) if not v.startswith(".")
            and os.path.isdir(os.path.join(folder, v))]


_lock = threading.Lock()
_cache: dict[str, Any] = {}


def _signature(root: str) -> tuple[Any, ...]:
    if not root:
        return ("",)
    try:
        stat = os.stat(os.path.join(root, LIST_NAME))
    except OSError:
        return (root, None)
    return (root, stat.st_mtime_ns, stat.st_size)


def _load(root: str) -> dict[str, Any]:
    rows: dict[str, dict[str, str]] = {r["id"]: r for r in read_list(SHIPPED_LIST)}
    roots: dict[str, list[tuple[str, str]]] = {}  # id -> [(version, root)]
    for schema_id in rows:
        roots[schema_id] = [(v, SHIPPED_DIR) for v in _versions(SHIPPED_DIR, schema_id)]
    if root and os.path.isfile(os.path.join(root, LIST_NAME)):
        for row in read_list(os.path.join(root, LIST_NAME)):
            rows[row["id"]] = row
            found = roots.setdefault(row["id"], [])
            for version in _versions(root, row["id"]):
                found[:] = [f for f in found if f[0] != version] + [(version, root)]
    return {"rows": rows, "roots": roots}


def _state() -> dict[str, Any]:
    root = update_dir()
    signature = _signature(root)
    with _lock:
        if _cache.get("signature") != signature:
            _cache.update(signature=signature, state=_load(root))
        return _cache["state"]


def forget() -> None:
    """Read the list again at the next call (after an update in this process)."""
    with _lock:
        _cache.clear()


def _main_file(row: dict[str, str], folder: str) -> str:
    """The list's file name; an older version may name it otherwise: then
    the data package, else the only schema file of the folder."""
    name = row.get("schema_url", "").rsplit("/", 1)[-1]
    if name and os.path.isfile(os.path.join(folder, name)):
        return os.path.join(folder, name)
    files = sorted(f for f in os.listdir(folder) if f.endswith((".json", ".yml", ".yaml")))
    if "datapackage.json" in files:
        return os.path.join(folder, "datapackage.json")
    return os.path.join(folder, files[0]) if len(files) == 1 else ""


def entries() -> dict[str, Entry]:
    """Every schema of the list, by id, in the list's order."""
    state = _state()
    if "entries" not in state:
        out = {}
        for schema_id, row in state["rows"].items():
            versions = sorted({v for v, _root in state["roots"].get(schema_id, [])},
                              key=version_key)
            out[schema_id] = Entry(
                id=schema_id, title=row["title"], latest=row["latest_version"],
                schema_type=row["schema_type"], url=row["schema_url"],
                homepage=row.get("homepage", ""), versions=tuple(versions))
        state["entries"] = out
    return state["entries"]


def get(schema_id: str, version: str = "") -> Schema | None:
    """A version of a schema (``""``: the latest one on disk); None if unknown."""
    state = _state()
    row = state["rows"].get(schema_id)
    if row is None:
        return None
    found = dict(state["roots"].get(schema_id, []))
    if not version:
        if row["latest_version"] in found:
            version = row["latest_version"]
        elif found:
            version = max(found, key=version_key)
        else:
            version = row["latest_version"]
    root = found.get(version)
    folder = os.path.join(root, folder_name(schema_id), version) if root else ""
    url = row["schema_url"]
    if version != row["latest_version"]:
        url = url.replace(f"/{row['latest_version']}/", f"/{version}/")
    return Schema(id=schema_id, title=row["title"], version=version,
                  schema_type=row["schema_type"], url=url,
                  homepage=row.get("homepage", ""),
                  path=_main_file(row, folder) if folder else "")
