"""The portal's one-pass rendering gives the graph of the ordinary chain."""
from __future__ import annotations

import datetime

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from ckan.tests import helpers

from ckanext.dcat.profiles import EuropeanDCATAP3Profile

from ckanext.metropole.dcat import dates, serialize, terms
from ckanext.metropole.dcat.terms import DCT
from ckanext.metropole.tests.dcat.graphs import parse

pytestmark = pytest.mark.usefixtures("seeded")

CHAINS = [None, ["euro_dcat_ap_3", "metropole_dcat_ap"],
          ["euro_dcat_ap_2", "metropole_dcat_ap_2"]]


def _shown(seeded):
    names = list(seeded["published"]) + [n for n in seeded["hidden"] if n != "deleted"]
    return [helpers.call_action("package_show", id=name) for name in names]


def _same(fused: str, chained: str, fmt: str, at_least: int = 100) -> None:
    a, b = parse(fused, fmt), parse(chained, fmt)
    if not isomorphic(a, b):
        _, only_fused, only_chained = graph_diff(to_isomorphic(a), to_isomorphic(b))
        pytest.fail("only in the one-pass graph:\n"
                    + only_fused.serialize(format="turtle")
                    + "\nonly in the chained graph:\n" + only_chained.serialize(format="turtle"))
    assert len(a) >= at_least  # a real document, not two empty ones


@pytest.mark.parametrize("profiles", CHAINS)
@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_catalog_page_is_the_chained_graph(seeded, profiles, fmt):
    datasets = _shown(seeded)
    _same(serialize.catalog(datasets, fmt, profiles=profiles),
          serialize.catalog(datasets, fmt, profiles=profiles, fuse=False), fmt)


@pytest.mark.parametrize("profiles", CHAINS)
def test_dataset_document_is_the_chained_graph(seeded, profiles):
    for pkg in _shown(seeded):
        _same(serialize.dataset(pkg, "ttl", profiles=profiles),
              serialize.dataset(pkg, "ttl", profiles=profiles, fuse=False), "ttl", 30)


SHAPES = ["2019", "2021-03", "2020-06-15", "2024-02-29T08:15:00",
          "2024-02-29T08:15:00.123456", "2024-02-29T08:15:00+02:00",
          "15/06/2020 10:00", "pas une date"]


@pytest.mark.parametrize("value", SHAPES)
def test_a_date_is_the_literal_the_stock_profile_writes(value):
    g, ref = Graph(), URIRef("http://example.invalid/d")
    EuropeanDCATAP3Profile(g)._add_date_triple(ref, DCT.modified, value)
    assert list(g.objects(ref, DCT.modified)) == [dates.literal(value)]


@pytest.mark.parametrize("profiles", CHAINS)
def test_dates_of_every_shape_give_the_chained_graph(seeded, profiles, monkeypatch):
    # both renders correct future dates to the same "now"
    monkeypatch.setattr(terms, "now", lambda: datetime.datetime(2026, 11, 23, 9, 0, 0))
    pkg = _shown(seeded)[0]
    assert len(pkg["resources"]) >= 2
    pkg["metadata_created"], pkg["metadata_modified"] = "2019", "2031-01-01T00:00:00"
    first, second = pkg["resources"][:2]
    first["created"], first["metadata_modified"] = "2021-03", "2027-05-01"
    second["created"], second["modified"] = "15/06/2020 10:00", "pas une date"
    fused_doc = serialize.dataset(pkg, "ttl", profiles=profiles)
    _same(fused_doc, serialize.dataset(pkg, "ttl", profiles=profiles, fuse=False), "ttl", 30)
    g = parse(fused_doc, "ttl")
    assert (None, DCT.modified, Literal("2026-11-23T09:00:00", datatype=XSD.dateTime)) in g
    assert (None, DCT.issued, Literal("2019", datatype=XSD.gYear)) in g
