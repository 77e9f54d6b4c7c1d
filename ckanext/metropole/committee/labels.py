"""Labels of the committee's codes, in the language of the request."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole import facets
from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import reviews as committee_reviews


def event_label(kind: str) -> str:
    return {
        "proposed": tk._("proposed the dataset for opening"),
        "opened": tk._("opened the review"),
        "opinion": tk._("recorded an individual opinion"),
        "avis": tk._("rendered the committee's opinion"),
        "decision": tk._("recorded the decision"),
        "override": tk._("published without the committee (override)"),
        "reopened": tk._("re-opened the review"),
        "legacy": tk._("public before the committee existed"),
    }.get(kind, kind)


def label(kind: str, value: Any) -> str:
    code = "" if value is None else str(value)
    if kind == "state":
        return committee_reviews.state_label(code)
    if kind == "avis":
        return committee_reviews.avis_label(code)
    if kind == "event":
        return event_label(code)
    if kind == "college":
        return committee_members.college_label(code)
    if kind == "role":
        return committee_members.role_label(code)
    if kind == "decision":
        return committee_reviews.state_label(code)
    field = {"criterion": "criteria", "commune": "producing_commune",
             "licence": "license_id", "theme": "theme"}.get(kind)
    return facets.display_name(field, code) if field else code


def criteria_choices() -> list[dict[str, str]]:
    codes = ("transparence", "interet_general", "valorisation", "disponibilite")
    return [{"value": c, "label": label("criterion", c)} for c in codes]
