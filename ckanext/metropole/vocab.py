"""Controlled vocabularies shipped in ``data/vocabularies/`` (read once).

Labels are kept in both languages; :func:`label` picks the one of the
current request (French outside a request, the portal's default locale).
"""
from __future__ import annotations

import csv
import functools
import os
from typing import Any

import ckan.plugins.toolkit as tk

DATA_DIR = os.path.join(os.path.dirname(__file__), "data", "vocabularies")

# Licences a public body may use without homologation (décret 2017-638).
LICENCE_ETALAB = "etalab-2.0"
LICENCE_ODBL = "odc-odbl"
LICENCE_LEGACY = "fr-lo"  # Licence Ouverte 1.0: kept only for datasets already using it
ALLOWED_LICENCES = (LICENCE_ETALAB, LICENCE_ODBL)
# Licences whose only official name is English (Open Data Commons publishes no French one).
ENGLISH_ONLY_LICENCES = (LICENCE_ODBL,)
# data.gouv.fr calls Licence Ouverte 2.0 "lov2"; the portal uses its SPDX id.
_LICENCE_IDS = {"lov2": LICENCE_ETALAB, "fr-lo": LICENCE_LEGACY, "odc-odbl": LICENCE_ODBL}
# English titles the feeds write. udata maps a licence by its rdfs:label in
# its default language, and "Etalab Open License 2.0" (SPDX's name) is none of
# its titles: "Open Licence version 2.0" is one of lov2's; ODbL's English title
# is the one data.gouv.fr and CKAN's default register both use.
_ENGLISH_TITLES = {LICENCE_ETALAB: "Open Licence version 2.0",
                   LICENCE_ODBL: "Open Data Commons Open Database License (ODbL)"}
# The EU licence vocabulary (data.europa.eu's MQA gives its "known licence"
# points only to these URIs); Licence Ouverte 1.0 has no entry there.
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"

# Opening statuses of a dataset (``opening_status``, schemas/dataset.yaml):
# only an *ouvert* dataset may be published; a *planifié* one is announced
# in the inventory and the opening calendar.
OPENING_INVENTORIED = "inventorie"
OPENING_PLANNED = "planifie"
OPENING_UNDER_REVIEW = "en_examen"
OPENING_OPEN = "ouvert"
OPENING_NOT_OPENABLE = "non_ouvrable"
OPENING_STATUSES = (OPENING_INVENTORIED, OPENING_PLANNED, OPENING_UNDER_REVIEW,
                    OPENING_OPEN, OPENING_NOT_OPENABLE)


def _rows(name: str) -> list[dict[str, str]]:
    with open(os.path.join(DATA_DIR, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def lang() -> str:
    try:
        return "en" if tk.h.lang() == "en" else "fr"
    except (RuntimeError, AttributeError, TypeError):
        return "fr"


@functools.cache
def themes() -> dict[str, dict[str, str]]:
    return {r["code"]: {"fr": r["label_fr"], "en": r["label_en"], "uri": r["uri"]}
            for r in _rows("eu-data-theme.csv")}


@functools.cache
def frequencies() -> dict[str, dict[str, str]]:
    return {r["code"]: {"fr": r["label_fr"], "en": r["label_en"], "uri": r["uri"]}
            for r in _rows("eu-frequency.csv")}


@functools.cache
def file_types() -> dict[str, dict[str, str]]:
    """Non-deprecated EU file types; ``media_type`` is the first IANA type."""
    return {r["code"]: {"fr": r["label_fr"], "en": r["label_en"], "uri": r["uri"],
                        "media_type": r["media_type"].split("|")[0]}
            for r in _rows("eu-file-type.csv") if r["deprecated"] != "true"}


@functools.cache
def licences() -> dict[str, dict[str, Any]]:
    """``url``: the licence's page (forms, dataset pages); ``uri``: what the
    feeds write, its EU vocabulary URI when it has one; ``alternates``: every
    other URI naming it."""
    out = {}
    for r in _rows("licences.csv"):
        code = _LICENCE_IDS[r["id"]]
        alternates = [u for u in r["alternate_uris"].split("|") if u]
        eu = next((u for u in alternates if u.startswith(EU_LICENCE)), "")
        out[code] = {"fr": r["title_fr"], "en": _ENGLISH_TITLES.get(code, r["title_en"]),
                     "url": r["uri"], "uri": eu or r["uri"],
                     "alternates": tuple(u for u in [r["uri"], *alternates] if u != eu)}
    return out


def scdl_schemas() -> dict[str, dict[str, str]]:
    """The SCDL schemas of the registry (shipped, and fetched by ``schemas update``)."""
    from ckanext.metropole import schema_registry

    return {e.id: {"fr": e.title, "en": e.title, "url": e.url, "homepage": e.homepage}
            for e in schema_registry.entries().values()}


def file_type_code(value: str) -> str | None:
    """The EU code of a format as users type it ("csv", "GeoJSON", "CSV")."""
    code = (value or "").strip().upper().replace("-", "_").replace(" ", "_")
    return code if code in file_types() else None


def label(entries: dict[str, dict[str, Any]], code: str) -> str:
    entry = entries.get(code)
    return entry[lang()] if entry else code
