"""A kept feed page follows the DataStore: when a table finishes loading (the
xloader job, in its worker), its resource becomes an API and the next feed
page has its DataStore API distribution and data service."""
from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest

from ckan.tests import factories, helpers
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.metropole.dcat import serialize
from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.datastore.conftest import CSV, datastore_marks, run_jobs
from ckanext.metropole.tests.dcat.seed import create


def _configured() -> None:
    """Carries the DataStore tests' configuration (datastore, xloader plugins)."""


pytestmark = [*datastore_marks(_configured).pytestmark,
              pytest.mark.usefixtures("with_plugins", "clean_index")]


def test_the_kept_feed_page_follows_the_end_of_a_table_load(app: Any, site: str,
                                                             monkeypatch: Any) -> None:
    admin = factories.Sysadmin()
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    pkg = create(admin, **complete_dataset(org["id"], name="equipements", resources=[]))
    resource = helpers.call_action(
        "resource_create", context={"user": admin["name"]}, package_id=pkg["id"],
        upload=FakeFileStorage(BytesIO(CSV), "equipements.csv"), url="equipements.csv",
        format="CSV")
    built = []
    real = serialize.catalog
    monkeypatch.setattr(serialize, "catalog",
                        lambda *a, **k: built.append(1) or real(*a, **k))
    api = f"{resource['id']}#datastore-api"

    # queued, not loaded: no API yet, and the page is kept
    before = app.get("/catalog.ttl").body
    assert resource["id"] in before
    assert api not in before
    assert app.get("/catalog.ttl").body == before
    assert len(built) == 1

    run_jobs()  # the load ends in the worker: the resource is an API now
    assert helpers.call_action("resource_show", id=resource["id"])["datastore_active"]
    after = app.get("/catalog.ttl").body
    assert len(built) == 2
    assert api in after
    assert f"{resource['id']}#datastore-service" in after
