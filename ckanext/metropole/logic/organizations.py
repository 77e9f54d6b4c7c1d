"""An organization's extras read in one query, whatever CKAN's storage.

CKAN 2.12 keeps group extras in a JSONB column, 2.11 in ``group_extra``
rows (``compat.group_extra``); loading a ``Group`` and then its extras costs two round trips, and the
validators, the gate and the index ask on every save of a dataset. The
statements are built once: building and compiling them again cost more than
running them.
"""
from __future__ import annotations

import functools
from typing import Any, Iterable

import sqlalchemy as sa
from ckan import model

from ckanext.metropole import compat
from ckanext.metropole.logic.values import as_text


def kind_of(ref: Any) -> Any:
    """Scalar subquery: the ``kind`` extra of the organization whose id or name is ``ref``."""
    return (sa.select(compat.group_extra("kind")).where(_matching(ref))
            .limit(1).scalar_subquery())


def _matching(ref: Any) -> Any:
    group = model.group_table
    return sa.or_(group.c.id == ref, group.c.name == ref)


@functools.cache
def _extras_statement(keys: tuple[str, ...]) -> Any:
    return (sa.select(model.group_table.c.id, *(compat.group_extra(k) for k in keys))
            .where(_matching(sa.bindparam("ref"))).limit(1))


def flush_pending() -> None:
    """What a ``Query`` does first: write an organization saved in this session."""
    if model.Session.autoflush:
        model.Session.flush()


def extras(ref: Any, keys: Iterable[str]) -> dict[str, str] | None:
    """Extras ``keys`` of the organization ``ref`` (id or name); None if unknown."""
    ref, keys = as_text(ref), tuple(keys)
    if not ref:
        return None
    flush_pending()
    row = model.Session.execute(_extras_statement(keys), {"ref": ref}).first()
    if row is None:
        return None
    return {k: as_text(v) for k, v in zip(keys, row[1:], strict=True) if v is not None}
