"""The committee's reads through the HTTP stack, with real identities.

An anonymous request carries flask-login's ``AnonymousUser`` (id ``""``):
it is nobody, never "a user" nor "every user".
"""
from __future__ import annotations

import re

import pytest

from ckan.tests import helpers

from ckanext.metropole.tests.committee.conftest import act, draft
from ckanext.metropole.tests.identities import Client, clients, text

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
SECRET_TITLE = "Registre sentinelle Qx7"
SECRET_NOTE = "Note de proposition sentinelle Kv3"
QUEUE = "/api/3/action/metropole_review_list"
CSRF_META = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


@pytest.fixture
def proposed(people):
    pkg = draft(people, name="registre", title=SECRET_TITLE)
    act(people, "editor", "metropole_review_propose", id=pkg["id"], comment=SECRET_NOTE)
    return pkg


@pytest.mark.parametrize("query", ["?mine=true&state=all", "?mine=true", "?state=all", ""])
def test_anonymous_reads_no_review(app, people, proposed, query):
    response = app.get(QUEUE + query)
    assert response.status_code == 403
    body = text(response)
    assert SECRET_TITLE not in body
    assert SECRET_NOTE not in body


@pytest.mark.parametrize("way", ["token", "session"])
def test_own_proposals_are_only_ones_own(app, people, proposed, way):
    stranger = Client(app, way, "visiteur")
    mine = stranger.get(QUEUE + "?mine=true&state=all")
    assert mine.status_code == 200, mine.body
    assert mine.json["result"]["count"] == 0
    assert SECRET_TITLE not in text(mine)
    assert stranger.get(QUEUE + "?state=all").status_code == 403
    page = stranger.get("/comite/mes-propositions")
    assert page.status_code == 200
    assert SECRET_TITLE not in text(page)
    editor = Client(app, way, "editrice-dijon")
    own = editor.get(QUEUE + "?mine=true&state=all").json["result"]
    assert [r["package_title"] for r in own["results"]] == [SECRET_TITLE]


def test_committee_pages_refuse_anonymous(app, people, proposed):
    for url in ("/comite/mes-propositions", "/comite/examens", "/comite/examens?state=all"):
        response = app.get(url)
        assert response.status_code == 403, url
        assert SECRET_TITLE not in text(response), url


def test_member_list_hides_emails_from_all_but_managers(app, people):
    url = "/api/3/action/metropole_committee_member_list"
    for who in (None, "visiteur", "membre"):
        for client in clients(app, who):
            body = text(client.get(url))
            assert "membre@example.org" not in body, client
            assert client.get(url + "?include_past=true").status_code == 403, client
    for client in clients(app, "secretaire"):
        assert "membre@example.org" in text(client.get(url)), client


def _seated() -> list[str]:
    return sorted(m["user_name"] for m in helpers.call_action("metropole_committee_member_list"))


def test_members_page_read_only_but_for_the_secretary(app, people):
    """The composition (already public: the annual report, the member list
    action) for everyone; the forms, the user names, the past members and
    every change for the secretary and sysadmins only."""
    act(people, "sysadmin", "metropole_committee_member_add", user="visiteur",
        college="entreprises")
    act(people, "sysadmin", "metropole_committee_member_remove", user="visiteur")
    seated = _seated()
    for who in (None, "visiteur", "membre", "presidente", "secretaire", "sysadmin"):
        manages = who in ("secretaire", "sysadmin")
        for client in clients(app, who):
            page = client.get("/comite/membres")
            assert page.status_code == 200, client
            body = text(page)
            assert "Membres du comité de la donnée" in body, client
            assert "Associations, personnalités qualifiées & société civile : 1 / 8" in body
            assert ("metropole-committee-form" in body) is manages, client
            assert ('name="remove"' in body) is manages, client
            assert ("Anciens membres" in body) is manages, client  # past members: managers
            assert ("(presidente)" in body) is manages, client  # user names: managers
            assert "presidente@example.org" not in body, client
            if not manages:
                assert "Présidence : " in body, client
                assert re.search(r"depuis le \d{1,2} [a-zéû]+ \d{4}", body), client
            if manages:
                continue
            form = {}
            poster = client.post
            if client.way != "token":
                # a browser's cookie and CSRF token: what refuses the change is the role
                browser = client.client if client.way == "session" else app.test_client()
                token = CSRF_META.search(text(browser.get("/comite/membres"))).group(1)
                form, poster = {"_csrf_token": token}, browser.post
            for change in ({"remove": "membre"}, {"remove": "membre", "confirm": "1"},
                           {"user": who or "visiteur", "college": "recherche"}):
                refused = poster("/comite/membres", data=dict(form, **change))
                assert refused.status_code == 403, (client, change)
            assert _seated() == seated, client
