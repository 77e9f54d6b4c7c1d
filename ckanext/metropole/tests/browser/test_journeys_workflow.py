"""Journeys 1 to 3, then 4 on their dataset: a commune agent writes and
proposes a dataset, the committee gives its avis, the commune's
administrator publishes it, a visitor finds it.

The tests run in order and hand the dataset on through ``STORY``; each
checks that the previous journey got there.
"""
from __future__ import annotations

import re

import pytest

from ckanext.metropole.tests.browser import axe, catalogue as data
from ckanext.metropole.tests.browser.portal import SECRETARY

pytestmark = pytest.mark.browser

TITLE = "Écoles de Chenôve : effectifs par classe"
STORY: dict[str, str] = {}
PEOPLE = {
    # name: (password, full name)
    "agent-chenove": ("Agent-Chenove-2026", "Léa Bernard"),
    "admin-chenove": ("Admin-Chenove-2026", "Marc Petit"),
    "claire-martin": ("Presidente-2026", "Claire Martin"),
    "paul-durand": ("Membre-2026", "Paul Durand"),
    # named secretary in the portal's configuration (portal.py)
    SECRETARY: ("Secretaire-2026", "Sophie Leroy"),
}


@pytest.fixture(scope="module")
def people(portal):
    for name, (password, fullname) in PEOPLE.items():
        portal.user(name, password, fullname)
    portal.member("chenove", "agent-chenove", "editor")
    portal.member("chenove", "admin-chenove", "admin")
    portal.action("metropole_committee_member_add", user="claire-martin",
                  college="associations", role="president")
    portal.action("metropole_committee_member_add", user="paul-durand",
                  college="recherche", role="member")
    return PEOPLE


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
    page.select_option("#field-private", "False")  # the agent wants it open at once
    page.shots("form filled, ODbL without justification")
    _submit(page, "form#dataset-edit button.btn-primary[name=save]")

    errors = page.locator(".error-explanation").inner_text()
    assert "Justification de l'ODbL" in errors
    assert "expliquez pourquoi" in errors or "justification" in errors.lower()
    # the gate also says how a commune's dataset becomes public
    assert "comité" in errors
    page.shots("ODbL justification required")
    axe_results.assert_clean(page, "dataset form, refused (ODbL, screening)")

    page.fill("#field-license_justification",
              "Les effectifs sont enrichis par les associations de parents : le partage "
              "à l'identique garde ces ajouts ouverts.")
    page.select_option("#field-private", "True")  # a draft, proposed to the committee
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
    page.shots("draft saved")

    # screening incomplete: the proposal is refused, field by field
    page.goto(f"/dataset/{name}/comite")
    axe_results.assert_clean(page, "review page, before the proposal")
    page.fill("#field-comment", "Première ouverture des effectifs scolaires.")
    _submit(page, "form[action$='/comite/proposer'] button[type=submit]")
    refused = _flash(page)
    assert "Aucune modification" in refused, refused
    assert "Secret des affaires" in refused and "Propriété intellectuelle de tiers" in refused
    page.shots("proposal refused, screening incomplete")

    page.goto(f"/dataset/edit/{name}")
    page.select_option("#field-screening_secret", "no")
    page.select_option("#field-screening_third_party", "no")
    _submit(page, "form#dataset-edit button.btn-primary[name=save]")
    page.goto(f"/dataset/{name}/comite")
    _submit(page, "form[action$='/comite/proposer'] button[type=submit]")
    assert "Enregistré" in _flash(page)
    assert "Proposé" in page.locator(".metropole-committee-state").inner_text()
    page.shots("proposed")
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
    assert "Enregistré" in _flash(page)
    assert "En examen" in page.locator(".metropole-committee-state").inner_text()
    page.shots("the secretary opened the review")
    review = portal.action("metropole_review_show", id=name)
    assert review["state"] == "en_examen"
    # the audit trail names the secretary as who opened it
    assert [e["user_name"] for e in review["events"] if e["kind"] == "opened"] == [SECRETARY]
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
    assert "Enregistré" in _flash(page)
    page.shots("opinion recorded")
    page.context.clear_cookies()

    login(page, "claire-martin")
    page.goto(f"/dataset/{name}/comite")
    tally = page.locator(".metropole-committee-opinions").inner_text()
    assert "Paul Durand" in tally
    page.check("form[action$='/comite/avis'] input[value=favorable]")
    page.fill("#field-motivation", "Avis favorable : données agrégées, intérêt pour les familles.")
    page.shots("president renders the avis")
    _submit(page, "form[action$='/comite/avis'] button[type=submit]")
    assert "Enregistré" in _flash(page)
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
    assert "Enregistré" in _flash(page)
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
    assert "Favorable" in avis and "intérêt pour les familles" in avis
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
