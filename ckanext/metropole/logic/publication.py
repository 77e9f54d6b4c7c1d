"""Is a dataset *published*, in the sense of the portal's feeds and APIs?

Public is not enough: a dataset of the métropole or a commune counts as
published only when it is public, active, open (opening status *ouvert*) and
its review ended with a *publié* decision. Feeds, the DataStore guard and the
pages all ask this module, never the fields directly, so the committee
workflow changes the rule in one place.

The rule is also indexed (``metropole_published``, see
:func:`index_field`) so that searches can be restricted to published
datasets with :func:`published_fq`.
"""
from __future__ import annotations

from typing import Any

from ckanext.metropole.logic import committee_state
from ckanext.metropole.logic.values import as_text

INDEX_FIELD = "metropole_published"
OPEN_STATUS = "ouvert"


def is_published(pkg_dict: dict[str, Any]) -> bool:
    """True when ``pkg_dict`` (a ``package_show`` dict) is published."""
    if pkg_dict.get("private") or pkg_dict.get("state", "active") != "active":
        return False
    if as_text(pkg_dict.get("opening_status")) != OPEN_STATUS:
        return False
    subject, latest = committee_state.status(pkg_dict)
    return latest == committee_state.CLEARED if subject else True


def index_field(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the published flag to a dataset's search document."""
    pkg_dict[INDEX_FIELD] = "true" if is_published(pkg_dict) else "false"
    return pkg_dict


def published_fq() -> str:
    """Search filter (``fq``) keeping published datasets only."""
    return f"+{INDEX_FIELD}:true"
