"""Journeys 1 to 3, then 4 on their dataset: a commune agent writes and
proposes a dataset, the committee gives its avis, the commune's
administrator publishes it, a visitor finds it.

The tests run in order and hand the dataset on through ``STORY``; each
checks that the previous journey got there.
"""
from __future__ import annotations

import re

import pytest

from ckanext.metropole.tests.browser import axe
from ckanext.metropole.tests.browser import catalogue as data
from ckanext.metropole.tests.browser.portal import SECRETARY

pytestmark = pytest.mark.browser

TITLE = "Écoles de Chenôve : effectifs par classe"
STORY: dict[str, str] = {}


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
    page.shots("edit form: Enregistrer, Enregistrer et proposer au comité")
    axe_results.assert_clean(page, "dataset form of a commune's agent")
    _submit(page, "form#dataset-edit button[name=save][value=save]")
    panel = page.locator("#proposer-au-comite")
    assert panel.locator(".metropole-checklist-item.missing").count() == 0
    panel.locator("textarea[name=comment]").fill("Première ouverture des effectifs scolaires.")
    page.shots("checklist complete, the note to the committee")
    _submit(page, "#proposer-au-comite button[type=submit]")
    assert "est proposé au comité" in _flash(page), _flash(page)
    assert "Proposé" in page.locator(".metropole-committee-state").inner_text()
    page.shots("proposed")
    assert portal.action("metropole_review_show", id=name)["state"] == "propose"
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
    _submit(page, "form[action$='/comite/ouvrir'] button[type=submit]")
    assert "les membres donnent leur avis jusqu'au" in _flash(page)
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
    _submit(page, "form[action$='/comite/avis-individuel'] button[type=submit]")
    assert "Vous pouvez le modifier jusqu'à ce que la présidence" in _flash(page)
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
    _submit(page, "button:has-text(\"Confirmer : rendre l'avis\")")
    assert "prennent maintenant la décision" in _flash(page)
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
    _submit(page, "button:has-text('Confirmer : enregistrer la décision')")
    assert "est publié, il est désormais public" in _flash(page)
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
    _submit(page, "form#dataset-edit button.btn-primary[name=save]")
    told = _flash(page)
    assert "n'est plus public et un nouvel examen du comité est ouvert" in told, told
    page.shots("saved: offline, a new review opened")
    assert portal.action("package_show", id=name)["private"] is True
    assert portal.action("metropole_review_show", id=name)["state"] == "en_examen"
