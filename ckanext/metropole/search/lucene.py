"""A parser for the subset of the Lucene/Solr query syntax that CKAN sends.

It turns ``q`` and ``fq`` strings into a small tree of nodes; ``compiler.py``
compiles the tree into SQLAlchemy expressions with bound parameters, so user
input never becomes SQL text. Anything outside the subset raises
:class:`SearchSyntaxError` with a message saying what
could not be understood: a wrong answer is worse than a clear refusal.

Supported: ``field:value``, ``"phrases"``, ``field:(a OR b)``, ``[X TO Y]``
and ``{X TO Y}`` ranges with ``*`` and Solr date math, ``+``/``-``/``!``
modifiers, ``AND``/``OR``/``NOT``/``&&``/``||``, parentheses, ``*:*``,
trailing ``*`` wildcards, backslash escapes, ``^boost`` and ``~slop`` (both
accepted and ignored).
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Union

from ckan.lib.search.common import SearchError


class SearchSyntaxError(SearchError):
    """A query this backend cannot interpret.

    A subclass of CKAN's SearchError, the error CKAN raises when Solr refuses
    a query, so the API answers 409 as it does with Solr and the search page
    shows its usual "search error" message.
    """

MAX_CLAUSES = 256
MAX_DEPTH = 32

MUST = "must"
SHOULD = "should"
MUST_NOT = "must_not"


@dataclasses.dataclass(frozen=True)
class Term:
    text: str
    wildcard: bool = False  # ends with * (prefix) or contains * / ?


@dataclasses.dataclass(frozen=True)
class Phrase:
    text: str


@dataclasses.dataclass(frozen=True)
class Range:
    low: Optional[str]  # None means open (*)
    high: Optional[str]
    include_low: bool
    include_high: bool


@dataclasses.dataclass(frozen=True)
class MatchAll:
    pass


@dataclasses.dataclass(frozen=True)
class Field:
    """A value searched in one field (``field`` None means the default field)."""

    field: Optional[str]
    value: Union[Term, Phrase, Range, "Bool"]


@dataclasses.dataclass(frozen=True)
class Bool:
    """Lucene BooleanQuery: clauses with an occurrence (must/should/must_not)."""

    clauses: tuple[tuple[str, "Node"], ...]


Node = Union[Field, Bool, MatchAll]

_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}


class _Token:
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind: str, text: str, pos: int):
        self.kind = kind
        self.text = text
        self.pos = pos

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.kind}:{self.text!r}"


def _error(message: str) -> SearchSyntaxError:
    return SearchSyntaxError(message)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if text.startswith("&&", i) or text.startswith("||", i):
            tokens.append(_Token("OP", _OPERATORS[text[i:i + 2]], i))
            i += 2
            continue
        if c in "[{":
            # Range bounds follow their own rules (dates hold colons): read
            # up to the closing bracket and keep the raw bounds.
            j = i + 1
            while j < n and text[j] not in "]}":
                if text[j] == "\\":
                    j += 1
                j += 1
            if j >= n:
                raise _error(f"Range at position {i} is not closed with ] or }}")
            parts = text[i + 1:j].split()
            if len(parts) != 3 or parts[1] != "TO":
                raise _error(f"Invalid range at position {i}: use [A TO B]")
            tokens.append(_Token("RANGE", "", i))
            tokens[-1].text = (c, parts[0], parts[2], text[j])  # type: ignore[assignment]
            i = j + 1
            continue
        if c in "()]}:^~":
            tokens.append(_Token(c, c, i))
            i += 1
            continue
        if c in "+-!":
            tokens.append(_Token("MOD", "-" if c == "!" else c, i))
            i += 1
            continue
        if c == '"':
            j = i + 1
            buf = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise _error(f"Unbalanced quotes in search query at position {i}")
            tokens.append(_Token("PHRASE", "".join(buf), i))
            i = j + 1
            continue
        # a word: everything up to whitespace or a special character
        j = i
        buf = []
        raw_wild = False
        while j < n:
            ch = text[j]
            if ch == "\\":
                if j + 1 >= n:
                    raise _error("Search query ends with a lone backslash")
                buf.append(text[j + 1])
                j += 2
                continue
            if ch.isspace() or ch in '()[]{}:^~"':
                break
            if ch in "*?":
                raw_wild = True
            buf.append(ch)
            j += 1
        word = "".join(buf)
        kind = "WORD"
        if word in _OPERATORS and text[i:j] == word:
            kind = "OP"
            word = _OPERATORS[word]
        elif word == "TO" and text[i:j] == "TO":
            kind = "TO"
        tokens.append(_Token(kind, word, i))
        if raw_wild and kind == "WORD":
            tokens[-1].kind = "WILD"
        i = j
    return tokens


class _Parser:
    def __init__(self, text: str, default_op: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0
        self.default_op = default_op
        self.clause_count = 0
        self.depth = 0

    # -- helpers
    def peek(self, offset: int = 0) -> Optional[_Token]:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self, kind: Optional[str] = None) -> _Token:
        tok = self.peek()
        if tok is None:
            raise _error("Search query ends unexpectedly")
        if kind is not None and tok.kind != kind:
            raise _error(
                f"Unexpected {tok.text!r} at position {tok.pos} of the search query"
            )
        self.pos += 1
        return tok

    # -- grammar
    def parse(self) -> Node:
        node = self.boolean(field=None, closing=None)
        if self.peek() is not None:
            tok = self.peek()
            assert tok
            raise _error(f"Unexpected {tok.text!r} at position {tok.pos} of the search query")
        return node

    def boolean(self, field: Optional[str], closing: Optional[str]) -> Node:
        """A sequence of clauses, combined as Lucene's classic parser does."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error("Search query is nested too deeply")
        clauses: list[list] = []  # [occur, node, explicit]
        conj: Optional[str] = None
        while True:
            tok = self.peek()
            if tok is None or (closing and tok.kind == closing):
                break
            if tok.kind == "OP" and tok.text in ("AND", "OR"):
                if not clauses or conj is not None:
                    raise _error(
                        f"Operator {tok.text} at position {tok.pos} has nothing on its left"
                    )
                conj = tok.text
                self.pos += 1
                continue
            modifier = None
            if tok.kind == "MOD":
                modifier = tok.text
                self.pos += 1
            elif tok.kind == "OP" and tok.text == "NOT":
                modifier = "-"
                self.pos += 1
                nxt = self.peek()
                if nxt is not None and nxt.kind == "MOD":
                    self.pos += 1
            node = self.clause(field)
            self.clause_count += 1
            if self.clause_count > MAX_CLAUSES:
                raise _error(f"Search query has more than {MAX_CLAUSES} clauses")
            effective = conj or self.default_op
            if effective == "AND" and clauses and conj == "AND":
                prev = clauses[-1]
                if prev[0] == SHOULD and not prev[2]:
                    prev[0] = MUST
            if effective == "OR" and clauses and conj == "OR":
                prev = clauses[-1]
                if prev[0] == MUST and not prev[2]:
                    prev[0] = SHOULD
            if modifier == "-":
                occur, explicit = MUST_NOT, True
            elif modifier == "+":
                occur, explicit = MUST, True
            elif effective == "AND":
                occur, explicit = MUST, False
            else:
                occur, explicit = SHOULD, False
            clauses.append([occur, node, explicit])
            conj = None
        if conj is not None:
            raise _error(f"Operator {conj} at the end of the search query has nothing on its right")
        self.depth -= 1
        if not clauses:
            raise _error("Empty group in search query")
        if len(clauses) == 1 and clauses[0][0] != MUST_NOT:
            return clauses[0][1]
        return Bool(tuple((occur, node) for occur, node, _ in clauses))

    def clause(self, field: Optional[str]) -> Node:
        tok = self.peek()
        if tok is None:
            raise _error("Search query ends after an operator")
        if tok.kind == "(":
            self.pos += 1
            node = self.boolean(field, ")")
            self.take(")")
            self.skip_boost()
            return node
        if field is None and tok.kind in ("WORD", "WILD") and self.peek(1) is not None \
                and self.peek(1).kind == ":":
            name = tok.text
            self.pos += 2
            if name == "*":
                star = self.take()
                if star.kind != "WILD" or star.text != "*":
                    raise _error("Only *:* may use * as a field name")
                return MatchAll()
            return self.field_value(name)
        return self.value(field)

    def field_value(self, name: str) -> Node:
        if not name or not all(c.isalnum() or c in "_-." for c in name):
            raise _error(f"Invalid field name {name!r} in search query")
        tok = self.peek()
        if tok is None:
            raise _error(f"Field {name} has no value in the search query")
        if tok.kind == "(":
            self.pos += 1
            node = self.boolean(name, ")")
            self.take(")")
            self.skip_boost()
            return node
        return self.value(name)

    def value(self, field: Optional[str]) -> Node:
        tok = self.take()
        if tok.kind == "RANGE":
            opening, low, high, closing = tok.text
            self.skip_boost()
            return Field(field, Range(_bound(low), _bound(high), opening == "[", closing == "]"))
        if tok.kind == "PHRASE":
            self.skip_boost()
            return Field(field, Phrase(tok.text))
        if tok.kind == "WILD":
            self.skip_boost()
            if tok.text == "*" and field is not None:
                # field:* means "the field has a value"
                return Field(field, Term("*", wildcard=True))
            if tok.text == "*":
                return MatchAll()
            return Field(field, Term(tok.text, wildcard=True))
        if tok.kind in ("WORD", "TO"):
            self.skip_boost()
            return Field(field, Term(tok.text))
        raise _error(f"Unexpected {tok.text!r} at position {tok.pos} of the search query")

    def skip_boost(self) -> None:
        while True:
            tok = self.peek()
            if tok is None or tok.kind not in ("^", "~"):
                return
            self.pos += 1
            nxt = self.peek()
            if nxt is not None and nxt.kind == "WORD" and _is_number(nxt.text):
                self.pos += 1


def _bound(raw: str) -> Optional[str]:
    if raw == "*":
        return None
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    return raw.replace("\\", "")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse(text: str, default_op: str = "AND") -> Node:
    """Parse a Lucene query string into a tree of nodes."""
    if text is None:
        return MatchAll()
    if not isinstance(text, str):
        raise _error("Search query must be a string")
    if not text.strip():
        return MatchAll()
    op = (default_op or "AND").upper()
    if op not in ("AND", "OR"):
        raise _error(f"Invalid q.op {default_op!r}: use AND or OR")
    if text.count("(") != text.count(")") and "\\" not in text and '"' not in text:
        raise _error("Unbalanced parentheses in search query")
    return _Parser(text, op).parse()
