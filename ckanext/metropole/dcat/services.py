"""High-value dataset properties and the portal's APIs as DCAT data services.

- An HVD (``logic.hvd``) carries ``dcatap:hvdCategory`` (each category
  embedded with its labels and scheme), ``dcatap:applicableLegislation`` (the
  regulation's ELI, an ``eli:LegalResource``) on itself, its distributions and
  its services, and the top category of each as a ``dcat:theme``: the only
  form data.gouv.fr (udata) recognises an HVD by.
- Each resource whose table is loaded gets a second distribution, its
  DataStore API: ``dcat:accessURL`` the API call, ``dcat:accessService`` a
  ``dcat:DataService`` IRI (endpoint, endpoint description, documentation
  page, the dataset it serves, licence, contact point). The file's own
  distribution is left as it is (udata turns any distribution with an access
  service into an "api" resource).
- A resource the producer declared as its own API (``access_kind = api``)
  is a distribution without download link whose access service is the API.
The catalogue lists every service of its page (``dcat:service``, see
``serialize``).
"""
from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

import ckan.plugins.toolkit as tk

from ckanext.dcat.utils import catalog_uri

from ckanext.metropole.dcat import terms
from ckanext.metropole.dcat.terms import DCAT, DCATAP, DCT, FOAF, VCARD
from ckanext.metropole.logic import hvd
from ckanext.metropole.logic.values import as_text

DATASTORE_DOCS = "https://docs.ckan.org/en/{version}/maintaining/datastore.html"


def _site() -> str:
    return catalog_uri().rstrip("/")


def _resource(g: Graph, url: str) -> URIRef:
    node = URIRef(url)
    terms.add_type(g, node, RDFS.Resource)
    return node


def _document(g: Graph, url: str) -> URIRef:
    node = URIRef(url)
    terms.add_type(g, node, FOAF.Document)
    return node


def dataset(g: Graph, pkg: dict[str, Any], ref: Node) -> list[URIRef]:
    """The HVD properties of the dataset (what the stock profile wrote of
    them is dropped by the caller); its categories' nodes (none: not an HVD)."""
    categories = [n for n in (terms.add_hvd_category(g, c) for c in hvd.categories(pkg)) if n]
    if not categories:
        return []
    for node in categories:
        g.add((ref, DCATAP.hvdCategory, node))
    for top in hvd.top_categories(pkg):
        theme = terms.add_hvd_category(g, top)
        if theme is not None:
            g.add((ref, DCAT.theme, theme))
    g.add((ref, DCATAP.applicableLegislation, terms.add_legislation(g)))
    return categories


def contact(g: Graph, pkg: dict[str, Any], ref: Node) -> Any:
    """The dataset's contact point (a ``vcard:Kind``), the services' too; when
    the dataset has none, the dataset's page as the way to reach its producer."""
    for node in g.objects(ref, DCAT.contactPoint):
        for email in g.objects(node, VCARD.hasEmail):
            terms.add_type(g, email, RDFS.Resource)
        return node
    node = BNode()
    g.add((node, RDF.type, VCARD.Organization))
    g.add((node, RDF.type, VCARD.Kind))
    name = as_text((pkg.get("organization") or {}).get("title")) or tk._("Producer")
    g.add((node, VCARD.fn, Literal(name)))
    g.add((node, VCARD.hasURL, _resource(g, "{}/dataset/{}".format(
        _site(), pkg.get("name") or pkg.get("id")))))
    return node


def _service(g: Graph, node: URIRef, ref: Node, title: str, licence: Any,
             contact_point: Any, categories: list[URIRef]) -> URIRef:
    g.add((node, RDF.type, DCAT.DataService))
    g.add((node, DCT.title, Literal(title)))
    g.add((node, DCAT.servesDataset, ref))
    if licence is not None:
        g.add((node, DCT.license, licence))
    g.add((node, DCAT.contactPoint, contact_point))
    if categories:
        g.add((node, DCATAP.applicableLegislation, terms.add_legislation(g)))
        for category in categories:
            g.add((node, DCATAP.hvdCategory, category))
    return node


def distribution(g: Graph, pkg: dict[str, Any], res: dict[str, Any], ref: Node,
                 node: Node, licence_id: str, categories: list[URIRef],
                 contact_point: Any) -> URIRef | None:
    """The HVD legislation and the API of one resource's distribution
    ``node``; the DataStore API's own distribution if the table is loaded
    (the caller dates it as the resource)."""
    if categories:
        g.add((node, DCATAP.applicableLegislation, terms.add_legislation(g)))
    licence = terms.add_licence(g, licence_id)
    name = as_text(res.get("name")) or as_text(res.get("id"))
    url = as_text(res.get("url"))
    if hvd.is_declared_api(res) and url.startswith(("http://", "https://")):
        for link in list(g.objects(node, DCAT.downloadURL)):
            g.remove((node, DCAT.downloadURL, link))
        service = _service(g, URIRef(f"{node}#service"), ref, name, licence,
                           contact_point, categories)
        g.add((service, DCAT.endpointURL, _resource(g, url)))
        page = as_text(res.get("api_documentation")) or str(node)
        g.add((service, FOAF.page, _document(g, page)))
        conditions = as_text(res.get("api_conditions"))
        if conditions:
            statement = BNode()
            g.add((statement, RDF.type, DCT.RightsStatement))
            g.add((statement, RDFS.label, Literal(conditions)))
            g.add((service, DCT.rights, statement))
        g.add((node, DCAT.accessService, service))
    if hvd.has_datastore_api(res):
        site = _site()
        api = URIRef(f"{node}#datastore-api")
        service = _service(
            g, URIRef(f"{node}#datastore-service"), ref,
            tk._("DataStore API: {name}").format(name=name), licence, contact_point,
            categories)
        g.add((service, DCAT.endpointURL,
               _resource(g, f"{site}/api/3/action/datastore_search")))
        g.add((service, DCAT.endpointDescription, _resource(
            g, f"{site}/api/3/action/help_show?name=datastore_search")))
        version = ".".join(tk.h.ckan_version().split(".")[:2])
        g.add((service, FOAF.page, _document(g, DATASTORE_DOCS.format(version=version))))
        g.add((api, RDF.type, DCAT.Distribution))
        g.add((api, DCT.title, Literal(tk._("{name} (DataStore API)").format(name=name))))
        g.add((api, DCAT.accessURL, _resource(
            g, "{}/api/3/action/datastore_search?resource_id={}".format(site, res["id"]))))
        g.add((api, DCAT.accessService, service))
        fmt, media = terms.add_file_type(g, "JSON")
        if fmt is not None:
            g.add((api, DCT["format"], fmt))
        if media is not None:
            g.add((api, DCAT.mediaType, media))
        if licence is not None:
            g.add((api, DCT.license, licence))
        rights = terms.add_rights(g, licence_id)
        if rights is not None:
            g.add((api, DCT.rights, rights))
        if categories:
            g.add((api, DCATAP.applicableLegislation, terms.add_legislation(g)))
        g.add((ref, DCAT.distribution, api))
        return api
    return None
