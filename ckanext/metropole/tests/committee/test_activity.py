"""The audit trail also appears in CKAN's activity stream (activity plugin)."""
from __future__ import annotations

import html

import pytest
from ckan.tests import helpers

from ckanext.metropole.tests.committee.conftest import act, draft

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "metropole_search metropole scheming_datasets "
                            "scheming_organizations activity"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


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
                                 activity_types=["metropole review"])
    kinds = [a["data"]["kind"] for a in reversed(stream)]
    assert kinds == ["proposed", "opened", "opinion", "avis", "decision"]
    # the opinion's text stays out of the stream
    assert all("Avis interne" not in a["data"]["text"] for a in stream)
    page = html.unescape(app.get("/dataset/activity/velos").body)
    assert "a rendu l'avis du comité" in page
