"""The publication gate on every path that can make a dataset public."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.logic.gate import check_publication
from ckanext.metropole.tests.data import CHENOVE, DIJON, OVERRIDE, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins")


def _shown(**overrides):
    """A package_show-like dict that passes the gate."""
    data = complete_dataset("org", **overrides)
    return data


def test_complete_dataset_passes():
    assert check_publication(_shown()) == {}


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"license_id": "cc-by"}, "license_id", "Licence"),
    ({"license_id": "odc-odbl"}, "license_justification", "ODbL"),
    ({"criteria": []}, "criteria", "Priority criteria"),
    ({"criteria": "[]"}, "criteria", "Priority criteria"),
    ({"screening_secret": ""}, "screening_secret", "Trade or industrial secret"),
    ({"screening_personal_data": "personal"}, "screening_personal_data", "personal data"),
    ({"screening_secret": "yes"}, "screening_secret", "secret protected by law"),
    ({"screening_third_party": "yes"}, "screening_third_party", "third parties hold rights"),
    ({"producing_commune": "75056"}, "producing_commune", "Producing commune"),
    ({"producing_commune": ""}, "producing_commune", "Producing commune"),
    ({"opening_status": "planifie"}, "opening_status", "Opening status"),
])
def test_each_condition(overrides, field, words):
    errors = check_publication(_shown(**overrides))
    assert list(errors) == [field]
    assert words in errors[field][0]


def test_json_text_values_and_odbl_with_justification():
    pkg = _shown(criteria='["valorisation"]', license_id="odc-odbl",
                 license_justification="Partage à l'identique des améliorations.")
    assert check_publication(pkg) == {}


def _count() -> int:
    return model.Session.query(model.Package).filter_by(state="active").count()


@pytest.fixture
def org():
    return factories.Organization(name="dijon", insee_code=DIJON, kind="commune")


@pytest.fixture
def national():
    """Not the métropole's nor a commune's: no committee review (national data)."""
    return factories.Organization(name="ign")


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestActions:
    def test_create_public_incomplete_is_refused_and_nothing_saved(self, org):
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_create", **complete_dataset(
                org["id"], criteria=[], screening_personal_data="personal"))
        assert set(err.value.error_dict) == {"criteria", "screening_personal_data"}
        assert _count() == 0

    def test_private_draft_may_be_incomplete(self, org):
        pkg = helpers.call_action("package_create", name="brouillon", title="Brouillon",
                                  owner_org=org["id"], private=True)
        assert pkg["private"] is True
        assert pkg["producing_commune"] == DIJON  # default: the owner's commune

    def test_create_without_private_is_public_and_gated(self, org):
        data = complete_dataset(org["id"], opening_status="en_examen")
        data.pop("private")
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_create", **data)
        assert "opening_status" in err.value.error_dict

    def test_update_to_public_is_refused_and_stored_stays(self, org):
        draft = helpers.call_action("package_create", **complete_dataset(
            org["id"], private=True, opening_status="planifie",
            planned_opening_date="2026-12-01"))
        draft["private"] = False
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_update", **draft)
        # the decision sets the opening status: the producer is never asked to
        # set it, only told to go through the committee (issue 18)
        assert set(err.value.error_dict) == {"committee_review"}
        stored = helpers.call_action("package_show", id=draft["id"])
        assert stored["private"] is True
        assert stored["opening_status"] == "planifie"

    def test_patch_that_only_flips_private(self, org):
        draft = helpers.call_action("package_create", **complete_dataset(
            org["id"], private=True, screening_third_party="yes"))
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_patch", id=draft["id"], private=False)
        assert set(err.value.error_dict) == {"screening_third_party", "committee_review"}
        assert helpers.call_action("package_show", id=draft["id"])["private"] is True
        helpers.call_action("package_patch", id=draft["id"], screening_third_party="no")
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_patch", id=draft["id"], private=False)
        assert list(err.value.error_dict) == ["committee_review"]
        public = helpers.call_action("package_patch", id=draft["id"], private=False,
                                     committee_override=OVERRIDE)
        assert public["private"] is False

    def test_patch_of_a_public_dataset_keeps_it_gated(self, org):
        pkg = helpers.call_action("package_create", **complete_dataset(org["id"]))
        with pytest.raises(tk.ValidationError):
            helpers.call_action("package_patch", id=pkg["id"], criteria=[])
        helpers.call_action("package_patch", id=pkg["id"], title="Nouveau titre")

    def test_bulk_update_public_refuses_all_when_one_fails(self, national):
        org = national
        good = helpers.call_action("package_create", **complete_dataset(
            org["id"], private=True))
        bad = helpers.call_action("package_create", **complete_dataset(
            org["id"], private=True, screening_secret="yes"))
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("bulk_update_public", datasets=[good["id"], bad["id"]],
                                org_id=org["id"])
        assert list(err.value.error_dict) == [bad["name"]]
        assert str(err.value.error_dict[bad["name"]][0]).startswith("screening_secret:")
        for pkg in (good, bad):
            assert helpers.call_action("package_show", id=pkg["id"])["private"] is True
        found = helpers.call_action("package_search", q="*:*")
        assert found["count"] == 0  # still private, not visible to anonymous search

        helpers.call_action("bulk_update_public", datasets=[good["id"]], org_id=org["id"])
        assert helpers.call_action("package_show", id=good["id"])["private"] is False

    def test_bulk_update_public_checks_auth_first(self, org):
        user = factories.User()
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("bulk_update_public", context={"user": user["name"],
                                                               "ignore_auth": False},
                                datasets=["x"], org_id=org["id"])

    def test_legacy_licence_only_for_existing_legacy_datasets(self, org):
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_create", **complete_dataset(
                org["id"], license_id="fr-lo"))
        assert "Licence" in err.value.error_dict["license_id"][0]
        pkg = helpers.call_action("package_create", **complete_dataset(org["id"]))
        legacy = model.Package.get(pkg["id"])
        legacy.license_id = "fr-lo"  # published before the portal's rules
        model.Session.commit()
        from ckan.lib.search import rebuild
        rebuild(pkg["id"])  # CKAN 2.12's package_patch starts from the index
        updated = helpers.call_action("package_patch", id=pkg["id"], title="Ancien jeu")
        assert updated["license_id"] == "fr-lo"

    def test_producing_commune_outside_the_territory(self, org):
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_create", **complete_dataset(
                org["id"], private=True, producing_commune="69123"))
        assert "69123" in err.value.error_dict["producing_commune"][0]

    def test_coverage_geometry_is_stored(self, org):
        pkg = helpers.call_action("package_create", **complete_dataset(
            org["id"], spatial_coverage="communes", spatial_communes=[DIJON, CHENOVE]))
        assert pkg["spatial_communes"] == [DIJON, CHENOVE]
        import json
        ring = json.loads(pkg["spatial"])["coordinates"][0]
        west, south = ring[0]
        east, north = ring[2]
        assert west < 5.03748 < east
        assert south < 47.32286 < north
        whole = helpers.call_action("package_create", **complete_dataset(org["id"]))
        assert json.loads(whole["spatial"])["coordinates"][0][0] == [4.89637, 47.21949]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_harvest_style_import_is_gated(org):
    """ckanext-dcat's harvester: package_create with the plugin's schema in the context."""
    from ckan.lib import plugins as lib_plugins

    plugin = lib_plugins.lookup_package_plugin("dataset")
    context = {"user": factories.Sysadmin()["name"], "return_id_only": True,
               "ignore_auth": True, "schema": plugin.create_package_schema()}
    data = complete_dataset(org["id"], screening_personal_data="personal")
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_create", context=context, **data)
    assert list(err.value.error_dict) == ["screening_personal_data"]
    assert _count() == 0
    context["schema"] = plugin.create_package_schema()
    helpers.call_action("package_create", context=context, **complete_dataset(org["id"]))
    assert _count() == 1


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_screening_note_only_for_editors(org):
    pkg = helpers.call_action("package_create", **complete_dataset(
        org["id"], screening_note="Vu avec le DPO"))
    anonymous = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                                    id=pkg["id"])
    assert "screening_note" not in anonymous
    admin = factories.Sysadmin()
    editor = helpers.call_action("package_show", context={"user": admin["name"],
                                                          "ignore_auth": False}, id=pkg["id"])
    assert editor["screening_note"] == "Vu avec le DPO"
    found = helpers.call_action("package_search", q="*:*")["results"]
    assert found
    assert "screening_note" not in found[0]
