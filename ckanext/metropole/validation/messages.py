"""Words of the validation report, in the reader's language.

Reports store codes (frictionless' error types, JSON Schema keywords, the
failure codes of :class:`engine.CheckFailed`); the labels are looked up when
the page is drawn, so a report reads in French or English alike.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def kind_label(kind: str) -> str:
    labels = {
        "missing-label": tk._("Missing column"),
        "extra-label": tk._("Unexpected column"),
        "blank-label": tk._("Column without a name"),
        "duplicate-label": tk._("Column named twice"),
        "incorrect-label": tk._("Column named otherwise than in the schema"),
        "missing-cell": tk._("Row shorter than the header"),
        "extra-cell": tk._("Row longer than the header"),
        "blank-row": tk._("Empty row"),
        "type-error": tk._("Value of the wrong type"),
        "constraint-error:required": tk._("Required value missing"),
        "constraint-error:pattern": tk._("Value not in the expected form"),
        "constraint-error:enum": tk._("Value not in the allowed list"),
        "constraint-error:minimum": tk._("Value below the minimum"),
        "constraint-error:maximum": tk._("Value above the maximum"),
        "constraint-error:minLength": tk._("Value too short"),
        "constraint-error:maxLength": tk._("Value too long"),
        "constraint-error:unique": tk._("Value repeated where it must be unique"),
        "unique-error": tk._("Value repeated where it must be unique"),
        "primary-key": tk._("Identifier repeated"),
        "json-required": tk._("Required value missing"),
        "json-enum": tk._("Value not in the allowed list"),
        "json-type": tk._("Value of the wrong type"),
        "json-pattern": tk._("Value not in the expected form"),
        "json-format": tk._("Value not in the expected form"),
        "json-minimum": tk._("Value below the minimum"),
        "json-maximum": tk._("Value above the maximum"),
        "json-minLength": tk._("Value too short"),
        "json-maxLength": tk._("Value too long"),
        "json-additionalProperties": tk._("Unexpected property"),
        "json-oneOf": tk._("Invalid object (geometry or structure)"),
        "json-anyOf": tk._("Invalid object (geometry or structure)"),
    }
    if kind in labels:
        return labels[kind]
    if kind.startswith("constraint-error"):
        return tk._("Constraint of the schema not met")
    return tk._("Other error ({kind})").format(kind=kind)


def failure_message(error: dict[str, Any] | None) -> str:
    """Why the last check could not run (the previous report is kept)."""
    if not error:
        return ""
    code = error.get("code")
    if code == "unreadable":
        return tk._("The file could not be read as a table or a JSON document "
                    "(empty, binary, or in an unknown encoding).")
    if code == "schema":
        return tk._("The schema {schema} {version} could not be loaded.").format(
            schema=error.get("schema") or "", version=error.get("version") or "").strip()
    if code == "timeout":
        return tk._("The check took more than {seconds} seconds and was stopped.").format(
            seconds=error.get("seconds") or "")
    if code == "download":
        return tk._("The file could not be downloaded from {url}.").format(
            url=error.get("url") or "")
    if code == "too_big":
        return tk._("The file is larger than the limit of {size} MB.").format(
            size=error.get("size") or "")
    return tk._("The check stopped unexpectedly.")


def state_label(state: str) -> str:
    return {
        "valid": tk._("Valid"),
        "invalid": tk._("Invalid"),
        "pending": tk._("Check in progress"),
        "failed": tk._("Check failed"),
        "uncheckable": tk._("Cannot be checked automatically"),
    }.get(state, state)


def facet_label(code: str) -> str:
    return {"conforme": tk._("Conforms"), "non_conforme": tk._("Does not conform"),
            "non_verifie": tk._("Not verified")}.get(code, code)
