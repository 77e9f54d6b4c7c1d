"""A pysolr-compatible connection that keeps CKAN's search index in PostgreSQL.

CKAN talks to its search engine only through the object returned by
``ckan.lib.search.common.make_connection``: ``add``, ``delete``, ``commit``
and ``search``. :class:`PostgresSearchConnection` answers those calls from the
``metropole_search_document`` table: ``indexing`` builds the rows of CKAN's
documents (plugins' ``before_dataset_index`` included), ``query`` answers the
requests CKAN's own query code builds.
"""
from __future__ import annotations

import types
from typing import Any, Iterable, Optional

import pysolr
import sqlalchemy as sa

from ckan.lib.search.common import solr_datetime_decoder
from ckan.model import meta

from . import changes, facet_counts, indexing, lucene
from .compiler import Compiler
from .lucene import SearchSyntaxError
from .query import SearchRequest, normalizer
from .table import document


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
        rows = indexing.document_rows(docs)
        if not rows:
            return ""
        stmt = indexing.upsert()
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
