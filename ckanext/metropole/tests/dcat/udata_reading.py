"""How data.gouv.fr (udata 17.18.0) reads a DCAT feed: spatial coverage and licence.

A focused equivalent of udata's functions, rule by rule, so the tests follow
its code without installing udata (half a gigabyte, MongoDB). Each function
names the udata function it follows (``udata/`` = the package's folder, read
in udata 17.18.0 from PyPI); resource URLs go through the portal's own
``logic/resource_urls.py``, which follows ``udata/uris.py`` ``validate``.
udata is AGPL/MIT software: this is a re-statement of its rules, not a copy.
"""
from __future__ import annotations

import json
import pathlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from geomet import wkt
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ckanext.metropole.dcat.terms import DCAT, DCT, GSP
from ckanext.metropole.logic import resource_urls

GEOJSON_TYPES = (GSP.geoJSONLiteral,
                 URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json"))
WKT_TYPES = (GSP.wktLiteral, URIRef("http://www.opengis.net/rdf#wktLiteral"))
MAX_DISTANCE = 2  # udata/core/dataset/models.py


def spatial(g: Graph, dataset: Any) -> dict[str, Any] | None:
    """udata/core/dataset/rdf.py ``spatial_from_rdf``: every WKT or GeoJSON
    literal of each ``dct:spatial`` node, whatever its predicate (nodes are
    not followed), polygons merged into one MultiPolygon, anything else
    dropped; a literal ``dct:spatial`` is a "w,s,e,n" box (left out here: the
    portal never writes one)."""
    geojsons = []
    for term in g.objects(dataset, DCT.spatial):
        if isinstance(term, Literal):
            continue
        for obj in g.objects(term, None):
            if not isinstance(obj, Literal):
                continue
            try:
                if obj.datatype in GEOJSON_TYPES:
                    geojsons.append(json.loads(str(obj)))
                elif obj.datatype in WKT_TYPES:
                    geojsons.append(wkt.loads(str(obj).strip().upper()))
            except ValueError:
                continue
    polygons: list[Any] = []
    for geojson in geojsons:
        if geojson["type"] == "Polygon":
            if geojson["coordinates"] not in polygons:
                polygons.append(geojson["coordinates"])
        elif geojson["type"] == "MultiPolygon":
            polygons += [c for c in geojson["coordinates"] if c not in polygons]
    return {"type": "MultiPolygon", "coordinates": polygons} if polygons else None


def default_lang_value(g: Graph, subject: Any, predicate: Any, lang: str) -> Any:
    """udata/rdf.py ``default_lang_value``: the literal in DEFAULT_LANGUAGE,
    else the first value."""
    values = list(g.objects(subject, predicate))
    for value in values:
        if isinstance(value, Literal) and value.language == lang:
            return value
    return values[0] if values else None


def unique_values(g: Graph, subject: Any, predicate: Any, lang: str) -> list[str]:
    """udata/rdf.py ``rdf_unique_values`` with ``serialize_value(unwrap=[rdfs:label,
    dct:description])``: a node that has a label is read as its label (in
    DEFAULT_LANGUAGE), not as its URI. Used by ``licenses_from_rdf`` and
    ``rights_from_rdf``."""
    out: list[str] = []
    for obj in g.objects(subject, predicate):
        value = None
        if isinstance(obj, Literal):
            value = str(obj)
        else:
            for unwrap in (RDFS.label, DCT.description):
                found = default_lang_value(g, obj, unwrap, lang)
                if found is not None:
                    value = str(found)
                    break
            value = value or str(obj)
        if value and value not in out:
            out.append(value)
    return out


def slugify(text: str) -> str:
    """awesome-slugify as udata's SlugField calls it (lower case, "-")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


@dataclass
class Licence:
    id: str
    title: str
    url: str
    alternate_urls: list[str] = field(default_factory=list)
    alternate_titles: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title)


class Licences:
    """udata/core/dataset/models.py ``License.guess`` and ``guess_one`` over
    data.gouv.fr's licence table (``datagouv-licences.json``)."""

    def __init__(self, path: Any) -> None:
        rows = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))["licenses"]
        self.all = [Licence(r["id"], r["title"], r.get("url") or "",
                            r.get("alternate_urls") or [], r.get("alternate_titles") or [])
                    for r in rows]

    @staticmethod
    def _first_url(text: str) -> tuple[str, ...]:
        # License.extract_first_url
        match = re.search(r"(https?://\S+)", text.rstrip("."))
        if match:
            return match.group(1), text.replace(match.group(1), "").strip()
        return (text,)

    def guess(self, *strings: str) -> str | None:
        for string in strings:
            for prepared in self._first_url(string):
                found = self.guess_one(prepared)
                if found:
                    return found.id
        return None

    def guess_one(self, text: str) -> Licence | None:
        if not text:
            return None
        text = text.strip().lower()
        slug = slugify(text)
        for lic in self.all:
            if text in (lic.id.lower(), lic.url.lower()) or slug == lic.slug \
                    or text in [u.lower() for u in lic.alternate_urls]:
                return lic
        if resource_urls.problem(text) is None:
            parsed = urlparse(text)
            query = f"{parsed.netloc}{parsed.path.rstrip('/')}"
            for lic in self.all:
                if query in lic.url.lower() or any(query in u for u in lic.alternate_urls):
                    return lic
        for key in (lambda lic: [(lic.slug, slug)],
                    lambda lic: [(lic.title.lower(), text)],
                    lambda lic: [(slugify(t), slug) for t in lic.alternate_titles]):
            candidates = {lic.id: lic for lic in self.all
                          if any(levenshtein(a, b) <= MAX_DISTANCE for a, b in key(lic))}
            if len(candidates) == 1:
                return next(iter(candidates.values()))
        return None


def dataset_licence(g: Graph, dataset: Any, licences: Licences, lang: str) -> str | None:
    """udata/core/dataset/rdf.py ``dataset_from_rdf``: ``License.guess`` of the
    dataset's ``dct:license``, then its ``dct:rights`` (or the distributions'
    rights when they all carry the same), then each distribution's licence;
    the first string that matches wins."""
    distributions = list(g.objects(dataset, DCAT.distribution))
    rights = unique_values(g, dataset, DCT.rights, lang)
    if not rights and distributions:
        each = [unique_values(g, d, DCT.rights, lang) for d in distributions]
        rights = each[0] if all(r == each[0] for r in each) else []
    resource_licences: list[str] = []
    for d in distributions:
        for value in unique_values(g, d, DCT.license, lang):
            if value not in resource_licences:
                resource_licences.append(value)
    return licences.guess(*unique_values(g, dataset, DCT.license, lang), *rights,
                          *resource_licences)


def refused_urls(g: Graph, dataset: Any) -> list[str]:
    """udata/core/dataset/rdf.py ``resource_from_rdf``: a resource's URL is its
    ``dcat:downloadURL``, else its ``dcat:accessURL``; ``URLField`` validates
    it when the dataset is saved, and one refused URL fails the dataset."""
    refused = []
    for d in g.objects(dataset, DCAT.distribution):
        url = g.value(d, DCAT.downloadURL) or g.value(d, DCAT.accessURL)
        if url is not None and resource_urls.problem(str(url)) is not None:
            refused.append(str(url))
    return refused


# ---------------------------------------------------------------- HVD and APIs

# udata/rdf.py ``EU_HVD_CATEGORIES``: the six top categories, by URI
EU_HVD_CATEGORIES = {
    "http://data.europa.eu/bna/c_164e0bf5": "Météorologiques",
    "http://data.europa.eu/bna/c_a9135398": "Entreprises et propriété d'entreprises",
    "http://data.europa.eu/bna/c_ac64a52d": "Géospatiales",
    "http://data.europa.eu/bna/c_b79e35eb": "Mobilité",
    "http://data.europa.eu/bna/c_dd313021": "Observation de la terre et environnement",
    "http://data.europa.eu/bna/c_e1da4e07": "Statistiques",
}


def theme_tags(g: Graph, dataset: Any) -> list[str]:
    """udata/rdf.py ``theme_labels_from_rdf`` then ``themes_from_rdf``'s tags:
    a resource theme gives its prefLabel, a top HVD category its French name
    and the tag ``hvd``; ``dcatap:hvdCategory`` is not read."""
    from rdflib.namespace import SKOS

    tags = []
    for theme in g.objects(dataset, DCAT.theme):
        if isinstance(theme, Literal):
            tags.append(slugify(str(theme)))
            continue
        label = g.value(theme, SKOS.prefLabel)
        if str(theme) in EU_HVD_CATEGORIES:
            label = Literal(EU_HVD_CATEGORIES[str(theme)])
            tags.append("hvd")
        if label is not None:
            tags.append(slugify(str(label)))
    return sorted(set(tags))


def resource_type(g: Graph, distribution: Any) -> str | None:
    """udata/core/dataset/rdf.py ``resource_from_rdf``: no URL, no resource;
    a distribution with ``dcat:accessService`` is an "api" resource."""
    if g.value(distribution, DCAT.downloadURL) is None \
            and g.value(distribution, DCAT.accessURL) is None:
        return None
    return "api" if g.value(distribution, DCAT.accessService) is not None else "main"


def harvested_dataservices(g: Graph) -> list[Any]:
    """udata/harvest/backends/dcat.py ``process_one_dataservices_page``: the
    ``dcat:DataService`` nodes that are no distribution's access service."""
    from rdflib.namespace import RDF

    access = {o for _, _, o in g.triples((None, DCAT.accessService, None))}
    return [n for n in g.subjects(RDF.type, DCAT.DataService) if n not in access]
