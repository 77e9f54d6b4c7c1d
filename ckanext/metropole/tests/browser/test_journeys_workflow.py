"""Journeys 1 to 3, then 4 on their dataset: a commune agent writes and
proposes a dataset, the committee gives its avis, the commune's
administrator publishes it, a visitor finds it.

The tests run in order and hand the dataset on through ``STORY``; each
checks that the previous journey got there. Each event's e-mails are read
from the portal's SMTP server (``mailbox.py``): exactly who got one, what it
says.
"""
from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from ckanext.metropole.tests.browser import axe
from ckanext.metropole.tests.browser import catalogue as data
from ckanext.metropole.tests.browser.portal import SECRETARY

pytestmark = pytest.mark.browser

TITLE = "Écoles de Chenôve : effectifs par classe"
NOTE = "Première ouverture des effectifs scolaires."
STORY: dict[str, str] = {}
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
EMAILS: dict[str, str] = {}


@pytest.fixture(scope="module")
def people(portal):
    return portal.committee_people()


def _need(step: str) -> str:
    if step not in STORY:
        pytest.fail(f"the previous journey did not reach: {step}", pytrace=False)
    return STORY[step]


def _flash(page) -> str:
    return " ".join(page.locator(".flash-messages .alert, .alert").all_inner_texts())


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def _emails(portal, *names: str) -> set[str]:
    for name in names:
        if name not in EMAILS:
            EMAILS[name] = portal.action("user_show", id=name)["email"]
    return {EMAILS[name] for name in names}


def _members(portal) -> list[str]:
    """Who sits on the committee now (other modules of the session may seat more)."""
    return [m["user_name"] for m in portal.action("metropole_committee_member_list")]


def _told(portal, mark: int) -> dict:
    """The e-mails about the journeys' dataset since ``mark``, by recipient:
    one per person and event."""
    mails = portal.mail.since(mark, about=TITLE)
    to = sorted(r for m in mails for r in m.to)
    assert len(to) == len(set(to)), f"someone got two e-mails: {to}"
    for mail in mails:
        assert mail.content_type == "text/plain"
    return {r: m for m in mails for r in m.to}


def _deadline(portal, name: str) -> str:
    """The review's deadline as the e-mails write it: "6 janvier 2027"
    (the portal's display time zone, test.ini's)."""
    at = datetime.datetime.fromisoformat(
        portal.action("metropole_review_show", id=name)["review"]["deadline"])
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetime.timezone.utc)
    day = at.astimezone(ZoneInfo("Europe/Paris")).date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def test_journey_1_commune_agent_proposes(page, portal, people, login, axe_results, tmp_path):
    login(page, "agent-chenove")
    page.goto("/dataset/new")
    # CKAN's scripts turn the URL field into a preview filled from the title
    page.locator(".slug-preview").wait_for()
    page.fill("#field-title", TITLE)
    page.wait_for_function("document.querySelector('#field-name').value.length > 0")
    assert page.input_value("#field-name") == "ecoles-de-chenove-effectifs-par-classe"
    page.fill("#field-notes", "Effectifs des écoles publiques de Chenôve, par classe et par niveau.")
    page.check("#field-theme-EDUC")
    page.select_option("#field-frequency", "ANNUAL")
    page.select_option("#field-license_id", "odc-odbl")
    page.check("#field-criteria-interet_general")
    page.check("#field-criteria-transparence")
    page.select_option("#field-screening_personal_data", "aggregated")
    page.select_option("#field-spatial_coverage", "communes")
    page.check("#field-spatial_communes-21166")
    # a commune's agent cannot publish directly: no "Public" choice that would
    # always be refused, the form says how the dataset gets published
    assert page.locator("#field-private").count() == 0
    assert "après l'avis du comité" in page.locator(".metropole-visibility-note").inner_text()
    page.shots("form filled, ODbL without justification")
    # a private draft: saved as it is, the checklist says later what it lacks
    _submit(page, "form#dataset-edit button.btn-primary[name=save]")
    assert page.url.endswith("/resource/new"), page.url
    name = page.url.split("/dataset/")[1].split("/")[0]
    page.shots("step 2, the resource")

    csv = tmp_path / "effectifs-ecoles-chenove.csv"
    csv.write_bytes(data.SCHOOLS_CSV)
    page.set_input_files("#field-resource-upload", str(csv))
    page.fill("#field-name", "Effectifs par école")
    page.select_option("#field-format", "CSV")
    page.shots("CSV chosen")
    _submit(page, "form#resource-edit button[name=save][value=go-metadata]")
    assert page.url.endswith(f"/dataset/{name}"), page.url

    # the dataset page: "Proposer au comité" with its checklist, screening missing
    panel = page.locator("#proposer-au-comite")
    assert panel.get_by_role("heading", name="Proposer au comité").is_visible()
    missing = panel.locator(".metropole-checklist-item.missing").all_inner_texts()
    assert len(missing) == 2, missing
    assert "Justification de l'ODbL" in missing[0]
    assert "examen de confidentialité" in missing[1]
    assert "Secret des affaires" in missing[1]
    assert "committee_review" not in " ".join(missing)
    assert panel.locator(".metropole-checklist-item.done").count() >= 3
    assert panel.locator("textarea[name=comment]").count() == 0  # not ready yet
    page.shots("draft saved, the checklist says what is missing")
    axe_results.assert_clean(page, "dataset page, proposal checklist")

    panel.get_by_role("link", name="Compléter le jeu de données").click()
    page.wait_for_load_state()
    assert "/dataset/edit/" in page.url
    page.fill("#field-license_justification",
              "Les effectifs sont enrichis par les associations de parents : le partage "
              "à l'identique garde ces ajouts ouverts.")
    page.select_option("#field-screening_secret", "no")
    page.select_option("#field-screening_third_party", "no")
    assert page.get_by_role("button", name="Enregistrer et proposer au comité").is_visible()
    # the note to the committee, sent with "Enregistrer et proposer au comité"
    page.get_by_label("Note au comité (facultative)").fill(NOTE)
    assert "Enregistrer et proposer au comité" in page.locator(
        "#field-committee-note-help").inner_text()
    page.shots("edit form: the note to the committee, Enregistrer et proposer au comité")
    axe_results.assert_clean(page, "dataset form of a commune's agent")
    mark = portal.mail.mark()
    _submit(page, "form#dataset-edit button[name=save][value=propose]")
    assert "Enregistré et proposé au comité" in _flash(page), _flash(page)
    page.shots("saved and proposed")
    review = portal.action("metropole_review_show", id=name)
    assert review["state"] == "propose"
    assert [e["text"] for e in review["events"] if e["kind"] == "proposed"] == [NOTE]
    # told: the producer (acknowledgement); the secretary and the members, with the note
    told = _told(portal, mark)
    assert set(told) == _emails(portal, "agent-chenove", SECRETARY, *_members(portal))
    deadline = _deadline(portal, name)
    for reader in _emails(portal, SECRETARY, "paul-durand", "claire-martin"):
        assert told[reader].subject == f"Jeu de données proposé au comité : {TITLE}"
        assert NOTE in told[reader].body
        assert deadline in told[reader].body
        assert f"{portal.url}/dataset/{name}/comite" in told[reader].body
    ack = told[EMAILS["agent-chenove"]]
    assert ack.subject == f"Votre proposition a été reçue : {TITLE}"
    assert deadline in ack.body
    STORY["proposed"] = name


def test_journey_2_committee_gives_its_avis(page, portal, people, login, axe_results):
    name = _need("proposed")
    # the committee's secretary, a plain user (no sysadmin, no organization),
    # finds the proposal in the queue and opens the review
    secretary = portal.action("user_show", id=SECRETARY)
    assert not secretary["sysadmin"]
    assert portal.action("organization_list_for_user", id=SECRETARY) == []
    login(page, SECRETARY)
    page.goto("/comite/examens")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/dataset/{name}/comite")
    assert "Proposé" in page.locator(".metropole-committee-state").inner_text()
    axe_results.assert_clean(page, "review page, secretary")
    mark = portal.mail.mark()
    _submit(page, "form[action$='/comite/ouvrir'] button[type=submit]")
    assert "les membres donnent leur avis jusqu'au" in _flash(page)
    # told: the members, with the deadline and the producer's note
    told = _told(portal, mark)
    assert set(told) == _emails(portal, *_members(portal))
    assert "paul-durand" in _members(portal)
    opened = told[EMAILS["paul-durand"]]
    assert opened.subject == f"Examen ouvert, votre avis est attendu : {TITLE}"
    assert _deadline(portal, name) in opened.body
    assert NOTE in opened.body
    assert "En examen" in page.locator(".metropole-committee-state").inner_text()
    page.shots("the secretary opened the review")
    review = portal.action("metropole_review_show", id=name)
    assert review["state"] == "en_examen"
    # the audit trail names the secretary as who opened it
    assert [e["user_name"] for e in review["events"] if e["kind"] == "opened"] == [SECRETARY]
    # removing a member asks first, by name; cancelling changes nothing
    page.goto("/comite/membres")
    page.shots("committee members")
    axe_results.assert_clean(page, "committee members")
    _submit(page, "button:has-text('Retirer Paul Durand')")
    assert page.get_by_role("heading", level=1).inner_text() == "Retirer Paul Durand ?"
    page.shots("removing a member asks first")
    axe_results.assert_clean(page, "confirmation page, removing a member")
    page.get_by_role("link", name="Annuler, revenir").click()
    page.wait_for_load_state()
    assert page.url.endswith("/comite/membres")
    assert "paul-durand" in [m["user_name"] for m in
                             portal.action("metropole_committee_member_list")]
    page.context.clear_cookies()

    login(page, "paul-durand")
    page.goto("/comite/examens")
    page.shots("queue")
    axe_results.assert_clean(page, "review queue")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/dataset/{name}/comite")
    axe_results.assert_clean(page, "review page, member")
    assert not axe.radio_groups(page)
    page.check("form[action$='/comite/avis-individuel'] input[value=reserves]")
    page.fill("#field-opinion-comment", "Préciser le millésime des effectifs.")
    mark = portal.mail.mark()
    _submit(page, "form[action$='/comite/avis-individuel'] button[type=submit]")
    assert "Vous pouvez le modifier jusqu'à ce que la présidence" in _flash(page)
    assert _told(portal, mark) == {}  # an opinion tells no one
    page.shots("opinion recorded")
    page.context.clear_cookies()

    login(page, "claire-martin")
    page.goto(f"/dataset/{name}/comite")
    tally = page.locator(".metropole-committee-opinions").inner_text()
    assert "Paul Durand" in tally
    # what is examined, the opinions received and the seats, before the avis
    summary = page.locator(".metropole-committee-summary").inner_text()
    assert "Première ouverture des effectifs scolaires." in summary  # the producer's note
    assert "Effectifs par école" in summary
    assert "Agrégées" in summary
    assert "1 avis individuel reçu" in page.locator(".metropole-committee-attendance").inner_text()
    assert not page.locator("form[action$='/comite/avis'] input:checked").count()
    page.check("form[action$='/comite/avis'] input[value=favorable]")
    page.fill("#field-motivation", "Avis favorable : données agrégées, intérêt pour les familles.")
    page.shots("president renders the avis")
    _submit(page, "form[action$='/comite/avis'] button[type=submit]")
    assert page.get_by_role("heading", level=1).inner_text().startswith(
        "Rendre l'avis « Favorable » du comité")
    assert portal.action("metropole_review_show", id=name)["state"] == "en_examen"
    page.shots("confirmation of the avis")
    axe_results.assert_clean(page, "confirmation page, avis")
    mark = portal.mail.mark()
    _submit(page, "button:has-text(\"Confirmer : rendre l'avis\")")
    assert "prennent maintenant la décision" in _flash(page)
    # told: Chenôve's admins, who decide, and the producer; the avis and its motivation
    told = _told(portal, mark)
    assert set(told) == _emails(portal, "admin-chenove", "agent-chenove")
    for mail in told.values():
        assert mail.subject == f"Le comité a rendu son avis : {TITLE}"
        assert "Favorable" in mail.body
        assert "données agrégées, intérêt pour les familles" in mail.body
    assert "Avis rendu" in page.locator(".metropole-committee-state").inner_text()
    page.shots("avis rendered")
    STORY["avis"] = name


def test_journey_3_commune_admin_publishes(page, portal, people, login, axe_results):
    name = _need("avis")
    login(page, "admin-chenove")
    page.goto(f"/dataset/{name}/comite")
    axe_results.assert_clean(page, "review page, decision")
    assert not axe.radio_groups(page)
    page.check("form[action$='/comite/decision'] input[value=publie]")
    _submit(page, "form[action$='/comite/decision'] button[type=submit]")
    assert "Le jeu de données devient public immédiatement." in page.locator(
        ".metropole-confirm").inner_text()
    page.shots("confirmation of the decision")
    mark = portal.mail.mark()
    _submit(page, "button:has-text('Confirmer : enregistrer la décision')")
    assert "est publié, il est désormais public" in _flash(page)
    # told: the producer and the admins, with the public page (not the review's)
    told = _told(portal, mark)
    assert set(told) == _emails(portal, "agent-chenove", "admin-chenove")
    for mail in told.values():
        assert mail.subject == f"Décision sur votre jeu de données : {TITLE}"
        assert "Publié" in mail.body
        assert f"{portal.url}/dataset/{name}\n" in mail.body
        assert "/comite" not in mail.body
    history = page.locator(".metropole-committee-events").inner_text()
    assert "En examen → En examen" not in history
    assert re.search(r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|"
                     r"septembre|octobre|novembre|décembre) \d{4} à \d\d:\d\d", history)
    page.shots("published")
    page.context.clear_cookies()

    # anyone now reads the dataset and the committee's avis
    response = page.goto(f"/dataset/{name}")
    if response.status != 200:
        pkg = portal.action("package_show", id=name)
        review = portal.action("metropole_review_show", id=name)
        pytest.fail(f"published dataset not public (HTTP {response.status}): "
                    f"private={pkg['private']} state={pkg['state']} "
                    f"status={pkg.get('opening_status')} review={review.get('state')}")
    page.get_by_role("link", name=re.compile("Avis du comité")).click()
    page.wait_for_load_state()
    avis = page.locator(".metropole-committee-avis").inner_text()
    assert "Favorable" in avis
    assert "intérêt pour les familles" in avis
    assert "Paul Durand" not in page.locator("[role=main]").inner_text()  # opinions stay private
    page.shots("the public sees the avis")
    STORY["published"] = name


def test_journey_4_visitor_finds_the_published_dataset(page, portal):
    name = _need("published")
    page.goto("/")
    page.fill("#field-sitewide-search", "ecoles effectifs")
    with page.expect_navigation():
        page.press("#field-sitewide-search", "Enter")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/dataset/{name}")
    page.shots("found")
    feed = page.request.get(f"{portal.url}/organization/chenove/catalog.ttl")
    assert TITLE in feed.text()


def test_journey_5_agent_is_warned_before_unpublishing(page, portal, people, login,
                                                       axe_results):
    name = _need("published")
    login(page, "agent-chenove")
    page.goto(f"/dataset/edit/{name}")
    warning = page.get_by_role("note")
    assert warning.is_visible()
    text = warning.inner_text()
    assert "Ce jeu de données est publié." in text
    assert "il redevient privé" in text
    # each section whose answers unpublish says so where they are changed
    assert page.locator(".metropole-unpublish-reminder").count() == 2
    page.shots("edit form of a published dataset, the warning")
    axe_results.assert_clean(page, "dataset form, published dataset warning")
    page.select_option("#field-license_id", "etalab-2.0")
    mark = portal.mail.mark()
    _submit(page, "form#dataset-edit button.btn-primary[name=save]")
    flash = _flash(page)
    assert "n'est plus public et un nouvel examen du comité est ouvert" in flash, flash
    page.shots("saved: offline, a new review opened")
    assert portal.action("package_show", id=name)["private"] is True
    assert portal.action("metropole_review_show", id=name)["state"] == "en_examen"
    # told: the producer, Chenôve's admins and the secretary, with the new deadline
    told = _told(portal, mark)
    assert set(told) == _emails(portal, "agent-chenove", "admin-chenove", SECRETARY)
    for mail in told.values():
        assert mail.subject == f"Dépublié jusqu'au nouvel examen du comité : {TITLE}"
        assert "licence" in mail.body
        assert _deadline(portal, name) in mail.body
        assert f"{portal.url}/dataset/{name}/comite" in mail.body
