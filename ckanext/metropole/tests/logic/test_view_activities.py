"""A resource view's activity follows its dataset's confidentiality (issue 15).

CKAN shows the activities whose type does not end in ``package`` to
everyone; a view's (``new resource view``…: the dataset's and resource's
ids) recorded while the dataset was public stayed in the user, dashboard and
organization streams once the dataset went private. Through the HTTP stack:
anonymous, and a plain user by API token and session cookie.
"""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from ckanext.metropole.tests.committee.conftest import People
from ckanext.metropole.tests.data import complete_dataset
from ckanext.metropole.tests.identities import clients, text

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "metropole_search metropole scheming_datasets "
                            "scheming_organizations activity dcat image_view"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture(autouse=True)
def activity_tables(with_plugins, clean_db):
    from ckan.cli.db import _run_migrations

    _run_migrations("activity")


@pytest.fixture
def people(ckan_config, monkeypatch, mail_server) -> People:
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries", "secretaire")
    return People()


def test_resource_view_activities_leave_with_the_dataset(app, people):
    """A view added while the dataset was public: its activity (the dataset's
    and resource's ids) leaves every stream once the dataset is private, for
    anonymous and a plain user (follower of the editor and of the commune);
    the commune's editors still see it."""
    dataset = helpers.call_action(
        "package_create", context={"user": "editrice-dijon"},
        **complete_dataset(people.dijon["id"], name="vue-publique"))
    resource_id = dataset["resources"][0]["id"]
    helpers.call_action("resource_view_create", context={"user": "editrice-dijon"},
                        resource_id=resource_id, view_type="image_view", title="Vue")
    for name, kind in (("editrice-dijon", "user"), ("dijon", "group")):
        helpers.call_action(f"follow_{kind}", context={"user": "visiteur"}, id=name)
    urls = ["/api/3/action/user_activity_list?id=editrice-dijon", "/user/activity/editrice-dijon",
            "/api/3/action/organization_activity_list?id=dijon",
            "/organization/activity/dijon"]
    seen = [u for u in urls if resource_id in text(app.get(u))]
    assert seen, "no stream shows the view's activity while the dataset is public"
    helpers.call_action("package_patch", context={"user": "editrice-dijon"},
                        id=dataset["id"], private=True)
    for who in (None, "visiteur"):
        for client in clients(app, who):
            for url in urls + (["/api/3/action/dashboard_activity_list", "/dashboard/"]
                               if who else []):
                response = client.get(url)
                assert response.status_code == 200, (client, url, text(response)[:400])
                assert resource_id not in text(response), (client, url)
                assert dataset["id"] not in text(response), (client, url)
    for client in clients(app, "editrice-dijon"):
        shown = client.get("/api/3/action/user_activity_list?id=editrice-dijon").json["result"]
        assert any(a["activity_type"] == "new resource view" for a in shown), client
