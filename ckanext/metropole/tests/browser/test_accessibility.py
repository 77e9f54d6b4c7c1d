"""RGAA (WCAG 2.1 AA): axe-core finds no serious or critical violation.

Results of every page are written to build/browser/<series>/axe.{json,md}.
"""
from __future__ import annotations

import datetime

import pytest

from ckanext.metropole.tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]

PUBLIC_PAGES = {
    "home": "/",
    "dataset search": "/dataset/?q=ecoles",
    "dataset page": "/dataset/ecoles-chenove",
    "resource page": None,  # the CSV of ecoles-chenove, found from the dataset page
    "organization page": "/organization/chenove",
    "login": "/user/login",
    "opening calendar": "/calendrier",
    "annual report": f"/comite/rapport/{datetime.date.today().year}",
}


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page(page, axe_results, catalogue, name):
    path = PUBLIC_PAGES[name]
    if path is None:
        resource = catalogue["chenove"]["resources"][0]
        path = f"/dataset/ecoles-chenove/resource/{resource['id']}"
    response = page.goto(path)
    assert response.ok, f"{path}: HTTP {response.status}"
    assert page.locator("html").get_attribute("lang") == "fr"
    page.shots(name)
    axe_results.assert_clean(page, name)


def test_dataset_form_steps(page, portal, login, axe_results):
    """The scheming form: step 1, step 1 with errors, step 2 (the resource)."""
    portal.user("redacteur-a11y", "Mot-de-passe-a11y-1", "Rédactrice Accessibilité")
    portal.member("chenove", "redacteur-a11y", "editor")
    login(page, "redacteur-a11y")
    page.goto("/dataset/new")
    page.shots("form step 1")
    axe_results.assert_clean(page, "dataset form, step 1")

    page.fill("#field-title", "Cantines de Chenôve")
    page.select_option("#field-license_id", "odc-odbl")
    page.select_option("#field-private", "False")
    page.select_option("#field-opening_status", "ouvert")
    page.locator("form#dataset-edit button.btn-primary[name=save]").click()
    page.wait_for_load_state()
    assert page.locator(".error-explanation, .alert-error, .alert-danger").count()
    page.shots("form step 1 with errors")
    axe_results.assert_clean(page, "dataset form, step 1 with errors")

    page.select_option("#field-private", "True")
    page.locator("form#dataset-edit button.btn-primary[name=save]").click()
    page.wait_for_url("**/resource/new")
    page.shots("form step 2")
    axe_results.assert_clean(page, "dataset form, step 2 (resource)")


def test_committee_pages(page, login, axe_results):
    """The queue and the membership page, as the sysadmin (the review page is
    checked along journeys 1 to 3)."""
    login(page, "admin")
    for name, path in (("review queue", "/comite/examens"),
                       ("committee membership", "/comite/membres"),
                       ("my proposals", "/comite/mes-propositions")):
        response = page.goto(path)
        assert response.ok, f"{path}: HTTP {response.status}"
        page.shots(name)
        axe_results.assert_clean(page, name)


# Where a link or button repeats its name for another target on purpose:
# the main navigation ("Jeux de données": every dataset) and a page's own tabs
# ("Jeux de données": this organization's), in two named navigation landmarks.
NAVIGATION = ("Jeux de données", "Organisations", "Groupes", "À propos")


def test_names_say_which_item(page, portal, catalogue, login):
    """No link or button of these pages has the name of another leading
    elsewhere ("CSV" on every result card, "Explorer"/"Télécharger" of every
    resource, "Retirer" of every committee member, the masthead's and the
    page's "Rechercher"); every radio group has its fieldset and legend and
    no colon after each option."""
    portal.user("membre-noms", "Mot-de-passe-noms-1", "Membre Noms")
    portal.action("metropole_committee_member_add", user="membre-noms",
                  college="recherche", role="member")
    resources = portal.action("package_show", id="ecoles-chenove")["resources"]
    if len(resources) < 2:  # two resources: two "Explorer" menus
        portal.action("resource_create", package_id="ecoles-chenove", name="Plan des écoles",
                      url="https://data.example.org/plan-ecoles.pdf", format="PDF")
    paths = ["/", "/dataset/", "/dataset/ecoles-chenove", "/organization/",
             "/organization/chenove", "/group/", "/calendrier"]
    found: list[str] = []
    for path in paths:
        page.goto(path)
        found += [f"{path}: {d}" for d in axe.same_names(page)
                  if d.split('"')[1] not in NAVIGATION]
    login(page, "admin")
    for path in ("/dataset/ecoles-chenove", "/dataset/", "/comite/membres", "/user/admin",
                 "/dashboard/datasets"):
        page.goto(path)
        found += [f"{path} (admin): {d}" for d in axe.same_names(page)
                  if d.split('"')[1] not in NAVIGATION]
        found += [f"{path} (admin): {d}" for d in axe.radio_groups(page)]
    assert not found, "\n".join(found)
