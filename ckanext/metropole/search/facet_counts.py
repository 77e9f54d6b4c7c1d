"""Pre-aggregated counts for broad queries.

Listing pages ask for every visible dataset with facets (``q=*:*`` plus the
visibility filters CKAN adds: site, state, capacity, dataset type, permission
labels). Counting tens of thousands of rows per request is too slow, so the
index keeps, per visibility scope, how many documents carry each term; such
requests read a few rows instead. Every other request counts live.

Each document belongs to exactly one scope (its site, state, capacity, type
and label set), so summing the scopes a user may see never counts a document
twice.
"""
from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert

from . import lucene
from .table import TERM_SEPARATOR, document, facet_count

SCOPE_FIELDS = ("site_id", "state", "capacity", "dataset_type")
TOTAL = ""  # field name of the per-scope document count


@dataclasses.dataclass
class Scope:
    """Allowed values per scope field (None: any) and permission labels."""

    values: dict[str, set[str] | None]
    labels: set[str] | None
    # values a scope field must not have: ckanext-harvest adds
    # ``-dataset_type:harvest`` to every search, listings included
    excluded: dict[str, set[str]] = dataclasses.field(default_factory=dict)


def _restrict(scope: Scope, field: str, allowed: set[str]) -> None:
    if field == "permission_labels":
        scope.labels = allowed if scope.labels is None else scope.labels & allowed
    else:
        current = scope.values[field]
        scope.values[field] = allowed if current is None else current & allowed


def _field_values(node: lucene.Node) -> tuple[str, set[str]] | None:
    """``f:v`` or ``f:(a OR b)`` on one scope field, else None."""
    allowed = set(SCOPE_FIELDS) | {"permission_labels", "entity_type"}
    if isinstance(node, lucene.Field) and node.field in allowed \
            and isinstance(node.value, (lucene.Term, lucene.Phrase)) \
            and not getattr(node.value, "wildcard", False):
        return node.field, {node.value.text}
    if isinstance(node, lucene.Bool) and node.clauses and \
            all(occur == lucene.SHOULD for occur, _ in node.clauses):
        parts = [_field_values(child) for _, child in node.clauses]
        found = [p for p in parts if p]
        if len(found) == len(parts) and len({p[0] for p in found}) == 1:
            return found[0][0], set().union(*(p[1] for p in found))
    return None


def scope_of(query: lucene.Node, filters: Iterable[lucene.Node]) -> Scope | None:
    """The scope of a match-all query filtered on scope fields only, else None."""
    if not isinstance(query, lucene.MatchAll):
        return None
    scope = Scope({f: None for f in SCOPE_FIELDS}, None)
    for node in filters:
        clauses = node.clauses if isinstance(node, lucene.Bool) and all(
            occur in (lucene.MUST, lucene.MUST_NOT) for occur, _ in node.clauses) \
            else ((lucene.MUST, node),)
        for occur, child in clauses:
            if isinstance(child, lucene.MatchAll):
                continue
            found = _field_values(child)
            if found is None or occur not in (lucene.MUST, lucene.MUST_NOT):
                return None
            field, values = found
            if occur == lucene.MUST_NOT:
                # a document has one value per scope field: excluding some
                # values excludes whole scopes, never part of one
                if field not in SCOPE_FIELDS:
                    return None
                scope.excluded.setdefault(field, set()).update(values)
                continue
            if field == "entity_type":
                if "package" not in values:
                    return None
                continue
            _restrict(scope, field, values)
    return scope


def _where(scope: Scope) -> list[Any]:
    conditions = []
    for field in SCOPE_FIELDS:
        allowed = scope.values[field]
        if allowed is not None:
            conditions.append(facet_count.c[field].in_(sorted(allowed)))
        if scope.excluded.get(field):
            conditions.append(facet_count.c[field].not_in(sorted(scope.excluded[field])))
    if scope.labels is not None:
        # a Python list becomes a bound parameter: the stubs ask for a column
        conditions.append(facet_count.c.labels.op("&&")(
            sa.cast(sorted(scope.labels), ARRAY(sa.Text))))  # pyright: ignore[reportArgumentType]
    return conditions


def total(conn: sa.engine.Connection, scope: Scope) -> int:
    stmt = sa.select(sa.func.coalesce(sa.func.sum(facet_count.c.n), 0)).where(
        facet_count.c.field == TOTAL, *_where(scope))
    return int(conn.execute(stmt).scalar() or 0)


def counts(conn: sa.engine.Connection, scope: Scope,
           fields: list[str]) -> dict[str, list[tuple[str, int]]]:
    stmt = (sa.select(facet_count.c.field, facet_count.c.value,
                      sa.func.sum(facet_count.c.n).label("n"))
            .where(facet_count.c.field.in_(fields), *_where(scope))
            .group_by(facet_count.c.field, facet_count.c.value))
    found: dict[str, list[tuple[str, int]]] = {f: [] for f in fields}
    for row in conn.execute(stmt):
        if row.n > 0:
            found[row.field].append((row.value, int(row.n)))
    return found


# ------------------------------------------------------------- maintenance
def _keys(row: Any) -> list[tuple]:
    scope = (row.site_id or "", row.state or "", row.capacity or "",
             row.dataset_type or "", tuple(sorted(row.labels or ())))
    keys = [scope + (TOTAL, "")]
    for term in row.terms or ():
        field, _, value = term.partition(TERM_SEPARATOR)
        keys.append(scope + (field, value))
    return keys


def lock(conn: sa.engine.Connection, index_ids: Iterable[str]) -> None:
    """Serialise changes to the same documents (sorted: no deadlock)."""
    for index_id in sorted(set(index_ids)):
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
            sa.func.hashtextextended(index_id, 0))))


def current_rows(conn: sa.engine.Connection, index_ids: list[str]) -> list[Any]:
    return list(conn.execute(
        sa.select(document.c.site_id, document.c.state, document.c.capacity,
                  document.c.dataset_type, document.c.labels, document.c.terms)
        .where(document.c.index_id.in_(index_ids))))


_NAMES = ("site_id", "state", "capacity", "dataset_type", "labels", "field", "value", "n")
_KEY = ("site_id", "field", "state", "capacity", "dataset_type", "labels", "value")


def _upsert() -> Any:
    """One statement adding a JSON list of count changes, whatever its length.

    psycopg2 runs an executemany of an ``INSERT … ON CONFLICT`` one row per
    round trip (SQLAlchemy 1.4 cannot batch it): a document carries dozens of
    terms, and a rebuild thousands of changes.
    """
    source = sa.func.jsonb_to_recordset(sa.bindparam("changes", type_=JSONB)).table_valued(
        *(sa.column(name, facet_count.c[name].type) for name in _NAMES)
    ).render_derived(name="change", with_types=True)
    stmt = pg_insert(facet_count).from_select(
        list(_NAMES), sa.select(*(source.c[name] for name in _NAMES)))
    return stmt.on_conflict_do_update(
        index_elements=[facet_count.c[c] for c in _KEY],
        set_={"n": facet_count.c.n + stmt.excluded.n},
    )


def apply(conn: sa.engine.Connection, removed: Iterable[Any], added: Iterable[Any]) -> None:
    """Move the counts from the removed rows to the added ones."""
    delta: collections.Counter = collections.Counter()
    for row in removed:
        delta.subtract(_keys(row))
    for row in added:
        delta.update(_keys(row))
    changes = sorted((k, n) for k, n in delta.items() if n)
    if not changes:
        return
    values = [dict(zip(_NAMES, (*k[:4], list(k[4]), k[5], k[6], n), strict=True))
              for k, n in changes]
    stmt = _upsert()
    for start in range(0, len(values), 5000):
        conn.execute(stmt, {"changes": values[start:start + 5000]})
    # rows that fall to zero stay: counts() skips them, optimize() drops them


def drop_empty(conn: sa.engine.Connection) -> None:
    conn.execute(sa.delete(facet_count).where(facet_count.c.n <= 0))
