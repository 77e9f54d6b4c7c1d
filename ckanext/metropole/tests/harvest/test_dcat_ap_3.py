"""Harvesting a DCAT-AP 3.0 feed: geometries in ``locn:Geometry`` nodes.

Another métropole portal (or this one: ``/catalog.ttl``) writes each
location's contour the DCAT-AP 3.0 way, a node holding the WKT; ckanext-dcat's
parser alone fails on such a node. The territory filter reads the geometry.
"""
from __future__ import annotations

from ckanext.metropole.harvest import harvester
from ckanext.metropole.tests.harvest.conftest import make_source
from ckanext.metropole.tests.harvest.jobs import gather_errors, harvested, run_job
from ckanext.metropole.tests.harvest.server import Reply

NEAR_THE_STATION = "POLYGON ((5.02 47.32, 5.03 47.32, 5.03 47.33, 5.02 47.33, 5.02 47.32))"
IN_PARIS = "POLYGON ((2.30 48.85, 2.31 48.85, 2.31 48.86, 2.30 48.86, 2.30 48.85))"


def _dataset(key: str, title: str, wkt: str) -> str:
    place = f"https://portail.example.org/lieux/{key}"
    return f"""
<https://portail.example.org/dataset/{key}> a dcat:Dataset ;
    dct:title "{title}"@fr ;
    dct:description "Jeu de données d'un autre portail."@fr ;
    dct:identifier "{key}" ;
    dct:spatial <{place}> ;
    dcat:distribution <https://portail.example.org/dataset/{key}/csv> .

<{place}> a dct:Location ;
    skos:prefLabel "Quartier"@fr ;
    locn:geometry [ a locn:Geometry ;
        gsp:asWKT "{wkt}"^^gsp:wktLiteral ] .

<https://portail.example.org/dataset/{key}/csv> a dcat:Distribution ;
    dcat:accessURL <https://portail.example.org/{key}.csv> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> .
"""


FEED = ("""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix gsp: <http://www.opengis.net/ont/geosparql#> .
@prefix locn: <http://www.w3.org/ns/locn#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://portail.example.org/catalog> a dcat:Catalog ;
    dct:title "Un autre portail" .
""" + _dataset("stationnement-gare", "Stationnement autour de la gare", NEAR_THE_STATION)
        + _dataset("velib", "Stations en libre-service", IN_PARIS)).encode()


def test_a_dcat_ap_3_feed_is_harvested_by_its_geometries(server, producer):
    server.routes["/catalog.ttl"] = Reply(FEED)
    report = run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    assert gather_errors(report) == []
    assert set(harvested()) == {"stationnement-gare"}
    assert harvester.job_counts(report["job"]["id"]) == {"kept": 1, "skipped": 1}
