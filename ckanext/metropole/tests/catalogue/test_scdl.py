"""``/catalogue-scdl.csv`` against the SCDL "Catalogue simplifié" table schema."""
from __future__ import annotations

import csv
import html
import io
import json

import pytest

from ckan.tests import helpers

from ckanext.metropole import territory
from ckanext.metropole.tests.dcat import seed
from ckanext.metropole.tests.shared import SHARED

pytestmark = pytest.mark.usefixtures("seeded")

SCHEMA = SHARED / "refdata" / "scdl-catalogue-schema.json"


@pytest.fixture
def served(app):
    response = app.get("/catalogue-scdl.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    return response.body


def _rows(body: str) -> dict[str, dict[str, str]]:
    return {r["ID"]: r for r in csv.DictReader(io.StringIO(body))}


def test_valid_against_the_scdl_schema(served, tmp_path):
    if not SCHEMA.exists():
        pytest.skip(f"SCDL schema not found at {SCHEMA} (../shared is absent)")
    from frictionless import Resource, Schema

    descriptor = json.loads(SCHEMA.read_text(encoding="utf-8"))
    descriptor.pop("custom_checks", None)  # checked below (french-siret-value)
    path = tmp_path / "catalogue-scdl.csv"
    path.write_text(served, encoding="utf-8")
    report = Resource(path=path.name, basepath=str(tmp_path),
                      schema=Schema.from_descriptor(descriptor)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    for row in _rows(served).values():
        for column in ("COLL_SIRET", "PRODUCTEUR_SIRET"):
            assert territory.luhn_ok(row[column]), (column, row[column])


def test_one_row_per_published_or_announced_dataset(served, seeded):
    rows = _rows(served)
    assert set(rows) == {"pub-dijon-velo", "pub-chenove-odbl", "pub-metropole", "planned"}


def test_row_contents(served, seeded):
    rows = _rows(served)
    velo = rows["pub-dijon-velo"]
    dijon = seeded["orgs"]["dijon"]
    assert velo["COLL_NOM"] == "Dijon Métropole"
    assert velo["COLL_SIRET"] == seeded["orgs"]["dijon-metropole"]["siret"]
    assert velo["PRODUCTEUR_NOM"] == "Dijon"
    assert velo["PRODUCTEUR_SIRET"] == dijon["siret"]
    assert velo["PRODUCTEUR_SIRET"].startswith(dijon["siren"])
    assert velo["COUV_SPAT_MAILLE"] == "Intercommunale"
    assert velo["COUV_SPAT_NOM"] == "Dijon, Chenôve"
    assert (velo["COUV_TEMP_DEBUT"], velo["COUV_TEMP_FIN"]) == ("2020-01-01", "2023-12-31")
    assert velo["FREQ_MAJ"] == "Mensuelle ou plusieurs fois par mois"
    assert velo["LICENCE"] == "Licence Ouverte-LO"
    assert velo["MOTS_CLES"].split(";") == sorted(["velo", "mobilite"]) or \
        set(velo["MOTS_CLES"].split(";")) == {"velo", "mobilite"}
    assert velo["THEME"] in ("Transports, Environnement", "Environnement, Transports")
    assert (velo["NOMBRE_RESSOURCES"], velo["FORMAT_RESSOURCES"]) == ("2", "csv;geojson")
    assert velo["URL"] == "http://test.metropole.localhost/dataset/pub-dijon-velo"
    shown = helpers.call_action("package_show", id="pub-dijon-velo")
    assert velo["DATE_PUBL"] == shown["metadata_created"][:10]

    odbl = rows["pub-chenove-odbl"]
    assert odbl["LICENCE"] == "Open Database License-ODBL"
    assert odbl["PRODUCTEUR_NOM"] == "Chenôve"
    assert odbl["COUV_SPAT_NOM"] == "Dijon Métropole"
    assert odbl["FREQ_MAJ"] == "Annuelle"

    planned = rows["planned"]
    assert planned["DATE_PUBL"] == "2030-06-01"


def test_an_unknown_temporal_coverage_is_not_invented(app, seeded):
    """Neither the publication nor the update date stands for the coverage."""
    helpers.call_action("package_patch", id="pub-metropole", temporal_start="",
                        temporal_end="")
    try:
        row = _rows(app.get("/catalogue-scdl.csv").body)["pub-metropole"]
        assert (row["COUV_TEMP_DEBUT"], row["COUV_TEMP_FIN"]) == ("", "")
        assert row["DATE_PUBL"]
        assert row["DATE_MAJ"]
    finally:
        helpers.call_action("package_patch", id="pub-metropole",
                            temporal_start="2026-01-01", temporal_end="2026-12-31")


def test_a_producer_without_siret_shows_as_a_gap(app, seeded):
    """No invented SIRET: the cell stays empty (and the schema check would fail)."""
    chenove = seeded["orgs"]["chenove"]
    helpers.call_action("organization_patch", id=chenove["id"], siret="")
    try:
        rows = _rows(app.get("/catalogue-scdl.csv").body)
        assert rows["pub-chenove-odbl"]["PRODUCTEUR_SIRET"] == ""
    finally:
        helpers.call_action("organization_patch", id=chenove["id"],
                            siret=seed.siret_for(chenove["siren"]))


def test_sysadmins_list_the_organizations_without_siret(app, seeded):
    from ckan.tests import factories

    admin = factories.Sysadmin()
    headers = {"Authorization": factories.APIToken(user=admin["name"])["token"]}
    page = html.unescape(app.get("/ckan-admin/siret", headers=headers).body)
    assert "Organisations sans SIRET" in page
    assert ">Talant<" in page
    assert "/organization/edit/talant" in page
    assert ">Chenôve<" not in page
    assert ">Dijon Métropole<" not in page
    user = factories.User()
    app.get("/ckan-admin/siret", status=403)
    app.get("/ckan-admin/siret", status=403,
            headers={"Authorization": factories.APIToken(user=user["name"])["token"]})
