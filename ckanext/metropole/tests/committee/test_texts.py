"""The committee's free texts (proposal comment, opinion comment, motivation,
justification, override) refuse control characters and stay bounded
(issue 15, items 10 and 11), through the action API with real tokens."""
from __future__ import annotations

import pytest
from ckan.tests import factories

from ckanext.metropole.tests.committee.conftest import act, draft

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def call(app):
    tokens: dict[str, str] = {}

    def call(who: str, action: str, **data):
        if who not in tokens:
            tokens[who] = factories.APIToken(user=who)["token"]
        return app.post(f"/api/3/action/{action}", json=data,
                        headers={"Authorization": tokens[who]})
    return call


def test_a_proposal_comment_with_nul(call, people):
    pkg = draft(people)
    response = call("editrice-dijon", "metropole_review_propose", id=pkg["id"],
                    comment="Prêt\x00")
    assert response.status_code == 409, response.body
    # NUL is refused before any action runs (inputs.py), naming the parameter
    assert response.json["error"]["comment"] == [
        "Paramètre \"comment\" : le caractère NUL n'est pas autorisé."]
    assert act(people, "editor", "metropole_review_show", id=pkg["id"])["state"] is None


def test_a_proposal_comment_with_a_control_character(call, people):
    pkg = draft(people)
    response = call("editrice-dijon", "metropole_review_propose", id=pkg["id"],
                    comment="Prêt\x07")
    assert response.status_code == 409, response.body
    assert response.json["error"]["comment"] == [
        "Commentaire : les caractères de contrôle ne sont pas admis"]
    assert act(people, "editor", "metropole_review_show", id=pkg["id"])["state"] is None


def test_a_motivation_keeps_its_lines_but_no_escape(call, people):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    response = call("presidente", "metropole_avis_render", id=pkg["id"], avis="favorable",
                    motivation="Utile\x1b[31m")
    assert response.status_code == 409, response.body
    assert list(response.json["error"]) == ["motivation", "__type"]
    response = call("presidente", "metropole_avis_render", id=pkg["id"], avis="favorable",
                    motivation="Utile :\n\t- aux cyclistes\r\n\t- aux communes")
    assert response.status_code == 200, response.body


def test_a_justification_too_long(call, people):
    pkg = draft(people)
    response = call("sysadmin", "metropole_review_override", id=pkg["id"],
                    justification="j" * 100_000)
    assert response.status_code == 409, response.body
    assert "trop long" in response.json["error"]["justification"][0]
