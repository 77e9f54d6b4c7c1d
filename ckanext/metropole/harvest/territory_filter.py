"""Does a remote dataset concern the portal's territory?

A dataset is kept when its spatial coverage (``dct:spatial``)

- has a geometry (``dcat:bbox``, ``locn:geometry``, ``dcat:centroid`` as WKT
  or GeoJSON) whose bounding box meets the territory's;
- is a URI holding the INSEE code of one of its communes or the SIREN of the
  métropole (``http://id.insee.fr/geo/commune/21231``,
  ``https://geo.api.gouv.fr/communes/21231``…);
- or is named after one of them (labels of the place, a literal),

or when its title or keywords name a commune or the métropole. Names are
compared without case, accents or hyphens, as whole words.
"""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDFS, SKOS
from rdflib.term import Node

from ckanext.metropole import territory

LOCN = Namespace("http://www.w3.org/ns/locn#")
GEOMETRY_PREDICATES = (DCAT.bbox, LOCN.geometry, DCAT.centroid)
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, LOCN.geographicName, DCTERMS.title)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_CODE = re.compile(r"(?<![0-9A-Za-z])(\d{5}|2[AB]\d{3}|\d{9})(?![0-9])")


@dataclasses.dataclass(frozen=True)
class Area:
    """What the filter compares with: the territory's box, codes and names."""
    bbox: tuple[float, float, float, float]
    codes: frozenset[str]
    names: re.Pattern[str]

    def meets(self, box: tuple[float, float, float, float]) -> bool:
        w, s, e, n = self.bbox
        return box[0] <= e and box[2] >= w and box[1] <= n and box[3] >= s

    def named_in(self, text: str) -> bool:
        return bool(text) and self.names.search(normalise(text)) is not None

    def coded_in(self, text: str) -> bool:
        return any(code in self.codes for code in _CODE.findall(text))


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + re.sub(r"[^a-z0-9]+", " ", plain).strip() + " "


# The area of the territory object it was built from: ``territory.current()``
# gives a new object when its file changes, and a long-running harvest
# consumer then builds the new area (keyed by id and path, it kept the old one).
_built: tuple[territory.Territory, Area] | None = None


def _area(current: territory.Territory) -> Area:
    places = (current.metropole,) + current.communes
    names = sorted({normalise(p.name).strip() for p in places}, key=len, reverse=True)
    pattern = re.compile(" (?:" + "|".join(re.escape(n) for n in names) + ") ")
    codes = frozenset([p.code for p in current.communes] + [current.metropole.siren])
    return Area(bbox=current.metropole.bbox, codes=codes, names=pattern)


def area() -> Area:
    global _built
    current = territory.current()
    if _built is None or _built[0] is not current:
        _built = (current, _area(current))
    return _built[1]


def geometry_bbox(text: str) -> tuple[float, float, float, float] | None:
    """Bounding box of a WKT or GeoJSON literal (longitude, latitude), or None."""
    text = text.strip()
    numbers: list[float] = []
    if text.startswith("{"):
        try:
            numbers = [float(n) for n in _flatten(json.loads(text).get("coordinates"))]
        except (ValueError, AttributeError, TypeError, RecursionError):
            return None
    else:
        if text.startswith("<"):  # a CRS URI before the WKT
            text = text.split(">", 1)[-1]
        numbers = [float(n) for n in _NUMBER.findall(text)]
    if len(numbers) < 2 or len(numbers) % 2:
        return None
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _flatten(value: Any) -> Iterable[Any]:
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield value


def _texts(g: Graph, node: Node, predicates: tuple[URIRef, ...]) -> Iterable[str]:
    for predicate in predicates:
        for obj in g.objects(node, predicate):
            if isinstance(obj, Literal):
                yield str(obj)


def concerns(g: Graph, ref: Node, where: Area) -> bool:
    """Is the dataset ``ref`` of graph ``g`` about the territory ``where``?"""
    for place in g.objects(ref, DCTERMS.spatial):
        if isinstance(place, Literal):
            if where.named_in(str(place)) or where.coded_in(str(place)):
                return True
            continue
        if isinstance(place, URIRef) and where.coded_in(str(place)):
            return True
        for text in _texts(g, place, GEOMETRY_PREDICATES):
            box = geometry_bbox(text)
            if box is not None and where.meets(box):
                return True
        if any(where.named_in(t) for t in _texts(g, place, LABEL_PREDICATES)):
            return True
    return any(where.named_in(t) for t in _texts(g, ref, (DCTERMS.title, DCAT.keyword)))
