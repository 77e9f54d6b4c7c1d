"""The ``metropole_dcat_ap`` RDF profile (entry point group ``ckan.rdf.profiles``).

Chained after ckanext-dcat's ``euro_dcat_ap_3``: the stock profile writes
the generic DCAT-AP properties, this one writes those that need the portal's
vocabularies and territory, so data.gouv.fr (udata) and data.europa.eu
harvest every field (see ``build`` and ``read``). After ``euro_dcat_ap_2``,
``metropole_dcat_ap_2`` writes the same properties the DCAT-AP 2.1.1 way
(the two versions disagree on how a location's geometry is written).
"""
from __future__ import annotations

from typing import Any

from rdflib import Graph
from rdflib.term import Node

from ckanext.dcat.profiles import RDFProfile

from ckanext.metropole.dcat import build, read


class MetropoleDCATAPProfile(RDFProfile):
    dcat_ap = 3
    # set by ``fused`` when the stock profiles got the lean dataset
    lean = False

    def __init__(self, graph: Graph, dataset_type: str = "dataset",
                 compatibility_mode: bool = False) -> None:
        # ckanext-dcat builds one profile per dataset and the base class looks
        # the scheming schema up each time; this profile reads the fields
        # directly and needs neither the schema nor the base's settings.
        self.g = graph
        self.compatibility_mode = compatibility_mode

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: Node) -> None:
        build.catalog(self.g, catalog_dict, catalog_ref, self.dcat_ap)

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        build.dataset(self.g, dataset_dict, dataset_ref, self.dcat_ap,
                      lean=self.lean)

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        return read.dataset(self.g, dataset_dict, dataset_ref)


class MetropoleDCATAP2Profile(MetropoleDCATAPProfile):
    dcat_ap = 2
