"""Compile parsed Lucene queries into SQLAlchemy expressions on the index table.

Field semantics follow CKAN's Solr schema: ``string`` fields (the default,
including every scheming field) match exactly, ``text`` fields match through
French/English stemming with accent folding, ``date`` fields compare as
timestamps with Solr date math.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.dialects.postgresql import JSONB

from . import lucene
from .lucene import SearchSyntaxError
from .table import (
    COLUMN_FIELDS,
    MAX_TERM_LENGTH,
    TEXT_CONFIG_EN,
    TEXT_CONFIG_FR,
    TIMESTAMP_COLUMNS,
    document,
    term,
)

TEXT_FIELDS = {
    "title", "notes", "author", "author_email", "maintainer", "maintainer_email",
    "res_name", "res_description", "text", "urls", "depends_on", "dependency_of",
    "derives_from", "has_derivation", "links_to", "linked_from", "child_of",
    "parent_of",
}
TEXT_PREFIXES = ("extras_", "res_extras_")
DATE_FIELDS = {"metadata_created", "metadata_modified", "indexed_ts"}
DEFAULT_QUERY_FIELDS = {"name", "title", "tags", "groups", "text"}
# Solr copies these into edge n-gram fields used by dataset autocomplete.
NGRAM_FIELDS = {"name_ngram": "name", "title_ngram": "title"}

_FIELD_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,200}$")


def field_kind(field: str) -> str:
    if field in DATE_FIELDS or field.endswith("_date"):
        return "date"
    if field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES):
        return "text"
    return "string"


def _check_field(field: str) -> str:
    if not _FIELD_RE.match(field):
        raise SearchSyntaxError(f"Invalid field name {field!r}")
    return field


# ------------------------------------------------------------------ date math
_UNITS = {
    "YEAR": "years", "YEARS": "years", "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days", "HOUR": "hours", "HOURS": "hours",
    "MINUTE": "minutes", "MINUTES": "minutes", "SECOND": "seconds", "SECONDS": "seconds",
    "MILLI": "microseconds", "MILLIS": "microseconds", "MILLISECOND": "microseconds",
    "MILLISECONDS": "microseconds",
}
_MATH_RE = re.compile(r"([+-])(\d{1,9})([A-Z]+)|/([A-Z]+)")


def parse_date(text: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """Solr date or date math (``NOW``, ``NOW-1DAY``, ``2024-01-01T00:00:00Z/DAY``)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    raw = text.strip()
    if raw.upper().startswith("NOW"):
        base, rest = now, raw[3:]
    else:
        match = re.match(r"^(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?)?Z?)(.*)$", raw)
        if not match:
            raise SearchSyntaxError(f"Invalid date {text!r}: use ISO 8601 (2024-01-31T00:00:00Z) or NOW")
        stamp, rest = match.groups()
        try:
            base = datetime.datetime.fromisoformat(stamp.rstrip("Z"))
        except ValueError:
            raise SearchSyntaxError(f"Invalid date {text!r}")
        if base.tzinfo is None:
            base = base.replace(tzinfo=datetime.timezone.utc)
    rest = rest.upper()
    pos = 0
    while pos < len(rest):
        match = _MATH_RE.match(rest, pos)
        if not match:
            raise SearchSyntaxError(f"Invalid date math in {text!r}")
        sign, amount, unit, round_unit = match.groups()
        if round_unit:
            if round_unit not in _UNITS:
                raise SearchSyntaxError(f"Unknown date unit {round_unit!r} in {text!r}")
            base = _round(base, _UNITS[round_unit])
        else:
            if unit not in _UNITS:
                raise SearchSyntaxError(f"Unknown date unit {unit!r} in {text!r}")
            n = int(amount) * (1000 if _UNITS[unit] == "microseconds" else 1)
            amounts: dict[str, Any] = {_UNITS[unit]: n}
            delta = relativedelta(**amounts)
            try:
                base = base + delta if sign == "+" else base - delta
            except (OverflowError, ValueError):
                raise SearchSyntaxError(f"Date out of range in {text!r}")
        pos = match.end()
    return base


def _round(value: datetime.datetime, unit: str) -> datetime.datetime:
    order = ["years", "months", "days", "hours", "minutes", "seconds", "microseconds"]
    keep = order.index(unit)
    fields = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    names = ["month", "day", "hour", "minute", "second", "microsecond"]
    changes: dict[str, Any] = {k: fields[k] for k in names[keep:]}
    return value.replace(**changes)


# ------------------------------------------------------------------- helpers
_JSONB_CONSTANTS = {"[]": "'[]'::jsonb", '""': "'\"\"'::jsonb",
                    '["string"]': "'[\"string\"]'::jsonb"}


def jsonb_literal(value: str) -> Any:
    """A constant JSONB value written in the SQL (one of a fixed few)."""
    return sa.literal_column(_JSONB_CONSTANTS[value], JSONB)


def _values(field: str) -> Any:
    """The field's values as a set-returning expression of text."""
    value = document.c.doc[field]
    as_array = sa.case(
        (sa.func.jsonb_typeof(value) == "array", value),
        else_=sa.func.jsonb_build_array(value),
    )
    return sa.func.jsonb_array_elements_text(as_array)


def _contains(field: str, value: Any) -> Any:
    doc = document.c.doc
    return sa.or_(
        doc.contains({field: value}),
        doc.contains({field: [value]}),
    )


def _exact(field: str, text: str) -> Any:
    if field in COLUMN_FIELDS:
        return document.c[field] == text
    if field == "permission_labels":
        return document.c.labels.contains([text])
    if len(text) <= MAX_TERM_LENGTH:
        return document.c.terms.contains([term(field, text)])
    return _contains(field, text)


def _exists(field: str) -> Any:
    if field in COLUMN_FIELDS or field in TIMESTAMP_COLUMNS:
        return document.c[field].isnot(None)
    value = document.c.doc[field]
    return sa.and_(
        document.c.doc.has_key(field),  # noqa: W601 - JSONB operator ?
        sa.func.jsonb_typeof(value) != "null",
        value != jsonb_literal("[]"),
        value != jsonb_literal('""'),
    )


def _like(field: str, pattern: str) -> Any:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = escaped.replace("*", "%").replace("?", "_")
    if field in COLUMN_FIELDS:
        return document.c[field].like(like)
    v = sa.column("v", sa.Text)
    return sa.exists(sa.select(sa.literal(1)).select_from(_values(field).alias("v")).where(v.like(like)))


def folded(expr: Any) -> Any:
    """Lower-case, accent-free form of a text expression."""
    return sa.func.unaccent(sa.func.lower(expr))


def _substring(field: str, text: str) -> Any:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    source = document.c[field] if field in COLUMN_FIELDS else document.c.doc[field].astext
    return folded(source).like(sa.func.concat("%", folded(sa.literal(escaped)), "%"))


class TSQuery(sa.types.UserDefinedType):
    """PostgreSQL's tsquery type (SQLAlchemy 1.4 has none)."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return "TSQUERY"


def prefix_lexemes(text: str) -> str:
    return " & ".join(f"{w}:*" for w in re.findall(r"\w+", text))


def tsquery_for(text: str, phrase: bool = False, prefix: bool = False) -> Any:
    if prefix:
        lexemes = prefix_lexemes(text)
        if not lexemes:
            return None
        return sa.func.to_tsquery(TEXT_CONFIG_FR, lexemes).op("||")(
            sa.func.to_tsquery(TEXT_CONFIG_EN, lexemes))
    fn = sa.func.phraseto_tsquery if phrase else sa.func.plainto_tsquery
    return fn(TEXT_CONFIG_FR, text).op("||")(fn(TEXT_CONFIG_EN, text))


def _field_tsvector(field: str) -> Any:
    if field == "text":
        return document.c.tsv
    value = sa.func.coalesce(document.c.doc[field], jsonb_literal('""'))
    strings = jsonb_literal('["string"]')
    return sa.func.jsonb_to_tsvector(TEXT_CONFIG_FR, value, strings).op("||")(
        sa.func.jsonb_to_tsvector(TEXT_CONFIG_EN, value, strings))


def _date_expr(field: str) -> Any:
    if field in TIMESTAMP_COLUMNS:
        return document.c[field]
    raw = document.c.doc[field].astext
    return sa.case(
        (raw.op("~")(r"^\d{4}-\d{2}-\d{2}"), sa.cast(raw, sa.DateTime(timezone=True))),
        else_=None,
    )


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


# ------------------------------------------------------------------ compiler
class Compiler:
    """Compiles one query; remembers the free-text terms for relevance."""

    def __init__(self, query_fields: Iterable[str] | None = None,
                 now: datetime.datetime | None = None,
                 normalize: Callable[[str, bool, bool], str] | None = None):
        fields = [f.split("^")[0] for f in (query_fields or []) if f]
        self.query_fields = [_check_field(f) for f in fields] or ["text"]
        self.now = now or datetime.datetime.now(datetime.timezone.utc)
        self.rank_queries: list[Any] = []
        # normalize(text, phrase, prefix) -> the tsquery as text, "" for stop
        # words: a constant lets the planner use the text index.
        self.normalize = normalize

    def compile(self, node: lucene.Node, *, scoring: bool = False) -> Any:
        if isinstance(node, lucene.MatchAll):
            return sa.true()
        if isinstance(node, lucene.Bool):
            return self._bool(node, scoring)
        if isinstance(node, lucene.Field):
            return self._field(node, scoring)
        raise SearchSyntaxError("Unsupported search query")  # pragma: no cover

    def _bool(self, node: lucene.Bool, scoring: bool, min_should: int = 1) -> Any:
        must, should, must_not = [], [], []
        for occur, child in node.clauses:
            if occur == lucene.MUST_NOT:
                must_not.append(self.compile(child, scoring=False))
            elif occur == lucene.MUST:
                must.append(self.compile(child, scoring=scoring))
            else:
                should.append(self.compile(child, scoring=scoring))
        parts = list(must) + [sa.not_(x) for x in must_not]
        if should and not must:
            parts.append(self.at_least(should, min_should))
        return sa.and_(sa.true(), *parts)

    @staticmethod
    def at_least(conditions: list[Any], minimum: int) -> Any:
        if minimum <= 1:
            return sa.or_(*conditions)
        if minimum >= len(conditions):
            return sa.and_(*conditions)
        hits = sum((sa.case((c, 1), else_=0) for c in conditions), sa.literal(0))
        # the OR lets PostgreSQL use the text index before counting
        return sa.and_(sa.or_(*conditions), hits >= minimum)

    def dismax(self, node: lucene.Node, mm: str) -> Any:
        """Top-level free-text clauses follow Solr's minimum-should-match."""
        if not isinstance(node, lucene.Bool):
            return self.compile(node, scoring=True)
        must, should, must_not = [], [], []
        for occur, child in node.clauses:
            target = {lucene.MUST: must, lucene.SHOULD: should, lucene.MUST_NOT: must_not}[occur]
            target.append(self.compile(child, scoring=occur != lucene.MUST_NOT))
        parts = list(must) + [sa.not_(x) for x in must_not]
        if should:
            needed = minimum_should_match(mm, len(should))
            if must and needed == 0:
                pass
            else:
                parts.append(self.at_least(should, max(needed, 1)))
        return sa.and_(sa.true(), *parts)

    def _field(self, node: lucene.Field, scoring: bool) -> Any:
        value = node.value
        if isinstance(value, lucene.Bool):  # pragma: no cover - parser flattens
            return self._bool(value, scoring)
        if node.field is None:
            conditions = [self._match(f, value, scoring) for f in self.query_fields]
            return sa.or_(*conditions) if len(conditions) > 1 else conditions[0]
        return self._match(_check_field(node.field), value, scoring)

    def _match(self, field: str, value: Any, scoring: bool) -> Any:
        if field in NGRAM_FIELDS and not isinstance(value, lucene.Range):
            return _substring(NGRAM_FIELDS[field], value.text.strip("*"))
        kind = field_kind(field)
        if isinstance(value, lucene.Range):
            return self._range(field, kind, value)
        if isinstance(value, lucene.Term) and value.wildcard:
            if value.text.strip("*") == "":
                return _exists(field)
            if kind == "text":
                if value.text.endswith("*") and "?" not in value.text \
                        and "*" not in value.text[:-1]:
                    return self._text(field, value.text[:-1], scoring, prefix=True)
                raise SearchSyntaxError(
                    f"Wildcards are only supported at the end of a word in field {field}"
                )
            return _like(field, value.text)
        text = value.text
        if kind == "text":
            return self._text(field, text, scoring, phrase=isinstance(value, lucene.Phrase))
        if kind == "date":
            when = parse_date(text, self.now)
            return _date_expr(field) == when
        return _exact(field, text)

    def _text(self, field: str, text: str, scoring: bool, phrase: bool = False,
              prefix: bool = False) -> Any:
        if self.normalize is not None:
            normalized = self.normalize(text, phrase, prefix)
            if not normalized:
                return sa.true()  # Solr drops stop words from the query
            query = sa.cast(sa.literal(normalized), TSQuery())
            if scoring:
                self.rank_queries.append(query)
            return _field_tsvector(field).op("@@")(query)
        query = tsquery_for(text, phrase=phrase, prefix=prefix)
        if query is None:
            return sa.true()
        if scoring:
            self.rank_queries.append(query)
        # A stop word gives an empty tsquery: Solr drops such a clause, so
        # an empty query matches everything here.
        return sa.or_(
            sa.func.numnode(query) == 0,
            _field_tsvector(field).op("@@")(query),
        )

    def _range(self, field: str, kind: str, value: lucene.Range) -> Any:
        conditions = []
        if kind == "date":
            expr = _date_expr(field)
            for bound, include, op in ((value.low, value.include_low, ">"),
                                       (value.high, value.include_high, "<")):
                if bound is None:
                    continue
                when = parse_date(bound, self.now)
                conditions.append(expr.op(op + ("=" if include else ""))(when))
            if not conditions:
                return _exists(field)
            return sa.and_(expr.isnot(None), *conditions)
        low, high = _number(value.low), _number(value.high)
        numeric = (value.low is None or low is not None) and (value.high is None or high is not None)
        v = sa.column("v", sa.Text)
        if numeric:
            target: Any = sa.case((v.op("~")(r"^-?\d+(\.\d+)?$"), sa.cast(v, sa.Float)), else_=None)
            bounds = ((low, value.include_low, ">"), (high, value.include_high, "<"))
        else:
            target = v
            bounds = ((value.low, value.include_low, ">"), (value.high, value.include_high, "<"))
        for bound, include, op in bounds:
            if bound is not None:
                conditions.append(target.op(op + ("=" if include else ""))(bound))
        if not conditions:
            return _exists(field)
        return sa.exists(
            sa.select(sa.literal(1)).select_from(_values(field).alias("v"))
            .where(sa.and_(*conditions))
        )

    def rank(self) -> Any:
        if not self.rank_queries:
            return sa.literal(1.0)
        combined = self.rank_queries[0]
        for q in self.rank_queries[1:]:
            combined = combined.op("||")(q)
        # Scored on the small tsv_head (title, name, tags, groups,
        # organization): title matches first, then the others; a match found
        # only in the notes or resources scores the 0.01 floor.
        weights = sa.literal_column("'{0.1, 0.2, 0.4, 1.0}'::float4[]")
        return sa.func.ts_rank(weights, document.c.tsv_head, combined) + 0.01


def minimum_should_match(spec: str | None, clauses: int) -> int:
    """Solr's ``mm``: ``3``, ``-1``, ``75%``, ``-25%`` or ``2<-1 5<80%``."""
    if clauses == 0:
        return 0
    spec = (spec or "").strip()
    if not spec:
        return clauses
    if "<" in spec:
        chosen = None
        for part in spec.split():
            limit, _, rule = part.partition("<")
            try:
                if clauses > int(limit):
                    chosen = rule
            except ValueError:
                raise SearchSyntaxError(f"Invalid mm parameter {spec!r}")
        if chosen is None:
            return clauses
        spec = chosen
    try:
        if spec.endswith("%"):
            pct = int(spec[:-1])
            n = int(clauses * abs(pct) / 100)
            result = clauses - n if pct < 0 else n
        else:
            n = int(spec)
            result = clauses + n if n < 0 else n
    except ValueError:
        raise SearchSyntaxError(f"Invalid mm parameter {spec!r}")
    return max(0, min(clauses, result))
