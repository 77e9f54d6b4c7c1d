"""The métropole and its communes in the feeds: publishers and locations.

Publishers and locations are URI nodes shared by every dataset of a page:
each commune's geometry is written once per document, however many
datasets cover it.

- A publisher is the legal unit behind its SIREN, identified by its page in
  the State's *Annuaire des entreprises*;
- a location is the commune (INSEE code) or the EPCI (SIREN) in the State's
  geographic API (geo.api.gouv.fr).
"""
from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ckanext.metropole import territory
from ckanext.metropole.dcat import terms
from ckanext.metropole.dcat.terms import (
    DCAT,
    DCT,
    FOAF,
    GSP,
    LOCAL_AUTHORITY,
    LOCN,
    PUBLISHER_TYPE_SCHEME,
)
from ckanext.metropole.logic.values import as_list, as_text

GEOJSON = URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json")
AGENT_URI = "https://annuaire-entreprises.data.gouv.fr/entreprise/{siren}"
COMMUNE_URI = "https://geo.api.gouv.fr/communes/{code}"
EPCI_URI = "https://geo.api.gouv.fr/epcis/{siren}"


def _ring(points: list[list[float]]) -> str:
    return "(" + ", ".join(f"{x:.5f} {y:.5f}" for x, y, *_ in points) + ")"


def _polygon(rings: list[list[list[float]]]) -> str:
    return "(" + ", ".join(_ring(r) for r in rings) + ")"


def wkt(geometry: dict[str, Any]) -> str:
    """WKT of a GeoJSON Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return "POLYGON " + _polygon(geometry["coordinates"])
    return "MULTIPOLYGON (" + ", ".join(_polygon(p) for p in geometry["coordinates"]) + ")"


def bbox_polygon(bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    w, s, e, n = bbox
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def _geometries(place: territory.Place) -> tuple[str, str]:
    """WKT contour and WKT bounding box of a place (computed once).

    Kept on the place itself: a territory file read again gives new places,
    whose contours may differ with the same code, box and centroid.
    """
    found = place.__dict__.get("_geometries")
    if found is None:
        box = bbox_polygon(place.bbox)
        found = (wkt(place.contour or box), wkt(box))
        object.__setattr__(place, "_geometries", found)
    return found


def place_of(code: str, current: territory.Territory | None = None) -> territory.Place | None:
    return (current or territory.current()).place(as_text(code))


def add_location(g: Graph, place: territory.Place, dcat_ap: int = 3) -> URIRef:
    """The place as a ``dct:Location``, in the one form every consumer reads.

    Three readers, and what each accepts (tests/dcat/test_consumers.py runs
    them on the feeds):

    - ckanext-dcat 2.4's parser (the CKAN portals that harvest us) reads
      ``locn:geometry``, ``dcat:bbox`` and ``dcat:centroid`` of a location as
      *literals* only, and raises on anything else there: one
      ``locn:geometry [ a locn:Geometry ; gsp:asWKT … ]`` node ends the
      harvest of the whole page;
    - the DCAT-AP 3.0.0 shapes want that ``locn:geometry`` to be a node (and
      ``dcat:bbox`` a literal); the 2.1.1 shapes want a literal;
    - udata (data.gouv.fr) reads every WKT or GeoJSON literal of the location,
      whatever the predicate, and keeps polygons only.

    So DCAT-AP 3 (the default feed) writes the bounding box alone, a WKT
    literal: no consumer fails and each gets a polygon; the contour is not
    in it. DCAT-AP 2 writes the contour as a WKT literal in ``locn:geometry``
    and no box: ckanext-dcat and udata both read the contour. No centroid: a
    CKAN with scheming indexes the last geometry its parser found of
    (contour, box, centroid) (``before_dataset_index``), which would be the
    point.
    """
    if place.kind == "metropole":
        node = URIRef(EPCI_URI.format(siren=place.siren))
    else:
        node = URIRef(COMMUNE_URI.format(code=place.code))
    if not terms.add_type(g, node, DCT.Location):
        return node
    contour, box = _geometries(place)
    g.add((node, SKOS.prefLabel, Literal(place.name, lang="fr")))
    g.add((node, DCT.identifier, Literal(place.code)))
    if dcat_ap < 3:
        g.add((node, LOCN.geometry, Literal(contour, datatype=GSP.wktLiteral)))
    else:
        g.add((node, DCAT.bbox, Literal(box, datatype=GSP.wktLiteral)))
    return node


def add_publisher(g: Graph, place: territory.Place) -> URIRef:
    """The métropole or a commune as a ``foaf:Organization`` with its SIREN."""
    node = URIRef(AGENT_URI.format(siren=place.siren))
    if not terms.add_type(g, node, FOAF.Organization):
        return node
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, FOAF.name, Literal(place.name)))
    g.add((node, DCT.identifier, Literal(place.siren)))
    g.add((node, DCT.type, LOCAL_AUTHORITY))
    if terms.add_type(g, LOCAL_AUTHORITY, SKOS.Concept):
        g.add((LOCAL_AUTHORITY, SKOS.prefLabel, Literal("Local Authority", lang="en")))
        g.add((LOCAL_AUTHORITY, SKOS.prefLabel, Literal("Collectivité territoriale",
                                                        lang="fr")))
        g.add((LOCAL_AUTHORITY, SKOS.inScheme, PUBLISHER_TYPE_SCHEME))
    return node


def covered_places(pkg: dict[str, Any],
                   current: territory.Territory | None = None) -> list[territory.Place]:
    """The communes a dataset covers (the métropole when it covers them all)."""
    current = current or territory.current()
    if as_text(pkg.get("spatial_coverage")) == "communes":
        places = [current.commune(c) for c in as_list(pkg.get("spatial_communes"))]
        found = [p for p in places if p is not None]
        if found:
            return found
    return [current.metropole]


def place_from_identifier(siren_or_code: str) -> territory.Place | None:
    """A place of the territory from a SIREN or an INSEE code."""
    current = territory.current()
    text = as_text(siren_or_code)
    if text == current.metropole.siren:
        return current.metropole
    for commune in current.communes:
        if text in (commune.siren, commune.code):
            return commune
    return None
