"""The feeds' namespace manager writes the same documents as rdflib's own."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckanext.metropole.dcat import qnames

THEMES = "http://publications.europa.eu/resource/authority/data-theme/"


def _graph(remembering: bool) -> Graph:
    g = Graph()
    if remembering:
        qnames.install(g)
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    for i in range(3):
        ref = URIRef(f"https://opendata.example.org/dataset/jeu-{i}")
        g.add((ref, RDF.type, DCAT.Dataset))
        g.add((ref, DCTERMS.title, Literal(f"Jeu {i}", lang="fr")))
        g.add((ref, DCAT.theme, URIRef(THEMES + "TRAN")))
        g.add((ref, DCAT.landingPage, ref))
        g.add((ref, DCTERMS.relation, URIRef("urn:x-not-split:éé")))
    return g


@pytest.mark.parametrize("fmt", ["turtle", "pretty-xml", "json-ld", "nt"])
def test_documents_are_those_rdflib_writes(fmt):
    assert (_graph(remembering=True).serialize(format=fmt)
            == _graph(remembering=False).serialize(format=fmt))


def test_a_namespace_bound_after_a_lookup_names_the_uri():
    g = _graph(remembering=True)
    uri = URIRef(THEMES + "TRAN")
    with pytest.raises(KeyError):
        g.namespace_manager.compute_qname(uri, generate=False)
    with pytest.raises(KeyError):  # remembered, same answer
        g.namespace_manager.compute_qname(uri, generate=False)
    g.bind("theme", THEMES)
    assert g.namespace_manager.compute_qname(uri, generate=False)[0] == "theme"
    assert "theme:TRAN" in g.serialize(format="turtle")


def test_a_generated_prefix_is_still_generated():
    g = _graph(remembering=True)
    uri = URIRef("https://vocab.example.invalid/terms/kind")
    with pytest.raises(KeyError):
        g.namespace_manager.compute_qname(uri, generate=False)
    prefix, namespace, name = g.namespace_manager.compute_qname(uri)
    assert (str(namespace), name) == ("https://vocab.example.invalid/terms/", "kind")
    assert g.namespace_manager.compute_qname(uri, generate=False)[0] == prefix
