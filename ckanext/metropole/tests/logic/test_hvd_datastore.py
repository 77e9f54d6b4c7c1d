"""A loaded DataStore table is the API an HVD needs (and only once loaded)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import OVERRIDE, complete_dataset
from ckanext.metropole.tests.datastore.conftest import datastore_marks


def _configured() -> None:
    """Carries the DataStore tests' configuration (datastore, xloader plugins)."""


pytestmark = [*datastore_marks(_configured).pytestmark,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def test_the_table_once_loaded_counts_as_the_api():
    admin = factories.Sysadmin()
    org = factories.Organization(name="dijon", insee_code="21231", kind="commune")
    ctx = {"user": admin["name"]}
    pkg = helpers.call_action("package_create", context=dict(ctx), **complete_dataset(
        org["id"], hvd_category=["c_c3de25e4"], private=True))
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("package_patch", context=dict(ctx), id=pkg["id"],
                            private=False, committee_override=OVERRIDE)
    assert "API" in str(refused.value.error_dict["hvd_category"])
    helpers.call_action("datastore_create", resource_id=pkg["resources"][0]["id"],
                        force=True, fields=[{"id": "n", "type": "int"}], records=[{"n": 1}])
    public = helpers.call_action("package_patch", context=dict(ctx), id=pkg["id"],
                                 private=False, committee_override=OVERRIDE)
    assert public["private"] is False
