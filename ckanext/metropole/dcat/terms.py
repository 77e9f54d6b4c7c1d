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

from rdflib import BNode, Graph, Literal, URIRef
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
    """The licence as a ``dct:LicenseDocument`` every consumer recognises.

    - the node is the EU vocabulary URI when the licence has one
      (data.europa.eu's MQA gives its "known licence" points to those only);
    - ``dct:title``: what ckanext-dcat's parser matches against the
      harvesting CKAN's licence register when the URI is not in it (ODbL's
      title is the one of CKAN's default register: ``odc-odbl``);
    - ``rdfs:label`` in French and English: what udata reads *instead of* the
      URI, in its default language; both are titles of data.gouv.fr's
      licence list (``lov2``, ``odc-odbl``, ``fr-lo``);
    - ``skos:exactMatch`` the licence's own page (the DCAT-AP HVD shapes warn
      on a licence document without such a link; a reader follows it).
    """
    entry = vocab.licences().get(licence_id)
    if entry is None:
        return None
    node = URIRef(entry["uri"])
    if add_type(g, node, DCT.LicenseDocument):
        for lang in ("fr", "en"):
            title = Literal(entry[lang], lang=lang)
            g.add((node, DCT.title, title))
            g.add((node, RDFS.label, title))
        if entry["url"] != entry["uri"]:
            g.add((node, SKOS.exactMatch, URIRef(entry["url"])))
    return node


def licence_id(uri: str) -> str | None:
    """The portal's licence of a licence URI (EU vocabulary, page or alternate)."""
    for key, entry in vocab.licences().items():
        if str(uri) == entry["uri"] or str(uri) in entry["alternates"]:
            return key
    return None


# What reusing each licence's data asks for, as the dct:rights of the
# distributions (data.europa.eu's MQA counts them). No licence title and no
# URL in the text: udata tries the rights statements before the licences when
# it guesses a dataset's licence (a URL would be extracted and matched, a title
# such as "Licence Ouverte / Open Licence" would give Licence Ouverte 1.0).
RIGHTS = {
    vocab.LICENCE_ETALAB: {
        "fr": "Réutilisation libre et gratuite, y compris commerciale, à condition "
              "de mentionner la source des données et la date de leur dernière mise à jour.",
        "en": "Free reuse, commercial reuse included, provided the source of the data "
              "and the date of its last update are mentioned."},
    vocab.LICENCE_LEGACY: {
        "fr": "Réutilisation libre et gratuite, y compris commerciale, à condition "
              "de mentionner la source des données et la date de leur dernière mise à jour.",
        "en": "Free reuse, commercial reuse included, provided the source of the data "
              "and the date of its last update are mentioned."},
    vocab.LICENCE_ODBL: {
        "fr": "Réutilisation libre et gratuite à condition de mentionner la source ; une "
              "base de données dérivée et rendue publique doit être partagée aux mêmes "
              "conditions.",
        "en": "Free reuse provided the source is mentioned; a derived database made "
              "public must be shared under the same terms."},
}
# one statement node per licence and graph, shared by its distributions
_RIGHTS_NODES: dict[int, dict[str, BNode]] = {}


def add_rights(g: Graph, licence_id: str) -> BNode | None:
    """The ``dct:RightsStatement`` of a licence's distributions (None: no licence)."""
    texts = RIGHTS.get(licence_id)
    if texts is None:
        return None
    nodes = _RIGHTS_NODES.get(id(g))
    if nodes is None:
        nodes = _RIGHTS_NODES[id(g)] = {}
        weakref.finalize(g, _RIGHTS_NODES.pop, id(g), None)
    node = nodes.setdefault(licence_id, BNode())
    # typed again (with its labels) if ``build.drop`` removed it as an orphan
    if add_type(g, node, DCT.RightsStatement):
        for lang, text in texts.items():
            g.add((node, RDFS.label, Literal(text, lang=lang)))
    return node


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
