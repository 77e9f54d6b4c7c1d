"""``metropole_hvd_report``: the ``/hvd`` rows and counts, for the API and
the committee's annual report (HVDs per category and commune, how many meet
the three conditions); registered by ``plugin.py``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.metropole.hvd import report
from ckanext.metropole.logic.context import with_keys

__all__ = ["metropole_hvd_report"]


@tk.side_effect_free
def metropole_hvd_report(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The high-value datasets the caller may see and their counts.

    :returns: ``{"summary": {"total", "by_category", "by_commune"}, "datasets": [...]}``;
        each dataset with its categories, its commune, whether it is
        published, the conditions it meets and the messages of those it misses
    """
    tk.check_access("metropole_hvd_report", context, data_dict)
    items = report.rows(with_keys(user=context.get("user", ""),
                                  auth_user_obj=context.get("auth_user_obj")))
    return {"summary": report.summary(items), "datasets": items}


@tk.auth_allow_anonymous_access
def auth_hvd_report(context: Context, data_dict: DataDict) -> AuthResult:
    """Public, as ``/hvd``: each caller sees the datasets they may read."""
    return {"success": True}


AUTH = {"metropole_hvd_report": auth_hvd_report}
