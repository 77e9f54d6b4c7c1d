"""Test set-up shared by the whole suite.

CKAN's ``reset_db`` drops every table the first time it runs in a session
(plugin tables included) and only re-creates CKAN's own: re-apply the
plugins' alembic migrations after each reset, so ``clean_db``,
``non_clean_db`` and ``reset_db`` all leave a complete database.
"""
import pytest

from ckan.tests import helpers as test_helpers


def apply_plugin_migrations() -> None:
    """Upgrade the plugins to their head revision (a no-op when there)."""
    from ckanext.metropole import migration

    for plugin in migration.PLUGINS:
        migration.upgrade(plugin)


@pytest.fixture(scope="session")
def reset_db():
    from ckan.tests import factories

    def reset() -> None:
        factories.fake.unique.clear()
        test_helpers.reset_db()
        apply_plugin_migrations()

    return reset
