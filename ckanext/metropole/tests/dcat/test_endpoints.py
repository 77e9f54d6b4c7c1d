"""The feed endpoints as an anonymous harvester sees them."""
from __future__ import annotations

import json

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from ckan.tests import factories

from ckanext.dcat.processors import RDFParser

from ckanext.metropole.dcat.terms import DCAT, DCT, FOAF, GSP, LOCN
from ckanext.metropole.tests.data import CHENOVE
from ckanext.metropole.tests.dcat.graphs import get, next_pages, one, parse

pytestmark = pytest.mark.usefixtures("seeded")

FORMATS = {"ttl": "text/turtle", "rdf": "application/rdf+xml",
           "xml": "application/rdf+xml", "jsonld": "application/ld+json"}


def _identifiers(g) -> set[str]:
    return {str(one(g, d, DCT.identifier)) for d in g.subjects(RDF.type, DCAT.Dataset)}


def _walk(app, url: str | None, fmt: str) -> tuple[set[str], int]:
    """Every dataset of every page, following hydra:next (and checking nextPage)."""
    seen: set[str] = set()
    pages = 0
    while url:
        response = app.get(url.replace("http://test.metropole.localhost", ""))
        assert response.status_code == 200, response.body
        assert response.headers["Content-Type"].startswith(FORMATS[fmt])
        g = parse(response.body, fmt)
        page_ids = _identifiers(g)
        assert not page_ids & seen, "a dataset on two pages"
        seen |= page_ids
        pages += 1
        nxt, nxt_page = next_pages(g)
        assert nxt == nxt_page
        url = nxt
    return seen, pages


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "1")
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_only_published_datasets_on_every_page(app, seeded, fmt):
    published = {p["id"] for p in seeded["published"].values()}
    seen, pages = _walk(app, f"/catalog.{fmt}", fmt)
    assert seen == published
    assert pages == 3
    for name in ("dijon", "chenove"):
        seen, _ = _walk(app, f"/organization/{name}/catalog.{fmt}", fmt)
        assert seen <= published


@pytest.mark.ckan_config("ckanext.metropole.feeds.include_harvested", "true")
def test_harvested_datasets_on_demand(app, seeded):
    harvested = seeded["hidden"]["harvested"]["id"]
    assert harvested in _identifiers(get(app, "/catalog.ttl"))


def test_harvested_datasets_stay_out_by_default(app, seeded):
    assert seeded["hidden"]["harvested"]["id"] not in _identifiers(get(app, "/catalog.ttl"))
    assert app.get("/dataset/harvested.ttl").status_code == 404


def test_paging_links(app):
    g = get(app, "/catalog.ttl?q=*:*")
    nxt, nxt_page = next_pages(g)
    assert nxt is None
    assert nxt_page is None


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_paging_links_keep_the_query(app):
    g = get(app, "/catalog.ttl?fq=res_format:CSV&modified_since=2000-01-01")
    nxt, _ = next_pages(g)
    assert nxt == ("http://test.metropole.localhost/catalog.ttl"
                   "?modified_since=2000-01-01&fq=res_format%3ACSV&page=2")


def test_query_and_modified_since(app, seeded):
    assert _identifiers(get(app, "/catalog.ttl?q=cyclables")) == \
        {seeded["published"]["pub-dijon-velo"]["id"]}
    assert _identifiers(get(app, "/catalog.ttl?modified_since=2999-01-01")) == set()
    assert len(_identifiers(get(app, "/catalog.ttl?modified_since=2000-01-01T00:00:00Z"))) == 3


def test_fq_cannot_widen_the_feed(app):
    for fq in ("metropole_published:false", "private:true", "+state:(draft OR deleted)",
               "*:* OR metropole_published:false"):
        response = app.get("/catalog.ttl", query_string={"fq": fq})
        if response.status_code == 200:
            found = _identifiers(parse(response.body))
            hidden = {"draft-private", "under-review", "inventory-only", "planned",
                      "cannot-open", "deleted", "harvested"}
            assert not any(str(i) in hidden for i in found)
            assert len(found) <= 3
        else:
            assert response.status_code == 400


@pytest.mark.parametrize(("query", "words"), [
    ({"page": "0"}, '"page"'),
    ({"page": "-1"}, '"page"'),
    ({"page": "abc"}, '"page"'),
    ({"page": "1000000000"}, '"page"'),
    ({"page": "2"}, '"page"'),
    ({"page": "9" * 5000}, '"page"'),
    ({"modified_since": "hier"}, '"modified_since"'),
    ({"modified_since": "2024-13-45"}, '"modified_since"'),
    ({"fq": "{!join from=id to=owner_org}title:x"}, '"fq"'),
    ({"fq": "title:(unbalanced"}, "q/fq"),
    ({"fq": "x" * 5000}, '"fq"'),
    ({"q": "\x00"}, '"q"'),
])
def test_bad_parameters_are_a_clear_400(app, query, words):
    for url in ("/catalog.ttl", "/organization/dijon/catalog.jsonld"):
        response = app.get(url, query_string=query)
        assert response.status_code == 400, (url, query, response.status_code)
        assert words in response.body


def test_unknown_format_or_organization_is_a_404(app):
    assert app.get("/catalog.csv").status_code == 404
    assert app.get("/organization/nowhere/catalog.ttl").status_code == 404


# ---------------------------------------------------------------- per commune

def test_one_feed_per_commune(app, seeded):
    g = get(app, "/organization/chenove/catalog.ttl")
    assert _identifiers(g) == {seeded["published"]["pub-chenove-odbl"]["id"]}
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    assert str(catalog) == "http://test.metropole.localhost/organization/chenove/catalog"
    publisher = one(g, catalog, DCT.publisher)
    assert str(one(g, publisher, FOAF.name)) == "Chenôve"
    assert str(one(g, publisher, DCT.identifier)) == "212101661"
    assert "Chenôve" in str(one(g, catalog, DCT.title))
    assert one(g, catalog, FOAF.homepage).endswith("/organization/chenove")

    dijon = get(app, "/organization/dijon/catalog.jsonld", "jsonld")
    assert _identifiers(dijon) == {seeded["published"]["pub-dijon-velo"]["id"]}
    catalog = next(dijon.subjects(RDF.type, DCAT.Catalog))
    assert str(one(dijon, one(dijon, catalog, DCT.publisher), DCT.identifier)) == "212102313"


def test_commune_page_links_to_its_feed(app):
    page = app.get("/organization/chenove").body
    assert "/organization/chenove/catalog.ttl" in page
    assert "/organization/chenove/catalog.rdf" in page


# ---------------------------------------------------------------- one dataset

@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
def test_dataset_document(app, seeded, fmt):
    response = app.get(f"/dataset/pub-dijon-velo.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(FORMATS[fmt])
    g = parse(response.body, fmt)
    assert _identifiers(g) == {seeded["published"]["pub-dijon-velo"]["id"]}


def test_unpublished_datasets_have_no_document(app, seeded):
    admin = {"Authorization": factories.APIToken(user=seeded["admin"]["name"])["token"]}
    assert app.get("/dataset/draft-private", headers=admin).status_code == 200
    for name in seeded["hidden"]:
        for fmt in ("ttl", "rdf", "jsonld"):
            assert app.get(f"/dataset/{name}.{fmt}").status_code == 404
            assert app.get(f"/dataset/{name}.{fmt}", headers=admin).status_code == 404


# ---------------------------------------------------------------- ?profiles=

def test_profiles_parameter_gives_the_dcat_ap_2_form(app, seeded):
    """``?profiles=euro_dcat_ap_2``: the DCAT-AP 2 form, the contour as a
    literal in ``locn:geometry``, which ckanext-dcat's parser reads."""
    velo = seeded["published"]["pub-dijon-velo"]
    chenove = URIRef(f"https://geo.api.gouv.fr/communes/{CHENOVE}")
    for url in ("/catalog.ttl?profiles=euro_dcat_ap_2",
                "/dataset/pub-dijon-velo.ttl?profiles=euro_dcat_ap_2"):
        response = app.get(url)
        assert response.status_code == 200, response.body
        g = parse(response.body)
        assert one(g, chenove, LOCN.geometry).datatype == GSP.wktLiteral
        # still the portal's profile after the stock one (publisher SIREN)
        ref = next(d for d in g.subjects(RDF.type, DCAT.Dataset)
                   if str(one(g, d, DCT.identifier)) == velo["id"])
        assert str(one(g, one(g, ref, DCT.publisher), DCT.identifier)) == "212102313"
        stock = RDFParser(profiles=["euro_dcat_ap_2"])
        stock.parse(response.body, _format="ttl")
        read = {d["title"]: d for d in stock.datasets()}["Aménagements cyclables"]
        spatial = [e["value"] for e in read["extras"] if e["key"] == "spatial"]
        assert json.loads(spatial[0])["type"] in ("Polygon", "MultiPolygon")
    # the default (DCAT-AP 3) feed writes the bounding box instead
    default = get(app, "/catalog.ttl")
    assert list(default.objects(chenove, LOCN.geometry)) == []
    assert one(default, chenove, DCAT.bbox).datatype == GSP.wktLiteral


def test_profiles_parameter_explicit_chain(app):
    g = get(app, "/catalog.ttl?profiles=euro_dcat_ap_3,metropole_dcat_ap")
    chenove = URIRef(f"https://geo.api.gouv.fr/communes/{CHENOVE}")
    assert one(g, chenove, DCAT.bbox).datatype == GSP.wktLiteral
    # the stock profile alone is followed by the portal's, as in the configuration
    g = get(app, "/catalog.ttl?profiles=euro_dcat_ap_3")
    assert one(g, chenove, DCAT.bbox).datatype == GSP.wktLiteral
    assert isinstance(one(g, chenove, DCAT.bbox), Literal)


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "1")
def test_profiles_parameter_kept_on_every_page(app, seeded):
    published = {p["id"] for p in seeded["published"].values()}
    seen, pages = _walk(app, "/catalog.ttl?profiles=euro_dcat_ap_2", "ttl")
    assert seen == published
    assert pages == 3
    g = get(app, "/catalog.ttl?profiles=euro_dcat_ap_2")
    nxt, _ = next_pages(g)
    assert nxt is not None
    assert "profiles=euro_dcat_ap_2" in nxt


def test_bad_profiles_are_a_400_and_hidden_datasets_stay_hidden(app):
    for url in ("/catalog.ttl?profiles=nothing", "/catalog.ttl?profiles=" + ",".join(
            ["euro_dcat_ap_3"] * 6), "/dataset/pub-dijon-velo.ttl?profiles=x,y",
                "/organization/dijon/catalog.ttl?profiles=euro_dcat_ap_9"):
        response = app.get(url)
        assert response.status_code == 400, url
        assert '"profiles"' in response.body
    for name in ("draft-private", "under-review", "harvested"):
        assert app.get(f"/dataset/{name}.ttl?profiles=euro_dcat_ap_2").status_code == 404
