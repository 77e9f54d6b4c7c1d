"""Each commune's obligation and coverage: the rule, /communes, its exports, the
commune's page and the figures' action, through the HTTP stack."""
from __future__ import annotations

import csv
import datetime
import html
import io
import json
from typing import Any

import pytest

from ckan.tests import factories, helpers

from ckanext.metropole.communes import obligations
from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.validation.conftest import example, run_jobs, upload

AHUY, BRESSEY, BRETENIERE, CHENOVE = "21003", "21105", "21106", "21166"


@pytest.mark.parametrize(("population", "agents", "expected"), [
    (3499, 50, "non"),
    (3500, 50, "oui"),
    (3500, 49, "non"),
    (3500, "49.5", "non"),
    ("3500", "50", "oui"),
    (161830, 2500, "oui"),
    (3499, None, "non"),  # too small whatever its staff
    (3500, None, "inconnu"),
    (None, 60, "inconnu"),
])
def test_obligation_at_its_thresholds(population: Any, agents: Any, expected: str) -> None:
    assert obligations.obligation(population, agents) == expected


@pytest.fixture
def communes(clean_validation: Any) -> dict[str, Any]:
    """Dijon publishes (one SCDL dataset checked valid, one plain, one planned);
    three small communes at the thresholds of the law; Chenôve without its agents."""
    def org(name: str, code: str, **fields: Any) -> dict[str, Any]:
        return factories.Organization(name=name, insee_code=code, kind="commune", **fields)

    dijon = org("dijon", DIJON, agents_fte="2500", partnership_status="pilote",
                partnership_cohort="2024", data_contact_name="Mission open data",
                data_contact_email="opendata@dijon.example")
    org("ahuy", AHUY, population=3499, agents_fte="50")
    org("bressey", BRESSEY, population=3500, agents_fte="50")
    org("bretteniere", BRETENIERE, population=3500, agents_fte="49")
    org("chenove", CHENOVE)
    delib = helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="deliberations-dijon", conforms_to="scdl/deliberations",
        resources=[]))
    upload(delib["id"], example("scdl__deliberations.csv"), "deliberations.csv")
    helpers.call_action("package_create", **complete_dataset(dijon["id"], name="sport"))
    helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="budget-dijon", private=True, conforms_to="scdl/budget",
        opening_status="planifie", planned_opening_date="2027-01-31"))
    return {"dijon": dijon}


def _rows(app: Any, **params: Any) -> list[dict[str, str]]:
    text = app.get("/communes.csv", query_string=params).get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text)))


pytestmark = pytest.mark.usefixtures("with_plugins")


def test_communes_page_and_exports(app: Any, communes: dict[str, Any]) -> None:
    run_jobs(app)
    today = datetime.date.today().isoformat()
    rows = {r["insee"]: r for r in _rows(app)}
    assert len(rows) == 23  # every commune of the territory, with or without organization
    dijon = rows[DIJON]
    assert (dijon["obligation"], dijon["published"], dijon["planned"]) == ("oui", "2", "1")
    assert (dijon["priority_catalogue"], dijon["priority_deliberations"],
            dijon["priority_budget"], dijon["priority_subventions"]) == (
        "publie", "publie", "planifie", "manquant")
    assert (dijon["priority_published"], dijon["priority_planned"],
            dijon["priority_missing"]) == ("2", "1", "4")
    assert dijon["missing"] == "subventions;marches_publics;equipements;bal"
    assert (dijon["resources_checked"], dijon["valid_share"]) == ("1", "100.0")
    assert dijon["last_publication"] == today
    assert (dijon["partnership_status"], dijon["partnership_cohort"]) == ("pilote", "2024")
    assert dijon["data_contact_email"] == "opendata@dijon.example"
    assert [rows[c]["obligation"] for c in (AHUY, BRESSEY, BRETENIERE, CHENOVE)] == [
        "non", "oui", "non", "inconnu"]
    assert rows[CHENOVE]["population"] == "14244"  # from the territory
    assert rows["21617"]["obligation"] == "inconnu"  # Talant: no organization yet
    assert rows[AHUY]["published"] == "0"
    assert rows[AHUY]["valid_share"] == ""

    body = json.loads(app.get("/communes.json").get_data(as_text=True))
    assert body["totals"]["communes"] == 23
    assert body["totals"]["obligated"] == 2  # Dijon, Bressey-sur-Tille
    assert body["totals"]["published"] == 2
    assert body["totals"]["planned"] == 1
    assert [r["insee"] for r in body["communes"]][:2] == [AHUY, BRESSEY]  # by name
    dijon_json = next(r for r in body["communes"] if r["insee"] == DIJON)
    assert dijon_json["priority"]["budget"] == "planifie"
    assert dijon_json["agents_fte"] == 2500

    page = html.unescape(app.get("/communes").get_data(as_text=True))
    assert "<h1>Les communes et leurs données</h1>" in page
    assert "au moins 3 500 habitants et 50 agents" in page
    assert "Obligée" in page
    assert "Non obligée" in page
    assert "Pilote" in page
    assert "Obliged to open" not in page
    assert "Not obligated" not in page
    assert "Fichiers vérifiés valides selon leur schéma : 100.0 %" in page


def test_sorting_and_bad_parameters(app: Any, communes: dict[str, Any]) -> None:
    by_population = _rows(app, sort="population", order="desc")
    assert by_population[0]["insee"] == DIJON
    by_agents = _rows(app, sort="agents_fte", order="asc")
    assert [r["insee"] for r in by_agents[:2]] in ([BRETENIERE, AHUY], [BRETENIERE, BRESSEY])
    assert by_agents[-1]["agents_fte"] == ""  # empty values last
    page = app.get("/communes", query_string={"sort": "published", "order": "desc"})
    assert 'aria-sort="descending"' in page.get_data(as_text=True)
    for params, word in (({"sort": "password"}, "sort"), ({"order": "up"}, "order")):
        for path in ("/communes", "/communes.csv", "/communes.json"):
            response = app.get(path, query_string=params, status=400)
            assert f"Paramètre \"{word}\"" in html.unescape(response.get_data(as_text=True))


def test_commune_page_shows_its_row_and_to_do(app: Any, communes: dict[str, Any]) -> None:
    run_jobs(app)
    page = html.unescape(app.get("/organization/dijon").get_data(as_text=True))
    assert "Obligations d'ouverture et couverture" in page
    assert "Publier le jeu de données « Subventions »" in page
    assert "Publier le jeu de données « Délibérations »" not in page
    assert "Budget : Prévu" in page or "Budget : Planifié" in page
    other = html.unescape(app.get("/organization/ahuy").get_data(as_text=True))
    assert "Publier le jeu de données « Délibérations »" in other


def test_figures_action_for_the_committee(app: Any, communes: dict[str, Any]) -> None:
    run_jobs(app)
    result = app.get("/api/action/metropole_communes_figures").json["result"]
    assert result["metropole"] == "Dijon Métropole"
    assert result["totals"]["resources_checked"] == 1
    assert result["totals"]["valid_share"] == 100.0
    year = datetime.date.today().year
    last_year = app.get("/api/action/metropole_communes_figures",
                        query_string={"year": year - 1}).json["result"]
    assert last_year["totals"]["published"] == 0  # nothing published by then
    bad = app.get("/api/action/metropole_communes_figures", query_string={"year": "1999"},
                  status=409).json["error"]
    assert "year" in bad
    assert "1999" in bad["year"][0]


def test_agents_filled_by_the_commune_admin_only(app: Any, clean_validation: Any) -> None:
    admin, editor = factories.UserWithToken(), factories.UserWithToken()
    org = factories.Organization(name="chenove", insee_code=CHENOVE, kind="commune", users=[
        {"name": admin["name"], "capacity": "admin"},
        {"name": editor["name"], "capacity": "editor"}])
    url = "/api/action/organization_patch"
    app.post(url, json={"id": org["id"], "agents_fte": "52,5"},
             headers={"Authorization": admin["token"]})
    assert helpers.call_action("organization_show", id=org["id"])["agents_fte"] == "52.5"
    bad = app.post(url, json={"id": org["id"], "agents_fte": "beaucoup"},
                   headers={"Authorization": admin["token"]}, status=409).json["error"]
    assert "Agents (ETP)" in bad["agents_fte"][0]
    app.post(url, json={"id": org["id"], "agents_fte": "60"},
             headers={"Authorization": editor["token"]}, status=403)
    app.post(url, json={"id": org["id"], "agents_fte": "60"}, status=403)
    assert helpers.call_action("organization_show", id=org["id"])["agents_fte"] == "52.5"
