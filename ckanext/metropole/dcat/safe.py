"""One dataset never takes a feed page down.

The validators refuse URLs that are not RFC 3987 IRIs, and control
characters in text (``logic/fields.py``), but a value may still reach the
index past them: a dataset saved before the checks, a script, a restore.
rdflib writes such an IRI into a graph, then its Turtle serialiser refuses it
(a server error for every page holding the dataset), RDF/XML and JSON-LD
write a document no consumer reads.

A page's graph is checked before it is serialised: every IRI must be
writable between Turtle's ``<>`` (no space, quote, angle bracket, brace,
pipe, caret, backquote or backslash, no control character) and every
literal free of the characters XML 1.0 forbids. When the page fails (the
check, or any error while building or serialising it), each dataset of the
page is rendered alone; those that fail are left out of the page and logged,
and the page is rendered again without them.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

log = logging.getLogger(__name__)

# Turtle's IRIREF excludes these (and writes no escape for them in practice)
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
# characters XML 1.0 cannot carry (RDF/XML), nor RFC 5545 text
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class Unsound(ValueError):
    """A graph holds a node no serialiser can write in a valid document."""


def problem(node: Node) -> str | None:
    """Why ``node`` cannot be written in a feed (None: it can)."""
    if isinstance(node, URIRef):
        if _BAD_IRI.search(node):
            return f"IRI {str(node)[:200]!r}"
    elif isinstance(node, Literal) and _BAD_TEXT.search(node):
        return f"text with control characters {str(node)[:80]!r}"
    return None


def check(g: Graph) -> None:
    """Raise :class:`Unsound` on the first node of ``g`` a feed cannot hold."""
    for s, _p, o in g:
        for node in (s, o):
            reason = problem(node)
            if reason:
                raise Unsound(reason)


def keep_renderable(datasets: Iterable[dict[str, Any]],
                    render_one: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    """The datasets ``render_one`` renders without an error (the others logged)."""
    kept = []
    for pkg in datasets:
        try:
            render_one(pkg)
        except Exception as error:  # whatever fails, the dataset is left out
            log.warning("Feed: dataset %s (%s) left out of the page: %s",
                        pkg.get("name"), pkg.get("id"), error)
            continue
        kept.append(pkg)
    return kept
