"""Reading a ``metropole_dcat_ap`` feed back into the portal's fields.

ckanext-dcat's parsers run first and fill the generic fields (title,
keywords, contact, temporal coverage, resources' URLs); this turns the
vocabulary URIs of our properties back into the codes the dataset schema
stores, so another portal with ckanext-metropole harvests us field for field.
"""
from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ckanext.metropole import territory, vocab
from ckanext.metropole.dcat import places, terms
from ckanext.metropole.dcat.terms import DCAT, DCATAP, DCT, FOAF, GSP, LOCN

# Keys the stock parsers add that the portal's schema has no field for.
STOCK_ONLY_KEYS = ("publisher", "creator", "contact", "qualified_relation", "spatial")


def geometry_literals(g: Graph) -> Graph:
    """Each ``locn:Geometry`` node of a parsed feed turned into the literal it holds.

    DCAT-AP 3.0 (our default feed, and any portal following its shapes) puts
    a location's geometry in a node (``locn:geometry [ gsp:asWKT "…" ]``);
    ckanext-dcat 2.4's parser reads ``locn:geometry`` as a literal only and
    fails on a node, before any later profile can step in. Harvesters call
    this between parsing a page and reading its datasets: the WKT (or
    GeoJSON) then sits where the parser reads it, as in a DCAT-AP 2 feed.
    A node without a usable value is dropped from the location (the bbox and
    centroid literals still describe it). Returns ``g``, changed in place.
    """
    for location, node in list(g.subject_objects(LOCN.geometry)):
        if isinstance(node, Literal):
            continue
        g.remove((location, LOCN.geometry, node))
        wkt = next((o for o in g.objects(node, GSP.asWKT) if isinstance(o, Literal)), None)
        if wkt is not None:
            g.add((location, LOCN.geometry, Literal(str(wkt), datatype=GSP.wktLiteral)))
            continue
        geojson = next((o for o in g.objects(node, GSP.asGeoJSON)
                        if isinstance(o, Literal)), None)
        if geojson is not None:
            # typed the way ckanext-dcat recognises GeoJSON
            g.add((location, LOCN.geometry, Literal(str(geojson), datatype=places.GEOJSON)))
    return g


def _codes(g: Graph, ref: Node, predicate: URIRef, entries: dict[str, Any]) -> list[str]:
    return sorted(c for c in (terms.code_of(entries, o) for o in g.objects(ref, predicate))
                  if c)


def _spatial(g: Graph, ref: Node, pkg: dict[str, Any]) -> None:
    current = territory.current()
    codes = []
    for node in g.objects(ref, DCT.spatial):
        text = str(node)
        if text == places.EPCI_URI.format(siren=current.metropole.siren):
            codes = []
            break
        prefix = places.COMMUNE_URI.format(code="")
        if text.startswith(prefix) and current.commune(text[len(prefix):]):
            codes.append(text[len(prefix):])
    pkg["spatial_coverage"] = "communes" if codes else "territoire"
    if codes:
        pkg["spatial_communes"] = sorted(codes)


def _date(value: Any) -> str:
    return str(value)[:10] if value else ""


def dataset(g: Graph, pkg: dict[str, Any], ref: Node) -> dict[str, Any]:
    for key in STOCK_ONLY_KEYS:
        pkg.pop(key, None)
    themes = _codes(g, ref, DCAT.theme, vocab.themes())
    if themes:
        pkg["theme"] = themes
    frequencies = _codes(g, ref, DCT.accrualPeriodicity, vocab.frequencies())
    if frequencies:
        pkg["frequency"] = frequencies[0]
    for key in ("temporal_start", "temporal_end"):
        if pkg.get(key):
            pkg[key] = _date(pkg[key])
    standards = [terms.standard_value(o) for o in g.objects(ref, DCT.conformsTo)]
    if standards:
        pkg["conforms_to"] = standards[0]
    _spatial(g, ref, pkg)
    categories = _codes(g, ref, DCATAP.hvdCategory, vocab.hvd_categories())
    if categories:  # the legislation follows from them (the schema sets it)
        pkg["hvd_category"] = categories
    _publisher(g, ref, pkg)
    licences: set[str] = set()
    for res in pkg.get("resources", []):
        if res.get("distribution_ref"):
            licences |= _distribution(g, URIRef(res["distribution_ref"]), res)
    if len(licences) == 1:
        pkg["license_id"] = licences.pop()
    pkg["extras"] = [e for e in pkg.get("extras", [])
                     if e.get("key") not in ("language", "access_rights", "theme",
                                             "frequency", "conforms_to", "hvd_category",
                                             "applicable_legislation")]
    return pkg


def _publisher(g: Graph, ref: Node, pkg: dict[str, Any]) -> None:
    """The producing commune, read from the publisher's identifier."""
    for publisher in g.objects(ref, DCT.publisher):
        place = places.place_from_identifier(str(next(g.objects(publisher, DCT.identifier),
                                                       "")))
        if place is not None:
            pkg["producing_commune"] = place.code


def _distribution(g: Graph, dist: URIRef, res: dict[str, Any]) -> set[str]:
    """The resource ``res`` read from its distribution; the licences it names."""
    formats = _codes(g, dist, DCT["format"], vocab.file_types())
    if formats:
        res["format"] = formats[0]
    for media in g.objects(dist, DCAT.mediaType):
        res["mimetype"] = str(media).replace(terms.IANA, "")
    res_standards = [terms.standard_value(o) for o in g.objects(dist, DCT.conformsTo)]
    if res_standards:
        res["conforms_to"] = res_standards[0]
    licences = set()
    for uri in g.objects(dist, DCT.license):
        licence = terms.licence_id(str(uri))
        if licence:
            licences.add(licence)
    res.pop("license", None)
    res.pop("applicable_legislation", None)  # the dataset's categories give it
    for service in g.objects(dist, DCAT.accessService):
        res["access_kind"] = "api"
        page = g.value(service, FOAF.page)
        if page is not None:
            res["api_documentation"] = str(page)
    res.pop("rights", None)  # written from the licence
    return licences
