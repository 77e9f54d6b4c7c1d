"""Facets: counts per value and French labels instead of codes."""
from __future__ import annotations

import json

import pytest
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import CHENOVE, DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

FIELDS = ["producing_commune", "theme", "license_id", "criteria", "opening_status",
          "res_format", "metropole_schema_conformity"]


@pytest.fixture
def datasets():
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    helpers.call_action("package_create", **complete_dataset(
        org["id"], theme=["EDUC", "TRAN"], criteria=["transparence"]))
    helpers.call_action("package_create", **complete_dataset(
        org["id"], theme=["TRAN"], producing_commune=CHENOVE,
        license_id="odc-odbl", license_justification="Partage à l'identique.",
        criteria=["transparence", "disponibilite"],
        resources=[{"url": "https://data.example.org/a.json", "format": "json"}]))
    helpers.call_action("package_create", **complete_dataset(
        org["id"], private=True, opening_status="en_examen", theme=["ENVI"]))
    return org


def _facets(**params) -> dict:
    result = helpers.call_action(
        "package_search", include_private=True, rows=0,
        **{"facet.field": json.dumps(FIELDS)}, **params)
    return {field: {i["name"]: (i["count"], i["display_name"]) for i in facet["items"]}
            for field, facet in result["search_facets"].items()}


def test_counts_and_french_labels(datasets):
    facets = _facets()
    assert facets["producing_commune"] == {DIJON: (2, "Dijon"), CHENOVE: (1, "Chenôve")}
    assert facets["theme"] == {
        "TRAN": (2, "Transports"),
        "EDUC": (1, "Éducation, culture et sport"),
        "ENVI": (1, "Environnement"),
    }
    assert facets["license_id"] == {
        "etalab-2.0": (2, "Licence Ouverte / Open Licence version 2.0"),
        "odc-odbl": (1, "Open Data Commons Open Database License (ODbL)"),
    }
    assert facets["criteria"] == {
        "transparence": (3, "Transparence de l'action publique"),
        "interet_general": (1, "Contribution à l'intérêt général"),
        "disponibilite": (1, "Disponibilité de la donnée"),
    }
    assert facets["opening_status"] == {"ouvert": (2, "Ouvert"),
                                        "en_examen": (1, "En examen")}
    assert facets["res_format"]["CSV"][0] == 2
    assert facets["res_format"]["JSON"][0] == 1


def test_filter_on_a_facet(datasets):
    result = helpers.call_action("package_search", fq='theme:"TRAN"')
    assert result["count"] == 2
    result = helpers.call_action("package_search", fq=f'producing_commune:"{CHENOVE}"')
    assert result["count"] == 1


def test_facet_list_of_the_dataset_and_organization_pages():
    from ckanext.metropole import facets
    declared = facets.dataset_facets({"organization": "Organisations", "groups": "G"})
    assert list(declared) == ["organization", *FIELDS, "tags"]
    on_org_page = facets.dataset_facets({"organization": "O"}, with_organization=False)
    assert list(on_org_page) == [*FIELDS, "tags"]


def test_screening_note_is_not_searchable(datasets):
    helpers.call_action("package_create", **complete_dataset(
        datasets["id"], screening_note="Avis du délégué Zéphyrin"))
    assert helpers.call_action("package_search", q="Zéphyrin")["count"] == 0
    assert helpers.call_action("package_search", q="Équipements")["count"] >= 1
