""""Mes tâches" and the committee's menu: each role's lists, the header's counter."""
from __future__ import annotations

import datetime
import re

import pytest

from ckan import model

from ckanext.metropole.committee import tasks
from ckanext.metropole.committee.model import review
from ckanext.metropole.tests.committee.conftest import act, draft
from ckanext.metropole.tests.identities import Client, text, token_headers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _world(people):
    """One dataset at each step: proposed, under review (one opinion), avis
    rendered, returned; all proposed by Dijon's editor."""
    pkgs = {step: draft(people, title=title, name=step) for step, title in (
        ("propose", "Arbres"), ("examen", "Bancs"), ("avis", "Cantines"),
        ("renvoi", "Déchets"))}
    for step in ("propose", "examen", "avis", "renvoi"):
        act(people, "editor", "metropole_review_propose", id=step)
    for step in ("examen", "avis", "renvoi"):
        act(people, "secretary", "metropole_review_open", id=step)
    act(people, "member2", "metropole_opinion_record", id="examen", value="favorable")
    for step in ("avis", "renvoi"):
        act(people, "president", "metropole_avis_render", id=step, avis="reserves",
            motivation="Préciser la source.")
    act(people, "admin", "metropole_decision_record", id="renvoi", decision="renvoye",
        justification="Ajouter le dictionnaire des données.")
    return pkgs


def _user(name: str) -> model.User:
    found = model.User.get(name)
    assert found is not None, name
    return found


def _names(user: str, figures=None) -> dict[str, list[str]]:
    obj = model.User.get(user)
    assert obj is not None
    figures = figures or tasks.counts(obj)
    return {task: [r["package_name"] for r in items]
            for task, items in tasks.lists(obj, figures).items()}


def test_each_role_finds_what_it_has_to_do(people, monkeypatch):
    _world(people)
    assert _names("secretaire") == {"to_open": ["propose"]}
    # the president is a member too: an opinion to give, the avis to render
    assert _names("presidente") == {"to_opine": ["examen"], "to_render": ["examen"]}
    assert _names("membre") == {"to_opine": ["examen"]}
    assert _names("membre2") == {"to_opine": []}  # gave its opinion
    assert _names("admin-dijon") == {"to_decide": ["avis"], "returned": [], "mine": []}
    assert _names("admin-chenove") == {"to_decide": [], "returned": [], "mine": []}
    producer = _names("editrice-dijon")
    assert producer == {"returned": ["renvoi"], "mine": ["propose", "examen", "avis"]}
    assert _names("visiteur") == {}

    figures = tasks.counts(_user("editrice-dijon"))
    assert (figures["returned"], figures["mine"], figures["total"]) == (1, 3, 1)
    assert tasks.counts(_user("presidente"))["total"] == 2
    assert tasks.counts(_user("visiteur"))["total"] == 0

    # past the deadline, the admin may decide without the avis; proposed
    # again, the returned dataset leaves the producer's returned list
    model.Session.execute(review.update().where(review.c.package_id == model.Package.get(
        "propose").id).values(deadline=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)))
    model.Session.commit()
    act(people, "editor", "metropole_review_propose", id="renvoi")
    assert _names("admin-dijon")["to_decide"] == ["propose", "avis"]
    assert _names("editrice-dijon") == {"returned": [],
                                        "mine": ["propose", "examen", "avis", "renvoi"]}
    assert _names("secretaire") == {"to_open": ["propose", "renvoi"]}


    # each list is counted up to LIMIT + 1 (shown "50+"): the query stops there
    editor = _user("editrice-dijon")
    monkeypatch.setattr(tasks, "LIMIT", 1)
    tasks._counts_statement.cache_clear()
    try:
        assert tasks.counts(editor)["mine"] == 2
    finally:
        monkeypatch.undo()
        tasks._counts_statement.cache_clear()
    assert tasks.counts(editor)["mine"] == 4


def _menu(body: str) -> list[str]:
    menu = re.search(r'<li class="dropdown metropole-committee-menu">(.*?)</ul>', body, re.S)
    return re.findall(r'href="([^"]+)"', menu.group(1)) if menu else []


def test_pages_menu_and_counter_through_http(app, people, monkeypatch):
    _world(people)
    calls: list[str] = []
    real = tasks.counts
    monkeypatch.setattr(tasks, "counts", lambda user: calls.append(user.name) or real(user))
    year = datetime.date.today().year

    # anonymous: no menu, no counter, no query; the page asks to log in
    home = text(app.get("/dataset/"))
    assert "metropole-tasks-link" not in home
    assert not _menu(home)
    assert "/calendrier" in home  # the opening calendar is in everyone's menu
    assert app.get("/mes-taches").status_code == 403
    assert calls == []

    secretary = Client(app, "session", "secretaire")
    calls.clear()
    body = text(secretary.get("/mes-taches"))
    assert calls == ["secretaire"]  # header (twice) and page: one count
    assert re.search(r'metropole-tasks-count">1<', body)
    assert "Examens à ouvrir" in body
    assert "Arbres" in body
    assert "Avis à donner" not in body
    assert _menu(body) == ["/mes-taches", "/comite/examens", "/comite/membres",
                           f"/comite/rapport/{year}"]

    member = text(app.get("/mes-taches", headers=token_headers("membre")))
    assert "Avis à donner" in member
    assert "Bancs" in member
    assert "Examens à ouvrir" not in member
    assert "1 avis reçu." in member
    # the members' page, read only for them (test_views: the composition is public)
    assert _menu(member) == ["/mes-taches", "/comite/examens", "/comite/membres",
                             f"/comite/rapport/{year}"]

    president = text(app.get("/mes-taches", headers=token_headers("presidente")))
    assert "Avis à rendre" in president
    assert re.search(r'metropole-tasks-count">2<', president)

    admin = text(app.get("/mes-taches", headers=token_headers("admin-dijon")))
    assert "Décisions à prendre" in admin
    assert "Cantines" in admin
    assert "Favorable avec réserves" in admin
    assert _menu(admin) == ["/mes-taches", "/comite/mes-propositions", "/comite/membres",
                            f"/comite/rapport/{year}"]

    producer = text(app.get("/mes-taches", headers=token_headers("editrice-dijon")))
    assert "Jeux de données qui me sont renvoyés" in producer
    assert "Ajouter le dictionnaire des données." in producer
    assert 'href="/dataset/edit/renvoi"' in producer
    assert "En attente de l'ouverture de l'examen par le secrétariat." in producer
    assert "en attente de la décision d'un administrateur de" in producer
    # the deadline written out in French, never ISO
    deadline = model.Session.execute(review.select().where(
        review.c.package_id == model.Package.get("propose").id)).mappings().one()["deadline"]
    assert deadline.date().isoformat() not in producer
    assert re.search(r"jusqu'au \d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|"
                     r"septembre|octobre|novembre|décembre) \d{4}", producer)

    visitor = text(app.get("/mes-taches", headers=token_headers("visiteur")))
    assert "Rien à faire pour le moment." in visitor
    assert not _menu(visitor)
    assert re.search(r'metropole-tasks-count">0<', visitor)
