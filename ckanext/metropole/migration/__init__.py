"""Alembic migrations of the metropole plugins.

``ckan db upgrade -p metropole`` and ``ckan db upgrade -p metropole_search``
find them under ``migration/<plugin>/``. :func:`upgrade` runs them without the
plugin being loaded (test fixtures reset the database between plugin loads).
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from ckan import model

PLUGINS = ("metropole_search", "metropole")


def alembic_ini(plugin: str) -> str:
    return os.path.join(os.path.dirname(__file__), plugin, "alembic.ini")


@contextlib.contextmanager
def _repo(plugin: str) -> Iterator[model.Repository]:
    original = model.repo._alembic_ini
    model.repo._alembic_ini = alembic_ini(plugin)
    try:
        yield model.repo
    finally:
        model.repo._alembic_ini = original


def upgrade(plugin: str, version: str = "head") -> None:
    with _repo(plugin) as repo:
        repo.upgrade_db(version)


def downgrade(plugin: str, version: str = "base") -> None:
    with _repo(plugin) as repo:
        repo.downgrade_db(version)
