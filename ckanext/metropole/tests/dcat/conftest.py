"""One seeded portal per test module (seeding is the slow part)."""
from __future__ import annotations

import pytest

from ckan.lib import search

from ckanext.metropole.tests.dcat import seed as seeding


@pytest.fixture
def seeded(request, with_plugins, reset_db):
    """The portal of ``seed.seed()``, created by the first test of the module
    that asks for it (after the plugins are loaded) and kept for the others."""
    cache = request.module.__dict__.setdefault("_metropole_seeded", {})
    if not cache:
        reset_db()
        search.clear_all()
        cache.update(seeding.seed())
    return cache
