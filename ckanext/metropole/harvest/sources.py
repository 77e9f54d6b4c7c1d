"""The harvest sources file and ``ckan metropole harvest-sources sync``.

The file (``sources.yaml`` in this package, or
``ckanext.metropole.harvest.sources_file``) names the national producers
and their DCAT catalogues; :func:`sync` makes the portal match it: one
organization per producer (kind *producteur national*) and one
``metropole_dcat_rdf`` harvest source per catalogue. It is idempotent:
what already matches is left alone.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import yaml

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.metropole.harvest import documents, fetch

KIND = "producteur_national"
SOURCE_TYPE = "metropole_dcat_rdf"
FREQUENCIES = ("MANUAL", "MONTHLY", "WEEKLY", "BIWEEKLY", "DAILY", "ALWAYS")
_NAME = re.compile(r"^[a-z0-9_-]{2,100}$")


class SourcesError(ValueError):
    """The sources file cannot be used (the message names the entry and field)."""


@dataclasses.dataclass(frozen=True)
class Producer:
    name: str
    title: str
    description: str


@dataclasses.dataclass(frozen=True)
class Source:
    name: str
    title: str
    producer: str
    url: str
    frequency: str
    config: dict[str, Any]


def _text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise SourcesError(f"{where}: {key} is required (text)")
    return value.strip()


def load(path: str) -> tuple[list[Producer], list[Source]]:
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        raise SourcesError(f"{path}: cannot be read ({e})") from None
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise SourcesError(f"{path}: \"version: 1\" expected")
    producers = []
    for name, entry in (doc.get("producers") or {}).items():
        where = f"producers.{name}"
        if not _NAME.match(str(name)) or not isinstance(entry, dict):
            raise SourcesError(f"{where}: a lower-case name (a-z, 0-9, -) and fields expected")
        producers.append(Producer(name=str(name), title=_text(entry, "title", where),
                                  description=_text(entry, "description", where, False)))
    known = {p.name for p in producers}
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(doc.get("sources") or []):
        sources.append(_source(index, entry, known, seen))
    return producers, sources


def _source(index: int, entry: object, known: set[str], seen: set[str]) -> Source:
    """The source ``sources[index]`` of the file (its name added to ``seen``)."""
    where = f"sources[{index}]"
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: fields expected")
    name = _text(entry, "name", where)
    where = f"sources[{index}] ({name})"
    if not _NAME.match(name) or name in seen:
        raise SourcesError(f"{where}: name must be unique, lower-case (a-z, 0-9, -)")
    seen.add(name)
    producer = _text(entry, "producer", where)
    if producer not in known:
        raise SourcesError(f"{where}: producer {producer!r} is not in producers")
    url = _text(entry, "url", where)
    try:
        fetch.check_url(url)
    except fetch.FetchError as e:
        raise SourcesError(f"{where}: url: {e}") from None
    frequency = str(entry.get("frequency") or "MANUAL").upper()
    if frequency not in FREQUENCIES:
        raise SourcesError(f"{where}: frequency must be one of {', '.join(FREQUENCIES)}")
    return Source(name=name, title=_text(entry, "title", where), producer=producer, url=url,
                  frequency=frequency, config=_source_config(entry, where))


def _source_config(entry: dict[str, Any], where: str) -> dict[str, Any]:
    """The harvester's options a source sets (``keep_all``, ``allow_empty``, ``rdf_format``)."""
    config: dict[str, Any] = {}
    for flag in ("keep_all", "allow_empty"):
        if flag in entry:
            if not isinstance(entry[flag], bool):
                raise SourcesError(f"{where}: {flag} must be true or false")
            config[flag] = entry[flag]
    if entry.get("rdf_format"):
        if entry["rdf_format"] not in documents.FORMATS:
            raise SourcesError(f"{where}: rdf_format must be one of "
                               f"{', '.join(sorted(documents.FORMATS))}")
        config["rdf_format"] = entry["rdf_format"]
    return config


def _context() -> Context:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"user": user, "ignore_auth": True}


def _sync_producer(producer: Producer) -> tuple[str, str]:
    wanted = {"title": producer.title, "description": producer.description, "kind": KIND}
    try:
        org = tk.get_action("organization_show")(
            _context(), {"id": producer.name, "include_datasets": False})
    except tk.ObjectNotFound:
        org = tk.get_action("organization_create")(
            _context(), dict(wanted, name=producer.name))
        return "created", org["id"]
    if all((org.get(k) or "") == v for k, v in wanted.items()):
        return "unchanged", org["id"]
    tk.get_action("organization_patch")(_context(), dict(wanted, id=org["id"]))
    return "updated", org["id"]


def source_field(source: dict[str, Any], key: str) -> str:
    """A field of ``harvest_source_show``: at the top, or in the extras (as
    CKAN 2.12 sometimes returns the source's own fields)."""
    if source.get(key):
        return str(source[key])
    for extra in source.get("extras") or []:
        if extra.get("key") == key:
            return str(extra.get("value") or "")
    return ""


def _sync_source(source: Source, owner_org: str) -> str:
    config = json.dumps(source.config, sort_keys=True) if source.config else ""
    wanted = {"title": source.title, "url": source.url, "frequency": source.frequency,
              "source_type": SOURCE_TYPE, "owner_org": owner_org, "config": config}
    try:
        current = tk.get_action("harvest_source_show")(_context(), {"id": source.name})
    except tk.ObjectNotFound:
        tk.get_action("harvest_source_create")(_context(), dict(wanted, name=source.name))
        return "created"
    same = all(source_field(current, k) == v for k, v in wanted.items() if k != "config") \
        and _same_config(source_field(current, "config"), config)
    if same:
        return "unchanged"
    tk.get_action("harvest_source_update")(
        _context(), dict(wanted, id=current["id"], name=source.name))
    return "updated"


def _same_config(a: str, b: str) -> bool:
    try:
        return (json.loads(a) if a else {}) == (json.loads(b) if b else {})
    except ValueError:
        return False


def sync(path: str) -> list[tuple[str, str, str]]:
    """Create or update the producers and sources of the file: (kind, name, what)."""
    producers, sources = load(path)
    missing = [name for name in ("harvest", SOURCE_TYPE) if not p.plugin_loaded(name)]
    if missing:
        raise SourcesError("The plugins {} must be enabled (ckan.plugins)".format(
            " and ".join(missing)))
    report, orgs = [], {}
    for producer in producers:
        what, orgs[producer.name] = _sync_producer(producer)
        report.append(("organization", producer.name, what))
    for source in sources:
        report.append(("source", source.name, _sync_source(source, orgs[source.producer])))
    return report
