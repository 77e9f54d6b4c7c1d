"""Controlled terms of the feeds: EU authority tables, IANA media types, licences.

Each ``add_*`` function adds one term to a graph with the few triples
harvesters need to use it without dereferencing it (type and label), and
returns the term. Terms are URI nodes, so a page of 100 datasets carries
each of them once: ``add_type`` remembers, per graph, which ones already are.
"""
from __future__ import annotations

import datetime
import weakref
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, Namespace

from ckanext.metropole import vocab

DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

EU = "http://publications.europa.eu/resource/authority/"
THEME_SCHEME = URIRef(EU + "data-theme")
LANGUAGE_FRA = URIRef(EU + "language/FRA")
ACCESS_PUBLIC = URIRef(EU + "access-right/PUBLIC")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
PUBLISHER_TYPE_SCHEME = URIRef("http://purl.org/adms/publishertype/1.0")
IANA = "https://www.iana.org/assignments/media-types/"


# (node, rdf:type) pairs known to be in a graph, by id of the live graph: a
# page asks for the same few terms, places and publishers for each of its 100
# datasets, and a lookup in ckanext-dcat's ConjunctiveGraph costs as much as
# writing a triple. Only ``build.drop`` removes type triples of such nodes; it
# calls ``forget``.
_TYPED: dict[int, set[tuple[Any, Any]]] = {}


def _known(g: Graph) -> set[tuple[Any, Any]]:
    known = _TYPED.get(id(g))
    if known is None:
        known = _TYPED[id(g)] = set()
        weakref.finalize(g, _TYPED.pop, id(g), None)
    return known


def add_type(g: Graph, node: Any, rdf_type: URIRef) -> bool:
    """Type ``node`` with ``rdf_type``; ``False`` when it already was, so its
    description is in the graph too (the graph is asked once per node)."""
    known = _known(g)
    if (node, rdf_type) in known:
        return False
    known.add((node, rdf_type))
    if (node, RDF.type, rdf_type) in g:
        return False
    g.add((node, RDF.type, rdf_type))
    return True


def forget(g: Graph, node: Any) -> None:
    """``node``'s type triples were removed from ``g``."""
    known = _TYPED.get(id(g))
    if known:
        known.difference_update([k for k in known if k[0] == node])


def _labelled(g: Graph, node: URIRef, rdf_type: URIRef, labels: dict[str, str],
              scheme: URIRef | None = None) -> URIRef:
    if not add_type(g, node, rdf_type):
        return node
    for lang in ("fr", "en"):
        if labels.get(lang):
            g.add((node, SKOS.prefLabel, Literal(labels[lang], lang=lang)))
    if scheme is not None:
        g.add((node, SKOS.inScheme, scheme))
    return node


def add_theme(g: Graph, code: str) -> URIRef | None:
    entry = vocab.themes().get(code)
    if entry is None:
        return None
    node = _labelled(g, URIRef(entry["uri"]), SKOS.Concept, entry, THEME_SCHEME)
    if add_type(g, THEME_SCHEME, SKOS.ConceptScheme):
        g.add((THEME_SCHEME, DCT.title, Literal("Data theme", lang="en")))
    return node


def add_frequency(g: Graph, code: str) -> URIRef | None:
    entry = vocab.frequencies().get(code)
    if entry is None:
        return None
    return _labelled(g, URIRef(entry["uri"]), DCT.Frequency, entry)


def add_language(g: Graph) -> URIRef:
    return _labelled(g, LANGUAGE_FRA, DCT.LinguisticSystem, {"fr": "français", "en": "French"})


def add_access_rights(g: Graph) -> URIRef:
    return _labelled(g, ACCESS_PUBLIC, DCT.RightsStatement, {"fr": "public", "en": "public"})


def add_licence(g: Graph, licence_id: str) -> URIRef | None:
    """The licence as a ``dct:LicenseDocument`` with its title (rdfs:label)."""
    entry = vocab.licences().get(licence_id)
    if entry is None:
        return None
    node = URIRef(entry["url"])
    if add_type(g, node, DCT.LicenseDocument):
        g.add((node, RDFS.label, Literal(entry["fr"], lang="fr")))
        g.add((node, RDFS.label, Literal(entry["en"], lang="en")))
    return node


def licence_id(uri: str) -> str | None:
    for key, entry in vocab.licences().items():
        if entry["url"] == uri:
            return key
    return None


def add_file_type(g: Graph, code: str) -> tuple[URIRef | None, URIRef | None]:
    """EU file type (``dct:format``) and IANA media type (``dcat:mediaType``)."""
    entry = vocab.file_types().get(code)
    if entry is None:
        return None, None
    fmt = URIRef(entry["uri"])
    add_type(g, fmt, DCT.MediaTypeOrExtent)
    media = None
    if entry["media_type"]:
        media = URIRef(IANA + entry["media_type"])
        add_type(g, media, DCT.MediaType)
    return fmt, media


def code_of(entries: dict[str, dict[str, Any]], uri: str) -> str | None:
    """The code of a vocabulary entry from its URI (its last path segment)."""
    code = str(uri).rstrip("/").rsplit("/", 1)[-1]
    if code in entries and entries[code]["uri"] == str(uri):
        return code
    return None


def add_standard(g: Graph, value: str) -> URIRef | None:
    """A ``dct:conformsTo`` target: a SCDL schema id (its URL) or a URL."""
    schema = vocab.scdl_schemas().get(value)
    url = schema["url"] if schema else value
    if not url.startswith(("http://", "https://")):
        return None
    node = URIRef(url)
    if add_type(g, node, DCT.Standard):
        if schema:
            g.add((node, RDFS.label, Literal(schema["fr"], lang="fr")))
    return node


def standard_value(uri: str) -> str:
    """The form value of a ``dct:conformsTo`` URI (the SCDL id when it is one)."""
    for key, entry in vocab.scdl_schemas().items():
        if entry["url"] == str(uri):
            return key
    return str(uri)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
