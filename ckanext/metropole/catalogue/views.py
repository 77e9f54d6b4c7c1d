"""``/catalogue-scdl.csv`` and ``/calendrier`` (page, ``.csv``, ``.ics``)."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, Response
from flask_babel import format_date

import ckan.plugins.toolkit as tk

from ckanext.dcat.utils import catalog_uri

from ckanext.metropole import config as metropole_config
from ckanext.metropole.catalogue import calendar, inventory, scdl

catalogue = Blueprint("metropole_catalogue", __name__)


def scdl_csv() -> Response:
    response = Response(scdl.to_csv(scdl.rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'inline; filename="catalogue-scdl.csv"'
    return response


def missing_siret() -> str:
    """Organizations without a SIRET (sysadmins): the SCDL catalogue needs them."""
    if not tk.current_user.is_authenticated or not tk.current_user.sysadmin:
        return tk.abort(403, tk._("Only sysadmins may see this list"))
    return tk.render("metropole/siret.html", {"organizations": inventory.missing_siret()})


def _day(entry: calendar.Entry) -> tuple[calendar.Entry, str]:
    return entry, format_date(entry.day, "d MMMM yyyy")


def calendar_page() -> str:
    months = [(month, format_date(month, "MMMM yyyy").capitalize(), [_day(e) for e in entries])
              for month, entries in calendar.by_month(calendar.planned_entries())]
    return tk.render("metropole/calendrier.html", {
        "months": months,
        "opened": [_day(e) for e in calendar.opened_entries()],
    })


def calendar_csv() -> Response:
    entries = calendar.planned_entries() + calendar.opened_entries()
    response = Response(calendar.to_csv(entries), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'inline; filename="calendrier.csv"'
    return response


def calendar_ics() -> Response:
    entries = calendar.planned_entries() + calendar.opened_entries()
    title = tk._("Opening calendar — {portal}").format(portal=metropole_config.portal_title())
    body = calendar.to_ics(entries, title, urlparse(catalog_uri()).hostname or "localhost")
    return Response(body, mimetype="text/calendar")


catalogue.add_url_rule("/catalogue-scdl.csv", view_func=scdl_csv, endpoint="scdl")
catalogue.add_url_rule("/ckan-admin/siret", view_func=missing_siret, endpoint="siret")
catalogue.add_url_rule("/calendrier", view_func=calendar_page, endpoint="calendar")
catalogue.add_url_rule("/calendrier.csv", view_func=calendar_csv, endpoint="calendar_csv")
catalogue.add_url_rule("/calendrier.ics", view_func=calendar_ics, endpoint="calendar_ics")
