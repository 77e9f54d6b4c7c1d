"""``/hvd`` ("Données de forte valeur") and ``/hvd.csv``.

The page a data officer shows when asked to report on the EU high-value
datasets: per category and per commune, the HVDs, whether each meets the
regulation's conditions (licence, bulk download, API) and what is missing.
"""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.metropole import csv_export
from ckanext.metropole.hvd import report

blueprint = Blueprint("metropole_hvd", __name__)


@blueprint.route("/hvd")
def hvd_page() -> str:
    items = report.rows()
    return tk.render("metropole/hvd/index.html", {
        "rows": items, "summary": report.summary(items)})


@blueprint.route("/hvd.csv")
def hvd_csv() -> Response:
    body = csv_export.csv_text(report.COLUMNS, (report.flat(r) for r in report.rows()))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="hvd.csv"'
    return response
