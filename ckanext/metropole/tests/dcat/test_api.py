"""ckanext-dcat's API actions, as an anonymous harvester calls them."""
from __future__ import annotations

import pytest
from rdflib.namespace import RDF

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.metropole.dcat.terms import DCAT, DCT
from ckanext.metropole.tests.dcat.graphs import one, parse

pytestmark = pytest.mark.usefixtures("seeded")


def _ids(body: str) -> set[str]:
    g = parse(body, "ttl")
    return {str(one(g, d, DCT.identifier)) for d in g.subjects(RDF.type, DCAT.Dataset)}


@pytest.mark.parametrize("action", ["dcat_catalog_show", "dcat_catalog_search"])
def test_catalog_actions_hold_what_the_feeds_hold(app, seeded, action):
    published = {p["id"] for p in seeded["published"].values()}
    response = app.get(f"/api/action/{action}", query_string={"format": "ttl"})
    assert response.status_code == 200, response.body
    assert _ids(response.json["result"]) == published


@pytest.mark.parametrize("fq", ["name:harvested", "name:harvested OR name:draft-private",
                                "*:*", "-metropole_published:true"])
def test_fq_cannot_widen_the_catalog_actions(app, seeded, fq):
    published = {p["id"] for p in seeded["published"].values()}
    response = app.get("/api/action/dcat_catalog_show",
                       query_string={"format": "ttl", "fq": fq})
    assert response.status_code == 200, response.body
    assert _ids(response.json["result"]) <= published


def test_a_hostile_fq_is_refused_naming_it(app):
    response = app.get("/api/action/dcat_catalog_show",
                       query_string={"format": "ttl", "fq": "{!lucene}name:x"})
    assert response.status_code == 409
    assert "fq" in response.json["error"]


@pytest.mark.ckan_config("ckan.plugins", "metropole_search metropole scheming_datasets "
                         "scheming_organizations dcat dcat_json_interface")
def test_datasets_list_leaves_harvested_datasets_out(app, seeded):
    response = app.get("/api/action/dcat_datasets_list")
    assert response.status_code == 200, response.body
    titles = {d["title"] for d in response.json["result"]}
    assert titles == {p["title"] for p in seeded["published"].values()}
    # the endpoint of the same plugin
    dcat_json = app.get("/dcat.json")
    assert {d["title"] for d in dcat_json.json} == titles


def test_dataset_show_only_for_datasets_of_the_feeds(app, seeded):
    ok = app.get("/api/action/dcat_dataset_show",
                 query_string={"id": "pub-metropole", "format": "ttl"})
    assert ok.status_code == 200, ok.body
    assert _ids(ok.json["result"]) == {seeded["published"]["pub-metropole"]["id"]}
    harvested = app.get("/api/action/dcat_dataset_show",
                        query_string={"id": "harvested", "format": "ttl"})
    assert harvested.status_code == 404


def test_dataset_show_refuses_drafts_to_their_editors_too(seeded):
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("dcat_dataset_show", context={"user": seeded["admin"]["name"]},
                            id="draft-private", format="ttl")
