"""Where a dataset stands with the committee (read by the gate and publication).

Only datasets owned by the métropole or one of its communes go through the
committee; their publication needs a *publié* decision (or a recorded
sysadmin override, or the *legacy* row of datasets public before the
committee existed) as the latest review of the dataset.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.metropole.logic.values import as_text
from ckanext.metropole.model import review

SUBJECT_KINDS = ("metropole", "commune")
# What a publication decision was taken on: changing one re-opens a review.
WATCHED_FIELDS = ("license_id", "screening_personal_data", "screening_secret",
                  "screening_third_party")


def organization_kind(owner_org: Any) -> str:
    org = model.Group.get(as_text(owner_org)) if as_text(owner_org) else None
    if org is None:
        return ""
    extras = org.extras or {}
    return as_text(extras.get("kind"))


def subject(pkg: dict[str, Any]) -> bool:
    """Does this dataset need the committee's review before publication?"""
    owner = pkg.get("owner_org") or (pkg.get("organization") or {}).get("id")
    return organization_kind(owner) in SUBJECT_KINDS


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
    latest = latest_review(package_id)
    return bool(latest and latest["state"] == "publie")


def fingerprint(pkg: dict[str, Any]) -> dict[str, str]:
    return {field: as_text(pkg.get(field)) for field in WATCHED_FIELDS}
