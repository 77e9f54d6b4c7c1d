"""Harvest tests: ckanext-harvest's tables, our harvester, a local fixture server."""
from __future__ import annotations

import os
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.metropole.harvest import sources
from ckanext.metropole.tests.harvest.server import FixtureServer

# scripts/test.sh gives each CKAN series its own Redis database (the series run side by side)
REDIS_PORT = os.environ.get("METROPOLE_REDIS_PORT", "63799")
REDIS_DB = os.environ.get("METROPOLE_TEST_HARVEST_REDIS_DB", "9")
PLUGINS = ("activity metropole_search metropole scheming_datasets scheming_organizations dcat "
           "metropole_dcat_rdf harvest")


def pytest_collection_modifyitems(items: list[Any]) -> None:
    marks = (pytest.mark.ckan_config("ckan.plugins", PLUGINS),
             pytest.mark.ckan_config("ckanext.metropole.harvest.allow_loopback", "true"),
             pytest.mark.ckan_config("ckanext.metropole.harvest.connect_timeout", "2"),
             pytest.mark.ckan_config("ckanext.metropole.harvest.read_timeout", "1"),
             pytest.mark.ckan_config("ckanext.metropole.harvest.total_timeout", "5"),
             pytest.mark.ckan_config("ckan.harvest.mq.type", "redis"),
             pytest.mark.ckan_config("ckan.harvest.mq.hostname", "127.0.0.1"),
             pytest.mark.ckan_config("ckan.harvest.mq.port", REDIS_PORT),
             pytest.mark.ckan_config("ckan.harvest.mq.redis_db", REDIS_DB))
    for item in items:
        if "/tests/harvest/" in str(item.fspath):
            for mark in marks:
                # closest marks win: a test's own ckan_config overrides these
                item.add_marker(mark, append=False)


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """A clean database with the activity and ckanext-harvest tables (their
    own migrations: the suite's reset only re-creates CKAN's and ours)."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")


@pytest.fixture
def server():
    fixture = FixtureServer().start()
    yield fixture
    fixture.stop()


@pytest.fixture
def producer(clean_db, clean_index) -> dict[str, Any]:
    """The organization of a national producer."""
    return factories.Organization(name="insee", title="INSEE", kind="producteur_national")


def make_source(url: str, owner_org: str, name: str = "insee-dcat",
                config: str = "") -> dict[str, Any]:
    return helpers.call_action(
        "harvest_source_create", context={"user": _site_user(), "ignore_auth": True},
        name=name, title="INSEE (DCAT)", url=url, source_type="metropole_dcat_rdf",
        owner_org=owner_org, frequency="MANUAL", config=config)


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def patch_source(source_id: str, **fields: Any) -> dict[str, Any]:
    """harvest_source_update with the source's fields (ckanext-harvest's
    harvest_source_patch fails on CKAN 2.12: it sends back extras)."""
    context = {"user": _site_user(), "ignore_auth": True}
    current = helpers.call_action("harvest_source_show", context=dict(context), id=source_id)
    keep = ("id", "name", "title", "url", "source_type", "owner_org", "frequency", "config")
    data = {key: sources.source_field(current, key) for key in keep} | fields
    return helpers.call_action("harvest_source_update", context=dict(context), **data)
