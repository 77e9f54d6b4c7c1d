"""A small portal to feed: the Dijon territory and datasets in every state."""
from __future__ import annotations

import importlib
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.metropole import territory, territory_load
from ckanext.metropole.logic import publication
from ckanext.metropole.tests.data import CHENOVE, DIJON, complete_dataset

SCDL = "etalab/schema-amenagements-cyclables"
OVERRIDE = "Jeu de test publié sans passage en comité"


def create(user: dict[str, Any], **data: Any) -> dict[str, Any]:
    """package_create as a sysadmin; public datasets of the métropole and its
    communes go through the committee, which a sysadmin override stands for."""
    context = {"user": user["name"]}
    try:
        pkg = helpers.call_action("package_create", context=dict(context), **data)
    except tk.ValidationError as e:
        if "committee_review" not in e.error_dict:
            raise
        pkg = helpers.call_action("package_create", context=dict(context),
                                  committee_override=OVERRIDE, **data)
    if not pkg["private"] and not publication.is_published(pkg):
        _record_override(pkg["id"], user["id"])
    return pkg


def _record_override(package_id: str, user_id: str) -> None:
    """The committee's *publié* row of a sysadmin override, when the override
    path of package_create did not record it (committee workflow not wired)."""
    reviews = importlib.import_module("ckanext.metropole.committee.reviews")
    reviews.record_override(package_id, user_id, OVERRIDE)
    model.repo.commit()
    search.rebuild(package_id)


MOTIVATION = "Données utiles aux cyclistes, sans donnée personnelle."


def through_the_committee(admin: dict[str, Any], president: dict[str, Any],
                          **data: Any) -> dict[str, Any]:
    """A dataset published the committee's way: proposed, examined, avis, decision."""
    pkg = helpers.call_action("package_create", context={"user": admin["name"]},
                              **dict(data, private=True))
    as_admin = {"user": admin["name"]}
    helpers.call_action("metropole_review_propose", context=dict(as_admin), id=pkg["id"])
    helpers.call_action("metropole_review_open", context=dict(as_admin), id=pkg["id"])
    helpers.call_action("metropole_avis_render", context={"user": president["name"]},
                        id=pkg["id"], avis="reserves", motivation=MOTIVATION)
    helpers.call_action("metropole_decision_record", context=dict(as_admin), id=pkg["id"],
                        decision="publie")
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert publication.is_published(shown), (
        "the committee's publié decision did not publish the dataset "
        f"(private={shown['private']}, opening_status={shown['opening_status']})")
    return shown


def siret_for(siren: str) -> str:
    """A well-formed SIRET for a SIREN (test data: the first NIC passing Luhn)."""
    return next(siren + f"{nic:05d}" for nic in range(1, 100)
                if territory.luhn_ok(siren + f"{nic:05d}"))


def seed() -> dict[str, Any]:
    territory_load.load(territory.current())
    admin = factories.Sysadmin()
    president = factories.User(name="presidente-comite")
    helpers.call_action("metropole_committee_member_add", user=president["name"],
                        college="associations", role="president")
    for name in ("dijon-metropole", "dijon", "chenove"):
        org = helpers.call_action("organization_show", id=name)
        helpers.call_action("organization_patch", id=org["id"], siret=siret_for(org["siren"]))
    orgs = {name: helpers.call_action("organization_show", id=name)
            for name in ("dijon-metropole", "dijon", "chenove")}
    dijon, chenove, metropole = orgs["dijon"]["id"], orgs["chenove"]["id"], \
        orgs["dijon-metropole"]["id"]
    published = {
        "pub-dijon-velo": through_the_committee(admin, president, **complete_dataset(
            dijon, name="pub-dijon-velo", title="Aménagements cyclables",
            notes="Pistes et bandes cyclables de Dijon et Chenôve.",
            theme=["TRAN", "ENVI"], frequency="MONTHLY",
            temporal_start="2020-01-01", temporal_end="2023-12-31",
            contact_name="Direction des mobilités",
            contact_email="mobilites@metropole-dijon.fr",
            conforms_to=SCDL, tag_string="vélo,mobilité",
            spatial_coverage="communes", spatial_communes=[DIJON, CHENOVE],
            resources=[
                {"url": "https://data.example.org/velo.csv", "format": "csv",
                 "name": "Tronçons (CSV)", "size": 2048},
                {"url": "https://data.example.org/velo.geojson", "format": "geojson",
                 "name": "Tronçons (GeoJSON)", "conforms_to": SCDL},
            ])),
        "pub-chenove-odbl": create(admin, **complete_dataset(
            chenove, name="pub-chenove-odbl", title="Adresses de Chenôve",
            license_id="odc-odbl", producing_commune=CHENOVE,
            temporal_start="2024-01-01", temporal_end="2024-12-31",
            license_justification="Partage à l'identique des corrections.")),
        "pub-metropole": create(admin, **complete_dataset(
            metropole, name="pub-metropole", title="Budget de la métropole",
            producing_commune=territory.current().metropole.code, theme=["GOVE"],
            temporal_start="2026-01-01", temporal_end="2026-12-31")),
    }
    hidden = {
        "draft-private": create(admin, **complete_dataset(
            dijon, name="draft-private", private=True)),
        "under-review": create(admin, **complete_dataset(
            dijon, name="under-review", private=True, opening_status="en_examen")),
        "inventory-only": create(admin, **complete_dataset(
            dijon, name="inventory-only", private=True, opening_status="inventorie")),
        "planned": create(admin, **complete_dataset(
            chenove, name="planned", private=True, opening_status="planifie",
            producing_commune=CHENOVE, temporal_start="2029-01-01",
            temporal_end="2029-12-31", planned_opening_date="2030-06-01")),
        "cannot-open": create(admin, **complete_dataset(
            dijon, name="cannot-open", private=True, opening_status="non_ouvrable",
            closed_reason="personal_data")),
        "deleted": create(admin, **complete_dataset(dijon, name="deleted")),
        # collected from a national platform: published, but never fed back
        "harvested": create(admin, **complete_dataset(
            factories.Organization(name="insee", title="INSEE")["id"], name="harvested",
            title="Population légale (INSEE)",
            extras=[{"key": "metropole_harvest_source", "value": "insee-dcat"}])),
    }
    helpers.call_action("package_delete", context={"user": admin["name"]}, id="deleted")
    return {"admin": admin, "orgs": orgs, "published": published, "hidden": hidden}
