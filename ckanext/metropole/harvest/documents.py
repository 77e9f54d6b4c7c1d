"""Is a fetched page safe to give to rdflib, and in which format?

rdflib trusts its input: an RDF/XML DOCTYPE with nested entities makes
expat expand them for minutes (a 520-byte "billion laughs"), an external
entity reads a file or a URL, a JSON-LD ``@context`` given as a URL (or an
``@import``) is fetched by rdflib itself, outside our fetch layer. Such
documents are refused before parsing; so are formats that are not RDF
serialisations.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ckanext.metropole.harvest.fetch import FetchError
from ckanext.metropole.harvest.messages import N_

# rdflib parser names accepted from a source's rdf_format or a content type
FORMATS = {"xml", "turtle", "nt", "n3", "json-ld", "trig", "nquads"}
_ALIASES = {"rdf": "xml", "pretty-xml": "xml", "application/rdf+xml": "xml",
            "application/xml": "xml", "text/xml": "xml", "ttl": "turtle",
            "text/turtle": "turtle", "application/x-turtle": "turtle",
            "jsonld": "json-ld", "application/ld+json": "json-ld",
            "application/json": "json-ld", "application/n-triples": "nt",
            "text/plain": "nt", "ntriples": "nt", "text/n3": "n3",
            "application/trig": "trig", "application/n-quads": "nquads"}
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


class HostileDocument(FetchError):
    """A document refused before parsing (the message says why)."""


_NOT_RDF = ("text/html", "application/xhtml+xml", "application/pdf", "image/")


def rdf_format(configured: str | None, content_type: str, content: bytes) -> str:
    """The rdflib format of a page: the source's setting, its content type, its start."""
    media = content_type.split(";", 1)[0].strip().lower()
    if not configured and media.startswith(_NOT_RDF):
        # an error or maintenance page: never read as an empty catalogue
        raise HostileDocument(N_("The server sent {media}, not an RDF document"),
                              media=media[:60])
    for hint in (configured, media):
        if hint:
            name = _ALIASES.get(hint, hint)
            if name in FORMATS:
                return name
    start = content.lstrip()[:1]
    if start in (b"{", b"["):
        return "json-ld"
    if start == b"<":
        return "xml"
    return "turtle"


def check(content: bytes, fmt: str) -> str:
    """The document as text, or :class:`HostileDocument`."""
    if fmt not in FORMATS:
        raise HostileDocument(N_("Unsupported format {format}: expected RDF "
                                 "(Turtle, RDF/XML, JSON-LD, N-Triples)"), format=fmt[:40])
    # DTDs are never needed in RDF/XML; their entities are the attack
    if (fmt == "xml" or content.lstrip()[:1] == b"<") and _DECLARATION.search(content):
        raise HostileDocument(N_("XML document with a DOCTYPE or entity declarations "
                                 "refused (entity expansion, external entities)"))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HostileDocument(N_("The document is not UTF-8 text")) from None
    if fmt == "json-ld":
        _check_json_ld(text)
    return text


def _check_json_ld(text: str) -> None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise HostileDocument(N_("The JSON-LD document is not valid JSON")) from None
    try:
        _walk(doc)
    except RecursionError:
        raise HostileDocument(N_("The JSON-LD document is nested too deeply")) from None


def _walk(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                _check_context(value)
            elif key == "@import":
                raise _remote_context()
            _walk(value)


def _check_context(context: Any) -> None:
    """Inline contexts only: a string is a URL rdflib would fetch."""
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, str):
            raise _remote_context()
        if isinstance(item, dict):
            _walk(item)


def _remote_context() -> HostileDocument:
    return HostileDocument(N_("JSON-LD document with a remote @context or @import refused: "
                              "contexts must be inline"))
