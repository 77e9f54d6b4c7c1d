"""Fixture DCAT catalogues (Turtle) of a national producer."""
from __future__ import annotations

from dataclasses import dataclass

ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
DIJON_URI = "http://id.insee.fr/geo/commune/21231"
LYON_URI = "http://id.insee.fr/geo/commune/69123"
DIJON_BOX = "POLYGON((5.0 47.3, 5.1 47.3, 5.1 47.35, 5.0 47.35, 5.0 47.3))"
PARIS_BOX = "POLYGON((2.22 48.81, 2.47 48.81, 2.47 48.90, 2.22 48.90, 2.22 48.81))"


@dataclass
class Remote:
    key: str
    title: str
    spatial_uri: str = ""
    spatial_wkt: str = ""
    keyword: str = "statistiques"
    licence: str = ETALAB
    description: str = "Jeu de données national."

    @property
    def uri(self) -> str:
        return f"https://data.example.org/datasets/{self.key}"


def dataset_ttl(d: Remote) -> str:
    spatial = ""
    if d.spatial_uri:
        spatial += f"    dct:spatial <{d.spatial_uri}> ;\n"
    if d.spatial_wkt:
        spatial += (f'    dct:spatial [ a dct:Location ; dcat:bbox "{d.spatial_wkt}"'
                    f"^^<http://www.opengis.net/ont/geosparql#wktLiteral> ] ;\n")
    return f"""
<{d.uri}> a dcat:Dataset ;
    dct:title "{d.title}"@fr ;
    dct:description "{d.description}"@fr ;
    dct:identifier "{d.key}" ;
    dcat:keyword "{d.keyword}" ;
    dcat:landingPage <https://www.example.org/page/{d.key}> ;
{spatial}    dcat:distribution <{d.uri}/csv> .

<{d.uri}/csv> a dcat:Distribution ;
    dct:title "{d.title} (CSV)" ;
    dcat:accessURL <https://static.example.org/{d.key}.csv> ;
    dct:license <{d.licence}> .
"""


def catalog(datasets: list[Remote], next_page: str = "", this_page: str = "") -> bytes:
    paging = ""
    if next_page:
        paging = f"""
<{this_page or 'https://data.example.org/catalog'}> a hydra:PagedCollection ;
    hydra:next <{next_page}> .
"""
    body = "\n".join(dataset_ttl(d) for d in datasets)
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .

<https://data.example.org/catalog> a dcat:Catalog ;
    dct:title "Catalogue national" .
{paging}{body}""".encode()


# Datasets about the territory (kept) and elsewhere (skipped).
ABOUT_DIJON = Remote("pop-dijon", "Population légale de la commune", spatial_uri=DIJON_URI)
IN_THE_BOX = Remote("bruit", "Cartes de bruit stratégiques", spatial_wkt=DIJON_BOX,
                    licence=CC_BY)
NAMED = Remote("chenove-ecoles", "Écoles de Chenôve")
LYON = Remote("pop-lyon", "Population légale de Lyon", spatial_uri=LYON_URI,
              spatial_wkt=PARIS_BOX)
ELSEWHERE = Remote("lille", "Stationnement à Lille")
MIXED = [ABOUT_DIJON, IN_THE_BOX, NAMED, LYON, ELSEWHERE]
