"""Notifications: plain-text French emails with links, sent by CKAN's mailer."""
from __future__ import annotations

import email
import re
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
        payload = msg.get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode(msg.get_content_charset() or "utf-8")
        out.append({"to": recipients if isinstance(recipients, list) else [recipients],
                    "subject": str(make_header(decode_header(msg["Subject"]))),
                    "body": body, "type": msg.get_content_type()})
    return out


def _email(name: str) -> str:
    return model.User.get(name).email or ""


def _to(mails, *names: str) -> None:
    """Each of ``names`` got exactly one email, nobody else got any."""
    got = sorted(r for m in mails for r in m["to"])
    assert got == sorted(_email(n) for n in names), got


def _by(mails, name: str) -> dict:
    return next(m for m in mails if _email(name) in m["to"])


LONG_DATE = re.compile(r"\b\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|"
                       r"septembre|octobre|novembre|décembre) \d{4}\b")
COMMITTEE = ("membre", "membre2", "presidente", "secretaire")


def test_each_step_tells_who_acts_next_and_the_producer(people, mail_server):
    pkg = draft(people, title="Équipements sportifs")
    name = pkg["name"]
    review_page = f"http://test.metropole.localhost/dataset/{name}/comite"
    act(people, "editor", "metropole_review_propose", id=pkg["id"],
        comment="Première ouverture, données agrégées.")
    mails = _mails(mail_server)
    _to(mails, *COMMITTEE, "editrice-dijon")  # not the admins, not other communes
    first = _by(mails, "membre")
    assert first["type"] == "text/plain"
    assert first["subject"] == "Jeu de données proposé au comité : Équipements sportifs"
    assert review_page in first["body"]
    assert "a été proposé à l'ouverture" in first["body"]
    assert "Première ouverture, données agrégées." in first["body"]  # the producer's note
    deadline = act(people, "secretary", "metropole_review_show", id=name)["review"]["deadline"]
    assert LONG_DATE.search(first["body"])
    assert deadline[:10] not in first["body"]
    ack = _by(mails, "editrice-dijon")
    assert ack["subject"] == "Votre proposition a été reçue : Équipements sportifs"
    assert review_page in ack["body"]
    assert LONG_DATE.search(ack["body"])

    mail_server.clear_smtp_messages()
    act(people, "secretary", "metropole_review_open", id=name)
    mails = _mails(mail_server)
    _to(mails, "membre", "membre2", "presidente")
    assert mails[0]["subject"] == ("Examen ouvert, votre avis est attendu : "
                                   "Équipements sportifs")
    assert LONG_DATE.search(mails[0]["body"])
    assert deadline[:10] not in mails[0]["body"]
    assert "Première ouverture, données agrégées." in mails[0]["body"]

    mail_server.clear_smtp_messages()
    act(people, "member", "metropole_opinion_record", id=name, value="reserves")
    assert _mails(mail_server) == []  # an opinion tells no one
    act(people, "president", "metropole_avis_render", id=name, avis="reserves",
        motivation="Préciser la licence des photos.")
    mails = _mails(mail_server)
    _to(mails, "admin-dijon", "editrice-dijon")  # not Chenôve's admin
    assert mails[0]["subject"] == "Le comité a rendu son avis : Équipements sportifs"
    assert "Favorable avec réserves" in mails[0]["body"]
    assert "Préciser la licence des photos." in mails[0]["body"]
    assert review_page in mails[0]["body"]

    mail_server.clear_smtp_messages()
    act(people, "admin", "metropole_decision_record", id=name, decision="publie")
    mails = _mails(mail_server)
    _to(mails, "admin-dijon", "editrice-dijon")
    assert "Publié" in mails[0]["body"]
    # the public page, not the review page
    assert f"http://test.metropole.localhost/dataset/{name}\n" in mails[0]["body"]
    assert "/comite" not in mails[0]["body"]

    # an edit changes what the committee examined: unpublished, reviewed again
    mail_server.clear_smtp_messages()
    act(people, "admin", "package_patch", id=name, license_id="odc-odbl",
        license_justification="Les ajouts des associations restent partagés.")
    mails = _mails(mail_server)
    _to(mails, "admin-dijon", "editrice-dijon", "secretaire")
    assert mails[0]["subject"] == ("Dépublié jusqu'au nouvel examen du comité : "
                                   "Équipements sportifs")
    assert "licence" in mails[0]["body"]
    assert "license_id" not in mails[0]["body"]
    assert LONG_DATE.search(mails[0]["body"])
    assert review_page in mails[0]["body"]
    # the review's history names the field as the producer knows it, too
    reopened = act(people, "secretary", "metropole_review_show", id=name)["events"][-1]
    assert reopened["text"] == "Examen rouvert : modification de licence"

    mail_server.clear_smtp_messages()
    act(people, "admin", "package_patch", id=name, notes="Une description plus longue.")
    assert _mails(mail_server) == []  # a free edit of a private dataset tells no one


def test_one_email_per_person_whatever_their_roles(people, mail_server):
    # the secretary also sits on the committee; Dijon's admin proposes
    act(people, "sysadmin", "metropole_committee_member_add", user="secretaire",
        college="entreprises")
    pkg = draft(people, title="Bancs publics")
    act(people, "admin", "metropole_review_propose", id=pkg["id"])
    mails = _mails(mail_server)
    _to(mails, *COMMITTEE, "admin-dijon")
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="defavorable",
        motivation="Données trop anciennes.")
    mail_server.clear_smtp_messages()
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="renvoye",
        justification="Mettre à jour les données.")
    mails = _mails(mail_server)
    _to(mails, "admin-dijon")  # producer and admin: one email
    assert "Renvoyé au producteur" in mails[0]["body"]
    assert "Mettre à jour les données." in mails[0]["body"]
    assert f"/dataset/{pkg['name']}/comite" in mails[0]["body"]


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
    assert "Arbres" in body
    assert "Bancs" in body
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
