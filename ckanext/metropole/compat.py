"""What differs between CKAN 2.11 and 2.12, detected once, here.

- Extras: CKAN 2.12 keeps those of datasets and of groups in a JSONB
  ``extras`` column, 2.11 in ``package_extra`` / ``group_extra`` rows.
  :func:`package_extra` and :func:`group_extra` read one as a column of the
  enclosing query either way.
- DataStore SQL: CKAN 2.12 checks a query with PostgreSQL's own parser
  (``sanitize_sql``), 2.11 with the plan of the query (:func:`sanitize_sql`).
"""
from __future__ import annotations

from typing import Any, Callable

import sqlalchemy as sa
from ckan import model


def extras_in_column() -> bool:
    """True on CKAN 2.12+ (extras in a JSONB column of ``package`` and ``group``)."""
    return "extras" in model.package_table.c


def package_extra(key: str) -> Any:
    """The extra ``key`` of the package of the enclosing query, as a column."""
    package = model.package_table
    if extras_in_column():
        return package.c.extras[key].astext
    extra = model.package_extra_table
    return (sa.select(extra.c.value)
            .where(extra.c.package_id == package.c.id, extra.c.key == key,
                   sa.func.coalesce(extra.c.state, "active") == "active")
            .limit(1).scalar_subquery())


def group_extra(key: str) -> Any:
    """The extra ``key`` of the group of the enclosing query, as a column."""
    group = model.group_table
    if extras_in_column():
        return group.c.extras[key].astext
    extra = model.group_extra_table
    return (sa.select(extra.c.value)
            .where(extra.c.group_id == group.c.id, extra.c.key == key)
            .limit(1).scalar_subquery())


def sanitize_sql() -> Callable[..., Any] | None:
    """CKAN 2.12's ``sanitize_sql`` (tables a DataStore query reads), None on 2.11."""
    from ckanext.datastore.backend import postgres

    return getattr(postgres, "sanitize_sql", None)
