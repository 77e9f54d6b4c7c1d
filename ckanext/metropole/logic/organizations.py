"""An organization's extras read in one query, whatever CKAN's storage.

CKAN 2.12 keeps group extras in a JSONB column, 2.11 in ``group_extra``
rows; loading a ``Group`` and then its extras costs two round trips, and the
validators, the gate and the index ask on every save of a dataset.
"""
from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from ckan import model

from ckanext.metropole.logic.values import as_text


def extra_column(key: str) -> Any:
    """The extra ``key`` of the group of the enclosing query, as a column."""
    group = model.group_table
    if "extras" in group.c:
        return group.c.extras[key].astext
    extra = model.group_extra_table
    return (sa.select(extra.c.value)
            .where(extra.c.group_id == group.c.id, extra.c.key == key)
            .limit(1).scalar_subquery())


def matching(ref: str) -> Any:
    """Condition on the group table: id or name ``ref`` (as ``Group.get``)."""
    group = model.group_table
    return sa.or_(group.c.id == ref, group.c.name == ref)


def extras(ref: Any, keys: Iterable[str]) -> dict[str, str] | None:
    """Extras ``keys`` of the organization ``ref`` (id or name); None if unknown."""
    ref, keys = as_text(ref), list(keys)
    if not ref:
        return None
    # a Query, like Group.get: it flushes an organization saved in this session
    row = (model.Session.query(model.group_table.c.id, *(extra_column(k) for k in keys))
           .filter(matching(ref)).limit(1).first())
    if row is None:
        return None
    return {k: as_text(v) for k, v in zip(keys, row[1:], strict=True) if v is not None}
