"""``ckan metropole schemas update``: newer versions of the portal's schemas.

Reads schema.data.gouv.fr's catalogue (``ckanext.metropole.schemas.catalog_url``),
and for each schema of the portal's list whose latest version is not on
disk yet, downloads its files from the catalogue's own site (the safe fetch
layer of the harvester: http(s) only, no private addresses, size and time
limits) into ``ckanext.metropole.schemas.directory``, then writes that
directory's ``scdl-schemas.csv``. A version is written to a temporary folder
and moved into place only once every file of it was fetched and loads as a
schema: a failed update leaves what was there. Versions are never removed.
New schemas of the catalogue are not added: the portal's list is a choice
(those the SCDL and the communes' priorities name).
"""
from __future__ import annotations

import csv
import json
import os
import posixpath
import shutil
import tempfile
from typing import Any
from urllib.parse import urljoin, urlsplit

from ckanext.metropole import schema_registry
from ckanext.metropole.validation import engine, settings


class UpdateFailed(Exception):
    """The catalogue could not be read: nothing was changed."""


def _limits() -> Any:
    from ckanext.metropole.harvest import fetch

    return fetch.Limits(total_seconds=settings.download_timeout(),
                        max_bytes=10 * 1024 * 1024,
                        allow_loopback=settings.allow_loopback())


def _get(url: str, site: str) -> bytes:
    from ckanext.metropole.harvest import fetch

    if urlsplit(url).netloc != site:
        raise engine.CheckFailed("schema", f"{fetch.redact(url)}: not on the catalogue's site")
    try:
        return fetch.fetch(url, _limits()).content
    except fetch.FetchError as e:
        raise engine.CheckFailed("schema", f"{fetch.redact(url)}: {e}") from None


def _json(content: bytes, url: str) -> Any:
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise engine.CheckFailed("schema", f"{url}: not JSON ({e})") from None


def _check_loads(schema_type: str, descriptor: Any) -> None:
    if schema_type == "tableschema":
        engine._load_schema(descriptor)
    elif schema_type == "jsonschema":
        import jsonschema
        import jsonschema.validators
        from jsonschema.exceptions import SchemaError

        cls = jsonschema.validators.validator_for(descriptor,
                                                  default=jsonschema.Draft7Validator)
        try:
            cls.check_schema(descriptor)
        except SchemaError as e:
            raise engine.CheckFailed("schema", e.message) from None


def _fetch_version(item: dict[str, Any], url: str, site: str, folder: str) -> None:
    """Every file of one version into ``folder`` (checked, not yet in place)."""
    schema_type = item["schema_type"]
    name = posixpath.basename(urlsplit(url).path)
    if not name or name.startswith("."):
        raise engine.CheckFailed("schema", f"{url}: no file name")
    content = _get(url, site)
    descriptor = _json(content, url)
    files = {name: content}
    if schema_type == "datapackage":
        for res in descriptor.get("resources") or []:
            ref = res.get("schema")
            if isinstance(ref, str):
                path = posixpath.normpath(ref)
                if path.startswith(("/", "..")) or "://" in ref:
                    raise engine.CheckFailed("schema", f"{ref}: outside the package")
                sub = _get(urljoin(url, ref), site)
                _check_loads("tableschema", _json(sub, ref))
                files[path] = sub
            elif isinstance(ref, dict):
                _check_loads("tableschema", ref)
    else:
        _check_loads(schema_type, descriptor)
    for path, data in files.items():
        target = os.path.join(folder, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)


def _version_url(item: dict[str, Any], version: str) -> str:
    for found in item.get("versions") or []:
        if isinstance(found, dict) and found.get("version_name") == version \
                and found.get("schema_url"):
            return str(found["schema_url"])
    return str(item.get("schema_url") or "")


def _write_list(root: str, rows: dict[str, dict[str, str]]) -> None:
    handle, temp = tempfile.mkstemp(dir=root, prefix=".scdl-schemas-", suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
        fields: list[str] = list(schema_registry.LIST_FIELDS)
        writer = csv.DictWriter(f, fieldnames=fields,
                                extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows.values())
    os.replace(temp, os.path.join(root, schema_registry.LIST_NAME))


def update(catalog_url: str = "") -> list[str]:
    """Fetch the newer versions; lines saying what was done (one per schema)."""
    from ckanext.metropole.harvest import fetch

    root = schema_registry.update_dir()
    if not root:
        raise UpdateFailed("no directory: set ckanext.metropole.schemas.directory "
                           "or ckan.storage_path")
    catalog_url = catalog_url or settings.catalog_url()
    site = urlsplit(catalog_url).netloc
    try:
        catalog = _json(fetch.fetch(catalog_url, _limits()).content, catalog_url)
    except (fetch.FetchError, engine.CheckFailed) as e:
        raise UpdateFailed(f"{fetch.redact(catalog_url)}: {e}") from None
    items = {s.get("name"): s for s in (catalog.get("schemas") or [])
             if isinstance(s, dict)} if isinstance(catalog, dict) else {}
    if not items:
        raise UpdateFailed(f"{fetch.redact(catalog_url)}: no schema listed")
    os.makedirs(root, exist_ok=True)
    listed = os.path.join(root, schema_registry.LIST_NAME)
    rows = {r["id"]: r for r in schema_registry.read_list(listed)} \
        if os.path.isfile(listed) else {}
    report = []
    for schema_id, entry in schema_registry.entries().items():
        item = items.get(schema_id)
        version = str((item or {}).get("latest_version") or "")
        if item is None or not version or "/" in version or version.startswith("."):
            report.append(f"{schema_id}: not in the catalogue, kept")
            continue
        if item.get("schema_type") not in schema_registry.CHECKED_TYPES:
            report.append(f"{schema_id}: {item.get('schema_type')} cannot be checked, kept")
            continue
        url = _version_url(item, version)
        if version not in entry.versions:
            final = os.path.join(root, schema_registry.folder_name(schema_id), version)
            temp = tempfile.mkdtemp(dir=root, prefix=".version-")
            try:
                _fetch_version(item, url, site, temp)
            except engine.CheckFailed as e:
                shutil.rmtree(temp, ignore_errors=True)
                report.append(f"{schema_id} {version}: not updated ({e.detail})")
                continue
            os.makedirs(os.path.dirname(final), exist_ok=True)
            shutil.rmtree(final, ignore_errors=True)
            os.replace(temp, final)
            report.append(f"{schema_id}: {version} added (was {entry.latest})")
        else:
            report.append(f"{schema_id}: {version} already there")
        rows[schema_id] = {
            "id": schema_id, "title": str(item.get("title") or entry.title),
            "latest_version": version, "schema_url": url,
            "schema_url_latest_alias": str(item.get("schema_url") or url),
            "schema_type": str(item["schema_type"]),
            "homepage": str(item.get("homepage") or entry.homepage)}
    _write_list(root, rows)
    schema_registry.forget()
    return report
