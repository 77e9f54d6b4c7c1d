"""``/communes`` ("Les communes et leurs données"), ``/communes.csv``, ``/communes.json``.

Public figures (what the communes publish is public; the data contact is
the one the commune shows on its page). The table sorts on any column
(``?sort=<column>&order=asc|desc``), server-side, without script.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.metropole import csv_export
from ckanext.metropole.communes import figures, obligations

blueprint = Blueprint("metropole_communes", __name__)

SORTABLE = ("commune", "insee", "population", "agents_fte", "obligation",
            "partnership_status", "partnership_cohort", "published", "planned",
            "priority_published", "priority_planned", "priority_missing", "valid_share",
            "quality_mean", "last_publication")


def _sort_params() -> tuple[str, str]:
    sort = (tk.request.args.get("sort") or "commune").strip()
    order = (tk.request.args.get("order") or "asc").strip()
    if sort not in SORTABLE:
        tk.abort(400, tk._('Parameter "sort": one of {columns} is expected, not "{value}"')
                 .format(columns=", ".join(SORTABLE), value=sort[:40]))
    if order not in ("asc", "desc"):
        tk.abort(400, tk._('Parameter "order": "asc" or "desc" is expected, not "{value}"')
                 .format(value=order[:40]))
    return sort, order


def sorted_rows(items: list[dict[str, Any]], sort: str, order: str) -> list[dict[str, Any]]:
    """Rows sorted on ``sort``; empty values last whatever the order."""
    filled = [r for r in items if r.get(sort) not in (None, "")]
    empty = [r for r in items if r.get(sort) in (None, "")]

    def key(row: dict[str, Any]) -> Any:
        value = row[sort]
        return (value.casefold() if isinstance(value, str) else value, row["commune"])

    return sorted(filled, key=key, reverse=order == "desc") + empty


@blueprint.route("/communes")
def communes_page() -> str:
    sort, order = _sort_params()
    items = figures.rows()
    return tk.render("metropole/communes/index.html", {
        "rows": sorted_rows(items, sort, order), "totals": figures.totals(items),
        "sort": sort, "order": order, "priorities": figures.PRIORITIES,
        "obligation_label": obligations.label, "status_label": figures.status_label,
        "min_population": obligations.MIN_POPULATION, "min_agents": obligations.MIN_AGENTS,
    })


@blueprint.route("/communes.csv")
def communes_csv() -> Response:
    sort, order = _sort_params()
    items = sorted_rows(figures.rows(), sort, order)
    body = csv_export.csv_text(figures.COLUMNS, (figures.flat(r) for r in items))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="communes.csv"'
    return response


@blueprint.route("/communes.json")
def communes_json() -> Response:
    sort, order = _sort_params()
    items = figures.rows()
    body = {"totals": figures.totals(items), "communes": sorted_rows(items, sort, order)}
    return Response(json.dumps(body, ensure_ascii=False, indent=1),
                    mimetype="application/json")
