"""``/calendrier``: planned openings by month and recent openings (page, CSV, iCalendar)."""
from __future__ import annotations

import csv
import datetime
import html
import io

import pytest

from ckanext.metropole.catalogue import calendar

pytestmark = pytest.mark.usefixtures("seeded")


def test_page_lists_planned_openings_by_month_and_recent_openings(app):
    page = html.unescape(app.get("/calendrier").body)
    planned = page.index("Juin 2030")
    assert "Équipements sportifs" in page[planned:]  # the planned dataset's title
    assert "Chenôve" in page[planned:]
    for title in ("Aménagements cyclables", "Adresses de Chenôve", "Budget de la métropole"):
        assert title in page
    assert 'href="http://test.metropole.localhost/dataset/pub-dijon-velo"' in page
    for hidden in ("draft-private", "under-review", "cannot-open", "Population légale"):
        assert hidden not in page


def test_csv(app):
    response = app.get("/calendrier.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body)))
    planned = [r for r in rows if r["statut"] == "planifie"]
    assert [(r["date"], r["producteur"], r["url"]) for r in planned] == \
        [("2030-06-01", "Chenôve", "")]
    opened = {r["titre"] for r in rows if r["statut"] == "ouvert"}
    assert opened == {"Aménagements cyclables", "Adresses de Chenôve", "Budget de la métropole"}


def test_icalendar(app):
    response = app.get("/calendrier.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    body = response.body
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    unfolded = body.replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:20300601" in unfolded
    assert "SUMMARY:Ouverture prévue : Équipements sportifs" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 4
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_ics_escaping_and_folding():
    entry = calendar.Entry("x", datetime.date(2031, 1, 2), calendar.PLANNED,
                           "Budget; comptes, annexes " + "é" * 80, "Dijon", "")
    body = calendar.to_ics([entry], "Calendrier", "example.invalid",
                           now=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Ouverture prévue : Budget\\; comptes\\, annexes " + "é" * 80 in unfolded
    assert "DTSTAMP:20300101T000000Z" in unfolded
