"""Feed documents: a catalog page (with its hydra paging) or one dataset."""
from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, Namespace

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import url_to_rdflib_format

from ckanext.metropole.dcat import fused, provenance, qnames, safe
from ckanext.metropole.dcat.terms import DCAT
from ckanext.metropole.logic import conformity

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
FORMATS = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "n3": "text/n3",
}
# hydra:next is read on a PartialCollectionView, hydra:nextPage on a
# PagedCollection (udata reads one or the other): the page node is both.
_PAGING = (
    ("next", (HYDRA.next, HYDRA.nextPage)),
    ("previous", (HYDRA.previous, HYDRA.previousPage)),
    ("first", (HYDRA.first, HYDRA.firstPage)),
    ("last", (HYDRA.last, HYDRA.lastPage)),
)


def _serializer(profiles: list[str] | None) -> RDFSerializer:
    serializer = RDFSerializer(profiles=profiles)
    qnames.install(serializer.g)
    return serializer


def _add_paging(serializer: RDFSerializer, info: dict[str, Any]) -> None:
    g = serializer.g
    g.bind("hydra", HYDRA)
    node = URIRef(info["current"])
    g.add((node, RDF.type, HYDRA.PartialCollectionView))
    g.add((node, RDF.type, HYDRA.PagedCollection))
    for key, predicates in _PAGING:
        if info.get(key):
            for predicate in predicates:
                g.add((node, predicate, Literal(info[key])))
    g.add((node, HYDRA.totalItems, Literal(info["count"])))
    g.add((node, HYDRA.itemsPerPage, Literal(info["items_per_page"])))


def _rename(serializer: RDFSerializer, old: URIRef, new: URIRef) -> None:
    g = serializer.g
    for p, o in list(g.predicate_objects(old)):
        g.remove((old, p, o))
        g.add((new, p, o))


def catalog(datasets: list[dict[str, Any]], fmt: str, *,
            catalog_dict: dict[str, Any] | None = None,
            catalog_ref: str | None = None,
            paging: dict[str, Any] | None = None,
            profiles: list[str] | None = None, fuse: bool = True) -> str:
    """A catalog document listing ``datasets`` (the profiles of the config by default).

    ``fuse=False``: every profile gets the whole dataset (see ``fused``).
    A dataset that cannot be rendered is left out of the page (``safe``).
    """
    def render(pkgs: list[dict[str, Any]]) -> str:
        return _catalog(pkgs, fmt, catalog_dict=catalog_dict,
                        catalog_ref=catalog_ref, paging=paging, profiles=profiles, fuse=fuse)

    try:
        return render(datasets)
    except Exception:
        kept = safe.keep_renderable(datasets, lambda pkg: dataset(pkg, fmt, profiles, fuse))
        if len(kept) == len(datasets):
            raise  # not a dataset's fault
        return render(kept)


def _catalog(datasets: list[dict[str, Any]], fmt: str, *,
             catalog_dict: dict[str, Any] | None, catalog_ref: str | None,
             paging: dict[str, Any] | None, profiles: list[str] | None,
             fuse: bool) -> str:
    serializer = _serializer(profiles)
    ref = serializer.graph_from_catalog(catalog_dict)
    if catalog_ref and catalog_ref != str(ref):
        _rename(serializer, ref, URIRef(catalog_ref))
        ref = URIRef(catalog_ref)
    ids = [pkg["id"] for pkg in datasets if pkg.get("id")]
    with provenance.prefetched(ids), conformity.prefetched(ids):
        if fuse:
            refs = fused.graph_from_datasets(serializer, datasets)
        else:
            refs = [serializer.graph_from_dataset(pkg) for pkg in datasets]
    for dataset_ref in refs:
        serializer.g.add((ref, DCAT.dataset, dataset_ref))
    # the data services (APIs) of the page's datasets (dcat/services.py)
    for service in list(serializer.g.subjects(RDF.type, DCAT.DataService)):
        serializer.g.add((ref, DCAT.service, service))
    if paging:
        _add_paging(serializer, paging)
    safe.check(serializer.g)
    return serializer.g.serialize(format=url_to_rdflib_format(fmt))


def dataset(pkg: dict[str, Any], fmt: str, profiles: list[str] | None = None,
            fuse: bool = True) -> str:
    """One dataset's document; :class:`safe.Unsound` (or the rendering's own
    error) when it cannot be written as a valid document."""
    serializer = _serializer(profiles)
    if fuse:
        fused.graph_from_datasets(serializer, [pkg])
    else:
        serializer.graph_from_dataset(pkg)
    safe.check(serializer.g)
    rdflib_format = url_to_rdflib_format(fmt)
    if rdflib_format == "json-ld":  # as RDFSerializer.serialize_dataset writes it
        return serializer.g.serialize(format=rdflib_format, auto_compact=True)
    return serializer.g.serialize(format=rdflib_format)
