"""High-value datasets (EU implementing regulation 2023/138).

A dataset is a *high-value dataset* (HVD) when it has one or more categories
of the EU vocabulary (``vocab.hvd_categories``); its applicable legislation is
then the regulation's ELI, set by the schema, never typed. The regulation asks
an HVD to be available under CC BY 4.0 or an equivalent or more permissive
licence, as a bulk download in a machine-readable format and through an API:
:func:`conditions` says which of the three a dataset meets, the publication
gate (``logic.gate``) refuses to publish one that misses any, and the
committee, ``/hvd`` and the feeds read the same answers.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole import vocab
from ckanext.metropole.logic.values import as_list, as_text

LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
SCHEME = "http://data.europa.eu/bna/asd487ae75"
# CC BY 4.0 or equivalent: Licence Ouverte 2.0 asks only for attribution.
# ODbL's share-alike is a condition the regulation does not allow.
LICENCES = (vocab.LICENCE_ETALAB,)
# EU file types software reads without a person (data, not documents or images)
MACHINE_READABLE = frozenset((
    "CSV", "TSV", "JSON", "JSON_LD", "GEOJSON", "XML", "RDF", "RDF_XML", "RDF_TURTLE",
    "RDF_N_TRIPLES", "RDF_N_QUADS", "RDF_TRIG", "N3", "GML", "KML", "KMZ", "GPX",
    "SHP", "GPKG", "GDB", "DBF", "XLSX", "XLS", "ODS", "PARQUET", "NETCDF", "HDF",
    "GEOTIFF", "GRID", "GRID_ASCII", "LAS", "LAZ", "GTFS", "SDMX", "YAML", "ARROW_FILE",
    "MIF_MID", "TAB", "DXF", "SQL",
))
# resource field ``access_kind``: a file (default) or the producer's own API
API = "api"
CONDITIONS = ("licence", "bulk_download", "api")


def categories(pkg: dict[str, Any]) -> list[str]:
    known = vocab.hvd_categories()
    return [c for c in as_list(pkg.get("hvd_category")) if c in known]


def is_hvd(pkg: dict[str, Any]) -> bool:
    return bool(categories(pkg))


def top_categories(pkg: dict[str, Any]) -> list[str]:
    """The regulation's categories (top level) of the dataset's categories."""
    return list(dict.fromkeys(vocab.hvd_top(c) for c in categories(pkg)))


def is_declared_api(res: dict[str, Any]) -> bool:
    return as_text(res.get("access_kind")) == API


def has_datastore_api(res: dict[str, Any]) -> bool:
    """The resource's table is loaded: the DataStore API serves it."""
    return tk.asbool(res.get("datastore_active") or False)


def is_bulk_download(res: dict[str, Any]) -> bool:
    return (not is_declared_api(res) and bool(as_text(res.get("url")))
            and vocab.file_type_code(as_text(res.get("format"))) in MACHINE_READABLE)


def _resources(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The dataset's resources, with what is stored and a save does not send:
    a table's ``datastore_active`` (set by the loader), the resources an
    update leaves out (CKAN 2.12 validates only the changed ones)."""
    listed = [dict(r) for r in pkg.get("resources") or [] if r.get("state") != "deleted"]
    stored = model.Package.get(as_text(pkg.get("id"))) if pkg.get("id") else None
    if stored is None:
        return listed
    by_id = {r.id: r for r in stored.resources if r.state == "active"}
    for res in listed:
        row = by_id.get(as_text(res.get("id")))
        if row is not None and "datastore_active" not in res:
            res["datastore_active"] = row.extras.get("datastore_active")
    ids = {as_text(r.get("id")) for r in listed}
    for row in by_id.values():
        if row.id not in ids:
            listed.append({"id": row.id, "url": row.url, "format": row.format,
                           "name": row.name, **row.extras})
    return listed


def conditions(pkg: dict[str, Any]) -> dict[str, bool]:
    """Which of the regulation's conditions the dataset meets."""
    resources = _resources(pkg)
    return {
        "licence": as_text(pkg.get("license_id")) in LICENCES,
        "bulk_download": any(is_bulk_download(r) for r in resources),
        "api": any(is_declared_api(r) or has_datastore_api(r) for r in resources),
    }


def missing_messages(pkg: dict[str, Any]) -> dict[str, str]:
    """What the dataset lacks, by condition, in the request's language."""
    met = conditions(pkg)
    messages = {
        "licence": tk._(
            "High-value dataset: the regulation requires a licence as permissive as "
            "CC BY 4.0, Licence Ouverte 2.0 here; ODbL's share-alike condition is not "
            "allowed for a high-value dataset"),
        "bulk_download": tk._(
            "High-value dataset: at least one file for bulk download in a "
            "machine-readable format (CSV, JSON, GeoJSON…) is required"),
        "api": tk._(
            "High-value dataset: at least one API is required: load a table into the "
            "DataStore (its API then counts) or declare the producer's API as a resource"),
    }
    return {k: v for k, v in messages.items() if not met[k]}


def publication_errors(pkg: dict[str, Any]) -> dict[str, list[str]]:
    """The gate's rule: an HVD is published only when it meets the three conditions."""
    if not is_hvd(pkg):
        return {}
    missing = missing_messages(pkg)
    errors: dict[str, list[str]] = {}
    if "licence" in missing:
        errors["license_id"] = [missing["licence"]]
    others = [missing[k] for k in ("bulk_download", "api") if k in missing]
    if others:
        errors["hvd_category"] = others
    return errors


def category_label(code: str) -> str:
    """The category's label, its top-level category first ("Géospatiales › Adresses")."""
    entries = vocab.hvd_categories()
    top = vocab.hvd_top(code)
    label = vocab.label(entries, code)
    return label if top == code else f"{vocab.label(entries, top)} › {label}"


def status(pkg: dict[str, Any]) -> dict[str, Any]:
    """The HVD status of a dataset, as the committee, ``/hvd`` and the badge show it."""
    if not is_hvd(pkg):
        return {"hvd": False, "categories": [], "top_categories": [], "conditions": {},
                "missing": {}, "complete": False}
    met = conditions(pkg)
    return {"hvd": True, "categories": categories(pkg),
            "labels": [category_label(c) for c in categories(pkg)],
            "top_categories": top_categories(pkg), "conditions": met,
            "missing": missing_messages(pkg), "complete": all(met.values())}
