"""The published flag: what feeds, the DataStore guard and pages rely on."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.committee.model import review
from ckanext.metropole.logic import publication
from ckanext.metropole.tests.data import DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.mark.parametrize("overrides, expected", [
    ({}, True),
    ({"private": True}, False),
    ({"state": "deleted"}, False),
    ({"opening_status": "planifie"}, False),
])
def test_is_published(overrides, expected):
    assert publication.is_published(complete_dataset("org", **overrides)) is expected


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_published_fq_finds_only_published_datasets():
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    helpers.call_action("package_create", **complete_dataset(org["id"], name="ouvert"))
    helpers.call_action("package_create", **complete_dataset(
        org["id"], name="brouillon", private=True, opening_status="planifie",
        planned_opening_date="2027-01-15"))
    found = helpers.call_action("package_search", fq=publication.published_fq(),
                                include_private=True)
    assert [d["name"] for d in found["results"]] == ["ouvert"]
    everything = helpers.call_action("package_search", include_private=True)
    assert everything["count"] == 2


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_index_asks_the_committee_again_in_the_next_transaction():
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    pkg = helpers.call_action("package_create", **complete_dataset(org["id"], name="ouvert"))
    assert publication.index_field(dict(pkg))[publication.INDEX_FIELD] == "true"
    # a review opens again while the dataset's own row stays as it was
    model.Session.execute(review.insert().values(package_id=pkg["id"], state="en_examen"))
    model.Session.commit()
    assert publication.index_field(dict(pkg))[publication.INDEX_FIELD] == "false"
