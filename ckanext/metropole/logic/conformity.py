"""Is a resource valid against the schema its dataset declares? One fact.

The background check (:mod:`ckanext.metropole.validation`) writes reports;
everything that *uses* the answer asks this module: the publication gate,
the DCAT feeds (``dct:conformsTo`` of a distribution only when valid), the
badge and the facet "Conformité au schéma", the communes' figures and the
metadata quality score (:func:`is_valid_against_schema`).

A resource is *subject* to the check when it or its dataset declares a SCDL
schema of the registry that can be checked (Table Schema, data package,
JSON Schema) and its format suits it (CSV for tables, JSON/GeoJSON for JSON
Schema; any format when the resource itself declares the schema). A report
counts only for the file and the schema it was made for: a new upload, a new
URL or another declared schema or version makes it stale (the resource is
then *pending* until its new check ends).
"""
from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any, Iterable

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.metropole import schema_registry
from ckanext.metropole.logic.values import as_text
from ckanext.metropole.model.validation import schema_validation

INDEX_FIELD = "metropole_schema_conformity"
# dataset-level values of the facet
CONFORME, NON_CONFORME, NON_VERIFIE = "conforme", "non_conforme", "non_verifie"
# resource-level states
VALID, INVALID, PENDING, FAILED, UNCHECKABLE = (
    "valid", "invalid", "pending", "failed", "uncheckable")
TABLE_FORMATS = ("CSV",)
JSON_FORMATS = ("JSON", "GEOJSON")


@dataclasses.dataclass(frozen=True)
class Declared:
    """The schema a resource must follow (version "": the latest known)."""

    schema_id: str
    version: str
    explicit: bool  # declared on the resource itself

    def schema(self) -> schema_registry.Schema | None:
        return schema_registry.get(self.schema_id, self.version)


def declared(res: dict[str, Any], pkg: dict[str, Any]) -> Declared | None:
    """The SCDL schema ``res`` declares, else its dataset's; None without one."""
    entries = schema_registry.entries()
    own = as_text(res.get("conforms_to"))
    if own:
        return Declared(own, as_text(res.get("schema_version")), True) \
            if own in entries else None
    inherited = as_text(pkg.get("conforms_to"))
    if inherited in entries:
        return Declared(inherited, as_text(pkg.get("schema_version")), False)
    return None


def _format(res: dict[str, Any]) -> str:
    fmt = as_text(res.get("format")).upper().lstrip(".")
    if not fmt:
        path = as_text(res.get("url")).split("?", 1)[0].rsplit("/", 1)[-1]
        fmt = path.rsplit(".", 1)[-1].upper() if "." in path else ""
    return fmt


def subject(res: dict[str, Any], pkg: dict[str, Any]) -> Declared | None:
    """The schema ``res`` is checked against, None when it is not checked."""
    found = declared(res, pkg)
    if found is None:
        return None
    entry = schema_registry.entries()[found.schema_id]
    if entry.schema_type not in schema_registry.CHECKED_TYPES:
        return found  # declared, but the check is impossible (uncheckable)
    if found.explicit:
        return found
    formats = JSON_FORMATS if entry.schema_type == "jsonschema" else TABLE_FORMATS
    return found if _format(res) in formats else None


def checkable(found: Declared) -> bool:
    schema = found.schema()
    return schema is not None and schema.checked


def _moment(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat()
    text = str(value)
    try:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=None).isoformat()
    except ValueError:
        return text


def resource_key(res: dict[str, Any], found: Declared) -> str:
    """What a report is about: the schema (and declared version), the file.

    An uploaded file is named by its file name and upload time (the dataset
    dicts hold the download URL, the database the file name); a linked file
    by its URL."""
    url = as_text(res.get("url"))
    if as_text(res.get("url_type")) == "upload":
        url = url.rsplit("/", 1)[-1]
    return (f"{found.schema_id}@{found.version or '*'}|{url}|"
            f"{_moment(res.get('last_modified'))}")


def rows_for(package_ids: Iterable[str]) -> dict[str, Any]:
    """The stored rows of these datasets' resources, by resource id."""
    ids = [i for i in package_ids if i]
    if not ids:
        return {}
    query = sa.select(schema_validation).where(schema_validation.c.package_id.in_(ids))
    return {row.resource_id: row for row in model.Session.execute(query)}


def state(res: dict[str, Any], pkg: dict[str, Any], row: Any) -> str | None:
    """``valid``, ``invalid``, ``pending``, ``failed``, ``uncheckable`` or None
    (no schema to follow) for the resource's current file."""
    found = subject(res, pkg)
    if found is None:
        return None
    if not checkable(found):
        return UNCHECKABLE
    key = resource_key(res, found)
    if row is not None and row.resource_key == key and row.status in (VALID, INVALID):
        return row.status
    if row is not None and row.attempt_key == key and row.attempt_error \
            and row.queued_key != key:
        return FAILED
    return PENDING


def _package_fields(package_id: str) -> dict[str, Any]:
    pkg = model.Package.get(package_id)
    if pkg is None:
        return {}
    extras = pkg.extras
    return {"id": pkg.id, "conforms_to": extras.get("conforms_to"),
            "schema_version": extras.get("schema_version")}


def is_valid_against_schema(resource: dict[str, Any],
                            package: dict[str, Any] | None = None) -> bool:
    """True when the resource's current file was found valid against the
    schema it (or its dataset) declares. ``package``: its dataset's dict
    when the caller has it (saves a query)."""
    pkg = package if package is not None else \
        _package_fields(as_text(resource.get("package_id")))
    if subject(resource, pkg) is None:
        return False
    row = rows_for([as_text(resource.get("package_id")) or as_text(pkg.get("id"))]
                   ).get(as_text(resource.get("id")))
    return state(resource, pkg, row) == VALID


def resource_states(pkg: dict[str, Any], rows: dict[str, Any] | None = None
                    ) -> dict[str, str]:
    """The state of each resource that has a schema to follow, by id."""
    resources = pkg.get("resources") or []
    if not any(subject(r, pkg) for r in resources):
        return {}
    if rows is None:
        rows = rows_for([as_text(pkg.get("id"))])
    out = {}
    for res in resources:
        found = state(res, pkg, rows.get(as_text(res.get("id"))))
        if found is not None:
            out[as_text(res.get("id"))] = found
    return out


def valid_schemas(pkg: dict[str, Any]) -> dict[str, schema_registry.Schema]:
    """For each resource valid against its schema: the version it was checked against."""
    states = resource_states(pkg)
    valid = [i for i, s in states.items() if s == VALID]
    if not valid:
        return {}
    rows = rows_for([as_text(pkg.get("id"))])
    out = {}
    for res_id in valid:
        row = rows[res_id]
        schema = schema_registry.get(row.schema_id, row.schema_version)
        if schema is not None:
            out[res_id] = schema
    return out


def dataset_status(pkg: dict[str, Any], states: dict[str, str] | None = None
                   ) -> str | None:
    """``conforme`` (every checked resource valid), ``non_conforme`` (one is
    invalid), ``non_verifie`` (a SCDL schema is declared, nothing proven
    yet) or None (no SCDL schema declared)."""
    if states is None:
        states = resource_states(pkg)
    if INVALID in states.values():
        return NON_CONFORME
    if states and all(s == VALID for s in states.values()):
        return CONFORME
    resources = pkg.get("resources") or []
    if states or as_text(pkg.get("conforms_to")) in schema_registry.entries() \
            or any(declared(r, pkg) for r in resources):
        return NON_VERIFIE
    return None


def index_field(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the dataset's conformity to its search document (the facet).

    CKAN removes the resources from the document before the plugins see it;
    they are read from the validated dataset it keeps as JSON."""
    pkg = pkg_dict
    if "resources" not in pkg_dict and pkg_dict.get("validated_data_dict"):
        try:
            pkg = json.loads(pkg_dict["validated_data_dict"])
        except (TypeError, ValueError):
            pkg = pkg_dict
    status = dataset_status(pkg)
    if status:
        pkg_dict[INDEX_FIELD] = status
    return pkg_dict


def gate_mode() -> str:
    """``block`` (default) or ``warn`` (``ckanext.metropole.validation.gate``)."""
    value = as_text(tk.config.get("ckanext.metropole.validation.gate")) or "block"
    return value if value in ("block", "warn") else "block"


def stored_resource(res: Any) -> dict[str, Any]:
    """The fields of a resource (model object) the check and its key use."""
    return {"id": res.id, "package_id": res.package_id, "url": res.url,
            "url_type": res.url_type, "format": res.format,
            "last_modified": res.last_modified, "name": res.name,
            "conforms_to": res.extras.get("conforms_to"),
            "schema_version": res.extras.get("schema_version")}


def with_stored_resources(pkg: dict[str, Any]) -> dict[str, Any]:
    """``pkg`` with the dataset's stored resources it does not list.

    The dataset validator sees only the resources a save changes (CKAN 2.12
    validates the unchanged ones no more; an update without ``resources``
    keeps them): the files already stored count too."""
    stored = model.Package.get(as_text(pkg.get("id"))) if pkg.get("id") else None
    if stored is None:
        return pkg
    listed = {as_text(r.get("id")) for r in pkg.get("resources") or [] if r.get("id")}
    extra = [stored_resource(r) for r in stored.resources
             if r.state == "active" and r.id not in listed]
    return dict(pkg, resources=list(pkg.get("resources") or []) + extra) if extra else pkg


def publication_errors(pkg: dict[str, Any]) -> dict[str, list[str]]:
    """The gate's rule: no publication while a resource is invalid against
    the schema the dataset declares (a warning only with ``gate = warn``).
    A check still running does not hold the publication back."""
    if gate_mode() != "block":
        return {}
    pkg = with_stored_resources(pkg)
    states = resource_states(pkg)
    invalid = [r for r in pkg.get("resources") or []
               if states.get(as_text(r.get("id"))) == INVALID]
    if not invalid:
        return {}
    names = ", ".join(as_text(r.get("name"))
                      or as_text(r.get("url")).split("?", 1)[0].rsplit("/", 1)[-1]
                      or as_text(r.get("id")) for r in invalid)
    found = subject(invalid[0], pkg)
    schema = found.schema() if found else None
    return {"conforms_to": [tk._(
        "Conforms to: these files do not follow the schema {schema}: {resources}; "
        "correct them (see the validation report on each file's page) before the "
        "dataset is published").format(
            schema=schema.label if schema else (found.schema_id if found else ""),
            resources=names)]}
