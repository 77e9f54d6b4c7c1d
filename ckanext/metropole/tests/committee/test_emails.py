"""Notifications: plain-text French emails with links, sent by CKAN's mailer."""
from __future__ import annotations

import email
import smtplib
import socket
from email.header import decode_header, make_header

import pytest
from ckan import model

from ckanext.metropole.committee import notifications
from ckanext.metropole.committee.model import review
from ckanext.metropole.tests.committee.conftest import act, draft

# kept before CKAN's ``mail_server`` fixture replaces it
REAL_SMTP = smtplib.SMTP

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index",
                                     "with_request_context")


def _mails(mail_server):
    out = []
    for _none, _sender, recipients, raw in mail_server.get_smtp_messages():
        msg = email.message_from_string(raw)
        body = msg.get_payload(decode=True).decode(msg.get_content_charset() or "utf-8")
        out.append({"to": recipients if isinstance(recipients, list) else [recipients],
                    "subject": str(make_header(decode_header(msg["Subject"]))),
                    "body": body, "type": msg.get_content_type()})
    return out


@pytest.fixture
def producer_email(people):
    user = model.User.get("editrice-dijon")
    user.email = "editrice@dijon.example.org"
    model.Session.commit()
    return user.email


def test_members_are_told_when_a_dataset_is_proposed(people, mail_server):
    pkg = draft(people, title="Équipements sportifs")
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    mails = _mails(mail_server)
    recipients = sorted(r for m in mails for r in m["to"])
    assert recipients == sorted(["membre@example.org", "membre2@example.org",
                                 "presidente@example.org", "secretaire@example.org"])
    first = mails[0]
    assert first["type"] == "text/plain"
    assert first["subject"] == "Jeu de données proposé au comité : Équipements sportifs"
    assert f"http://test.metropole.localhost/dataset/{pkg['name']}/comite" in first["body"]
    assert "a été proposé à l'ouverture" in first["body"]


def test_producer_is_told_of_the_avis_and_of_the_decision(people, mail_server,
                                                         producer_email):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    mail_server.clear_smtp_messages()
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="reserves",
        motivation="Préciser la licence des photos.")
    avis = _mails(mail_server)
    assert [m["to"] for m in avis] == [[producer_email]]
    assert "Favorable avec réserves" in avis[0]["body"]
    assert "Préciser la licence des photos." in avis[0]["body"]
    mail_server.clear_smtp_messages()
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    decision = _mails(mail_server)
    assert [m["to"] for m in decision] == [[producer_email]]
    assert "Publié" in decision[0]["body"]
    assert f"/dataset/{pkg['name']}/comite" in decision[0]["body"]


def test_weekly_digest_lists_pending_and_late_reviews(people, mail_server):
    import datetime

    late = draft(people, title="Arbres")
    ontime = draft(people, title="Bancs")
    for pkg in (late, ontime):
        act(people, "editor", "metropole_review_propose", id=pkg["id"])
    model.Session.execute(review.update().where(review.c.package_id == late["id"]).values(
        deadline=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)))
    model.Session.commit()
    mail_server.clear_smtp_messages()
    assert notifications.digest() == 4
    body = _mails(mail_server)[0]["body"]
    assert "Arbres" in body and "Bancs" in body
    assert body.count("EN RETARD") == 1
    assert "http://test.metropole.localhost/comite/examens" in body


def test_no_pending_review_no_digest(people, mail_server):
    draft(people)  # a draft nobody proposed
    assert notifications.digest() == 0
    assert mail_server.get_smtp_messages() == []



def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Recorder:
    """Stands for the module's logger: CKAN's CLI reloads the logging
    configuration in other tests, so log records are not a stable witness."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.tracebacks = 0

    def warning(self, msg: str, *args) -> None:
        self.warnings.append(msg % args)

    def exception(self, msg: str, *args) -> None:
        self.tracebacks += 1

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


def test_an_unreachable_mail_server_leaves_the_step_done(people, monkeypatch, ckan_config):
    # the real SMTP client (``people`` catches mail) towards a port nobody listens on
    monkeypatch.setattr(smtplib, "SMTP", REAL_SMTP)
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{_closed_port()}")
    recorder = _Recorder()
    monkeypatch.setattr(notifications, "log", recorder)
    pkg = draft(people)
    proposed = act(people, "editor", "metropole_review_propose", id=pkg["id"])
    assert proposed["state"] == "propose"
    assert act(people, "editor", "metropole_review_show", id=pkg["id"])["state"] == "propose"
    assert {w.split()[3] for w in recorder.warnings} >= {"membre", "presidente"}
    assert all("Connection refused" in w for w in recorder.warnings)
    # one line per email, no traceback
    assert recorder.tracebacks == 0
