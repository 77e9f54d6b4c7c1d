"""Prefixed names for the feeds' serialisers, remembering the URIs that have none.

rdflib's Turtle serialiser asks, for each subject and object, twice, which
bound namespace covers a URI. It keeps the answer when there is one. When
there is none (a dataset's URI, a download link, a commune's page), it splits
the URI and walks its namespace trie again at each occurrence: on a page of
100 datasets, about half of the Turtle rendering time. A feed's graph is
complete when it is serialised, so the answer cannot change until a new
namespace is bound.
"""
from __future__ import annotations

from typing import Any

from rdflib import Graph
from rdflib.namespace import NamespaceManager


class RememberingNamespaceManager(NamespaceManager):
    """``NamespaceManager`` that also remembers which URIs no prefix covers."""

    def __init__(self, graph: Graph, bind_namespaces: Any = "rdflib") -> None:
        # the error's class and arguments: an exception object raised again
        # would keep every traceback it went through
        self._unnamed: dict[str, tuple[type[Exception], tuple[Any, ...]]] = {}
        super().__init__(graph, bind_namespaces=bind_namespaces)

    def bind(self, prefix: Any, namespace: Any, override: bool = True,
             replace: bool = False) -> None:
        self._unnamed.clear()  # the new namespace may cover them
        super().bind(prefix, namespace, override=override, replace=replace)

    def compute_qname(self, uri: str, generate: bool = True) -> tuple[str, Any, str]:
        if not generate:
            known = self._unnamed.get(uri)
            if known is not None:
                raise known[0](*known[1])
        try:
            return super().compute_qname(uri, generate)
        except (KeyError, ValueError) as error:
            if not generate:
                self._unnamed[uri] = (type(error), error.args)
            raise


def install(graph: Graph) -> Graph:
    """``graph`` names its URIs through a ``RememberingNamespaceManager``."""
    graph.namespace_manager = RememberingNamespaceManager(graph)
    return graph
