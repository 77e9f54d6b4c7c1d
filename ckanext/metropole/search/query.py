"""Query handling: one Solr-style request (``q``, ``fq``, facets, sort, paging)
compiled to SQL over ``metropole_search_document`` and answered as Solr would.

:meth:`connection.PostgresSearchConnection.search` runs a :class:`SearchRequest`;
``lucene`` parses the query strings, ``compiler`` turns them into SQL,
``facet_counts`` counts facets from its kept totals when it can.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by

from . import facet_counts, lucene
from .compiler import (DEFAULT_QUERY_FIELDS, Compiler, _check_field, _date_expr,
                       field_kind, folded, jsonb_literal, prefix_lexemes, tsquery_for)
from .lucene import SearchSyntaxError
from .table import COLUMN_FIELDS, PAYLOAD_FIELDS, TERM_SEPARATOR, TIMESTAMP_COLUMNS, document, term

# Fields Solr indexes without storing them: never returned in results.
NOT_STORED = {"text", "urls", "title_string", "permission_labels", "title_ngram",
              "name_ngram", "views_total", "views_recent", "resources_accessed_total",
              "resources_accessed_recent"}
MAX_ROWS = 100_000


def _single(params: dict[str, Any], key: str, default: Any = None) -> Any:
    value = params.get(key, default)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else default
    return value


def _int(params: dict[str, Any], key: str, default: int) -> int:
    value = _single(params, key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchSyntaxError(f"Parameter {key} must be an integer, got {value!r}")


def _check_sort(sort: str) -> None:
    for part in sort.split(","):
        bits = part.split()
        if bits and (len(bits) != 2 or bits[1].lower() not in ("asc", "desc")):
            raise SearchSyntaxError('Invalid "sort" parameter')


def normalizer(conn: sa.engine.Connection) -> Callable[[str, bool, bool], str]:
    """Ask PostgreSQL for the tsquery of a term, once per term and request."""
    cache: dict[tuple[str, bool, bool], str] = {}

    def normalize(text: str, phrase: bool, prefix: bool) -> str:
        key = (text, phrase, prefix)
        if key not in cache:
            if prefix:
                text = prefix_lexemes(text)
                if not text:
                    cache[key] = ""
                    return ""
            query = tsquery_for(text, phrase=phrase, prefix=prefix)
            cache[key] = conn.execute(sa.select(sa.cast(query, sa.Text))).scalar() or ""
        return cache[key]

    return normalize


def _directed(order: list[tuple[Any, bool]]) -> list[Any]:
    return [e.desc().nullslast() if desc else e.asc().nullslast() for e, desc in order]


class SearchRequest:
    """One Solr-style request compiled to SQL."""

    def __init__(self, q: Optional[str], params: dict[str, Any]):
        self.params = params
        self.q = q if q is not None else _single(params, "q", "*:*")
        self.rows = _int(params, "rows", 10)
        self.start = _int(params, "start", 0)
        if self.rows < 0:
            raise SearchSyntaxError("Parameter rows must not be negative")
        if self.start < 0:
            raise SearchSyntaxError("Parameter start must not be negative")
        self.rows = min(self.rows, MAX_ROWS)
        self.def_type = _single(params, "defType", "lucene")
        qf = _single(params, "qf") or ""
        fields = [f.split("^")[0] for f in qf.split()] if qf else []
        if set(fields) <= DEFAULT_QUERY_FIELDS:
            fields = ["text"]  # the weighted tsvector covers them all
        self.query_fields = fields if self.def_type in ("dismax", "edismax") else ["text"]
        self.q_op = _single(params, "q.op", "AND")
        self.mm = _single(params, "mm", "100%")
        if self.def_type in ("dismax", "edismax"):
            self.node = lucene.parse(self.q, "OR")
        else:
            self.node = lucene.parse(self.q, self.q_op)
        filters = params.get("fq") or []
        if isinstance(filters, str):
            filters = [filters]
        self.filter_nodes = [lucene.parse(f, self.q_op) for f in filters if f and f.strip()]
        self.sort = _single(params, "sort") or "score desc"
        self.fl = self._field_list(_single(params, "fl", "*") or "*")
        self.facet_fields = self._facet_fields(params)
        self.facet_limit = _int(params, "facet.limit", 100)
        self.facet_mincount = _int(params, "facet.mincount", 0)
        self.facet_sort = _single(params, "facet.sort", "count" if self.facet_limit > 0 else "index")
        if self.facet_sort not in ("count", "index"):
            raise SearchSyntaxError("Parameter facet.sort must be count or index")
        _check_sort(self.sort)

    def compile(self, conn: sa.engine.Connection) -> None:
        self.compiler = Compiler(self.query_fields, normalize=normalizer(conn))
        if self.def_type in ("dismax", "edismax"):
            self.where = self.compiler.dismax(self.node, self.mm)
        else:
            self.where = self.compiler.compile(self.node, scoring=True)
        self.filters = [self.compiler.compile(n) for n in self.filter_nodes]
        self.order_by = self._sort(self.sort)

    @staticmethod
    def _field_list(fl: str) -> Optional[list[str]]:
        names = [n for n in fl.replace(",", " ").split() if n]
        if not names or "*" in names:
            return None if "score" not in names else None
        return names

    @staticmethod
    def _facet_fields(params: dict[str, Any]) -> list[str]:
        if str(_single(params, "facet", "false")).lower() not in ("true", "on", "1"):
            return []
        fields = params.get("facet.field") or []
        if isinstance(fields, str):
            fields = json.loads(fields) if fields.startswith("[") else [fields]
        return [_check_field(f) for f in fields]

    def _sort(self, sort: str) -> list[Any]:
        order = []
        for part in sort.split(","):
            bits = part.split()
            if not bits:
                continue
            if len(bits) != 2 or bits[1].lower() not in ("asc", "desc"):
                raise SearchSyntaxError('Invalid "sort" parameter')
            field, direction = bits[0], bits[1].lower()
            if field == "score":
                if not self.compiler.rank_queries:
                    continue  # every document scores the same
                expr = self.compiler.rank()
            elif field == "title_string":
                # accents and case must not send "Écoles" after "Stationnements"
                expr = folded(document.c.title_string)
            elif field in COLUMN_FIELDS or field in TIMESTAMP_COLUMNS:
                expr = document.c[field]
            else:
                _check_field(field)
                value = document.c.doc[field]
                kind = field_kind(field)
                if kind == "date":
                    expr = _date_expr(field)
                else:
                    expr = sa.case(
                        (sa.func.jsonb_typeof(value) == "number",
                         sa.func.lpad(value.astext, 30, "0")),
                        else_=value.astext,
                    )
            order.append((expr, direction == "desc"))
        order.append((document.c.index_id, False))  # stable paging
        return order

    def execute(self, conn: sa.engine.Connection) -> dict[str, Any]:
        self.compile(conn)
        condition = sa.and_(self.where, *self.filters)
        scope = facet_counts.scope_of(self.node, self.filter_nodes)
        if scope is None:
            count, page_ids, facets = self._matched_once(conn, condition)
        else:
            # a listing: totals and facets are pre-aggregated, the page comes
            # straight from the ordered index
            count = facet_counts.total(conn, scope)
            page_ids = []
            if self.rows > 0 and self.start < count:
                stmt = (sa.select(document.c.index_id).where(condition)
                        .order_by(*_directed(self.order_by))
                        .limit(self.rows).offset(self.start))
                page_ids = list(conn.execute(stmt).scalars())
            facets = self._scoped_facets(conn, scope, condition)
        return {
            "response": {"numFound": count, "start": self.start,
                         "docs": self._fetch(conn, page_ids)},
            "facet_counts": {"facet_fields": self._ranked(facets)},
        }

    def _matched_once(self, conn: sa.engine.Connection,
                      condition: Any) -> tuple[int, list[str], dict[str, list]]:
        """Count, page and facets from one scan of the matching rows."""
        keys = [expr.label(f"k{i}") for i, (expr, _) in enumerate(self.order_by)]
        matched = (sa.select(document.c.index_id, document.c.terms, *keys)
                   .where(condition).cte("matched").prefix_with("MATERIALIZED"))
        total = sa.select(sa.func.count()).select_from(matched).scalar_subquery()
        order = [matched.c[f"k{i}"].desc().nullslast() if desc else
                 matched.c[f"k{i}"].asc().nullslast()
                 for i, (_, desc) in enumerate(self.order_by)]
        page = (sa.select(matched.c.index_id,
                          sa.func.row_number().over(order_by=order).label("position"))
                .order_by(*order).limit(self.rows).offset(self.start).subquery("page"))
        page_ids = sa.select(sa.func.array_agg(
            aggregate_order_by(page.c.index_id, page.c.position))).scalar_subquery()
        columns = [total.label("total"), page_ids.label("page")]
        fields = self._term_facet_fields()
        if fields:
            t = sa.func.unnest(matched.c.terms).label("t")
            unnested = sa.select(t).select_from(matched).subquery("unnested")
            grouped = (sa.select(unnested.c.t, sa.func.count().label("n"))
                       .where(unnested.c.t.op("^@")(sa.func.any(
                           sa.literal([term(f, "") for f in fields], ARRAY(sa.Text)))))
                       .group_by(unnested.c.t).subquery("grouped"))
            columns.append(sa.select(sa.func.json_agg(sa.func.json_build_array(
                grouped.c.t, grouped.c.n))).scalar_subquery().label("facets"))
        row = conn.execute(sa.select(*columns)).one()
        facets: dict[str, list] = {f: [] for f in self.facet_fields}
        for text, n in (row.facets if fields and row.facets else []):
            field, _, value = text.partition(TERM_SEPARATOR)
            if field in facets:
                facets[field].append((value, n))
        others = [f for f in self.facet_fields if f not in fields]
        if others:
            self._facets_from_documents(conn, condition, others, facets)
        return row.total, list(row.page or []), facets

    def _scoped_facets(self, conn: sa.engine.Connection, scope: facet_counts.Scope,
                       condition: Any) -> dict[str, list]:
        facets: dict[str, list] = {f: [] for f in self.facet_fields}
        fields = self._term_facet_fields()
        if fields:
            facets.update(facet_counts.counts(conn, scope, fields))
        others = [f for f in self.facet_fields if f not in fields]
        if others:
            self._facets_from_documents(conn, condition, others, facets)
        return facets

    def _term_facet_fields(self) -> list[str]:
        """Facet fields whose values all live in ``terms``."""
        return [f for f in self.facet_fields if field_kind(f) == "string"
                and f not in COLUMN_FIELDS and f != "permission_labels"]

    def _fetch(self, conn: sa.engine.Connection, page_ids: list[str]) -> list[dict[str, Any]]:
        if not page_ids or self.rows <= 0:
            return []
        want_score = self.fl is not None and "score" in self.fl
        want_payload = self.fl is None or bool(set(self.fl) & set(PAYLOAD_FIELDS))
        columns = [document.c.index_id, document.c.doc]
        if want_payload:
            columns.append(document.c.payload)
        if want_score:
            columns.append(self.compiler.rank().label("score"))
        rows = {row.index_id: row for row in conn.execute(
            sa.select(*columns).where(document.c.index_id.in_(page_ids)))}
        docs = []
        for index_id in page_ids:
            row = rows.get(index_id)
            if row is None:
                continue
            doc = dict(row.doc)
            if want_payload and row.payload:
                doc.update(row.payload)
            docs.append(self._project(doc, row.score if want_score else None))
        return docs

    def _project(self, doc: dict[str, Any], score: Optional[float]) -> dict[str, Any]:
        if self.fl is None:
            return {k: v for k, v in doc.items() if k not in NOT_STORED}
        out = {k: doc[k] for k in self.fl if k in doc and k not in NOT_STORED}
        if score is not None:
            out["score"] = float(score)
        return out

    def _facets_from_documents(self, conn: sa.engine.Connection, condition: Any,
                               fields: list[str], counts: dict[str, list]) -> None:
        """Facets on fields kept out of ``terms`` (columns, long values)."""
        matched = sa.select(document.c.doc).where(condition).cte("matched")
        field_col = sa.column("field", sa.Text)
        names = sa.values(field_col, name="facet_names").data([(f,) for f in fields])
        doc_value = matched.c.doc[names.c.field]
        as_array = sa.case(
            (sa.func.jsonb_typeof(doc_value) == "array", doc_value),
            (doc_value.is_(None), jsonb_literal("[]")),
            (sa.func.jsonb_typeof(doc_value) == "null", jsonb_literal("[]")),
            else_=sa.func.jsonb_build_array(doc_value),
        )
        values = sa.func.jsonb_array_elements_text(as_array).table_valued("value").lateral("v")
        stmt = (
            sa.select(names.c.field, values.c.value, sa.func.count().label("n"))
            .select_from(matched.join(names, sa.true()).join(values, sa.true()))
            .where(values.c.value.isnot(None))
            .where(values.c.value != "")
            .group_by(names.c.field, values.c.value)
        )
        for row in conn.execute(stmt):
            if row.n >= self.facet_mincount:
                counts[row.field].append((row.value, row.n))

    def _ranked(self, counts: dict[str, list[tuple[str, int]]]) -> dict[str, list[Any]]:
        result = {}
        for field, items in counts.items():
            items = [(v, n) for v, n in items if n >= self.facet_mincount]
            if self.facet_sort == "count":
                items.sort(key=lambda kv: (-kv[1], kv[0]))
            else:
                items.sort(key=lambda kv: kv[0])
            if self.facet_limit >= 0:
                items = items[: self.facet_limit]
            flat: list[Any] = []
            for value, n in items:
                flat.extend([value, n])
            result[field] = flat
        return result
