"""Content negotiation: the feeds on the pages' own URLs for an RDF client."""
from __future__ import annotations

import pytest
from rdflib.namespace import RDF

from ckan.tests import factories

from ckanext.metropole.dcat.terms import DCAT, DCT
from ckanext.metropole.tests.dcat.graphs import one, parse

pytestmark = pytest.mark.usefixtures("seeded")

ACCEPT = {"ttl": "text/turtle", "rdf": "application/rdf+xml",
          "jsonld": "application/ld+json"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _identifiers(body: str, fmt: str) -> set[str]:
    g = parse(body, fmt)
    return {str(one(g, d, DCT.identifier)) for d in g.subjects(RDF.type, DCAT.Dataset)}


@pytest.mark.parametrize("fmt", sorted(ACCEPT))
def test_dataset_page_negotiates(app, seeded, fmt):
    response = app.get("/dataset/pub-dijon-velo", headers={"Accept": ACCEPT[fmt]})
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"].startswith(ACCEPT[fmt])
    assert "Accept" in response.headers["Vary"]
    assert _identifiers(response.body, fmt) == {seeded["published"]["pub-dijon-velo"]["id"]}


@pytest.mark.parametrize("url", ["/catalog", "/"])
@pytest.mark.parametrize("fmt", sorted(ACCEPT))
def test_catalog_negotiates(app, seeded, url, fmt):
    response = app.get(url, headers={"Accept": ACCEPT[fmt]})
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"].startswith(ACCEPT[fmt])
    assert _identifiers(response.body, fmt) == {p["id"] for p in seeded["published"].values()}


def test_quality_values_as_ckanext_dcat_reads_them(app):
    prefer_ttl = "application/rdf+xml;q=0.5, text/turtle;q=0.9"
    response = app.get("/dataset/pub-dijon-velo", headers={"Accept": prefer_ttl})
    assert response.headers["Content-Type"].startswith("text/turtle")
    prefer_html = "text/html;q=0.9, text/turtle;q=0.5"
    response = app.get("/dataset/pub-dijon-velo", headers={"Accept": prefer_html})
    assert response.headers["Content-Type"].startswith("text/html")


def test_browsers_keep_the_html_pages(app):
    page = app.get("/dataset/pub-dijon-velo", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Aménagements cyclables" in page.body
    assert "Accept" in page.headers["Vary"]
    assert app.get("/", headers={"Accept": BROWSER}).headers["Content-Type"].startswith(
        "text/html")
    response = app.get("/catalog", headers={"Accept": BROWSER}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dataset/")


def test_unpublished_datasets_are_not_negotiated(app, seeded):
    admin = {"Authorization": factories.APIToken(user=seeded["admin"]["name"])["token"]}
    for name in seeded["hidden"]:
        for accept in ACCEPT.values():
            for headers in ({"Accept": accept}, dict(admin, Accept=accept)):
                response = app.get(f"/dataset/{name}", headers=headers)
                assert response.status_code in (403, 404), (name, headers)
                assert not response.headers["Content-Type"].startswith(accept)
                assert "dcat:Dataset" not in response.body
                assert "@prefix" not in response.body
    # the admin still reads the private dataset's page in a browser
    page = app.get("/dataset/under-review", headers=dict(admin, Accept=BROWSER))
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")


@pytest.mark.ckan_config("ckanext.metropole.feeds.content_negotiation", "false")
def test_negotiation_can_be_turned_off(app):
    page = app.get("/dataset/pub-dijon-velo", headers={"Accept": "text/turtle"})
    assert page.headers["Content-Type"].startswith("text/html")
    response = app.get("/catalog", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert response.status_code == 302
