"""The web UI in French: the dataset form round-trip, the pages, the facets."""
from __future__ import annotations

import html

import pytest
from ckan.tests import factories, helpers
from werkzeug.datastructures import MultiDict

from ckanext.metropole import territory, territory_load
from ckanext.metropole.tests.data import CHENOVE, DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def admin_headers():
    user = factories.Sysadmin()
    token = factories.APIToken(user=user["name"])["token"]
    return {"Authorization": token}


@pytest.fixture
def dijon():
    territory_load.load(territory.current())
    return helpers.call_action("organization_show", id="dijon")


def _form(org_id: str, **overrides) -> MultiDict:
    fields = {
        "title": "Arbres d'alignement", "name": "arbres-alignement",
        "notes": "Arbres plantés le long des voies.", "owner_org": org_id,
        "private": "False", "license_id": "etalab-2.0", "frequency": "ANNUAL",
        "screening_personal_data": "none", "screening_secret": "no",
        "screening_third_party": "no", "screening_note": "Vu avec le DPO le 3 mars",
        "producing_commune": "", "spatial_coverage": "communes",
        "opening_status": "ouvert", "temporal_start": "2020-01-01",
        "temporal_end": "2025-12-31", "contact_name": "Service des espaces verts",
        "contact_email": "espaces-verts@metropole-dijon.fr",
        "tag_string": "arbres,nature", "save": "continue",
        "committee_override": "Publication validée par le bureau du comité",
    }
    fields.update(overrides)
    form = list(fields.items())
    form += [("theme", "ENVI"), ("criteria", "transparence"),
             ("criteria", "interet_general"), ("spatial_communes", DIJON),
             ("spatial_communes", CHENOVE)]
    return MultiDict(form)


def test_french_form_round_trip(app, admin_headers, dijon):
    page = html.unescape(app.get("/dataset/new", headers=admin_headers).body)
    assert "Critères de priorité" in page
    assert "Transparence de l'action publique" in page
    assert "Licence Ouverte / Open Licence version 2.0" in page
    assert "La donnée éclaire les décisions" in page  # help under each criterion

    # refused first: public without a priority criterion, in French
    refused = app.post("/dataset/new", headers=admin_headers, data=MultiDict([
        (k, v) for k, v in _form(dijon["id"]).items(multi=True) if k != "criteria"]))
    assert "Critères de priorité : choisissez-en au moins un" in html.unescape(refused.body)
    assert helpers.call_action("package_search", include_private=True)["count"] == 0

    app.post("/dataset/new", headers=admin_headers, data=_form(dijon["id"]))
    pkg = helpers.call_action("package_show", id="arbres-alignement")
    assert pkg["criteria"] == ["transparence", "interet_general"]
    assert pkg["theme"] == ["ENVI"]
    assert pkg["spatial_communes"] == [DIJON, CHENOVE]
    assert pkg["producing_commune"] == DIJON  # defaulted from the organization
    assert pkg["private"] is False

    body = html.unescape(app.get("/dataset/arbres-alignement").body)
    assert "Licence Ouverte / Open Licence version 2.0" in body
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence" in body
    assert "Transparence de l'action publique" in body
    assert "Examiné : pas de données personnelles" in body
    assert "Vu avec le DPO" not in body  # the screening note stays internal
    assert "Service producteur" not in body  # empty fields get no row
    assert "Dijon, Chenôve" in body
    assert 'data-module="metropole-coverage-map"' in body
    assert "_coverage_map.js" in body  # Leaflet bundle served by CKAN, no CDN
    assert "Fréquence de mise à jour" in body and "annuel" in body
    assert "2025-12-31" in body or "31 décembre 2025" in body


def test_english_labels(app, dijon):
    helpers.call_action("package_create", **complete_dataset(dijon["id"], name="velos"))
    body = html.unescape(app.get("/en/dataset/velos").body)
    assert "Priority criteria" in body
    assert "Transparency of public action" in body


def test_facets_on_the_dataset_and_organization_pages(app, dijon):
    helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="bancs", theme=["TRAN"]))
    for url in ("/dataset/", "/organization/dijon"):
        body = html.unescape(app.get(url).body)
        assert "Transports" in body, url
        assert "Ouvert" in body, url
        assert "Transparence de l'action publique" in body, url
        assert "Licence Ouverte / Open Licence version 2.0" in body, url
        assert "Statut d'ouverture" in body, url


def test_commune_page_shows_its_facts(app, dijon):
    helpers.call_action("organization_patch", id="dijon", partnership_status="pilote",
                        partnership_cohort="2025", agreement_date="2025-03-14")
    body = html.unescape(app.get("/organization/dijon").body)
    assert "21231" in body and "212102313" in body
    assert "Pilote" in body and "2025" in body
    assert "Partenariat open data" in body


def test_bulk_make_public_refused_in_the_ui(app, admin_headers, dijon):
    good = helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="pret", private=True))
    bad = helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="pas-pret", private=True, screening_secret="yes"))
    url = "/organization/bulk_process/dijon"
    response = app.post(url, headers=admin_headers, data={
        f"dataset_{good['id']}": "on", f"dataset_{bad['id']}": "on",
        "bulk_action.public": "public"}, follow_redirects=True)
    assert response.status_code == 200
    body = html.unescape(response.body)
    assert "Aucune modification. Ces jeux de données ne peuvent pas être rendus publics" in body
    assert "pas-pret: screening_secret: Secret des affaires ou industriel" in body
    for name in ("pret", "pas-pret"):
        assert helpers.call_action("package_show", id=name)["private"] is True


def test_dataset_page_does_not_count_its_organizations_datasets(app, dijon, monkeypatch):
    """The side column shows the organization without its numbers: no search counts
    its datasets (CKAN's h.get_organization did, twice per page)."""
    from ckan.lib.search import query

    pkg = helpers.call_action("package_create", **complete_dataset(dijon["id"]))
    searched: list[str] = []
    real = query.PackageSearchQuery.run

    def run(self, query_dict, *args, **kwargs):
        searched.append(str(query_dict.get("fq", "")))
        return real(self, query_dict, *args, **kwargs)

    monkeypatch.setattr(query.PackageSearchQuery, "run", run)
    body = app.get(f"/dataset/{pkg['name']}").body
    assert 'id="organization-info"' in body
    assert html.escape(dijon["title"]) in body
    assert not [fq for fq in searched if dijon["id"] in fq]
