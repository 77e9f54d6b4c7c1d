"""One hostile value in one dataset never takes a feed page down (issue 15, item 7).

The values are written straight into the database, past the validators
(a dataset saved before the URL checks, a script, a restore), then the
dataset is indexed again: the feeds read the search index. The dataset is
left out of the page (and logged), the page stays a valid document that
rdflib and ckanext-dcat's parser read.
"""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from rdflib.namespace import RDF

from ckan import model
from ckan.lib import search
from ckan.tests import helpers

from ckanext.dcat.processors import RDFParser

from ckanext.metropole import territory, territory_load
from ckanext.metropole.dcat.terms import DCAT, DCT
from ckanext.metropole.tests.data import complete_dataset
from ckanext.metropole.tests.dcat.graphs import parse

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

FORMATS = ("ttl", "rdf", "jsonld")


def _identifiers(body: str, fmt: str) -> set[str]:
    g = parse(body, fmt)
    return {str(g.value(d, DCT.identifier)) for d in g.subjects(RDF.type, DCAT.Dataset)}


def _hostile_resource_url(pkg: dict[str, Any], url: str) -> None:
    model.Session.execute(sa.text("UPDATE resource SET url = :url WHERE id = :id"),
                          {"url": url, "id": pkg["resources"][0]["id"]})
    _reindex(pkg)


def _hostile_extra(pkg: dict[str, Any], key: str, value: str) -> None:
    stored = model.Package.get(pkg["id"])
    stored.extras[key] = value  # package_extra (2.11) or package.extras (2.12)
    _reindex(pkg)


def _hostile_title(pkg: dict[str, Any], title: str) -> None:
    model.Session.execute(sa.text("UPDATE package SET title = :title WHERE id = :id"),
                          {"title": title, "id": pkg["id"]})
    _reindex(pkg)


def _reindex(pkg: dict[str, Any]) -> None:
    model.Session.commit()
    model.Session.expire_all()  # the UPDATE went past the session's objects
    search.rebuild(pkg["id"])


HOSTILE = {
    "resource url with a space": (_hostile_resource_url, ("https://data.example.invalid/a b.csv",)),
    "resource url with a quote": (_hostile_resource_url, ('https://data.example.invalid/a".csv',)),
    "conforms_to with a quote": (_hostile_extra, ("conforms_to", 'https://schema.example.invalid/"x')),
    "control character in the title": (_hostile_title, ("Bus\x0b et tram\x1b",)),
}


@pytest.fixture
def portal():
    territory_load.load(territory.current())
    dijon = helpers.call_action("organization_show", id="dijon")
    good = helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="sain", title="Jeu sain"))
    bad = helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="hostile", title="Jeu piégé"))
    return good, bad


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=list(HOSTILE))
def test_the_feed_pages_leave_the_dataset_out(app, portal, hostile):
    good, bad = portal
    write, args = hostile
    write(bad, *args)
    for url in ("/catalog", "/organization/dijon/catalog"):
        for fmt in FORMATS:
            response = app.get(f"{url}.{fmt}")
            assert response.status_code == 200, (url, fmt, response.body[:500])
            assert _identifiers(response.body, fmt) == {good["id"]}, (url, fmt)
    # the consumer's own parser reads the page (a CKAN harvesting the DCAT-AP 2 feed)
    parser = RDFParser(profiles=["euro_dcat_ap_2"])
    parser.parse(app.get("/catalog.ttl?profiles=euro_dcat_ap_2").body, _format="turtle")
    assert [d["title"] for d in parser.datasets()] == ["Jeu sain"]
    # the dataset's own document: not in the feeds rather than a server error
    assert app.get(f"/dataset/{bad['name']}.ttl").status_code == 404
    assert app.get(f"/dataset/{good['name']}.ttl").status_code == 200
    assert app.get(f"/dataset/{bad['name']}",
                   headers={"Accept": "text/turtle"}).status_code == 404


def test_ckanext_dcat_api_actions_leave_it_out_too(app, portal):
    good, bad = portal
    _hostile_resource_url(bad, 'https://data.example.invalid/"onload=x')
    response = app.get("/api/3/action/dcat_catalog_show", query_string={"format": "ttl"})
    assert response.status_code == 200, response.body[:500]
    assert _identifiers(response.json["result"], "ttl") == {good["id"]}
    response = app.get("/api/3/action/dcat_dataset_show",
                       query_string={"id": bad["id"], "format": "ttl"})
    assert response.status_code == 404
