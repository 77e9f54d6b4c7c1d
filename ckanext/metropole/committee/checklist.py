"""What a proposal to the committee needs, item by item, and what the committee examines.

The checklist reads the refusals the gate computes for a proposal
(``committee.reviews.proposal_errors``, files valid against their schema included):
it adds no rule of its own, it only groups the gate's field errors under
the items a producer recognises (licence, criteria, screening…).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole import vocab
from ckanext.metropole.committee import reviews
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic import external, gate
from ckanext.metropole.logic.values import as_list, as_text

# item code -> the gate's error keys it covers
ITEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("licence", ("license_id", "license_justification")),
    ("criteria", ("criteria",)),
    ("screening", gate.SCREENING_FIELDS),
    ("commune", ("producing_commune",)),
    ("files", (gate.FILES, gate.RESOURCE_URL)),
    ("schema", ("conforms_to",)),
    ("quality", ("quality",)),
)
# where the producer completes each item: the field of the edit form
ANCHORS = {"licence": "field-license_id", "criteria": "field-criteria",
           "screening": "field-screening_personal_data", "commune": "field-producing_commune",
           "schema": "field-conforms_to"}
# the review states in which a proposal makes no sense (already in the process)
BUSY = ("propose", "en_examen", "avis_rendu")


def _label(code: str, pkg: dict[str, Any]) -> str:
    if code == "schema":
        return tk._("Files valid against the schema the dataset declares ({schema})").format(
            schema=as_text(pkg.get("conforms_to")))
    return {
        "licence": tk._("An open licence (Licence Ouverte 2.0, or ODbL with its justification)"),
        "criteria": tk._("At least one priority criterion"),
        "screening": tk._("The confidentiality screening answered, nothing that forbids "
                          "publication"),
        "commune": tk._("The producing commune"),
        "files": tk._("At least one file, at an address the portal accepts"),
        "quality": tk._("The minimum metadata quality score"),
        "other": tk._("Other conditions"),
    }[code]


def items(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The checklist of ``pkg`` (as ``package_show`` returns it): each item
    with ``done`` and, when missing, the gate's messages saying what to do."""
    problems = reviews.proposal_problems(pkg)
    out = []
    covered: set[str] = set()
    for code, keys in ITEMS:
        covered.update(keys)
        if code == "schema" and not as_text(pkg.get("conforms_to")):
            continue  # no schema declared: nothing to be valid against
        if code == "quality" and "quality" not in problems:
            continue  # the site sets no minimum, or the dataset reaches it
        messages = [m for key in keys for m in problems.get(key, [])]
        out.append({"code": code, "label": _label(code, pkg), "done": not messages,
                    "messages": messages, "anchor": ANCHORS.get(code, "")})
    others = [m for key, found in problems.items() if key not in covered for m in found]
    if others:
        out.append({"code": "other", "label": _label("other", pkg), "done": False,
                    "messages": others, "anchor": ""})
    return out


def proposal(pkg: dict[str, Any], can_propose: bool) -> dict[str, Any] | None:
    """The "Propose to the committee" panel of the dataset page, or None when
    it does not apply (not the committee's, no right, under review, public)."""
    if not can_propose or external.is_harvested(pkg) or not committee_state.subject(pkg):
        return None
    latest = committee_state.latest_review(pkg["id"])
    state = latest["state"] if latest else None
    if state in BUSY:
        return None
    if not pkg.get("private") and state == committee_state.CLEARED:
        return None
    found = items(pkg)
    return {"items": found, "ready": all(i["done"] for i in found),
            "missing": sum(1 for i in found if not i["done"]),
            "state": state, "state_label": reviews.state_label(state)}


def _dictionary(resource: dict[str, Any]) -> list[dict[str, str]]:
    """The data dictionary of a file loaded in the DataStore (its columns,
    with the labels and descriptions the producer gave them)."""
    if not resource.get("datastore_active"):
        return []
    try:
        # the columns only (the committee may read them, not the rows, while
        # the dataset is under review: datastore/guard)
        found = tk.get_action("datastore_info")(
            {"user": tk.g.user, "auth_user_obj": tk.g.userobj}, {"id": resource["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError, KeyError):
        return []
    columns = []
    for field in found.get("fields") or []:
        if field.get("id") == "_id":
            continue
        info = field.get("info") or {}
        columns.append({"id": as_text(field.get("id")), "type": as_text(field.get("type")),
                        "label": as_text(info.get("label")), "notes": as_text(info.get("notes"))})
    return columns


def summary(pkg: dict[str, Any], file: dict[str, Any]) -> dict[str, Any]:
    """What the committee examines, on its review page: the fields of the
    dataset the decision is taken on, its files, and the producer's note."""
    note = ""
    current = (file.get("review") or {}).get("id")
    for event in reversed(file.get("events") or []):
        if event.get("kind") == "proposed" and event.get("review_id") == current:
            note = as_text(event.get("text"))
            break
    files = [{"name": as_text(r.get("name")) or as_text(r.get("url")).rsplit("/", 1)[-1],
              "format": as_text(r.get("format")), "id": r.get("id"),
              "dictionary": _dictionary(r)} for r in pkg.get("resources") or []]
    return {
        "criteria": as_list(pkg.get("criteria")),
        "screening": {field: as_text(pkg.get(field)) for field in gate.SCREENING_FIELDS},
        "licence": as_text(pkg.get("license_id")),
        "licence_justification": as_text(pkg.get("license_justification")),
        "producing_commune": as_text(pkg.get("producing_commune")),
        "conforms_to": as_text(pkg.get("conforms_to")),
        "files": files,
        "note": note,
        "opening_status": as_text(pkg.get("opening_status")),
        "open_status": vocab.OPENING_OPEN,
    }
