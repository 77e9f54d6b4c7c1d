"""Template helpers of the ``metropole`` plugin (registered by tk.blanket.helpers).

The ``*_choices`` helpers feed scheming's ``choices_helper``: labels are
``{fr, en}`` dicts that scheming shows in the language of the request.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole import config as metropole_config
from ckanext.metropole import territory, vocab
from ckanext.metropole.logic.values import as_list, as_text


def metropole_portal_title() -> str:
    return metropole_config.portal_title()


def metropole_map_tiles_url() -> str:
    return metropole_config.map_tiles_url()


def metropole_map_attribution() -> str:
    return metropole_config.map_attribution()


def _choices(entries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"value": code, "label": {"fr": e["fr"], "en": e["en"]}}
            for code, e in entries.items()]


def metropole_theme_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.themes())


def metropole_frequency_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.frequencies())


def metropole_file_type_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.file_types())


def metropole_scdl_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.scdl_schemas())


def metropole_licence_choices(field: Any = None) -> list[dict[str, Any]]:
    entries = {k: v for k, v in vocab.licences().items() if k in vocab.ALLOWED_LICENCES}
    return _choices(entries)


def metropole_commune_choices(field: Any = None) -> list[dict[str, Any]]:
    return [{"value": c.code, "label": c.name}
            for c in sorted(territory.current().communes, key=lambda c: c.name)]


def metropole_place_choices(field: Any = None) -> list[dict[str, Any]]:
    met = territory.current().metropole
    return [{"value": met.code, "label": met.name}] + metropole_commune_choices(field)


def metropole_place_name(code: str) -> str:
    place = territory.current().place(as_text(code))
    return place.name if place else as_text(code)


def metropole_licence(license_id: str) -> dict[str, str] | None:
    """Title (in the request's language) and URL of a licence, with the legacy flag."""
    entry = vocab.licences().get(as_text(license_id))
    if entry is None:
        return None
    return {"title": entry[vocab.lang()], "url": entry["url"],
            "legacy": license_id == vocab.LICENCE_LEGACY}


def metropole_conforms_to(value: str) -> dict[str, str] | None:
    text = as_text(value)
    if not text:
        return None
    scdl = vocab.scdl_schemas().get(text)
    if scdl:
        return {"title": scdl["fr"], "url": scdl["url"]}
    return {"title": text, "url": text}


def metropole_label(vocabulary: str, code: str) -> str:
    entries = {"theme": vocab.themes, "frequency": vocab.frequencies,
               "format": vocab.file_types}[vocabulary]()
    return vocab.label(entries, as_text(code))


def metropole_coverage_geojson(pkg: dict[str, Any]) -> str:
    """Contours of the covered communes (all of them for the whole territory)."""
    terr = territory.current()
    codes = as_list(pkg.get("spatial_communes")) \
        if pkg.get("spatial_coverage") == "communes" else []
    places = [terr.commune(c) for c in codes] if codes else list(terr.communes)
    features = [{"type": "Feature", "properties": {"name": p.name, "insee_code": p.code},
                 "geometry": p.contour} for p in places if p and p.contour]
    return json.dumps({"type": "FeatureCollection", "features": features})


def metropole_list(value: Any) -> list[str]:
    return as_list(value)


def metropole_look() -> dict[str, Any]:
    """Title, logo, colours and footer text of the portal (``ckanext.metropole.*``)."""
    from ckanext.metropole import look

    return look.look()


def metropole_accessibility_mention() -> str:
    from ckanext.metropole import look

    return look.accessibility_mention()


def metropole_accessibility() -> dict[str, Any]:
    """What the /accessibilite declaration states."""
    from ckanext.metropole import look

    return {"state": look.compliance_label(),
            "compliance": metropole_config.accessibility_compliance(),
            "audit_date": metropole_config.accessibility_audit_date(),
            "contact": metropole_config.accessibility_contact()}


def metropole_home_figures() -> dict[str, Any]:
    from ckanext.metropole import home

    return home.figures()


def metropole_calendar_url() -> str:
    from ckanext.metropole import look

    return look.calendar_url()


def metropole_committee_label(kind: str, value: Any) -> str:
    """Label of a committee code: state, avis, event, college, role, criterion..."""
    from ckanext.metropole import committee_labels

    return committee_labels.label(kind, value)


def metropole_committee_criteria() -> list[dict[str, str]]:
    from ckanext.metropole import committee_labels

    return committee_labels.criteria_choices()


def metropole_harvest_provenance(pkg: dict[str, Any]) -> dict[str, str]:
    """Where a harvested dataset comes from (empty for the portal's own)."""
    from ckanext.metropole.logic import external

    return external.provenance(pkg)


def metropole_organization_info(org_id: str) -> dict[str, Any]:
    """The organization a dataset page shows in its side column, once per request.

    CKAN's ``h.get_organization`` runs a full ``organization_show``: a live
    count of the organization's datasets and of its followers, which that
    side column does not show (``show_nums=false``), and CKAN's page.html
    renders the side column twice (once to know whether it is empty). Nothing
    is kept past the request.
    """
    from flask import g

    kept = g.setdefault("metropole_organization_info", {})
    if org_id not in kept:
        try:
            kept[org_id] = tk.get_action("organization_show")({}, {
                "id": org_id, "include_datasets": False, "include_dataset_count": False,
                "include_followers": False, "include_users": False, "include_tags": False,
                "include_groups": False})
        except (tk.ObjectNotFound, tk.ValidationError, tk.NotAuthorized):
            kept[org_id] = {}
    return kept[org_id]
