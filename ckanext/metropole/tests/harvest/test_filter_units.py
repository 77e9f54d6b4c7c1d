"""The territory filter, documents check and licence mapping on their own."""
from __future__ import annotations

import json
import os

import pytest
from rdflib import Graph, URIRef

from ckanext.metropole import territory
from ckanext.metropole.harvest import documents, licences, territory_filter

TTL = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix locn: <http://www.w3.org/ns/locn#> .
<https://x.example/d> a dcat:Dataset ; dct:title "Jeu" ; %s .
"""


def _concerns(spatial: str) -> bool:
    g = Graph().parse(data=TTL % spatial, format="turtle")
    ref = URIRef("https://x.example/d")
    return territory_filter.concerns(g, ref, territory_filter.area())


@pytest.mark.parametrize(("spatial", "kept"), [
    ('dct:spatial <https://geo.api.gouv.fr/communes/21166>', True),  # Chenôve
    ('dct:spatial <https://geo.api.gouv.fr/epci/242100410>', True),  # the métropole
    ('dct:spatial <https://geo.api.gouv.fr/communes/21000>', False),  # a postcode-like code
    ('dct:spatial [ skos:prefLabel "Plombières-lès-Dijon" ]', True),
    ('dct:spatial [ skos:prefLabel "plombieres les dijon" ]', True),
    ('dct:spatial "Talant"', True),
    ('dct:spatial "Talantine"', False),  # whole words only
    ('dct:spatial [ locn:geometry "{\\"type\\": \\"Point\\", \\"coordinates\\": [5.04, 47.32]}" ]',
     True),
    ('dct:spatial [ locn:geometry "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> '
     'POINT(5.04 47.32)" ]', True),
    ('dct:spatial [ dcat:bbox "POLYGON((2.2 48.8, 2.4 48.8, 2.4 48.9, 2.2 48.9, 2.2 48.8))" ]',
     False),
    ('dct:spatial [ dcat:bbox "not a geometry" ]', False),
    ('dcat:keyword "Dijon"', True),
    ('dcat:keyword "Lyon"', False),
])
def test_concerns(spatial, kept):
    assert _concerns(spatial) is kept


@pytest.mark.parametrize(("value", "mapped"), [
    ("https://www.etalab.gouv.fr/licence-ouverte-open-licence", "etalab-2.0"),
    ("http://www.etalab.gouv.fr/licence-ouverte-open-licence/", "etalab-2.0"),
    ("Licence Ouverte / Open Licence version 2.0", "etalab-2.0"),
    ("etalab-2.0", "etalab-2.0"),
    ("lov2", "etalab-2.0"),
    ("http://publications.europa.eu/resource/authority/licence/ODC_BL", "odc-odbl"),
    ("ODbL-1.0", "odc-odbl"),
    ("https://creativecommons.org/licenses/by/4.0/", None),
    ("", None),
])
def test_licences(value, mapped):
    assert licences.portal_licence(value) == mapped


@pytest.mark.parametrize(("configured", "content_type", "start", "fmt"), [
    (None, "text/turtle; charset=utf-8", b"@prefix", "turtle"),
    (None, "application/rdf+xml", b"<rdf:RDF", "xml"),
    (None, "application/ld+json", b"{", "json-ld"),
    (None, "application/octet-stream", b"  {", "json-ld"),
    (None, "application/octet-stream", b"<?xml", "xml"),
    ("turtle", "application/octet-stream", b"@prefix", "turtle"),
])
def test_formats(configured, content_type, start, fmt):
    assert documents.rdf_format(configured, content_type, start) == fmt


@pytest.mark.parametrize(("content", "fmt"), [
    (b'<?xml version="1.0"?><!doctype x [<!entity a "b">]><x/>', "xml"),
    (b'{"@context": ["https://schema.org/"], "@id": "x"}', "json-ld"),
    (b'{"@context": {"@import": "https://x.example/c"}}', "json-ld"),
    (b'{"@graph": [{"@context": "https://x.example/c"}]}', "json-ld"),
    (b"[" * 100000 + b"]" * 100000, "json-ld"),
    (b"\xff\xfe", "turtle"),
    (b"@prefix x: <y> .", "html"),
])
def test_refused_documents(content, fmt):
    with pytest.raises(documents.HostileDocument):
        documents.check(content, fmt)


def test_inline_json_ld_contexts_pass():
    doc = b'{"@context": {"dct": "http://purl.org/dc/terms/"}, "@id": "x", "dct:title": "t"}'
    assert documents.check(doc, "json-ld").startswith("{")


def test_area_follows_an_edited_territory_file(tmp_path, ckan_config, monkeypatch):
    """A long-running harvest consumer sees the territory file as it is now."""
    shipped = territory.path_of("dijon-metropole")
    with open(shipped, encoding="utf-8") as f:
        doc = json.load(f)
    path = tmp_path / "territory.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.metropole.territory", str(path))
    assert "21231" in territory_filter.area().codes  # Talant

    doc["communes"] = [c for c in doc["communes"] if c["insee_code"] != "21231"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    area = territory_filter.area()
    assert "21231" not in area.codes
    assert "21166" in area.codes  # Chenôve is still there
