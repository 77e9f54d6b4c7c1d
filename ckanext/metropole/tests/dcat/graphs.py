"""Reading feed documents in the tests."""
from __future__ import annotations

import datetime
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ckanext.metropole.dcat.serialize import HYDRA
from ckanext.metropole.dcat.terms import DCAT

RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}


def parse(body: str, fmt: str = "ttl") -> Graph:
    return Graph().parse(data=body, format=RDFLIB_FORMATS[fmt])


def get(app: Any, url: str, fmt: str = "ttl") -> Graph:
    response = app.get(url)
    assert response.status_code == 200, response.body
    return parse(response.body, fmt)


def one(g: Graph, subject: Any, predicate: Any) -> Any:
    values = list(g.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def dataset_ref(g: Graph, identifier: str) -> URIRef:
    for ref in g.subjects(RDF.type, DCAT.Dataset):
        if isinstance(ref, URIRef) and str(ref).endswith("/" + identifier):
            return ref
    raise AssertionError(f"dataset {identifier} not in the feed")


def catalog_ref(g: Graph) -> URIRef:
    return one_subject(g, RDF.type, DCAT.Catalog)


def one_subject(g: Graph, predicate: Any, obj: Any) -> Any:
    values = list(g.subjects(predicate, obj))
    assert len(values) == 1, (predicate, obj, values)
    return values[0]


def not_in_future(value: Literal) -> bool:
    parsed = value.toPython()
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    if isinstance(parsed, datetime.datetime):
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return parsed <= now
    return parsed <= now.date()


def next_pages(g: Graph) -> tuple[str | None, str | None]:
    """hydra:next of the PartialCollectionView, hydra:nextPage of the PagedCollection."""
    view = [s for s in g.subjects(RDF.type, HYDRA.PartialCollectionView)]
    paged = [s for s in g.subjects(RDF.type, HYDRA.PagedCollection)]
    assert len(view) == 1
    assert len(paged) == 1
    nxt = g.value(view[0], HYDRA.next)
    nxt_page = g.value(paged[0], HYDRA.nextPage)
    return (str(nxt) if nxt else None, str(nxt_page) if nxt_page else None)
