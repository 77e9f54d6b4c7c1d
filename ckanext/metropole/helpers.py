"""Template helpers of the ``metropole`` plugin (registered by tk.blanket.helpers).

The ``*_choices`` helpers feed scheming's ``choices_helper``: labels are
``{fr, en}`` dicts that scheming shows in the language of the request.
"""
from __future__ import annotations

import json
import unicodedata
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


def _collation_key(text: str) -> tuple[str, str]:
    """French dictionary order: accents and case count only to break ties.

    Sorting by code point put "Fénay" after "Fontaine-lès-Dijon" and every
    "É" after "Z".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (base.casefold().replace("-", " ").replace("'", " "), text)


def _choices(entries: dict[str, dict[str, Any]],
             order: list[str] | None = None) -> list[dict[str, Any]]:
    """Choices in the given order of codes, else by the label in the request's language."""
    codes = list(entries)
    if order is not None:
        rank = {code: i for i, code in enumerate(order)}
        codes.sort(key=lambda code: rank.get(code, len(rank)))
    else:
        language = vocab.lang()
        codes.sort(key=lambda code: _collation_key(entries[code][language]))
    return [{"value": code, "label": {"fr": entries[code]["fr"], "en": entries[code]["en"]}}
            for code in codes]


# EU frequencies from the most to the least frequent, then those without a
# period (the EU list is sorted by code: "10MIN" before "1MIN", "ANNUAL" first).
FREQUENCY_ORDER = [
    "CONT", "UPDATE_CONT", "1MIN", "5MIN", "10MIN", "15MIN", "30MIN", "HOURLY",
    "BIHOURLY", "TRIHOURLY", "12HRS", "DAILY_2", "DAILY", "WEEKLY_3", "WEEKLY_2",
    "WEEKLY", "BIWEEKLY", "MONTHLY_3", "MONTHLY_2", "MONTHLY", "BIMONTHLY",
    "QUARTERLY", "ANNUAL_3", "ANNUAL_2", "ANNUAL", "BIENNIAL", "TRIENNIAL",
    "QUADRENNIAL", "QUINQUENNIAL", "DECENNIAL", "BIDECENNIAL", "TRIDECENNIAL",
    "IRREG", "AS_NEEDED", "NOT_PLANNED", "NEVER", "OTHER", "UNKNOWN",
]


def metropole_theme_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.themes())


def metropole_frequency_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.frequencies(), FREQUENCY_ORDER)


def metropole_file_type_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.file_types())


def metropole_scdl_choices(field: Any = None) -> list[dict[str, Any]]:
    return _choices(vocab.scdl_schemas())


def metropole_licence_choices(field: Any = None) -> list[dict[str, Any]]:
    entries = {k: v for k, v in vocab.licences().items() if k in vocab.ALLOWED_LICENCES}
    # the recommended licence first
    return _choices(entries, [vocab.LICENCE_ETALAB])


def metropole_commune_choices(field: Any = None) -> list[dict[str, Any]]:
    return [{"value": c.code, "label": c.name}
            for c in sorted(territory.current().communes, key=lambda c: _collation_key(c.name))]


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
    # ``lang``: the title's own language when it differs from the page's
    # (the ODbL has no French name: RGAA 8.7 asks for lang="en" on it)
    english_only = as_text(license_id) in vocab.ENGLISH_ONLY_LICENCES
    return {"title": entry[vocab.lang()], "url": entry["url"],
            "legacy": license_id == vocab.LICENCE_LEGACY,
            "lang": "en" if english_only and vocab.lang() != "en" else ""}


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


def _contours(places: list[Any]) -> str:
    features = [{"type": "Feature", "properties": {"name": p.name, "insee_code": p.code},
                 "geometry": p.contour} for p in places if p and p.contour]
    return json.dumps({"type": "FeatureCollection", "features": features})


def metropole_coverage_geojson(pkg: dict[str, Any]) -> str:
    """Contours of the covered communes (all of them for the whole territory)."""
    terr = territory.current()
    codes = as_list(pkg.get("spatial_communes")) \
        if pkg.get("spatial_coverage") == "communes" else []
    return _contours([terr.commune(c) for c in codes] if codes else list(terr.communes))


def metropole_organization_geojson(organization: dict[str, Any]) -> str:
    """The commune's contour (every commune's for the métropole); empty for
    the other organizations (national producers, retired communes)."""
    terr = territory.current()
    kind = as_text(organization.get("kind"))
    if kind == "metropole":
        return _contours(list(terr.communes))
    commune = terr.commune(as_text(organization.get("insee_code"))) \
        if kind == "commune" else None
    return _contours([commune]) if commune and commune.contour else ""


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
    from ckanext.metropole.committee import labels as committee_labels

    return committee_labels.label(kind, value)


def metropole_committee_criteria() -> list[dict[str, str]]:
    from ckanext.metropole.committee import labels as committee_labels

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


def metropole_activity_type_label(code: str) -> str:
    """An activity type ("new package") in the page's language."""
    from ckanext.metropole import wording

    return wording.activity_type(as_text(code))


def metropole_dataset_state_label(code: str) -> str:
    from ckanext.metropole import wording

    return wording.dataset_state(as_text(code))


def metropole_error_page(code: Any, name: str, content: Any) -> dict[str, Any]:
    """Title and text of an error page in the page's language (Werkzeug's are English)."""
    from ckanext.metropole import wording

    return wording.error_page(code, name, content)


def metropole_about() -> dict[str, Any]:
    """What the /about page states: the territory, the committee's colleges."""
    import datetime

    from ckanext.metropole.committee import settings as committee_settings

    terr = territory.current()
    seats = committee_settings.seats()
    return {"title": metropole_config.portal_title(), "metropole": terr.metropole.name,
            "communes": len(terr.communes), "seats": seats, "members": sum(seats.values()),
            "year": datetime.date.today().year}


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
