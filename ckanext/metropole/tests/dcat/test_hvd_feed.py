"""High-value datasets and APIs in the feeds: the DCAT-AP 3.0.0 and HVD 3.0.0
shapes, ckanext-dcat's parser (both profiles), udata's reading, the round trip.

The portal: a published HVD (Base Adresse Locale) whose CSV is loaded into
the DataStore and which declares the producer's own API, and a published
dataset that is no HVD, with a loaded table too.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.dcat.processors import RDFParser

from ckanext.metropole import territory, territory_load
from ckanext.metropole.dcat import serialize
from ckanext.metropole.dcat.terms import DCAT, DCATAP, DCT, ELI, FOAF
from ckanext.metropole.logic import hvd, publication
from ckanext.metropole.tests.data import complete_dataset
from ckanext.metropole.tests.datastore.conftest import datastore_marks
from ckanext.metropole.tests.dcat import seed, udata_reading
from ckanext.metropole.tests.dcat.graphs import catalog_ref, dataset_ref, get, one
from ckanext.metropole.tests.shared import SHARED


def _configured() -> None:
    """Carries the DataStore tests' configuration (datastore, xloader plugins)."""


pytestmark = [*datastore_marks(_configured).pytestmark, pytest.mark.usefixtures("portal")]

ADDRESSES, GEOSPATIAL = "c_c3de25e4", "c_ac64a52d"
LEGISLATION = URIRef(hvd.LEGISLATION)
SHAPES_3 = SHARED / "dcat-ap-shapes" / "dcat-ap-3.0.0" / "shacl" / "dcat-ap-SHACL.ttl"
SHAPES_2 = SHARED / "dcat-ap-shapes" / "dcat-ap-2.1.1" / "dcat-ap_2.1.1_shacl_shapes.ttl"
SHAPES_HVD = SHARED / "dcat-ap-shapes" / "dcat-ap-hvd-3.0.0" / "html" / "hvd-SHACL-full.ttl"
VOCABULARY = SHARED / "refdata" / "high-value-dataset-category.rdf"
FEEDS = {"dcat_ap_3": "/catalog.ttl", "dcat_ap_2": "/catalog.ttl?profiles=euro_dcat_ap_2"}


def _table(resource_id: str) -> None:
    helpers.call_action("datastore_create", resource_id=resource_id, force=True,
                        fields=[{"id": "numero", "type": "int"}, {"id": "voie", "type": "text"}],
                        records=[{"numero": 1, "voie": "rue de la Liberté"}])


def _publish(pkg: dict[str, Any]) -> None:
    """Made public once its table is loaded (the gate counts the DataStore
    API then), with a sysadmin's override of the committee review."""
    admin = factories.Sysadmin()
    shown = helpers.call_action("package_patch", context={"user": admin["name"]},
                                id=pkg["id"], private=False, committee_override=seed.OVERRIDE)
    if not publication.is_published(shown):
        seed._record_override(pkg["id"], admin["id"])


@pytest.fixture
def portal(request, with_plugins, reset_db):
    cache = request.module.__dict__.setdefault("_hvd_portal", {})
    if cache:
        return cache
    reset_db()
    search.clear_all()
    territory_load.load(territory.current())
    dijon = helpers.call_action("organization_show", id="dijon")
    bal = helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="bal-dijon", title="Base Adresse Locale de Dijon",
        theme=["REGI"], hvd_category=[ADDRESSES], contact_name="Service SIG",
        contact_email="sig@metropole-dijon.fr", private=True,
        resources=[
            {"url": "https://data.example.org/bal.csv", "format": "csv", "name": "bal.csv"},
            {"url": "https://api.example.org/bal", "format": "json", "name": "API BAL",
             "access_kind": "api", "api_documentation": "https://api.example.org/bal/doc",
             "api_conditions": "Sans inscription, 50 appels par seconde."},
        ]))
    _table(bal["resources"][0]["id"])
    _publish(bal)
    other = helpers.call_action("package_create", **complete_dataset(
        dijon["id"], name="equipements", title="Équipements sportifs", private=True))
    _table(other["resources"][0]["id"])
    _publish(other)
    cache.update({"bal": helpers.call_action("package_show", id="bal-dijon"),
                  "other": helpers.call_action("package_show", id="equipements")})
    return cache


def test_the_hvd_is_published_with_its_datastore_api(portal):
    res = portal["bal"]["resources"][0]
    assert res["datastore_active"] is True
    assert hvd.status(portal["bal"])["complete"] is True
    assert portal["bal"]["applicable_legislation"] == hvd.LEGISLATION


def test_hvd_properties(app, portal):
    g = get(app, FEEDS["dcat_ap_3"])
    ref = dataset_ref(g, portal["bal"]["id"])
    category = URIRef("http://data.europa.eu/bna/" + ADDRESSES)
    assert one(g, ref, DCATAP.hvdCategory) == category
    assert (category, RDF.type, SKOS.Concept) in g
    assert (category, SKOS.inScheme, URIRef(hvd.SCHEME)) in g
    assert {str(label) for label in g.objects(category, SKOS.prefLabel)} == \
        {"Adresses", "Addresses"}
    assert one(g, ref, DCATAP.applicableLegislation) == LEGISLATION
    assert (LEGISLATION, RDF.type, ELI.LegalResource) in g
    # the top category as a theme (udata), beside the EU data theme
    themes = set(g.objects(ref, DCAT.theme))
    assert URIRef("http://data.europa.eu/bna/" + GEOSPATIAL) in themes
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/REGI") in themes
    for dist in g.objects(ref, DCAT.distribution):
        assert one(g, dist, DCATAP.applicableLegislation) == LEGISLATION
    # not an HVD: none of it
    plain = dataset_ref(g, portal["other"]["id"])
    assert list(g.objects(plain, DCATAP.hvdCategory)) == []
    assert list(g.objects(plain, DCATAP.applicableLegislation)) == []
    for dist in g.objects(plain, DCAT.distribution):
        assert list(g.objects(dist, DCATAP.applicableLegislation)) == []


def _distributions(g: Graph, ref: Any) -> dict[str, Any]:
    return {str(g.value(d, DCT.title)): d for d in g.objects(ref, DCAT.distribution)}


def test_datastore_and_declared_apis_are_data_services(app, portal):
    g = get(app, FEEDS["dcat_ap_3"])
    bal = portal["bal"]
    ref = dataset_ref(g, bal["id"])
    dists = _distributions(g, ref)
    assert set(dists) == {"bal.csv", "API BAL", "bal.csv (API DataStore)"}
    csv, declared, datastore = dists["bal.csv"], dists["API BAL"], \
        dists["bal.csv (API DataStore)"]
    # the file stays a file
    assert g.value(csv, DCAT.accessService) is None
    assert g.value(csv, DCAT.downloadURL) == URIRef("https://data.example.org/bal.csv")
    # the DataStore API: its own distribution and a service IRI
    site = "http://test.metropole.localhost"
    rid = bal["resources"][0]["id"]
    assert one(g, datastore, DCAT.accessURL) == URIRef(
        f"{site}/api/3/action/datastore_search?resource_id={rid}")
    # dated as its resource (MQA's issued and modified, on every distribution)
    assert one(g, datastore, DCT.issued) == one(g, csv, DCT.issued)
    assert one(g, datastore, DCT.modified) == one(g, csv, DCT.modified)
    service = one(g, datastore, DCAT.accessService)
    assert isinstance(service, URIRef)
    assert (service, RDF.type, DCAT.DataService) in g
    assert one(g, service, DCAT.endpointURL) == URIRef(f"{site}/api/3/action/datastore_search")
    assert one(g, service, DCAT.endpointDescription) == URIRef(
        f"{site}/api/3/action/help_show?name=datastore_search")
    assert "docs.ckan.org" in str(one(g, service, FOAF.page))
    assert one(g, service, DCAT.servesDataset) == ref
    assert one(g, service, DCT.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/ETALAB_2_0")
    assert one(g, service, DCAT.contactPoint) == one(g, ref, DCAT.contactPoint)
    assert one(g, service, DCATAP.hvdCategory) == URIRef("http://data.europa.eu/bna/" + ADDRESSES)
    assert one(g, service, DCATAP.applicableLegislation) == LEGISLATION
    # the producer's API: no download link, its endpoint, documentation and conditions
    assert g.value(declared, DCAT.downloadURL) is None
    own = one(g, declared, DCAT.accessService)
    assert one(g, own, DCAT.endpointURL) == URIRef("https://api.example.org/bal")
    assert one(g, own, FOAF.page) == URIRef("https://api.example.org/bal/doc")
    assert "50 appels" in str(one(g, one(g, own, DCT.rights), RDFS.label))
    # the catalogue lists every service; a non-HVD table has its API too
    services = set(g.objects(catalog_ref(g), DCAT.service))
    assert {service, own} <= services
    assert len(services) == 3
    plain = _distributions(g, dataset_ref(g, portal["other"]["id"]))
    assert "Équipements (API DataStore)" in plain


# ---------------------------------------------------------------- shapes

def _closure(g: Graph, start: Any) -> Graph:
    """``start`` and everything it leads to, other datasets and catalogues left out."""
    out, todo, seen = Graph(), [start], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in g.predicate_objects(node):
            out.add((node, p, o))
            stop = (o, RDF.type, DCAT.Dataset) in g or (o, RDF.type, DCAT.Catalog) in g
            if isinstance(o, (URIRef, BNode)) and not stop:
                todo.append(o)
    return out


def _report(data: Graph, shapes: Any) -> tuple[int, int, str]:
    from pyshacl import validate

    _, results, text = validate(data, shacl_graph=str(shapes))
    assert isinstance(results, Graph)
    sh = "http://www.w3.org/ns/shacl#"
    severities = [str(o) for o in results.objects(None, URIRef(sh + "resultSeverity"))]
    return severities.count(sh + "Violation"), severities.count(sh + "Warning"), str(text)


def _needs(path: Any) -> None:
    if not path.exists():
        pytest.skip(f"{path} not found (../shared is absent)")


def test_dcat_ap_3_shapes_zero_violations(app):
    _needs(SHAPES_3)
    violations, _, text = _report(get(app, FEEDS["dcat_ap_3"]), SHAPES_3)
    assert violations == 0, text


def test_dcat_ap_2_shapes_zero_violations(app):
    _needs(SHAPES_2)
    violations, _, text = _report(get(app, FEEDS["dcat_ap_2"]), SHAPES_2)
    assert violations == 0, text


@pytest.mark.parametrize("merged", [False, True], ids=["embedded", "vocabulary-merged"])
def test_hvd_shapes_zero_violations_and_warnings(app, portal, merged):
    """The HVD shapes target every dataset, distribution and service of a
    graph: they are checked on the HVD's own part of the feed."""
    _needs(SHAPES_HVD)
    g = get(app, FEEDS["dcat_ap_3"])
    data = _closure(g, dataset_ref(g, portal["bal"]["id"]))
    if merged:
        _needs(VOCABULARY)
        data.parse(str(VOCABULARY), format="xml")
    violations, warnings, text = _report(data, SHAPES_HVD)
    assert (violations, warnings) == (0, 0), text


def test_hvd_shapes_catch_what_the_stock_profile_writes(portal):
    """The test above can fail: ckanext-dcat's own profile writes the
    category as a bare value and no API."""
    _needs(SHAPES_HVD)
    body = serialize.catalog([portal["bal"]], "ttl", profiles=["euro_dcat_ap_3"])
    g = Graph().parse(data=body, format="turtle")
    violations, _, text = _report(_closure(g, next(g.subjects(RDF.type, DCAT.Dataset))),
                                  SHAPES_HVD)
    assert violations > 0
    assert "hvdCategory" in text


def test_one_pass_and_the_ordinary_chain_write_the_same_graph(portal):
    from rdflib.compare import isomorphic

    pkgs = [portal["bal"], portal["other"]]
    fused = serialize.catalog(pkgs, "ttl", catalog_dict={"modified": "2026-01-01T00:00:00"})
    chained = serialize.catalog(pkgs, "ttl", catalog_dict={"modified": "2026-01-01T00:00:00"},
                                fuse=False)
    assert isomorphic(Graph().parse(data=fused, format="turtle"),
                      Graph().parse(data=chained, format="turtle"))


# ---------------------------------------------------------------- consumers

@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("profile", ["euro_dcat_ap_2", "euro_dcat_ap_3"])
def test_ckanext_dcat_reads_the_hvd_fields_and_access_services(app, portal, feed, profile):
    parser = RDFParser(profiles=[profile])
    parser.parse(app.get(FEEDS[feed]).body, _format="ttl")
    parsed = {d["title"]: d for d in parser.datasets()}
    bal = parsed["Base Adresse Locale de Dijon"]
    extras = {e["key"]: json.loads(e["value"]) for e in bal.get("extras", [])
              if e["key"] in ("hvd_category", "applicable_legislation")}
    # euro_dcat_ap_3 puts them at the top when the site's schema has such
    # fields (the portal's own has), euro_dcat_ap_2 in the extras
    for key in ("hvd_category", "applicable_legislation"):
        if key in bal:
            extras[key] = json.loads(bal[key]) if isinstance(bal[key], str) else bal[key]
    assert extras["hvd_category"] == ["http://data.europa.eu/bna/" + ADDRESSES]
    assert extras["applicable_legislation"] == [hvd.LEGISLATION]
    resources = {r["name"]: r for r in bal["resources"]}
    assert set(resources) == {"bal.csv", "API BAL", "bal.csv (API DataStore)"}
    for res in resources.values():
        legislation = res["applicable_legislation"]
        assert (json.loads(legislation) if isinstance(legislation, str) else legislation) \
            == [hvd.LEGISLATION]
    assert "access_services" not in resources["bal.csv"]
    services = {name: resources[name]["access_services"]
                for name in ("bal.csv (API DataStore)", "API BAL")}
    services = {k: json.loads(v) if isinstance(v, str) else v for k, v in services.items()}
    service = services["bal.csv (API DataStore)"][0]
    assert service["uri"].endswith("#datastore-service")
    assert service["endpoint_url"] == [
        "http://test.metropole.localhost/api/3/action/datastore_search"]
    assert service["serves_dataset"] == [
        f"http://test.metropole.localhost/dataset/{portal['bal']['id']}"]
    assert service["applicable_legislation"] == [hvd.LEGISLATION]
    assert service["contact"][0]["email"] == "sig@metropole-dijon.fr"
    declared = services["API BAL"][0]
    assert declared["endpoint_url"] == ["https://api.example.org/bal"]
    assert "Équipements sportifs" in parsed  # the other dataset is read too


@pytest.mark.ckan_config("ckan.site_url", "https://data.metropole-dijon.fr")
@pytest.mark.parametrize("feed", FEEDS)
def test_udata_sees_an_hvd_and_api_resources(app, portal, feed):
    g = get(app, FEEDS[feed])
    ref = dataset_ref(g, portal["bal"]["id"])
    tags = udata_reading.theme_tags(g, ref)
    assert "hvd" in tags
    assert "geospatiales" in tags
    kinds = {str(g.value(d, DCT.title)): udata_reading.resource_type(g, d)
             for d in g.objects(ref, DCAT.distribution)}
    assert kinds == {"bal.csv": "main", "API BAL": "api", "bal.csv (API DataStore)": "api"}
    assert udata_reading.refused_urls(g, ref) == []
    plain = dataset_ref(g, portal["other"]["id"])
    assert "hvd" not in udata_reading.theme_tags(g, plain)


def test_round_trip_keeps_the_categories(app, portal):
    parser = RDFParser(profiles=["euro_dcat_ap_3", "metropole_dcat_ap"])
    parser.parse(app.get(FEEDS["dcat_ap_3"]).body, _format="ttl")
    bal = {d["title"]: d for d in parser.datasets()}["Base Adresse Locale de Dijon"]
    assert bal["hvd_category"] == [ADDRESSES]
    assert bal["theme"] == ["REGI"]
    kinds = {r["name"]: r.get("access_kind") for r in bal["resources"]}
    assert kinds["API BAL"] == "api"
    assert kinds["bal.csv"] is None
