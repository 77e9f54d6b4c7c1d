"""A pysolr-compatible connection that keeps CKAN's search index in PostgreSQL.

CKAN talks to its search engine only through the object returned by
``ckan.lib.search.common.make_connection``: ``add``, ``delete``, ``commit``
and ``search``. :class:`PostgresSearchConnection` answers those calls from the
``metropole_search_document`` table, so CKAN's own indexing code builds the
documents (plugins' ``before_dataset_index`` included) and CKAN's own query
code builds the requests.
"""
from __future__ import annotations

import datetime
import json
import logging
import types
from typing import Any, Callable, Iterable, Optional

import pysolr
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ckan.lib.search.common import solr_datetime_decoder
from ckan.model import meta

from . import changes, facet_counts, lucene
from .lucene import SearchSyntaxError
from .compiler import (DEFAULT_QUERY_FIELDS, Compiler, _check_field, _date_expr,
                       field_kind, folded, jsonb_literal, prefix_lexemes, tsquery_for)
from .table import (COLUMN_FIELDS, MAX_TERM_LENGTH, PAYLOAD_FIELDS, TERM_SEPARATOR,
                    TEXT_CONFIG_EN, TEXT_CONFIG_FR, TIMESTAMP_COLUMNS, document, term)

log = logging.getLogger(__name__)

# Fields Solr indexes without storing them: never returned in results.
NOT_STORED = {"text", "urls", "title_string", "permission_labels", "title_ngram",
              "name_ngram", "views_total", "views_recent", "resources_accessed_total",
              "resources_accessed_recent"}
MAX_ROWS = 100_000

# Text given each weight of the tsvector: title first, then tags, notes and
# organization, then resources, then everything else Solr copies to ``text``.
WEIGHTS = {
    "A": ("title", "name"),
    "B": ("tags", "groups", "organization", "notes"),
    "H": ("tags", "groups", "organization"),  # the head's B part, without notes
    "C": ("res_name", "res_description", "res_format"),
    "D": ("text", "urls", "url", "res_url", "license", "license_id", "author",
          "maintainer", "version"),
}
D_PREFIXES = ("extras_", "res_extras_", "vocab_")


def _flatten(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_flatten(v) for v in value)
    return str(value)


def weighted_text(doc: dict[str, Any]) -> dict[str, str]:
    parts = {w: [_flatten(doc.get(f)) for f in fields] for w, fields in WEIGHTS.items()}
    parts["A"][1] = parts["A"][1].replace("-", " ").replace("_", " ")
    parts["D"].extend(_flatten(v) for k, v in doc.items() if k.startswith(D_PREFIXES))
    return {w: " ".join(p for p in texts if p) for w, texts in parts.items()}


def _tsvector_sql(part: str, weight: Optional[str] = None) -> Any:
    param = sa.bindparam(f"text_{part}", type_=sa.Text)
    return sa.func.setweight(
        sa.func.to_tsvector(TEXT_CONFIG_FR, param).op("||")(
            sa.func.to_tsvector(TEXT_CONFIG_EN, param)),
        weight or part,
    )


def _timestamp(value: Any) -> Optional[datetime.datetime]:
    if not value:
        return None
    text = str(value).rstrip("Z")
    try:
        stamp = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=datetime.timezone.utc)


def _term_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def terms_of(doc: dict[str, Any]) -> list[str]:
    """Short values of the document's string fields, as "field<US>value"."""
    found = set()
    for field, value in doc.items():
        if field in COLUMN_FIELDS or field == "permission_labels" or \
                field_kind(field) != "string":
            continue
        for item in value if isinstance(value, list) else [value]:
            if item is None or isinstance(item, (dict, list)):
                continue
            text = _term_text(item)
            if text and len(text) <= MAX_TERM_LENGTH:
                found.add(term(field, text))
    return sorted(found)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "")]
    return [value] if value != "" else []


class PostgresSearchConnection:
    """The subset of ``pysolr.Solr`` CKAN and its extensions use."""

    def __init__(self, decode_dates: bool = True):
        self.decode_dates = decode_dates
        self.url = "postgresql://metropole_search"

    # ------------------------------------------------------------- engine
    @staticmethod
    def _engine() -> sa.engine.Engine:
        engine = meta.engine
        if engine is None:  # pragma: no cover - CKAN always binds it
            raise pysolr.SolrError("CKAN's database engine is not initialised")
        return engine

    def _run(self, fn: Any) -> Any:
        try:
            with self._engine().begin() as conn:
                return fn(conn)
        except SearchSyntaxError:
            raise
        except sa.exc.ProgrammingError as e:
            if "metropole_search_document" in str(e.orig):
                raise pysolr.SolrError(
                    "The search index table is missing: run "
                    "`ckan db upgrade -p metropole_search`"
                )
            raise pysolr.SolrError(str(e.orig).splitlines()[0])
        except sa.exc.DataError as e:
            raise SearchSyntaxError(f"Invalid search parameter: {str(e.orig).splitlines()[0]}")

    # ------------------------------------------------------------- writing
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True, **_: Any) -> str:
        rows = []
        for doc in docs:
            if "index_id" not in doc or "id" not in doc:
                raise pysolr.SolrError("Document without index_id or id")
            payload = json.loads(json.dumps(doc, default=_json_default))
            stored = {k: payload.pop(k) for k in PAYLOAD_FIELDS if k in payload}
            row = {
                "index_id": payload["index_id"],
                "id": payload["id"],
                "site_id": payload.get("site_id") or "",
                "name": payload.get("name"),
                "state": payload.get("state"),
                "capacity": payload.get("capacity"),
                "dataset_type": payload.get("dataset_type"),
                "title_string": payload.get("title_string"),
                "metadata_created": _timestamp(payload.get("metadata_created")),
                "metadata_modified": _timestamp(payload.get("metadata_modified")),
                "doc": payload,
                "payload": stored,
                "terms": terms_of(payload),
                "labels": [str(v) for v in _as_list(payload.get("permission_labels"))],
            }
            row.update({f"text_{w}": t for w, t in weighted_text(payload).items()})
            rows.append(row)
        if not rows:
            return ""
        tsv = _tsvector_sql("A").op("||")(_tsvector_sql("B")).op("||")(
            _tsvector_sql("C")).op("||")(_tsvector_sql("D"))
        head = _tsvector_sql("A").op("||")(_tsvector_sql("H", weight="B"))
        plain = ["index_id", "id", "site_id", "name", "state", "capacity", "dataset_type",
                 "title_string", "metadata_created", "metadata_modified", "doc", "payload",
                 "terms", "labels"]
        values = {c: sa.bindparam(c, type_=document.c[c].type) for c in plain}
        values["tsv"] = tsv
        values["tsv_head"] = head
        values["indexed_at"] = sa.func.now()
        stmt = pg_insert(document).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[document.c.index_id],
            set_={c: stmt.excluded[c] for c in plain[1:] + ["tsv", "tsv_head", "indexed_at"]},
        )
        ids = [r["index_id"] for r in rows]
        new = [types.SimpleNamespace(**r) for r in rows]

        def write(conn: sa.engine.Connection) -> None:
            facet_counts.lock(conn, ids)
            old = facet_counts.current_rows(conn, ids)
            conn.execute(stmt, rows)
            facet_counts.apply(conn, old, new)

        self._run(write)
        changes.bump()  # committed: pages computed from the index start afresh
        return ""

    def delete(self, id: Any = None, q: Optional[str] = None, commit: bool = True,
               **_: Any) -> str:
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        node = None if q is None else lucene.parse(q)
        listed = None if id is None else list(id if isinstance(id, (list, tuple)) else [id])

        def remove(conn: sa.engine.Connection) -> None:
            if listed is not None:
                condition = document.c.index_id.in_(listed)
            else:
                condition = Compiler(normalize=normalizer(conn)).compile(node)
            ids = list(conn.execute(sa.select(document.c.index_id).where(condition)).scalars())
            if not ids:
                return
            facet_counts.lock(conn, ids)
            gone = conn.execute(
                sa.delete(document).where(document.c.index_id.in_(ids)).returning(
                    document.c.site_id, document.c.state, document.c.capacity,
                    document.c.dataset_type, document.c.labels, document.c.terms))
            facet_counts.apply(conn, list(gone), [])

        self._run(remove)
        # even when nothing matched: a table emptied outside the index (``ckan
        # db clean``, the tests' clean_db) is followed by a clear
        changes.bump()
        return ""

    def commit(self, **_: Any) -> str:
        # Every add/delete runs in its own committed transaction.
        return ""

    def optimize(self, **_: Any) -> str:
        def tidy(conn: sa.engine.Connection) -> None:
            facet_counts.drop_empty(conn)
            conn.execute(sa.text("ANALYZE metropole_search_document"))
            conn.execute(sa.text("ANALYZE metropole_search_facet_count"))

        self._run(tidy)
        return ""

    def ping(self, **_: Any) -> str:
        self._run(lambda conn: conn.execute(sa.select(sa.literal(1))))
        return "{}"

    # ------------------------------------------------------------- searching
    def search(self, q: Optional[str] = None, search_handler: Any = None,
               **params: Any) -> pysolr.Results:
        request = SearchRequest(q, params)
        decoded = self._run(request.execute)
        if self.decode_dates:
            decoded["response"]["docs"] = [
                solr_datetime_decoder(d) for d in decoded["response"]["docs"]
            ]
        return pysolr.Results(decoded)


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
