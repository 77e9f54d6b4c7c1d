"""High-value datasets: the fields, the legislation set with them, the
publication rules (each refusal, through the API with a token)."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.metropole import vocab
from ckanext.metropole.logic import hvd
from ckanext.metropole.logic.gate import check_publication
from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.identities import token_headers

pytestmark = pytest.mark.usefixtures("with_plugins")

ADDRESSES = "c_c3de25e4"  # Géospatiales › Adresses
GEOSPATIAL = "c_ac64a52d"
API_RESOURCE = {"url": "https://api.example.org/adresses", "format": "json",
                "name": "API des adresses", "access_kind": "api",
                "api_documentation": "https://api.example.org/doc"}
CSV = {"url": "https://data.example.org/adresses.csv", "format": "csv", "name": "Adresses"}


def test_vocabulary_has_the_96_categories_under_the_6_of_the_regulation():
    entries = vocab.hvd_categories()
    assert len(entries) == 96
    tops = {code for code in entries if not entries[code]["parent"]}
    assert len(tops) == 6
    assert GEOSPATIAL in tops
    assert vocab.hvd_top(ADDRESSES) == GEOSPATIAL
    # third level (Mobility › Inland waterways › …)
    deep = [c for c, e in entries.items() if e["parent"] and entries[e["parent"]]["parent"]]
    assert deep
    assert all(vocab.hvd_top(c) == "c_b79e35eb" for c in deep)
    assert entries[ADDRESSES]["fr"] == "Adresses"
    assert entries[ADDRESSES]["en"] == "Addresses"


@pytest.mark.parametrize(("resources", "missing"), [
    ([CSV, API_RESOURCE], []),
    ([API_RESOURCE], ["bulk_download"]),
    ([CSV], ["api"]),
    ([{**CSV, "format": "pdf"}, API_RESOURCE], ["bulk_download"]),
    ([], ["api", "bulk_download"]),
])
def test_conditions(resources, missing):
    pkg = complete_dataset("org", hvd_category=[ADDRESSES], resources=resources)
    assert sorted(hvd.missing_messages(pkg)) == missing
    odbl = dict(pkg, license_id="odc-odbl")
    assert "licence" in hvd.missing_messages(odbl)


def test_not_an_hvd_has_no_hvd_condition():
    assert hvd.publication_errors(complete_dataset("org", license_id="odc-odbl")) == {}
    assert hvd.status(complete_dataset("org"))["hvd"] is False


def test_gate_names_each_missing_condition():
    pkg = complete_dataset("org", hvd_category=[ADDRESSES], resources=[CSV],
                           license_id="odc-odbl", license_justification="Partage.")
    errors = check_publication(pkg)
    assert set(errors) == {"license_id", "hvd_category"}
    assert "ODbL" in errors["license_id"][0]
    assert "API" in errors["hvd_category"][0]


@pytest.fixture
def dijon(clean_db, clean_index):
    editor = factories.User(name="editrice-hvd")
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune",
                                 users=[{"name": editor["name"], "capacity": "editor"}])
    return {"org": org, "editor": editor, "sysadmin": factories.Sysadmin()}


def _create(app, who, **data):
    return app.post("/api/3/action/package_create", json=data,
                    headers=token_headers(who["name"]))


def test_an_hvd_meeting_the_conditions_is_published_with_its_legislation(app, dijon):
    data = complete_dataset(dijon["org"]["id"], hvd_category=[ADDRESSES, GEOSPATIAL],
                            applicable_legislation="http://example.org/not-typed-by-users",
                            resources=[CSV, API_RESOURCE])
    response = _create(app, dijon["sysadmin"], **data)
    assert response.status_code == 200, response.body
    pkg = response.json["result"]
    assert pkg["hvd_category"] == [ADDRESSES, GEOSPATIAL]
    assert pkg["applicable_legislation"] == hvd.LEGISLATION
    page = app.get(f"/dataset/{pkg['name']}").body
    assert "Donnée de forte valeur (règlement (UE) 2023/138)" in page  # the badge
    assert "HVD</abbr> · Géospatiales" in page
    assert "Géospatiales › Adresses" in page
    assert "Règlement d'exécution (UE) 2023/138" in page
    # no category any more: no legislation
    patched = helpers.call_action("package_patch", context={"user": dijon["sysadmin"]["name"]},
                                  id=pkg["id"], hvd_category=[])
    assert not patched.get("applicable_legislation")


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"license_id": "odc-odbl", "license_justification": "Partage."}, "license_id",
     "ODbL"),
    ({"resources": [API_RESOURCE]}, "hvd_category", "téléchargement"),
    ({"resources": [CSV]}, "hvd_category", "API"),
    ({"resources": [{**CSV, "format": "pdf"}, API_RESOURCE]}, "hvd_category",
     "lisible par machine"),
])
def test_each_refusal_is_a_translated_409_naming_the_field(app, dijon, overrides, field,
                                                          words):
    data = complete_dataset(dijon["org"]["id"], hvd_category=[ADDRESSES],
                            resources=[CSV, API_RESOURCE])
    data.update(overrides)
    response = _create(app, dijon["sysadmin"], **data)
    assert response.status_code == 409, response.body
    errors = response.json["error"]
    assert field in errors, errors
    text = " ".join(errors[field])
    assert "forte valeur" in text, text
    assert words in text, text


def test_an_unknown_category_is_refused_by_name(app, dijon):
    data = complete_dataset(dijon["org"]["id"], hvd_category=["c_nope"], private=True)
    response = _create(app, dijon["sysadmin"], **data)
    assert response.status_code == 409
    assert "Donnée de forte valeur (HVD)" in " ".join(response.json["error"]["hvd_category"])


def test_a_private_hvd_may_miss_conditions(app, dijon):
    """The rules hold the publication back, not the preparation."""
    data = complete_dataset(dijon["org"]["id"], hvd_category=[ADDRESSES], resources=[CSV],
                            private=True)
    assert _create(app, dijon["editor"], **data).status_code == 200
