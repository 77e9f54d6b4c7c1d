"""The foundation: the plugins load, and datasets go through the scheming schema."""
import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_plugins_are_loaded():
    for name in ("metropole", "metropole_search", "scheming_datasets",
                 "scheming_organizations"):
        assert p.plugin_loaded(name), name


def test_scheming_uses_the_schemas_of_the_package():
    assert tk.config["scheming.dataset_schemas"] == "ckanext.metropole.schemas:dataset.yaml"
    schema = tk.h.scheming_get_dataset_schema("dataset")
    assert schema is not None
    names = [f["field_name"] for f in schema["dataset_fields"]]
    assert names[:2] == ["title", "name"]


def test_scheming_gets_our_schemas_on_the_first_load():
    """A fresh process (the CLI, the web server) must use the schemas at once.

    CKAN runs IConfigurer in reverse plugin order, so scheming reads its
    options before our update_config: the declared defaults carry them.
    """
    import os
    import subprocess
    import sys

    code = (
        "from ckan.cli import load_config\n"
        "from ckan.config.middleware import make_app\n"
        "make_app(load_config('test.ini'))\n"
        "from ckan.lib import plugins as lp\n"
        "print(type(lp.lookup_package_plugin('dataset')).__name__,"
        " type(lp.lookup_group_plugin('organization')).__name__)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True, timeout=120).stdout.split()
    assert out[-2:] == ["SchemingDatasetsPlugin", "SchemingOrganizationsPlugin"]


def test_config_options_are_declared():
    declaration = tk.config.get("ckanext.metropole.portal_title")
    assert declaration == "Open Dijon, métropole data"
    assert tk.config.get("ckanext.metropole.territory") == "dijon-metropole"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_created_and_read_back_through_the_api():
    org = factories.Organization(name="dijon-metropole", title="Dijon Métropole")
    created = helpers.call_action("package_create", **complete_dataset(
        org["id"],
        name="equipements-scolaires",
        title="Équipements scolaires",
        notes="Liste des écoles de la métropole",
        tag_string="education,écoles",
        resources=[{"url": "https://data.example.org/ecoles.csv", "format": "CSV",
                    "name": "Écoles"}],
    ))
    shown = helpers.call_action("package_show", id="equipements-scolaires")
    assert shown["id"] == created["id"]
    assert shown["title"] == "Équipements scolaires"
    assert sorted(t["name"] for t in shown["tags"]) == ["education", "écoles"]
    assert shown["resources"][0]["format"] == "CSV"
    found = helpers.call_action("package_search", q="école")
    assert [d["name"] for d in found["results"]] == ["equipements-scolaires"]


@pytest.mark.usefixtures("clean_db")
def test_schema_validation_errors_name_the_field():
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_create", name="x" * 3, title="")
    assert "name" in err.value.error_dict or "owner_org" in err.value.error_dict
