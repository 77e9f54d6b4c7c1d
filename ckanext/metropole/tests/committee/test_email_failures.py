"""A committed workflow step never fails because of its emails (issue 15,
item 10), through the action API with a real token: the signals are sent
once the step is committed, their failures are logged."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib import mailer, search
from ckan.tests import factories

from ckanext.metropole.committee import notifications
from ckanext.metropole.tests.committee.conftest import act, draft
from ckanext.metropole.tests.committee.test_emails import _mails, _Recorder

# no ``with_request_context``: its application context would hold the
# identity of the requests made through ``app``
pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _stored_title(pkg, title: str) -> None:
    """A title written past the validators (saved before titles refused line
    breaks, a script, a restore)."""
    model.Session.execute(sa.text("UPDATE package SET title = :t WHERE id = :id"),
                          {"t": title, "id": pkg["id"]})
    model.Session.commit()
    model.Session.expire_all()
    search.rebuild(pkg["id"])  # package_show reads the index's copy


def _propose_over_http(app, pkg):
    token = factories.APIToken(user="editrice-dijon")["token"]
    return app.post("/api/3/action/metropole_review_propose", json={"id": pkg["id"]},
                    headers={"Authorization": token})


def test_a_line_break_in_a_stored_title(app, people, mail_server):
    # issue 15, item 10: the proposal was saved, then the request answered 500
    # and no email left. Titles refuse line breaks now; one stored before is
    # named when the proposal re-validates the dataset, and nothing is saved.
    pkg = draft(people)
    _stored_title(pkg, "Bus\r\nBcc: espion@example.org")
    response = _propose_over_http(app, pkg)
    assert response.status_code == 409, response.body
    assert list(response.json["error"]) == ["title", "__type"]
    assert act(people, "editor", "metropole_review_show", id=pkg["id"])["state"] is None
    assert mail_server.get_smtp_messages() == []
    act(people, "editor", "package_patch", id=pkg["id"], title="Bus et tram")
    assert _propose_over_http(app, pkg).status_code == 200
    assert len(_mails(mail_server)) == 4


def test_the_subject_holds_one_line_whatever_the_title(app, people, mail_server):
    # a title changed past the validators once the dataset is proposed
    pkg = draft(people)
    row = act(people, "editor", "metropole_review_propose", id=pkg["id"])
    mail_server.clear_smtp_messages()
    _stored_title(pkg, "Bus\r\nBcc: espion@example.org")
    with app.flask_app.test_request_context():  # the site's language
        notifications.on_proposed(pkg["id"], review_id=row["id"], user_id="x")
    mails = _mails(mail_server)
    assert len(mails) == 4
    assert {m["subject"] for m in mails} == {
        "Jeu de données proposé au comité : Bus Bcc: espion@example.org"}
    assert all("espion@example.org" not in r for m in mails for r in m["to"])


def test_an_email_that_fails_anyhow_leaves_the_step_committed(app, people, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the mailer failed in an unforeseen way")

    monkeypatch.setattr(mailer, "mail_recipient", broken)
    recorder = _Recorder()
    monkeypatch.setattr(notifications, "log", recorder)
    pkg = draft(people)
    response = _propose_over_http(app, pkg)
    assert response.status_code == 200, response.body
    assert response.json["result"]["state"] == "propose"
    assert act(people, "editor", "metropole_review_show", id=pkg["id"])["state"] == "propose"
    assert recorder.tracebacks == 4  # logged, one per email


def test_a_failing_subscriber_leaves_the_step_committed(app, people, monkeypatch):
    def broken(review_id: int):
        raise RuntimeError("the review vanished")

    monkeypatch.setattr(notifications, "_review", broken)
    recorder = _Recorder()
    monkeypatch.setattr(notifications, "log", recorder)
    pkg = draft(people)
    response = _propose_over_http(app, pkg)
    assert response.status_code == 200, response.body
    assert act(people, "editor", "metropole_review_show", id=pkg["id"])["state"] == "propose"
    assert recorder.tracebacks == 1
