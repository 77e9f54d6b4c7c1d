"""Each of the committee's people finds their way: the header's counter,
"Mes tâches" and the "Comité" menu (issue 18).

One dataset waits at each step of the review (proposed, under review, avis
rendered, returned), all proposed by Chenôve's agent through the API; each
role then logs in, reads its counter, opens "Mes tâches" from the header and
reaches its committee page through the menu (a member: the committee's
composition, read only). axe and the language check run
on the new page; screenshots go to ``build/screenshots/``.
"""
from __future__ import annotations

import re

import pytest

from ckanext.metropole.tests.browser import axe, language
from ckanext.metropole.tests.browser.catalogue import CHENOVE, complete
from ckanext.metropole.tests.browser.portal import COMMITTEE_PEOPLE as PEOPLE
from ckanext.metropole.tests.browser.portal import ROOT, SECRETARY

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
TITLES = {"proposed": "Parcs de Chenôve", "examined": "Bibliothèques de Chenôve",
          "avis": "Marchés de Chenôve", "returned": "Piscines de Chenôve"}


def _token(portal, user: str) -> str:
    return portal.action("api_token_create", user=user, name="tasks-menu")["token"]


@pytest.fixture(scope="module")
def world(portal):
    portal.committee_people()
    president = next(m["user_name"] for m in portal.action("metropole_committee_member_list")
                     if m["role"] == "president")
    agent, chair = _token(portal, "agent-chenove"), _token(portal, president)
    names, returned = {}, []
    for step, title in TITLES.items():
        name = f"taches-{step}"
        portal.action("package_create", **complete(
            "chenove", CHENOVE, name=name, title=title, private=True,
            committee_override=None, notes=f"{title} : équipements et horaires.",
            resources=[{"url": f"https://data.example.org/{name}.csv", "format": "CSV",
                        "name": "Liste"}]))
        portal.action("metropole_review_propose", agent, id=name,
                      comment="Données à jour de l'année.")
        if step != "proposed":
            portal.action("metropole_review_open", id=name)
        if step in ("avis", "returned"):
            portal.action("metropole_avis_render", chair, id=name, avis="favorable",
                          motivation="Données utiles aux habitants.")
        if step == "returned":
            mark = portal.mail.mark()
            portal.action("metropole_decision_record", id=name, decision="renvoye",
                          justification="Ajouter les horaires d'été.")
            returned = portal.mail.since(mark, about=title)
        names[step] = name
    return {"names": names, "president": president, "returned": returned}


def _content(world) -> list[str]:
    return (list(TITLES.values()) + [p[1] for p in PEOPLE.values()]
            + ["Chenôve", "Écoles de Chenôve : restauration scolaire",
               "Données utiles aux habitants.", "Ajouter les horaires d'été.",
               "Écoles de Chenôve : effectifs par classe"])


def _counter(page) -> int:
    return int(page.locator(".metropole-tasks-count").inner_text().split()[0])


def _tasks_page(page, world, role: str, axe_results) -> str:
    """From the header to "Mes tâches": checked, screenshot, its text."""
    count = _counter(page)
    with page.expect_navigation():
        page.locator(".metropole-tasks-link a").click()
    assert page.url.endswith("/mes-taches"), page.url
    assert page.locator("h1").inner_text() == "Mes tâches"
    summary = page.locator(".metropole-tasks-summary").inner_text()
    assert (str(count) in summary) if count else "Rien à faire" in summary
    found = language.leftovers(language.texts(page), "fr", _content(world))
    assert not found, "\n".join(found)
    if axe_results is not None:
        axe_results.assert_clean(page, f"Mes tâches ({role})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"mes-taches-{role}.png"), full_page=True)
    return page.locator("[role=main]").inner_text()


def _menu(page, role: str, item: str) -> list[str]:
    """Open the "Comité" menu, screenshot it, follow ``item``; its links."""
    page.get_by_role("button", name="Comité", exact=True).click()
    menu = page.locator(".metropole-committee-menu .dropdown-menu")
    menu.wait_for(state="visible")
    links = [a.get_attribute("href") for a in menu.locator("a").all()]
    page.screenshot(path=str(SCREENSHOTS / f"menu-comite-{role}.png"))
    with page.expect_navigation():
        menu.get_by_role("link", name=item).click()
    return links


def test_the_secretary_opens_what_was_proposed(page, portal, world, login, axe_results):
    login(page, SECRETARY)
    assert page.get_by_role("link", name="Calendrier", exact=True).count() == 1
    assert _counter(page) >= 1
    text = _tasks_page(page, world, "secretariat", axe_results)
    assert "Examens à ouvrir" in text
    assert TITLES["proposed"] in text
    assert "Avis à donner" not in text
    links = _menu(page, "secretariat", "File d'examen")
    assert "/comite/membres" in links
    assert "/mes-taches" in links
    assert page.url.endswith("/comite/examens")
    assert page.get_by_role("link", name=TITLES["proposed"]).count() == 1


def test_a_member_and_the_president(page, portal, world, login, axe_results):
    login(page, "paul-durand")
    text = _tasks_page(page, world, "membre", None)
    assert "Avis à donner" in text
    assert TITLES["examined"] in text
    assert "Examens à ouvrir" not in text
    assert "Avis à rendre" not in text
    links = _menu(page, "membre", "Membres du comité")
    assert "/comite/examens" in links
    # the committee's composition, read only: no form, no "Retirer"
    assert page.url.endswith("/comite/membres")
    assert page.locator("h1").inner_text() == "Membres du comité de la donnée"
    seated = portal.action("metropole_committee_member_list")
    chair = next(m for m in seated if m["role"] == "president")
    assert f"Présidence : {chair['fullname']}" in page.locator(
        ".metropole-committee-president").inner_text()
    rows = page.locator(".metropole-committee-members tbody tr")
    assert rows.count() == len(seated)
    assert "Paul Durand" in rows.all_inner_texts()[
        [m["user_name"] for m in seated].index("paul-durand")]
    assert page.locator("main form, [role=main] form").count() == 0
    assert page.get_by_role("button", name=re.compile("Retirer")).count() == 0
    found = language.leftovers(language.texts(page), "fr", _content(world))
    assert not found, "\n".join(found)
    axe_results.assert_clean(page, "committee members, read only (member)")
    page.screenshot(path=str(SCREENSHOTS / "membres-comite-lecture-seule.png"), full_page=True)
    page.context.clear_cookies()

    login(page, world["president"])
    text = _tasks_page(page, world, "presidence", axe_results)
    assert "Avis à rendre" in text
    assert TITLES["examined"] in text
    with page.expect_navigation():
        page.locator("#to-render").get_by_role("link", name=TITLES["examined"]).click()
    assert page.url.endswith(f"/dataset/{world['names']['examined']}/comite")


def test_the_commune_admin_and_the_producer(page, portal, world, login, axe_results):
    login(page, "admin-chenove")
    assert _counter(page) >= 1
    text = _tasks_page(page, world, "administrateur-commune", None)
    assert "Décisions à prendre" in text
    assert TITLES["avis"] in text
    assert "Favorable" in text
    with page.expect_navigation():
        page.locator("#to-decide").get_by_role("link", name=TITLES["avis"]).click()
    assert page.url.endswith(f"/dataset/{world['names']['avis']}/comite")
    page.context.clear_cookies()

    login(page, "agent-chenove")
    assert _counter(page) >= 1  # the returned dataset
    text = _tasks_page(page, world, "producteur", axe_results)
    assert "Jeux de données qui me sont renvoyés" in text
    assert TITLES["returned"] in text
    assert "Ajouter les horaires d'été." in text
    # what told them: one e-mail each to the producer and Chenôve's admin, the
    # justification and the review page (the dataset is not public)
    told = sorted(r for m in world["returned"] for r in m.to)
    assert told == ["admin-chenove@metropole.localhost", "agent-chenove@metropole.localhost"]
    for mail in world["returned"]:
        assert mail.subject == f"Décision sur votre jeu de données : {TITLES['returned']}"
        assert "Renvoyé au producteur" in mail.body
        assert "Ajouter les horaires d'été." in mail.body
        assert f"{portal.url}/dataset/{world['names']['returned']}/comite" in mail.body
    mine = page.locator("#mine").inner_text()
    assert "En attente de l'ouverture de l'examen par le secrétariat." in mine
    assert re.search(r"En examen : \d+ avis reçus?\.", mine)
    assert "en attente de la décision d'un administrateur de" in mine
    assert not axe.same_names(page)
    links = _menu(page, "producteur", "Mes propositions")
    assert "/comite/examens" not in links  # the queue is the committee's
    assert page.url.endswith("/comite/mes-propositions")
