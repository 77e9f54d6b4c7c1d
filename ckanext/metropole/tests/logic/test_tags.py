"""The tags of unpublished datasets are not public (README, "Security and confidentiality").

CKAN's tag actions read the tag tables whatever the datasets carrying the
tags: proven here through the HTTP stack, with every identity.
"""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import helpers

from ckanext.metropole.logic import publication
from ckanext.metropole.tests.committee.conftest import People, act, draft
from ckanext.metropole.tests.data import complete_dataset
from ckanext.metropole.tests.identities import clients, text

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
PUBLIC_TAG = "velos-en-libre-service"
DRAFT_TAG = "projet-sentinelle-kx9"
REVIEW_TAG = "dossier-sentinelle-qm4"
DELETED_TAG = "ancien-sentinelle-zp2"
SECRET_TAGS = (DRAFT_TAG, REVIEW_TAG, DELETED_TAG)
NOTE = "Note interne sentinelle Vb5"
API = "/api/3/action/"


@pytest.fixture
def people(ckan_config: Any, monkeypatch: Any, mail_server: Any) -> People:
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries", "secretaire")
    return People()


@pytest.fixture
def datasets(people: People) -> dict[str, dict[str, Any]]:
    tags = [{"name": PUBLIC_TAG}]
    published = helpers.call_action(
        "package_create", context={"user": "sysadmin"},
        **complete_dataset(people.dijon["id"], name="publie", screening_note=NOTE,
                           tags=tags))
    private = draft(people, name="brouillon", tags=tags + [{"name": DRAFT_TAG}])
    reviewed = draft(people, name="en-examen", tags=[{"name": REVIEW_TAG}])
    act(people, "editor", "metropole_review_propose", id=reviewed["id"])
    act(people, "secretary", "metropole_review_open", id=reviewed["id"])
    deleted = helpers.call_action(
        "package_create", context={"user": "sysadmin"},
        **complete_dataset(people.dijon["id"], name="supprime", tags=[{"name": DELETED_TAG}]))
    helpers.call_action("package_delete", context={"user": "sysadmin"}, id=deleted["id"])
    return {"published": published, "private": private, "reviewed": reviewed,
            "deleted": deleted}


def _urls() -> list[str]:
    urls = [API + "tag_list", API + "tag_list?all_fields=true", API + "tag_list?q=sentinelle",
            API + "tag_autocomplete?q=sentinelle", API + "tag_search?q=sentinelle",
            API + "tag_search?query=sentinelle&limit=5"]
    urls += [API + f"tag_show?id={tag}" for tag in SECRET_TAGS]
    urls += [API + f"tag_show?id={PUBLIC_TAG}&include_datasets=true"]
    return urls


@pytest.mark.parametrize("who", [None, "visiteur", "membre", "presidente",
                                 "editeur-chenove"])
def test_nobody_outside_reads_the_tags_of_unpublished_datasets(app, people, datasets, who):
    for client in clients(app, who):
        for url in _urls():
            response = client.get(url)
            assert response.status_code in (200, 404), (client, url, response.status_code)
            body = text(response)
            leaked = [t for t in SECRET_TAGS + (NOTE,) if t in body]
            assert not leaked, (client, url, leaked)
        # the tags of published datasets stay public
        assert PUBLIC_TAG in client.get(API + "tag_list").json["result"], client
        assert client.get(API + "tag_autocomplete?q=libre").json["result"] == [PUBLIC_TAG]
        shown = client.get(API + f"tag_show?id={PUBLIC_TAG}&include_datasets=true")
        assert [p["name"] for p in shown.json["result"]["packages"]] == ["publie"], client
        assert client.get(API + f"tag_show?id={DRAFT_TAG}").status_code == 404, client


@pytest.mark.parametrize("who", ["editrice-dijon", "admin-dijon", "sysadmin"])
def test_the_datasets_organization_sees_its_tags(app, people, datasets, who):
    for client in clients(app, who):
        found = client.get(API + "tag_autocomplete?q=sentinelle").json["result"]
        assert {DRAFT_TAG, REVIEW_TAG} <= set(found), client
        assert client.get(API + f"tag_show?id={DRAFT_TAG}").status_code == 200, client
        assert DRAFT_TAG in client.get(API + "tag_list").json["result"], client


def test_the_sql_rule_is_the_publication_rule(people, datasets):
    """``published_clause`` (many datasets at once) agrees with ``is_published``."""
    for pkg in datasets.values():
        shown = helpers.call_action("package_show", id=pkg["id"])
        by_sql = model.Session.execute(
            sa.select(model.package_table.c.id).where(
                model.package_table.c.id == pkg["id"], publication.published_clause())
        ).first() is not None
        assert by_sql == publication.is_published(shown), pkg["name"]
    assert publication.is_published(helpers.call_action("package_show", id="publie"))
