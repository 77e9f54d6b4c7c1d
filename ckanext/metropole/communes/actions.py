"""Actions of the communes' figures (registered by ``logic/action.py``).

``metropole_communes_figures`` is what the committee's annual report reads
for the métropole (the report's wiring comes with the committee's own
refactoring); ``/communes.json`` shows the same rows and totals.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.metropole.communes import figures

__all__ = ["metropole_communes_figures"]


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= datetime.date.today().year:
        raise tk.ValidationError({"year": [tk._(
            "Year: a year from 2000 to this year is expected, not \"{value}\"").format(
                value=str(value)[:20])]})
    return year


@tk.side_effect_free
def metropole_communes_figures(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The communes' open data figures: one row per commune and the totals.

    :param year: as of the end of that year (datasets published by then,
        ``published_in_year`` during it); default: today
    :returns: ``{"year", "date", "metropole", "totals", "communes"}``
    """
    tk.check_access("metropole_communes_figures", context, data_dict)
    return figures.figures(_year(data_dict.get("year")))


@tk.auth_allow_anonymous_access
def auth_communes_figures(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Public: what the communes publish is public (as ``/communes``)."""
    return {"success": True}


def auth_functions() -> dict[str, Any]:
    """The communes' auth functions (``plugin.py`` registers them)."""
    return {"metropole_communes_figures": auth_communes_figures}
