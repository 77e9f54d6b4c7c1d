"""A commune's agent marks a draft as a high-value dataset, in chromium.

Four page loads: the form, the dataset page (HVD badge), ``/hvd`` (the draft
under its category and commune with what it lacks). axe finds no blocking
violation and no English is left on these French pages.
"""
from __future__ import annotations

import pytest

from ckanext.metropole.tests.browser import language
from ckanext.metropole.tests.browser.catalogue import CHENOVE, complete

pytestmark = pytest.mark.browser

SAVE = "form#dataset-edit button.btn-primary[name=save]"
ADDRESSES = "c_c3de25e4"


def _english(page, content: list[str]) -> list[str]:
    return language.leftovers(language.texts(page), "fr", content)


def test_an_agent_marks_a_draft_hvd_and_sees_it_on_hvd(page, portal, login, axe_results):
    portal.user("agent-hvd", "Agent-Hvd-2026", "Lucie Adresses")
    portal.member("chenove", "agent-hvd", "editor")
    draft = portal.action("package_create", **complete(
        "chenove", CHENOVE, name="adresses-chenove", private=True, committee_override=None,
        title="Base Adresse Locale de Chenôve", theme=["REGI"],
        notes="Adresses de la commune de Chenôve, au format de la Base Adresse Locale.",
        resources=[{"url": "https://data.example.org/bal-chenove.csv", "format": "CSV",
                    "name": "BAL de Chenôve"}]))
    content = [draft["title"], draft["notes"], "BAL de Chenôve", "Lucie Adresses",
               "adresses-chenove"]
    login(page, "agent-hvd")

    page.goto("/dataset/edit/adresses-chenove")
    page.locator("#field-hvd_category").select_option([ADDRESSES], force=True)
    with page.expect_navigation():
        page.click(SAVE)
    assert "/dataset/adresses-chenove" in page.url
    assert "/edit/" not in page.url
    badge = page.locator(".metropole-hvd-badge")
    assert badge.inner_text().strip() == "HVD · Géospatiales"
    axe_results.assert_clean(page, "dataset page, high-value dataset")
    assert _english(page, content) == []

    page.goto("/hvd")
    assert page.locator("h1").inner_text().strip() == "Données de forte valeur"
    row = page.locator("tr", has_text=draft["title"])
    assert row.count() >= 1
    text = " ".join(row.first.inner_text().split())
    assert "Chenôve" in text
    # a CSV but no API yet: what is missing is said
    assert "au moins une API est requise" in page.locator("body").inner_text()
    axe_results.assert_clean(page, "/hvd, an agent's draft")
    assert _english(page, content) == []
    page.shots("hvd")
