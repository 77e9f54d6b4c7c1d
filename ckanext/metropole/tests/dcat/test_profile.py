"""The ``metropole_dcat_ap`` profile, property by property, against the official shapes."""
from __future__ import annotations

import datetime
import json
import pathlib
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ckan.tests import helpers

from ckanext.dcat.processors import RDFParser

from ckanext.metropole import territory
from ckanext.metropole.dcat import dates, places, read, serialize
from ckanext.metropole.dcat.terms import DCAT, DCT, FOAF, GSP, LOCN, SPDX, VCARD
from ckanext.metropole.tests.data import CHENOVE, DIJON
from ckanext.metropole.tests.dcat import seed
from ckanext.metropole.tests.dcat.graphs import dataset_ref, get, not_in_future, one
from ckanext.metropole.tests.shared import SHARED

pytestmark = pytest.mark.usefixtures("seeded")

EU = "http://publications.europa.eu/resource/authority/"
ETALAB = URIRef(EU + "licence/ETALAB_2_0")
ODBL = URIRef(EU + "licence/ODC_BL")
SHAPES = {
    2: SHARED / "dcat-ap-shapes" / "dcat-ap-2.1.1" / "dcat-ap_2.1.1_shacl_shapes.ttl",
    3: SHARED / "dcat-ap-shapes" / "dcat-ap-3.0.0" / "shacl" / "dcat-ap-SHACL.ttl",
}
SIREN = {"dijon": "212102313", "chenove": "212101661", "metropole": "242100410"}


@pytest.fixture
def catalog(app):
    return get(app, "/catalog.ttl")


def _velo(seeded):
    return seeded["published"]["pub-dijon-velo"]


# ---------------------------------------------------------------- catalog

def test_catalog(catalog):
    ref = next(catalog.subjects(RDF.type, DCAT.Catalog))
    assert str(one(catalog, ref, DCT.title)) == "Open Dijon, métropole data"
    assert "Dijon Métropole" in str(one(catalog, ref, DCT.description))
    assert one(catalog, ref, FOAF.homepage) == URIRef("http://test.metropole.localhost")
    assert one(catalog, ref, DCT.language) == URIRef(EU + "language/FRA")
    assert not_in_future(one(catalog, ref, DCT.modified))
    publisher = one(catalog, ref, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in catalog
    assert str(one(catalog, publisher, FOAF.name)) == "Dijon Métropole"
    assert str(one(catalog, publisher, DCT.identifier)) == SIREN["metropole"]
    assert one(catalog, publisher, DCT.type) == \
        URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    spatial = one(catalog, ref, DCT.spatial)
    assert str(one(catalog, spatial, SKOS.prefLabel)) == "Dijon Métropole"
    bbox = one(catalog, spatial, DCAT.bbox)
    assert bbox.datatype == GSP.wktLiteral
    assert str(bbox).startswith("POLYGON ((4.89637 47.21949, 5.20611 47.21949,")


# ---------------------------------------------------------------- dataset

def test_dataset_properties(catalog, seeded):
    pkg = _velo(seeded)
    ref = dataset_ref(catalog, pkg["id"])
    assert str(one(catalog, ref, DCT.identifier)) == pkg["id"]
    assert str(one(catalog, ref, DCT.title)) == "Aménagements cyclables"
    assert str(one(catalog, ref, DCT.description)).startswith("Pistes et bandes")
    assert {str(k) for k in catalog.objects(ref, DCAT.keyword)} == {"vélo", "mobilité"}
    assert one(catalog, ref, DCT.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert one(catalog, ref, DCT.language) == URIRef(EU + "language/FRA")
    assert one(catalog, ref, DCAT.landingPage) == \
        URIRef("http://test.metropole.localhost/dataset/pub-dijon-velo")
    for predicate in (DCT.issued, DCT.modified):
        assert not_in_future(one(catalog, ref, predicate))


def test_themes_carry_their_labels(catalog, seeded):
    ref = dataset_ref(catalog, _velo(seeded)["id"])
    themes = set(catalog.objects(ref, DCAT.theme))
    assert themes == {URIRef(EU + "data-theme/TRAN"), URIRef(EU + "data-theme/ENVI")}
    tran = URIRef(EU + "data-theme/TRAN")
    assert (tran, RDF.type, SKOS.Concept) in catalog
    assert Literal("Transports", lang="fr") in set(catalog.objects(tran, SKOS.prefLabel))
    assert one(catalog, tran, SKOS.inScheme) == URIRef(EU + "data-theme")


def test_frequency_and_temporal(catalog, seeded):
    ref = dataset_ref(catalog, _velo(seeded)["id"])
    assert one(catalog, ref, DCT.accrualPeriodicity) == URIRef(EU + "frequency/MONTHLY")
    period = one(catalog, ref, DCT.temporal)
    assert (period, RDF.type, DCT.PeriodOfTime) in catalog
    assert one(catalog, period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    assert one(catalog, period, DCAT.endDate) == Literal("2023-12-31", datatype=XSD.date)


def test_publisher_is_the_producing_commune(catalog, seeded):
    for name, siren, label in (("pub-dijon-velo", SIREN["dijon"], "Dijon"),
                               ("pub-chenove-odbl", SIREN["chenove"], "Chenôve"),
                               ("pub-metropole", SIREN["metropole"], "Dijon Métropole")):
        ref = dataset_ref(catalog, seeded["published"][name]["id"])
        publisher = one(catalog, ref, DCT.publisher)
        assert (publisher, RDF.type, FOAF.Organization) in catalog
        assert str(one(catalog, publisher, DCT.identifier)) == siren
        assert str(one(catalog, publisher, FOAF.name)) == label
        assert one(catalog, publisher, DCT.type) == \
            URIRef("http://purl.org/adms/publishertype/LocalAuthority")


def test_contact_point(catalog, seeded):
    ref = dataset_ref(catalog, _velo(seeded)["id"])
    contact = one(catalog, ref, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog
    assert str(one(catalog, contact, VCARD.fn)) == "Direction des mobilités"
    assert one(catalog, contact, VCARD.hasEmail) == URIRef("mailto:mobilites@metropole-dijon.fr")


def test_spatial_is_each_covered_commune_with_a_geometry(catalog, seeded):
    ref = dataset_ref(catalog, _velo(seeded)["id"])
    covered = set(catalog.objects(ref, DCT.spatial))
    assert covered == {URIRef(f"https://geo.api.gouv.fr/communes/{DIJON}"),
                      URIRef(f"https://geo.api.gouv.fr/communes/{CHENOVE}")}
    for place in covered:
        commune = territory.current().commune(str(place).rsplit("/", 1)[1])
        assert (place, RDF.type, DCT.Location) in catalog
        assert str(one(catalog, place, SKOS.prefLabel)) == commune.name
        # the bounding box alone, a WKT literal: the form ckanext-dcat's
        # parser, udata and the DCAT-AP 3.0.0 shapes all accept
        bbox = one(catalog, place, DCAT.bbox)
        assert bbox.datatype == GSP.wktLiteral
        assert str(bbox) == places.wkt(places.bbox_polygon(commune.bbox))
        assert list(catalog.objects(place, LOCN.geometry)) == []
        assert list(catalog.objects(place, DCAT.centroid)) == []
    # whole territory: the métropole itself, with its geometry
    whole = dataset_ref(catalog, seeded["published"]["pub-chenove-odbl"]["id"])
    metropole = one(catalog, whole, DCT.spatial)
    assert metropole == URIRef("https://geo.api.gouv.fr/epcis/242100410")
    assert str(one(catalog, metropole, DCAT.bbox)).startswith("POLYGON ((")
    catalog_place = one(catalog, next(catalog.subjects(RDF.type, DCAT.Catalog)), DCT.spatial)
    assert catalog_place == metropole


def test_geometry_literals_make_dcat_ap_3_geometries_readable():
    """What harvesters run between parsing a page of another portal's
    DCAT-AP 3 feed and reading its datasets."""
    g, place = Graph(), URIRef("https://geo.api.gouv.fr/communes/21231")
    node, other, empty = BNode(), URIRef("https://example.invalid/l"), BNode()
    wkt = "POLYGON ((5 47, 5.1 47, 5.1 47.1, 5 47))"
    g.add((place, LOCN.geometry, node))
    g.add((node, RDF.type, LOCN.Geometry))
    g.add((node, GSP.asWKT, Literal(wkt, datatype=GSP.wktLiteral)))
    geojson = '{"type": "Point", "coordinates": [5, 47]}'
    g.add((other, LOCN.geometry, URIRef("https://example.invalid/g")))
    g.add((URIRef("https://example.invalid/g"), GSP.asGeoJSON, Literal(geojson)))
    kept = Literal("POINT (1 2)", datatype=GSP.wktLiteral)
    g.add((URIRef("https://example.invalid/k"), LOCN.geometry, kept))
    g.add((URIRef("https://example.invalid/e"), LOCN.geometry, empty))
    read.geometry_literals(g)
    assert one(g, place, LOCN.geometry) == Literal(wkt, datatype=GSP.wktLiteral)
    assert one(g, other, LOCN.geometry) == Literal(geojson, datatype=places.GEOJSON)
    assert one(g, URIRef("https://example.invalid/k"), LOCN.geometry) == kept
    assert list(g.objects(URIRef("https://example.invalid/e"), LOCN.geometry)) == []


def test_dcat_ap_2_writes_the_contour_in_locn_geometry(seeded):
    pkg = helpers.call_action("package_show", id="pub-dijon-velo")
    g = Graph().parse(data=serialize.catalog(
        [pkg], "ttl", profiles=["euro_dcat_ap_2", "metropole_dcat_ap_2"]), format="turtle")
    place = URIRef(f"https://geo.api.gouv.fr/communes/{CHENOVE}")
    contour = one(g, place, LOCN.geometry)
    assert contour.datatype == GSP.wktLiteral
    first = territory.current().commune(CHENOVE).contour["coordinates"][0][0]
    assert str(contour).startswith("POLYGON (({:.5f} {:.5f},".format(*first))
    # no box, no centroid: a CKAN with scheming indexes the last geometry its
    # parser read, which must be the contour
    assert list(g.objects(place, DCAT.bbox)) == []
    assert list(g.objects(place, DCAT.centroid)) == []


def test_conforms_to_the_scdl_schema(catalog, seeded):
    ref = dataset_ref(catalog, _velo(seeded)["id"])
    schema = one(catalog, ref, DCT.conformsTo)
    assert str(schema).startswith("https://schema.data.gouv.fr/schemas/"
                                  "etalab/schema-amenagements-cyclables/")
    assert (schema, RDF.type, DCT.Standard) in catalog


# ---------------------------------------------------------------- distributions

def test_distributions(catalog, seeded):
    ref = dataset_ref(catalog, _velo(seeded)["id"])
    by_title = {str(one(catalog, d, DCT.title)): d for d in catalog.objects(ref, DCAT.distribution)}
    csv, geojson = by_title["Tronçons (CSV)"], by_title["Tronçons (GeoJSON)"]
    assert one(catalog, csv, DCAT.accessURL) == URIRef("https://data.example.org/velo.csv")
    assert one(catalog, csv, DCAT.downloadURL) == URIRef("https://data.example.org/velo.csv")
    assert one(catalog, csv, DCT["format"]) == URIRef(EU + "file-type/CSV")
    assert one(catalog, csv, DCAT.mediaType) == \
        URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert one(catalog, geojson, DCT["format"]) == URIRef(EU + "file-type/GEOJSON")
    assert one(catalog, csv, DCAT.byteSize) == Literal(2048, datatype=XSD.nonNegativeInteger)
    # declared, never checked here: a distribution states dct:conformsTo only
    # once its file is found valid (tests/validation/test_flow.py)
    assert list(catalog.objects(geojson, DCT.conformsTo)) == []
    assert not list(catalog.objects(None, SPDX.checksum))


def test_every_distribution_has_its_licence(catalog, seeded):
    distributions = list(catalog.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 4
    for dist in distributions:
        licence = one(catalog, dist, DCT.license)
        assert (licence, RDF.type, DCT.LicenseDocument) in catalog
        assert {x.language for x in catalog.objects(licence, RDFS.label)} == {"fr", "en"}
        assert {x.language for x in catalog.objects(licence, DCT.title)} == {"fr", "en"}
        rights = one(catalog, dist, DCT.rights)
        assert (rights, RDF.type, DCT.RightsStatement) in catalog
        assert {x.language for x in catalog.objects(rights, RDFS.label)} == {"fr", "en"}
    odbl = dataset_ref(catalog, seeded["published"]["pub-chenove-odbl"]["id"])
    dist = one(catalog, odbl, DCAT.distribution)
    assert one(catalog, dist, DCT.license) == ODBL
    assert set(catalog.objects(ODBL, RDFS.label)) == {
        Literal("Open Data Commons Open Database License (ODbL)", lang="fr"),
        Literal("Open Data Commons Open Database License (ODbL)", lang="en")}
    assert one(catalog, ODBL, SKOS.exactMatch) == \
        URIRef("http://opendatacommons.org/licenses/odbl/summary/")
    velo = dataset_ref(catalog, _velo(seeded)["id"])
    for dist in catalog.objects(velo, DCAT.distribution):
        assert one(catalog, dist, DCT.license) == ETALAB
    assert set(catalog.objects(ETALAB, RDFS.label)) == {
        Literal("Licence Ouverte / Open Licence version 2.0", lang="fr"),
        Literal("Open Licence version 2.0", lang="en")}
    assert one(catalog, ETALAB, SKOS.exactMatch) == \
        URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")


def test_checksums_stay_out(seeded):
    """udata refuses checksums typed xsd:hexBinary: none is written."""
    pkg = helpers.call_action("package_show", id="pub-chenove-odbl")
    pkg["resources"][0]["hash"] = "9f86d081884c7d659a2feaa0c55ad015"
    pkg["resources"][0]["hash_algorithm"] = "http://spdx.org/rdf/terms#checksumAlgorithm_md5"
    stock = Graph().parse(data=serialize.catalog([pkg], "ttl", profiles=["euro_dcat_ap_3"]),
                          format="turtle")
    assert list(stock.objects(None, SPDX.checksum))  # the stock profile writes one
    ours = Graph().parse(data=serialize.catalog([pkg], "ttl"), format="turtle")
    assert list(ours.objects(None, SPDX.checksum)) == []
    assert not [o for o in ours.objects() if getattr(o, "datatype", None) == XSD.hexBinary]


def test_dates_never_in_the_future():
    g, ref = Graph(), URIRef("http://example.invalid/d")
    future = datetime.datetime.now() + datetime.timedelta(days=3)
    g.add((ref, DCT.modified, Literal(future.isoformat(), datatype=XSD.dateTime)))
    g.add((ref, DCT.issued, Literal("2999-01-01", datatype=XSD.date)))
    past = Literal("2020-05-01T10:00:00", datatype=XSD.dateTime)
    g.add((URIRef("http://example.invalid/e"), DCT.modified, past))
    dates.clamp(g, ref)
    dates.clamp(g, URIRef("http://example.invalid/e"))
    assert not_in_future(one(g, ref, DCT.modified))
    assert not_in_future(one(g, ref, DCT.issued))
    assert one(g, URIRef("http://example.invalid/e"), DCT.modified) == past


def test_provenance_is_the_committee_avis_in_french(catalog, seeded):
    ref = dataset_ref(catalog, _velo(seeded)["id"])
    statement = one(catalog, ref, DCT.provenance)
    assert (statement, RDF.type, DCT.ProvenanceStatement) in catalog
    label = one(catalog, statement, RDFS.label)
    assert label.language == "fr"
    assert str(label).startswith("Avis favorable avec réserves du Comité Métropolitain "
                                 "de la Donnée, rendu le ")
    assert str(label).endswith(seed.MOTIVATION)
    # published by a sysadmin override: no avis, no statement
    override = dataset_ref(catalog, seeded["published"]["pub-metropole"]["id"])
    assert list(catalog.objects(override, DCT.provenance)) == []


# ---------------------------------------------------------------- official shapes

def _violations(data: Graph, shapes: pathlib.Path) -> str:
    from pyshacl import validate

    conforms, _, text = validate(data, shacl_graph=str(shapes))
    return "" if conforms else str(text)


@pytest.mark.parametrize(("profiles", "version"), [
    (["euro_dcat_ap_3", "metropole_dcat_ap"], 3),
    (["euro_dcat_ap_2", "metropole_dcat_ap_2"], 2),
])
def test_shacl_zero_violations(seeded, profiles, version):
    if not SHAPES[version].exists():
        pytest.skip(f"DCAT-AP shapes not found at {SHAPES[version]} (../shared is absent)")
    datasets = [helpers.call_action("package_show", id=name) for name in seeded["published"]]
    body = serialize.catalog(datasets, "ttl", profiles=profiles,
                             catalog_dict={"modified": datasets[0]["metadata_modified"]})
    assert _violations(Graph().parse(data=body, format="turtle"), SHAPES[version]) == ""


def test_stock_profile_fails_the_shapes(seeded):
    """The shapes do catch what the profile fixes (the test above can fail)."""
    if not SHAPES[3].exists():
        pytest.skip(f"DCAT-AP shapes not found at {SHAPES[3]} (../shared is absent)")
    datasets = [helpers.call_action("package_show", id="pub-dijon-velo")]
    body = serialize.catalog(datasets, "ttl", profiles=["euro_dcat_ap_3"])
    report = _violations(Graph().parse(data=body, format="turtle"), SHAPES[3])
    assert "dct:publisher" in report or "publisher" in report


# ---------------------------------------------------------------- round trip

def test_stock_parser_reads_the_contour_of_the_dcat_ap_2_feed(app):
    """ckanext-dcat's parser gets the commune's contour out of the DCAT-AP 2
    feed (the portal's profile then keeps the communes' codes, its schema has
    no geometry field)."""
    parser = RDFParser(profiles=["euro_dcat_ap_2"])
    parser.parse(app.get("/catalog.ttl?profiles=euro_dcat_ap_2").body, _format="ttl")
    velo = {d["title"]: d for d in parser.datasets()}["Aménagements cyclables"]
    extras = {e["key"]: e["value"] for e in velo["extras"]}
    geometry = json.loads(extras["spatial"])
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" \
        else geometry["coordinates"][0][0]
    assert len(ring) > 5  # the contour, not the bounding box
    firsts = {tuple(round(v, 5) for v in territory.current().commune(code).contour[
        "coordinates"][0][0][:2]) for code in (DIJON, CHENOVE)}
    assert tuple(ring[0][:2]) in firsts


def test_round_trip_through_ckanext_dcat_parser(app, seeded):
    body = app.get("/catalog.ttl").body
    parser = RDFParser(profiles=["euro_dcat_ap_3", "metropole_dcat_ap"])
    parser.parse(body, _format="ttl")
    parsed = {d["title"]: d for d in parser.datasets()}
    assert set(parsed) == {"Aménagements cyclables", "Adresses de Chenôve",
                           "Budget de la métropole"}
    for name in seeded["published"]:
        shown = helpers.call_action("package_show", id=name)
        got = parsed[shown["title"]]
        assert sorted(got["theme"]) == sorted(shown["theme"])
        for field in ("title", "notes", "frequency", "license_id",
                      "producing_commune", "spatial_coverage"):
            assert got.get(field) == shown.get(field), field
        for field in ("temporal_start", "temporal_end", "contact_name", "contact_email",
                      "conforms_to"):
            assert (got.get(field) or None) == (shown.get(field) or None), field
        assert sorted(got.get("spatial_communes") or []) == \
            sorted(shown.get("spatial_communes") or [])
        assert sorted(t["name"] for t in got["tags"]) == \
            sorted(t["name"] for t in shown["tags"])
        pairs = lambda resources: sorted(  # noqa: E731
            (r["url"], r["format"], r.get("mimetype")) for r in resources)
        assert pairs(got["resources"]) == pairs(shown["resources"])

    # another portal with the same schema accepts what it read
    copy: dict[str, Any] = dict(parsed["Aménagements cyclables"], name="copie-velo", private=True,
                owner_org=seeded["orgs"]["chenove"]["id"])
    copy["resources"] = [{k: v for k, v in r.items() if k in ("url", "name", "format")}
                         for r in copy["resources"]]
    created = seed.create(seeded["admin"], **copy)
    assert created["theme"] == ["ENVI", "TRAN"]
    assert sorted(created["spatial_communes"]) == sorted([DIJON, CHENOVE])
