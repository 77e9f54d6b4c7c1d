"""Template helpers of the ``metropole`` plugin (registered by tk.blanket.helpers).

The ``*_choices`` helpers feed scheming's ``choices_helper``: labels are
``{fr, en}`` dicts that scheming shows in the language of the request.
"""
from __future__ import annotations

import json
from typing import Any

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


# ---------------------------------------------------------------- schema validation, communes

def metropole_validation(res: dict[str, Any], pkg: dict[str, Any]) -> dict[str, Any] | None:
    """The validation report of a resource as its page shows it (None: no schema)."""
    from ckanext.metropole.validation import views as validation_views

    return validation_views.summary(res, pkg)


def metropole_schema_badge(pkg: dict[str, Any]) -> dict[str, str] | None:
    """"Conforms to the schema X (version)" (or not) for a dataset."""
    from ckanext.metropole.validation import views as validation_views

    return validation_views.dataset_badge(pkg)


def metropole_validation_kind(kind: str) -> str:
    from ckanext.metropole.validation import messages

    return messages.kind_label(kind)


def metropole_commune_row(organization: dict[str, Any]) -> dict[str, Any] | None:
    """The commune's row of ``/communes`` (None for other organizations)."""
    from ckanext.metropole.communes import figures

    return figures.commune_row(organization)


def metropole_obligation_label(code: str) -> str:
    from ckanext.metropole.communes import obligations

    return obligations.label(code)


def metropole_priorities() -> list[Any]:
    from ckanext.metropole.communes import figures

    return list(figures.PRIORITIES)


def metropole_priority_status_label(code: str) -> str:
    from ckanext.metropole.communes import figures

    return figures.status_label(code)


def metropole_partnership_label(code: str) -> str:
    """Label of an organization's partnership status (scheming's choice)."""
    import ckan.plugins.toolkit as tk

    schema = tk.h.scheming_get_organization_schema("organization") or {}
    for field in schema.get("fields", []):
        if field["field_name"] == "partnership_status":
            for choice in field.get("choices", []):
                if choice["value"] == code:
                    return tk.h.scheming_language_text(choice["label"])
    return code
# ---------------------------------------------------------------- metadata quality

def metropole_quality(pkg: dict[str, Any]) -> Any:
    """The dataset's metadata quality score (``quality.Score``)."""
    from ckanext.metropole import quality

    return quality.score(pkg)


def metropole_quality_labels() -> dict[str, dict[str, str]]:
    """Translated names of the indicators, dimensions and ratings."""
    import ckan.plugins.toolkit as tk

    from ckanext.metropole import quality

    return {
        "indicators": {i.id: tk._(i.label) for i in quality.INDICATORS},
        "dimensions": {"findability": tk._("Findability"),
                       "accessibility": tk._("Accessibility"),
                       "interoperability": tk._("Interoperability"),
                       "reusability": tk._("Reusability"),
                       "contextuality": tk._("Contextuality")},
        "ratings": {"excellent": tk._("Excellent"), "good": tk._("Good"),
                    "sufficient": tk._("Sufficient"), "bad": tk._("Bad")},
    }


def metropole_organization_quality(organization: dict[str, Any]) -> dict[str, Any] | None:
    """Scores of an organization's published datasets: count, mean, ratings."""
    import ckan.plugins.toolkit as tk

    if not organization.get("id"):
        return None
    figures = tk.get_action("metropole_quality_summary")(
        {"ignore_auth": True}, {"organization": organization["id"]})
    return figures if figures["count"] else None
