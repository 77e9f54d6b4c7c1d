"""The audit trail also appears in CKAN's activity stream (activity plugin).

Its activities have the visibility of their dataset, whatever the list or
page that shows them: CKAN filters activities by permission labels only for
activity types ending in ``package``, so the committee's type ends so, and
its activities carry the labels the search index gives the dataset now.
"""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import helpers

from ckanext.metropole import migration
from ckanext.metropole.committee.model import REVIEW_ACTIVITY
from ckanext.metropole.tests.committee.conftest import act, draft
from ckanext.metropole.tests.identities import clients, text

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "metropole_search metropole scheming_datasets "
                            "scheming_organizations activity"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]
TITLE = "Fichier sentinelle Wz4"
NOTE = "Note de proposition sentinelle Jh2"
OPINION = "Avis individuel sentinelle Rb8"
MOTIVATION = "Motivation sentinelle Tp6"
JUSTIFICATION = "Justification sentinelle Lm9"
SECRETS = (TITLE, NOTE, OPINION, MOTIVATION, JUSTIFICATION)


@pytest.fixture(autouse=True)
def activity_tables(with_plugins, clean_db):
    """The activity plugin's own migrations (the suite's database has CKAN's only)."""
    from ckan.cli.db import _run_migrations

    _run_migrations("activity")


def test_review_events_in_the_dataset_activity_stream(app, people):
    pkg = draft(people, name="velos")
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "member", "metropole_opinion_record", id=pkg["id"], value="favorable",
        comment="Avis interne")
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="favorable",
        motivation="Utile")
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    stream = helpers.call_action("package_activity_list", id=pkg["id"],
                                 activity_types=[REVIEW_ACTIVITY])
    kinds = [a["data"]["kind"] for a in reversed(stream)]
    # individual opinions are the committee's (metropole_review_show): not in the stream
    assert kinds == ["proposed", "opened", "avis", "decision"]
    assert all("Avis interne" not in str(a["data"]) for a in stream)
    # published: its public trail is public, as on its "Avis du comité" tab
    page = html.unescape(app.get("/dataset/activity/velos").body)
    assert "a rendu l'avis du comité" in page


def kept_closed(people) -> dict:
    """A private dataset through the whole review, kept closed."""
    pkg = draft(people, name="ferme", title=TITLE)
    act(people, "editor", "metropole_review_propose", id=pkg["id"], comment=NOTE)
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "member", "metropole_opinion_record", id=pkg["id"], value="defavorable",
        comment=OPINION)
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="defavorable",
        motivation=MOTIVATION)
    act(people, "admin", "metropole_decision_record", id=pkg["id"],
        decision="maintenu_ferme", justification=JUSTIFICATION)
    return pkg


def _review_activity_ids(pkg_id: str) -> list[str]:
    return list(model.Session.execute(sa.text(
        "SELECT id FROM activity WHERE object_id = :id AND activity_type = :type"),
        {"id": pkg_id, "type": REVIEW_ACTIVITY}).scalars())


ACTORS = ("editrice-dijon", "secretaire", "membre", "presidente", "admin-dijon")


def _urls(pkg_id: str) -> list[str]:
    urls = ["/api/3/action/recently_changed_packages_activity_list",
            "/api/3/action/organization_activity_list?id=dijon",
            "/organization/activity/dijon", "/dashboard/",
            "/api/3/action/dashboard_activity_list",
            f"/api/3/action/package_activity_list?id={pkg_id}",
            f"/dataset/activity/{pkg_id}"]
    for name in ACTORS:
        urls += [f"/api/3/action/user_activity_list?id={name}", f"/user/activity/{name}"]
    for activity_id in _review_activity_ids(pkg_id):
        urls += [f"/api/3/action/activity_show?id={activity_id}",
                 f"/api/3/action/activity_data_show?id={activity_id}",
                 f"/dataset/changes/{activity_id}",
                 f"/dataset/{pkg_id}/history/{activity_id}"]
    return urls


@pytest.mark.parametrize("who", [None, "visiteur", "membre", "editeur-chenove"])
def test_nobody_outside_the_dataset_reads_its_committee_activities(app, people, who):
    pkg = kept_closed(people)
    assert _review_activity_ids(pkg["id"])
    # a reader following everyone involved: their dashboard lists what they did
    if who:
        for name in ACTORS:
            if name != who:
                helpers.call_action("follow_user", context={"user": who}, id=name)
    for client in clients(app, who):
        for url in _urls(pkg["id"]):
            response = client.get(url)
            assert response.status_code < 500, (client, url)
            body = text(response)
            leaked = [s for s in SECRETS if s in body]
            assert not leaked, (client, url, leaked)


def test_the_dataset_editors_read_them_but_never_individual_opinions(app, people):
    pkg = kept_closed(people)
    for client in clients(app, "editrice-dijon"):
        body = text(client.get("/api/3/action/user_activity_list?id=presidente"))
        assert TITLE in body and MOTIVATION in body, client
        body = text(client.get(f"/api/3/action/package_activity_list?id={pkg['id']}"))
        assert NOTE in body and JUSTIFICATION in body, client
        page = client.get("/user/activity/membre")
        assert page.status_code == 200 and OPINION not in text(page), client
        for url in _urls(pkg["id"]):
            response = client.get(url)
            assert response.status_code < 500, (client, url)
            assert OPINION not in text(response), (client, url)


def test_activities_follow_the_dataset_when_it_goes_private_again(app, people):
    pkg = draft(people, name="rouvert", title=TITLE)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="favorable",
        motivation=MOTIVATION)
    assert MOTIVATION not in text(app.get("/api/3/action/user_activity_list?id=presidente"))
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    assert MOTIVATION in text(app.get("/api/3/action/user_activity_list?id=presidente"))
    # a new licence re-opens the review: the dataset and its trail leave the public
    act(people, "editor", "package_patch", id=pkg["id"], license_id="odc-odbl",
        license_justification="Réutilisations à partager")
    assert helpers.call_action("package_show", id=pkg["id"])["private"]
    trail = _review_activity_ids(pkg["id"])
    assert len(trail) == 5  # proposed, opened, avis, decision, reopened
    for url in ("/api/3/action/user_activity_list?id=presidente",
                "/api/3/action/user_activity_list?id=editrice-dijon",
                "/api/3/action/recently_changed_packages_activity_list",
                "/api/3/action/organization_activity_list?id=dijon",
                "/user/activity/editrice-dijon"):
        body = text(app.get(url))
        # (CKAN's own activities of the time it was public stay public)
        assert MOTIVATION not in body, url
        assert not [i for i in trail if i in body], url


def test_migration_moves_existing_activities_under_the_labels(app, people):
    """Rows written with the former type (and the labels of their time)."""
    pkg = kept_closed(people)
    model.Session.execute(sa.text(
        "UPDATE activity SET activity_type = 'metropole review', "
        "permission_labels = ARRAY['public'] WHERE activity_type = :type"),
        {"type": REVIEW_ACTIVITY})
    model.Session.commit()
    assert MOTIVATION in text(app.get("/api/3/action/user_activity_list?id=presidente"))
    migration.downgrade("metropole", "0001_committee")
    migration.upgrade("metropole")
    assert _review_activity_ids(pkg["id"])
    assert MOTIVATION not in text(app.get("/api/3/action/user_activity_list?id=presidente"))


def test_activity_show_and_collaborators_refuse_cleanly(app, people):
    """Anonymous ``activity_show`` and ``package_collaborator_list`` were 500s."""
    pkg = kept_closed(people)
    activity_id = _review_activity_ids(pkg["id"])[0]
    for who in (None, "visiteur", "membre"):
        for client in clients(app, who):
            shown = client.get(f"/api/3/action/activity_show?id={activity_id}")
            assert shown.status_code == 403, (client, shown.status_code)
            assert TITLE not in text(shown), client
            listed = client.get(f"/api/3/action/package_collaborator_list?id={pkg['id']}")
            assert listed.status_code == 403, (client, listed.status_code)
    for client in clients(app, "editrice-dijon"):
        shown = client.get(f"/api/3/action/activity_show?id={activity_id}")
        assert shown.status_code == 200 and TITLE in text(shown), client
