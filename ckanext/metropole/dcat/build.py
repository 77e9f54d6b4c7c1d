"""Graph corrections and additions of the ``metropole_dcat_ap`` profile.

ckanext-dcat's DCAT-AP profiles run first and write what they can read from
a plain CKAN dataset; our fields hold codes (themes, frequency, file types,
INSEE codes) that they would write as bare literals or relative URIs. Each
function here drops what the stock profile wrote for one property and writes
the property the way the official shapes, data.gouv.fr and data.europa.eu
expect it.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import catalog_uri, resource_uri

from ckanext.metropole import config as metropole_config
from ckanext.metropole import territory
from ckanext.metropole.dcat import places, provenance, terms
from ckanext.metropole.dcat.terms import DCAT, DCT, FOAF, SPDX, VCARD
from ckanext.metropole.logic.values import as_list, as_text

DATE_PREDICATES = (DCT.issued, DCT.modified)


def drop(g: Graph, subject: Any, predicate: Any) -> None:
    """Remove ``subject predicate ?o`` and the blank nodes only it used."""
    for obj in list(g.objects(subject, predicate)):
        g.remove((subject, predicate, obj))
        if isinstance(obj, BNode) and next(g.subjects(None, obj), None) is None:
            for p in list(g.predicates(obj, None)):
                drop(g, obj, p)


def _drop_orphan(g: Graph, node: Any) -> None:
    """Remove a URI node's description once nothing points at it any more."""
    if isinstance(node, URIRef) and next(g.subjects(None, node), None) is None:
        for p in list(g.predicates(node, None)):
            drop(g, node, p)


def clamp_dates(g: Graph, subject: Any) -> None:
    """``dct:issued``/``dct:modified`` never in the future (udata refuses them)."""
    now = terms.now()
    for predicate in DATE_PREDICATES:
        for obj in list(g.objects(subject, predicate)):
            value = obj.toPython() if isinstance(obj, Literal) else None
            if isinstance(value, datetime.datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                late = value > now
            elif isinstance(value, datetime.date):
                late = value > now.date()
            else:
                late = False
            if late:
                g.remove((subject, predicate, obj))
                g.add((subject, predicate,
                       Literal(now.replace(microsecond=0).isoformat(),
                               datatype=XSD.dateTime)))


def _date(value: Any) -> Literal | None:
    text = as_text(value)[:10]
    try:
        return Literal(datetime.date.fromisoformat(text).isoformat(), datatype=XSD.date)
    except ValueError:
        return None


# ---------------------------------------------------------------- catalog

def catalog(g: Graph, catalog_dict: dict[str, Any] | None, ref: URIRef,
            dcat_ap: int = 3) -> None:
    catalog_dict = catalog_dict or {}
    current = territory.current()
    publisher = catalog_dict.get("metropole_publisher") or current.metropole
    if not catalog_dict.get("title"):
        drop(g, ref, DCT.title)
        g.add((ref, DCT.title, Literal(metropole_config.portal_title())))
    if next(g.objects(ref, DCT.description), None) is None:
        g.add((ref, DCT.description, Literal(tk._(
            "Open data published by {name} and its communes").format(
                name=current.metropole.name))))
    drop(g, ref, DCT.language)
    g.add((ref, DCT.language, terms.add_language(g)))
    for homepage in g.objects(ref, FOAF.homepage):
        g.add((homepage, RDF.type, FOAF.Document))
    drop(g, ref, DCT.publisher)
    g.add((ref, DCT.publisher, places.add_publisher(g, publisher)))
    drop(g, ref, DCT.spatial)
    g.add((ref, DCT.spatial, places.add_location(g, publisher, dcat_ap)))
    g.add((ref, DCAT.themeTaxonomy, terms.THEME_SCHEME))
    if "modified" in catalog_dict:
        drop(g, ref, DCT.modified)
        if catalog_dict["modified"]:
            g.add((ref, DCT.modified, Literal(catalog_dict["modified"],
                                              datatype=XSD.dateTime)))
    clamp_dates(g, ref)


# ---------------------------------------------------------------- dataset

def _replace(g: Graph, ref: URIRef, predicate: URIRef, nodes: Iterable[Any],
             fresh: bool = False) -> None:
    """``predicate`` of ``ref`` becomes ``nodes``; ``fresh``: nothing wrote it yet."""
    if not fresh:
        drop(g, ref, predicate)
    for node in nodes:
        if node is not None:
            g.add((ref, predicate, node))


def _publisher(g: Graph, pkg: dict[str, Any], ref: URIRef,
               current: territory.Territory) -> None:
    for old in list(g.objects(ref, DCT.publisher)):
        g.remove((ref, DCT.publisher, old))
        _drop_orphan(g, old)
    place = places.place_of(as_text(pkg.get("producing_commune")), current)
    if place is None:
        place = current.metropole
    g.add((ref, DCT.publisher, places.add_publisher(g, place)))


def _temporal(g: Graph, pkg: dict[str, Any], ref: URIRef, fresh: bool = False) -> None:
    start, end = _date(pkg.get("temporal_start")), _date(pkg.get("temporal_end"))
    if not fresh:
        for period in g.objects(ref, DCT.temporal):
            if g.value(period, DCAT.startDate) == start and g.value(period, DCAT.endDate) == end:
                return  # the stock DCAT-AP 2/3 profile wrote it from the same fields
        drop(g, ref, DCT.temporal)
    if start is None and end is None:
        return
    period = BNode()
    g.add((period, RDF.type, DCT.PeriodOfTime))
    if start is not None:
        g.add((period, DCAT.startDate, start))
    if end is not None:
        g.add((period, DCAT.endDate, end))
    g.add((ref, DCT.temporal, period))


def dataset(g: Graph, pkg: dict[str, Any], ref: URIRef, dcat_ap: int = 3,
            lean: bool = False) -> None:
    """``lean``: the stock profiles got the dataset without the fields written
    again here (see ``fused``), so they wrote none of these properties."""
    current = territory.current()
    if next(g.objects(ref, DCT.description), None) is None and pkg.get("title"):
        g.add((ref, DCT.description, Literal(pkg["title"])))
    _replace(g, ref, DCAT.theme, (terms.add_theme(g, c) for c in as_list(pkg.get("theme"))),
             fresh=lean)
    _replace(g, ref, DCT.accrualPeriodicity,
             [terms.add_frequency(g, as_text(pkg.get("frequency")))], fresh=lean)
    _temporal(g, pkg, ref, fresh=lean)
    for contact in g.objects(ref, DCAT.contactPoint):
        g.add((contact, RDF.type, VCARD.Kind))
    _publisher(g, pkg, ref, current)
    _replace(g, ref, DCT.spatial, (places.add_location(g, p, dcat_ap)
                                   for p in places.covered_places(pkg, current)), fresh=lean)
    _replace(g, ref, DCT.conformsTo,
             [terms.add_standard(g, v) for v in as_list(pkg.get("conforms_to"))[:1]],
             fresh=lean)
    _replace(g, ref, DCT.accessRights, [terms.add_access_rights(g)])
    _replace(g, ref, DCT.language, [terms.add_language(g)])
    landing = URIRef("{}/dataset/{}".format(catalog_uri().rstrip("/"),
                                              pkg.get("name") or pkg.get("id")))
    _replace(g, ref, DCAT.landingPage, [landing], fresh=lean)
    g.add((landing, RDF.type, FOAF.Document))
    drop(g, ref, DCT.provenance)
    avis = provenance.committee_avis(pkg)
    if avis:
        statement = BNode()
        g.add((statement, RDF.type, DCT.ProvenanceStatement))
        g.add((statement, RDFS.label, Literal(avis, lang="fr")))
        g.add((ref, DCT.provenance, statement))
    clamp_dates(g, ref)
    licence = as_text(pkg.get("license_id"))
    # the stock profile named the distributions: find them rather than ask
    # every URI plugin again
    written = {str(d).rsplit("/", 1)[-1]: d for d in g.objects(ref, DCAT.distribution)}
    for res in pkg.get("resources", []):
        node = written.get(as_text(res.get("id"))) or URIRef(resource_uri(res))
        distribution(g, res, licence, node, lean)


def distribution(g: Graph, res: dict[str, Any], licence: str, ref: URIRef,
                 lean: bool = False) -> None:
    url = as_text(res.get("url"))
    link = URIRef(url) if url.startswith(("http://", "https://")) else None
    for predicate in (DCAT.accessURL, DCAT.downloadURL):
        if link is None or (ref, predicate, link) not in g:
            _replace(g, ref, predicate, [link])
    if link is not None:
        g.add((link, RDF.type, RDFS.Resource))
    for old in list(g.objects(ref, DCT.license)):
        g.remove((ref, DCT.license, old))
        _drop_orphan(g, old)
    node = terms.add_licence(g, licence)
    if node is not None:
        g.add((ref, DCT.license, node))
    fmt, media = terms.add_file_type(g, as_text(res.get("format")))
    _replace(g, ref, DCT["format"], [fmt], fresh=lean)
    _replace(g, ref, DCAT.mediaType, [media], fresh=lean)
    _replace(g, ref, DCT.conformsTo,
             [terms.add_standard(g, v) for v in as_list(res.get("conforms_to"))[:1]],
             fresh=lean)
    # dcat:byteSize stays as the stock profile of each DCAT-AP version types
    # it; udata refuses checksums typed xsd:hexBinary: none is written.
    drop(g, ref, SPDX.checksum)
    clamp_dates(g, ref)
