"""Graph corrections and additions of the ``metropole_dcat_ap`` profile.

ckanext-dcat's DCAT-AP profiles run first and write what they can read from
a plain CKAN dataset; our fields hold codes (themes, frequency, file types,
INSEE codes) that they would write as bare literals or relative URIs. Each
function here drops what the stock profile wrote for one property and writes
the property the way the official shapes, data.gouv.fr and data.europa.eu
expect it. In ``lean`` mode (see ``fused``) the stock profile got the dataset
without those fields: nothing is looked up or dropped, only written.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

import ckan.plugins.toolkit as tk

from ckanext.dcat.utils import catalog_uri, resource_uri

from ckanext.metropole import config as metropole_config
from ckanext.metropole import territory
from ckanext.metropole.dcat import dates, places, provenance, services, terms
from ckanext.metropole.dcat.terms import DCAT, DCATAP, DCT, FOAF, SPDX, VCARD
from ckanext.metropole.logic import conformity, hvd
from ckanext.metropole.logic.values import as_list, as_text


def drop(g: Graph, subject: Node, predicate: Node) -> None:
    """Remove ``subject predicate ?o`` and the description of each ``?o``
    (blank node or URI) nothing points at any more: no stray node typed by
    the stock profile stays behind what replaced it."""
    objects = list(g.objects(subject, predicate))
    for obj in objects:
        g.remove((subject, predicate, obj))
    if predicate == RDF.type:
        terms.forget(g, subject)
    for obj in objects:
        _drop_orphan(g, obj)


def _drop_orphan(g: Graph, node: Node) -> None:
    if isinstance(node, (BNode, URIRef)) and next(g.subjects(None, node), None) is None:
        for p in list(g.predicates(node, None)):
            drop(g, node, p)


def _date(value: Any) -> Literal | None:
    text = as_text(value)[:10]
    try:
        return Literal(datetime.date.fromisoformat(text).isoformat(), datatype=XSD.date)
    except ValueError:
        return None


# ---------------------------------------------------------------- catalog

def catalog(g: Graph, catalog_dict: dict[str, Any] | None, ref: Node,
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
    dates.clamp(g, ref)


# ---------------------------------------------------------------- dataset

def _add(g: Graph, ref: Node, predicate: URIRef, nodes: Iterable[Node | None]) -> None:
    for node in nodes:
        if node is not None:
            g.add((ref, predicate, node))


def _replace(g: Graph, ref: Node, predicate: URIRef, nodes: Callable[[], Iterable[Node | None]],
             fresh: bool = False) -> None:
    """``predicate`` of ``ref`` becomes ``nodes()``; ``fresh``: nothing wrote it yet.

    The nodes are made after the drop: a term the stock profile wrote and
    typed, left with no referrer, loses its description, which ours replaces.
    """
    if not fresh:
        drop(g, ref, predicate)
    _add(g, ref, predicate, nodes())


def _publisher(g: Graph, pkg: dict[str, Any], ref: Node,
               current: territory.Territory, lean: bool) -> None:
    if not lean:
        drop(g, ref, DCT.publisher)
    place = places.place_of(as_text(pkg.get("producing_commune")), current)
    if place is None:
        place = current.metropole
    g.add((ref, DCT.publisher, places.add_publisher(g, place)))


def _temporal(g: Graph, pkg: dict[str, Any], ref: Node, fresh: bool = False) -> None:
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


def dataset(g: Graph, pkg: dict[str, Any], ref: Node, dcat_ap: int = 3,
            lean: bool = False) -> None:
    """``lean``: the stock profiles got the dataset without the fields written
    again here (see ``fused``), so they wrote none of these properties."""
    current = territory.current()
    if next(g.objects(ref, DCT.description), None) is None and pkg.get("title"):
        g.add((ref, DCT.description, Literal(pkg["title"])))
    _replace(g, ref, DCAT.theme,
             lambda: [terms.add_theme(g, c) for c in as_list(pkg.get("theme"))], fresh=lean)
    _replace(g, ref, DCT.accrualPeriodicity,
             lambda: [terms.add_frequency(g, as_text(pkg.get("frequency")))], fresh=lean)
    _temporal(g, pkg, ref, fresh=lean)
    for contact in g.objects(ref, DCAT.contactPoint):
        g.add((contact, RDF.type, VCARD.Kind))
    if not lean:
        drop(g, ref, DCATAP.hvdCategory)
        drop(g, ref, DCATAP.applicableLegislation)
    categories = services.dataset(g, pkg, ref)
    _publisher(g, pkg, ref, current, lean)
    _replace(g, ref, DCT.spatial, lambda: [places.add_location(g, p, dcat_ap)
                                           for p in places.covered_places(pkg, current)],
             fresh=lean)
    _replace(g, ref, DCT.conformsTo,
             lambda: [terms.add_standard(g, v) for v in as_list(pkg.get("conforms_to"))[:1]],
             fresh=lean)
    _replace(g, ref, DCT.accessRights, lambda: [terms.add_access_rights(g)], fresh=lean)
    _replace(g, ref, DCT.language, lambda: [terms.add_language(g)], fresh=lean)
    landing = URIRef("{}/dataset/{}".format(catalog_uri().rstrip("/"),
                                              pkg.get("name") or pkg.get("id")))
    _replace(g, ref, DCAT.landingPage, lambda: [landing], fresh=lean)
    g.add((landing, RDF.type, FOAF.Document))
    if not lean:
        drop(g, ref, DCT.provenance)
    avis = provenance.committee_avis(pkg)
    if avis:
        statement = BNode()
        g.add((statement, RDF.type, DCT.ProvenanceStatement))
        g.add((statement, RDFS.label, Literal(avis, lang="fr")))
        g.add((ref, DCT.provenance, statement))
    licence = as_text(pkg.get("license_id"))
    # the stock profile named the distributions: find them rather than ask
    # every URI plugin again
    written = {str(d).rsplit("/", 1)[-1]: d for d in g.objects(ref, DCAT.distribution)}
    now = terms.now()
    _dates(g, ref, pkg, dates.DATASET, now, lean)
    # dct:conformsTo only for the files found valid against their schema
    conforming = {k: s.url for k, s in conformity.valid_schemas(pkg).items()}
    contact = None
    for res in pkg.get("resources", []):
        node = written.get(as_text(res.get("id"))) or URIRef(resource_uri(res))
        distribution(g, res, licence, node, lean,
                     standard=conforming.get(as_text(res.get("id"))))
        _dates(g, node, res, dates.DISTRIBUTION, now, lean)
        if categories or hvd.is_declared_api(res) or hvd.has_datastore_api(res):
            if contact is None:
                contact = services.contact(g, pkg, ref)
            api = services.distribution(g, pkg, res, ref, node, licence, categories, contact)
            if api is not None:  # MQA's issued and modified, on every distribution
                dates.add(g, api, res, dates.DISTRIBUTION, now)


def _dates(g: Graph, ref: Node, d: dict[str, Any], fields: Iterable[tuple[URIRef, str, str]],
           now: datetime.datetime, lean: bool) -> None:
    """Lean: written from ``d``, corrected; otherwise the stock profile's corrected."""
    if lean:
        dates.add(g, ref, d, fields, now)
    else:
        dates.clamp(g, ref)


def distribution(g: Graph, res: dict[str, Any], licence: str, ref: Node,
                 lean: bool = False, standard: str | None = None) -> None:
    """Dates are the caller's (see ``dataset``). ``standard``: the schema
    (version URL) the file was found valid against, if any."""
    url = as_text(res.get("url"))
    link = URIRef(url) if url.startswith(("http://", "https://", "ftp://", "ftps://")) else None
    for predicate in (DCAT.accessURL, DCAT.downloadURL):
        if lean:
            _add(g, ref, predicate, [link])
        elif link is None or (ref, predicate, link) not in g:
            _replace(g, ref, predicate, lambda: [link])
    if link is not None:
        g.add((link, RDF.type, RDFS.Resource))
    _replace(g, ref, DCT.license, lambda: [terms.add_licence(g, licence)], fresh=lean)
    _replace(g, ref, DCT.rights, lambda: [terms.add_rights(g, licence)], fresh=lean)
    if not lean:
        drop(g, ref, DCT["format"])
        drop(g, ref, DCAT.mediaType)
    fmt, media = terms.add_file_type(g, as_text(res.get("format")))
    _add(g, ref, DCT["format"], [fmt])
    _add(g, ref, DCAT.mediaType, [media])
    _replace(g, ref, DCT.conformsTo,
             lambda: [terms.add_standard(g, standard)] if standard else [], fresh=lean)
    # dcat:byteSize stays as the stock profile of each DCAT-AP version types
    # it; udata refuses checksums typed xsd:hexBinary: none is written (the
    # lean stock pass got no hash to write one from).
    if not lean:
        drop(g, ref, SPDX.checksum)
