"""The portal's one-pass rendering gives the graph of the ordinary chain."""
from __future__ import annotations

import pytest
from ckan.tests import helpers
from rdflib.compare import isomorphic, to_isomorphic, graph_diff

from ckanext.metropole.dcat import serialize
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
