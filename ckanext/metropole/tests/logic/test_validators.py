"""Validators one by one: valid and invalid input, errors naming the field."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import DIJON, complete_dataset

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


@pytest.fixture
def org():
    return factories.Organization(name="dijon", insee_code=DIJON, kind="commune")


def _errors(action: str, **data) -> dict:
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action(action, **data)
    return err.value.error_dict


def _draft(org, **overrides):
    return complete_dataset(org["id"], private=True, **overrides)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("license_id", "cc-by", "Licence: cc-by is not allowed"),
    ("conforms_to", "pas-un-schema", "Conforms to"),
    ("frequency", "SOMETIMES", "SOMETIMES is not one of the proposed values"),
    ("theme", ["EDUC", "FOOD"], "FOOD is not one of the proposed values"),
    ("criteria", ["popularite"], "popularite is not one of the proposed values"),
    ("screening_personal_data", "maybe", "maybe is not one of the proposed values"),
    ("opening_status", "ferme", "ferme is not one of the proposed values"),
    ("producing_commune", "69123", "Producing commune: 69123"),
    ("spatial_communes", ["21231", "76540"], "Covered communes: 76540"),
    ("contact_email", "pas-une-adresse", "email"),
    ("temporal_start", "pas une date", "Date"),
])
def test_invalid_field_value(org, field, value, words):
    errors = _errors("package_create", **_draft(org, **{field: value}))
    assert field in errors, errors
    assert words.lower() in " ".join(errors[field]).lower()


def test_choice_errors_name_the_field(org):
    errors = _errors("package_create", **_draft(org, frequency="SOMETIMES"))
    message = errors["frequency"][0]
    assert message.startswith(("Fréquence de mise à jour", "Update frequency"))


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"temporal_start": "2024-01-01", "temporal_end": "2023-12-31"}, "temporal_end",
     "end date must not be before"),
    ({"opening_status": "planifie"}, "planned_opening_date", "Planned opening date"),
    ({"opening_status": "non_ouvrable"}, "closed_reason", "Reason"),
    ({"spatial_coverage": "communes"}, "spatial_communes", "choose at least one"),
])
def test_cross_field_checks_hold_even_for_drafts(org, overrides, field, words):
    errors = _errors("package_create", **_draft(org, **overrides))
    assert list(errors) == [field]
    assert words in errors[field][0]


def test_valid_values_are_normalised(org):
    pkg = helpers.call_action("package_create", **_draft(
        org, conforms_to="https://schema.data.gouv.fr/schemas/etalab/schema-irve-statique/latest/schema-statique.json",
        temporal_start="2024-01-01", temporal_end="2024-12-31",
        opening_status="planifie", planned_opening_date="2026-09-01",
        theme=["EDUC", "EDUC", "TRAN"], contact_email="opendata@metropole-dijon.fr",
        resources=[{"url": "https://x.invalid/a.geojson", "format": "GeoJSON",
                    "conforms_to": "etalab/schema-bal", "size": "1200"}]))
    assert pkg["theme"] == ["EDUC", "TRAN"]
    assert pkg["license_id"] == "etalab-2.0"
    resource = pkg["resources"][0]
    assert resource["format"] == "GEOJSON"
    assert resource["mimetype"] == "application/geo+json"
    assert resource["conforms_to"] == "etalab/schema-bal"


def test_licence_defaults_to_licence_ouverte_2(org):
    data = _draft(org)
    data.pop("license_id")
    assert helpers.call_action("package_create", **data)["license_id"] == "etalab-2.0"


def test_address_is_made_from_the_title(org):
    data = _draft(org, title="Menus des cantines de Chenôve")
    data.pop("name")
    assert helpers.call_action("package_create", **data)["name"] == \
        "menus-des-cantines-de-chenove"


def test_neither_title_nor_address_names_the_title(org):
    data = _draft(org)
    data.pop("name")
    data.pop("title", None)
    errors = _errors("package_create", **data)
    assert "title" in errors, errors
    assert "name" not in errors, errors


def test_an_address_alone_still_makes_a_dataset(org):
    data = _draft(org, name="adresse-seule")
    data.pop("title", None)
    assert helpers.call_action("package_create", **data)["title"] == "adresse-seule"


def test_scdl_schema_id_is_accepted(org):
    pkg = helpers.call_action("package_create", **_draft(org, conforms_to="etalab/schema-bal"))
    assert pkg["conforms_to"] == "etalab/schema-bal"


@pytest.mark.parametrize(("fmt", "words"), [("DOCX2", "Format: DOCX2"), ("tableur", "Format")])
def test_resource_format_outside_the_eu_list(org, fmt, words):
    errors = _errors("package_create", **_draft(
        org, resources=[{"url": "https://x.invalid/a", "format": fmt}]))
    assert words in str(errors["resources"])


def test_resource_size_must_be_a_number(org):
    errors = _errors("package_create", **_draft(
        org, resources=[{"url": "https://x.invalid/a.csv", "format": "CSV", "size": "gros"}]))
    assert "size" in errors["resources"][0]


# ------------------------------------------------------------ organization

@pytest.mark.parametrize(("data", "field", "words"), [
    ({"siren": "21210231"}, "siren", "SIREN: must be exactly 9 digits"),
    ({"siren": "212102314"}, "siren", "Luhn"),
    ({"kind": "commune", "insee_code": "75056"}, "insee_code", "75056 is not a commune"),
    ({"kind": "commune"}, "insee_code", "required for a commune"),
    ({"kind": "commune", "insee_code": "2123"}, "insee_code", "5 characters"),
    ({"kind": "ville"}, "kind", "ville is not one of the proposed values"),
    ({"partnership_status": "ami"}, "partnership_status", "ami"),
    ({"contact_email": "x@"}, "contact_email", "email"),
    ({"agreement_date": "demain"}, "agreement_date", "Date"),
])
def test_invalid_organization(data, field, words):
    errors = _errors("organization_create", name="commune-x", **data)
    assert field in errors, errors
    assert words.lower() in " ".join(errors[field]).lower()


def _as_admin() -> dict:
    return {"user": factories.Sysadmin()["name"]}


def test_organization_fields_round_trip():
    context = _as_admin()
    org = helpers.call_action(
        "organization_create", context=dict(context), name="chenove", title="Chenôve", kind="commune",
        insee_code="21166", siren="212101661", partnership_status="deuxieme_vague",
        partnership_cohort="2025", agreement_date="2025-03-14",
        contact_name="Service numérique", contact_email="numerique@chenove.fr")
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["insee_code"] == "21166"
    assert shown["siren"] == "212101661"
    assert shown["partnership_status"] == "deuxieme_vague"
    assert shown["agreement_date"] == "2025-03-14"
    # a former commune keeps a code the territory no longer lists
    helpers.call_action("organization_create", context=dict(context), name="crimolois",
                        kind="ancienne_commune", insee_code="21213")


def test_geometry_survives_a_form_style_update():
    context = _as_admin()
    org = helpers.call_action("organization_create", context=dict(context), name="ahuy",
                              kind="commune", insee_code="21003",
                              bbox="[4.99, 47.35, 5.04, 47.38]")
    helpers.call_action("organization_update", context=dict(context), id=org["id"],
                        name="ahuy", kind="commune", insee_code="21003", title="Ahuy")
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["bbox"] == "[4.99, 47.35, 5.04, 47.38]"
