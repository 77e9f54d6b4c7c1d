"""Where a dataset stands with the committee (read by the gate and publication).

Only datasets owned by the métropole or one of its communes go through the
committee; their publication needs a *publié* decision (or a recorded
sysadmin override, or the *legacy* row of datasets public before the
committee existed) as the latest review of the dataset.
"""
from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.metropole.committee.model import review
from ckanext.metropole.logic import organizations
from ckanext.metropole.logic.values import as_list, as_text

SUBJECT_KINDS = ("metropole", "commune")
CLEARED = "publie"
# What the committee examines and a "publié" decision is taken on (the
# review's snapshot holds them): a dataset goes public on a decision only
# while they are still what the committee examined, and changing one on a
# published dataset re-opens a review. Title, description, themes and
# resources are edited freely.
WATCHED_FIELDS = ("license_id", "screening_personal_data", "screening_secret",
                  "screening_third_party", "criteria", "producing_commune", "owner_org")
_LIST_FIELDS = ("criteria",)


def _owner(pkg: dict[str, Any]) -> str:
    return as_text(pkg.get("owner_org") or (pkg.get("organization") or {}).get("id"))


def latest_state(package_id: Any) -> Any:
    """Scalar subquery: the state of the latest review of ``package_id``."""
    return (sa.select(review.c.state).where(review.c.package_id == package_id)
            .order_by(review.c.id.desc()).limit(1).scalar_subquery())


@functools.cache
def _statements() -> dict[str, Any]:
    # built once (see ckanext.metropole.logic.organizations)
    ref, package_id = sa.bindparam("ref"), sa.bindparam("package_id")
    return {
        "state": sa.select(latest_state(package_id)),
        "both": sa.select(organizations.kind_of(ref), latest_state(package_id)),
    }


def organization_kind(owner_org: Any) -> str:
    return (organizations.extras(owner_org, ("kind",)) or {}).get("kind", "")


def subject(pkg: dict[str, Any]) -> bool:
    """Does this dataset need the committee's review before publication?"""
    return organization_kind(_owner(pkg)) in SUBJECT_KINDS


def status(pkg: dict[str, Any]) -> tuple[bool, str | None]:
    """:func:`subject` and the state of the latest review, in one query.

    Each save of a dataset asks both (its hooks, then CKAN's index pass);
    with them one round trip instead of two.
    """
    ref, package_id = _owner(pkg), as_text(pkg.get("id"))
    if not ref:
        return False, None
    organizations.flush_pending()
    kind, state = model.Session.execute(
        _statements()["both"], {"ref": ref, "package_id": package_id}).one()
    return as_text(kind) in SUBJECT_KINDS, state


def latest_review(package_id: str) -> dict[str, Any] | None:
    row = model.Session.execute(
        sa.select(review).where(review.c.package_id == package_id)
        .order_by(review.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def latest_reviews(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """:func:`latest_review` of several datasets in one query (a feed page)."""
    if not package_ids:
        return {}
    rows = model.Session.execute(
        sa.select(review).where(review.c.package_id.in_(package_ids))
        .distinct(review.c.package_id)
        .order_by(review.c.package_id, review.c.id.desc())).mappings().all()
    return {row["package_id"]: dict(row) for row in rows}


def cleared(package_id: str | None) -> bool:
    """Has the latest review of the dataset ended with a *publié* decision?"""
    if not package_id:
        return False
    return model.Session.execute(
        _statements()["state"], {"package_id": package_id}).scalar() == CLEARED


def fingerprint(pkg: dict[str, Any]) -> dict[str, Any]:
    """The watched fields of ``pkg`` (a package dict or a review's snapshot),
    comparable whatever their form (a list of criteria in any order, JSON text)."""
    return {field: sorted(as_list(pkg.get(field))) if field in _LIST_FIELDS
            else as_text(pkg.get(field)) for field in WATCHED_FIELDS}


def changes(examined: dict[str, Any], pkg: dict[str, Any]) -> list[str]:
    """The watched fields whose value in ``pkg`` is not the ``examined`` one."""
    before, after = fingerprint(examined), fingerprint(pkg)
    return [field for field in WATCHED_FIELDS if before[field] != after[field]]


def field_labels(fields: list[str]) -> str:
    """The watched fields named for a message, in the request's language."""
    labels = {
        "license_id": tk._("licence"),
        "screening_personal_data": tk._("personal data"),
        "screening_secret": tk._("trade or industrial secret"),
        "screening_third_party": tk._("third-party intellectual property"),
        "criteria": tk._("priority criteria"),
        "producing_commune": tk._("producing commune"),
        "owner_org": tk._("organization"),
    }
    return ", ".join(labels.get(field, field) for field in fields)


def uncleared_public(owner_org: str) -> list[str]:
    """Names of the organization's public datasets whose latest review is not
    a *publié* decision (what it may not hold once subject to the committee)."""
    package = model.package_table
    latest = latest_state(package.c.id)
    return list(model.Session.execute(
        sa.select(package.c.name).where(
            package.c.owner_org == owner_org, package.c.state == "active",
            package.c.private.is_(False),
            sa.func.coalesce(latest, "") != CLEARED)
        .order_by(package.c.name)).scalars())
