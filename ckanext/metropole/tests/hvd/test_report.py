"""``/hvd`` and ``/hvd.csv``: per category and commune, the HVDs, the
conditions each meets and what it lacks; what each reader may see."""
from __future__ import annotations

import csv
import io

import pytest

from ckan.tests import factories, helpers

from ckanext.metropole import territory, territory_load
from ckanext.metropole.hvd import report
from ckanext.metropole.tests.data import CHENOVE, complete_dataset
from ckanext.metropole.tests.identities import PASSWORD, session

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CSV = {"url": "https://data.example.org/arrets.csv", "format": "csv", "name": "Arrêts"}
API = {"url": "https://api.example.org/arrets", "format": "json", "name": "API arrêts",
       "access_kind": "api"}
STOPS, ADDRESSES, STATISTICS = "c_b79e35eb", "c_c3de25e4", "c_e1da4e07"


@pytest.fixture
def portal():
    territory_load.load(territory.current())
    editor = factories.User(name="agent-chenove", password=PASSWORD)
    chenove = helpers.call_action("organization_show", id="chenove")
    helpers.call_action("organization_member_create", id=chenove["id"],
                        username=editor["name"], role="editor")
    dijon = helpers.call_action("organization_show", id="dijon")
    admin = factories.Sysadmin(password=PASSWORD)
    ctx = {"user": admin["name"]}
    helpers.call_action("package_create", context=dict(ctx), **complete_dataset(
        dijon["id"], name="arrets-dijon", title="Arrêts de transport public",
        hvd_category=[STOPS, ADDRESSES], resources=[CSV, API]))
    helpers.call_action("package_create", context=dict(ctx), **complete_dataset(
        chenove["id"], name="bal-chenove", title="Base Adresse Locale de Chenôve",
        producing_commune=CHENOVE, hvd_category=[ADDRESSES], resources=[CSV],
        private=True))
    helpers.call_action("package_create", context=dict(ctx), **complete_dataset(
        dijon["id"], name="budget", title="Budget"))
    return {"editor": editor, "admin": admin}


def test_anonymous_sees_the_published_hvds_in_french(app, portal):
    page = app.get("/hvd")
    assert page.status_code == 200
    body = page.body
    assert "<h1>Données de forte valeur</h1>" in body
    assert 'data-name="arrets-dijon"' in body
    assert "bal-chenove" not in body
    assert 'data-name="budget"' not in body
    assert "1 données de forte valeur, 1 remplissant les trois conditions, 1 publiées" in body
    assert "Géospatiales › Adresses" in body


def test_an_editor_sees_what_their_draft_lacks(app, portal):
    client = session(app, portal["editor"]["name"])
    body = client.get("/hvd").get_data(as_text=True)
    assert 'data-name="bal-chenove"' in body
    assert "Non publié" in body
    assert "au moins une API est requise" in body
    assert "2 données de forte valeur, 1 remplissant les trois conditions, 1 publiées" in body


def test_csv(app, portal):
    client = session(app, portal["admin"]["name"])
    response = client.get("/hvd.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["dataset"] for r in rows] == ["Base Adresse Locale de Chenôve",
                                            "Arrêts de transport public"]
    bal, stops = rows
    assert (bal["licence"], bal["bulk_download"], bal["api"], bal["complete"],
            bal["published"]) == ("oui", "oui", "non", "non", "non")
    assert "API" in bal["missing"]
    assert (stops["api"], stops["complete"], stops["missing"]) == ("oui", "oui", "")
    assert stops["top_categories"] == "Mobilité ; Géospatiales"  # the dataset's order
    assert stops["commune"] == "Dijon"
    assert bal["commune"] == "Chenôve"


def test_summary_per_category_and_commune(portal):
    items = report.rows({"user": portal["admin"]["name"]})
    summary = report.summary(items)
    assert summary["total"] == {"datasets": 2, "complete": 1, "published": 1}
    by_category = {c["code"]: (c["datasets"], c["complete"], c["published"])
                   for c in summary["by_category"]}
    assert len(by_category) == 6
    assert by_category["c_ac64a52d"] == (2, 1, 1)  # Géospatiales: both
    assert by_category[STOPS] == (1, 1, 1)
    assert by_category[STATISTICS] == (0, 0, 0)
    by_commune = {c["label"]: (c["datasets"], c["complete"]) for c in summary["by_commune"]}
    assert by_commune == {"Chenôve": (1, 0), "Dijon": (1, 1)}


def test_the_report_action_follows_the_caller(app, portal):
    """Anonymous (no header) and a token: each gets what they may read."""
    from ckanext.metropole.tests.identities import token_headers

    anonymous = app.get("/api/3/action/metropole_hvd_report").json["result"]
    assert [d["name"] for d in anonymous["datasets"]] == ["arrets-dijon"]
    assert anonymous["summary"]["total"] == {"datasets": 1, "complete": 1, "published": 1}
    editor = app.get("/api/3/action/metropole_hvd_report",
                     headers=token_headers(portal["editor"]["name"])).json["result"]
    assert sorted(d["name"] for d in editor["datasets"]) == ["arrets-dijon", "bal-chenove"]
    draft = next(d for d in editor["datasets"] if d["name"] == "bal-chenove")
    assert draft["conditions"] == {"licence": True, "bulk_download": True, "api": False}
