"""The dataset form a commune agent fills, as the agent sees it in chromium.

Sections with their headings, Licence Ouverte 2.0 preselected, fields shown
only when they apply, help read with its field, errors naming the field the
user sees, lists in their natural or French order, the covered communes'
picker, and the resource's name, format and size taken from the file.
"""
from __future__ import annotations

import unicodedata

import pytest

from ckanext.metropole.tests.browser import catalogue as data

pytestmark = pytest.mark.browser

SAVE = "form#dataset-edit button.btn-primary[name=save]"


@pytest.fixture
def agent(page, portal, login):
    portal.user("agent-formulaire", "Agent-Formulaire-2026", "Nadia Formulaire")
    portal.member("chenove", "agent-formulaire", "editor")
    login(page, "agent-formulaire")
    return page


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).lower()


def _shown(page, selector: str) -> bool:
    return page.locator(selector).is_visible()


def _described_by(page, selector: str) -> str:
    """The text the field's aria-describedby points to."""
    return page.evaluate(
        """(sel) => {
            const el = document.querySelector(sel);
            const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
            return ids.map(id => (document.getElementById(id) || {textContent: ''}).textContent)
                      .join(' ').replace(/\\s+/g, ' ').trim();
        }""", selector)


def test_sections_defaults_and_fields_that_apply(agent, axe_results):
    page = agent
    page.goto("/dataset/new")
    headings = [t.strip() for t in page.locator(".metropole-form-section h2").all_inner_texts()]
    assert headings == ["Description", "Licence et ouverture",
                        "Examen de confidentialité", "Couverture"]
    assert page.input_value("#field-license_id") == "etalab-2.0"
    # the recommended licence comes first
    options = page.locator("#field-license_id option").evaluate_all(
        "os => os.map(o => o.value).filter(Boolean)")
    assert options[0] == "etalab-2.0"

    # irrelevant fields are hidden (and not submitted) until they apply
    for hidden in ("#field-license_justification", "#field-planned_opening_date",
                   "#field-closed_reason", "#field-spatial_communes"):
        assert not _shown(page, hidden), hidden
    page.select_option("#field-license_id", "odc-odbl")
    assert _shown(page, "#field-license_justification")
    page.select_option("#field-license_id", "etalab-2.0")
    assert not _shown(page, "#field-license_justification")
    assert page.locator("#field-license_justification").is_disabled()
    page.select_option("#field-opening_status", "planifie")
    assert _shown(page, "#field-planned_opening_date")
    assert not _shown(page, "#field-closed_reason")
    page.select_option("#field-opening_status", "non_ouvrable")
    assert _shown(page, "#field-closed_reason")
    assert not _shown(page, "#field-planned_opening_date")
    page.select_option("#field-spatial_coverage", "communes")
    assert _shown(page, "#field-spatial_communes")

    # each screening question explains itself, with its legal reference, to
    # sighted users and to screen readers alike
    intro = page.locator("#form-section-3 + .metropole-form-section-intro").inner_text()
    assert "CADA" in intro
    assert "CRPA" in intro
    personal = _described_by(page, "#field-screening_personal_data")
    assert "RGPD" in personal
    assert "Anonymisées" in personal
    assert "Agrégées" in personal
    assert "L. 311-6" in _described_by(page, "#field-screening_secret")
    assert "L. 321-2" in _described_by(page, "#field-screening_third_party")
    # every help text shown is tied to its field
    orphans = page.evaluate(
        """() => [...document.querySelectorAll('.metropole-help[id]')]
              .filter(h => !document.querySelector(`[aria-describedby~="${h.id}"]`))
              .map(h => h.id)""")
    assert orphans == []
    # checkbox groups are fieldsets named by their legend
    for group in ("#field-theme", "#field-criteria", "#field-spatial_communes"):
        assert page.locator(f"fieldset{group} > legend").count() == 1, group

    # the focus indicator is a solid dark outline, not Bootstrap's faint halo
    for field in ("#field-title", "#field-license_id", "#field-theme-EDUC"):
        page.focus(field)
        outline = page.evaluate(
            """(sel) => { const s = getComputedStyle(document.querySelector(sel));
                         return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""",
            field)
        assert outline[0] == "solid", (field, outline)
        assert outline[1] >= 2, (field, outline)
        assert outline[2] == "rgb(31, 31, 31)", (field, outline)  # 16:1 on white
    page.shots("form at 1280 px")
    axe_results.assert_clean(page, "dataset form, sections")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.shots("form at 375 px")


def test_lists_in_natural_and_french_order(agent):
    page = agent
    page.goto("/dataset/new")
    frequencies = page.locator("#field-frequency option").evaluate_all(
        "os => os.map(o => o.value).filter(Boolean)")
    order = [frequencies.index(code) for code in
             ("CONT", "1MIN", "10MIN", "HOURLY", "DAILY", "WEEKLY", "MONTHLY",
              "QUARTERLY", "ANNUAL", "BIENNIAL", "DECENNIAL", "IRREG", "UNKNOWN")]
    assert order == sorted(order), frequencies
    communes = [t.strip() for t in
                page.locator("#field-spatial_communes label.form-check-label").all_inner_texts()]
    assert communes.index("Fénay") < communes.index("Fontaine-lès-Dijon"), communes
    places = page.locator("#field-producing_commune option").evaluate_all(
        "os => os.map(o => o.textContent.trim()).filter(Boolean)")
    assert places.index("Fénay") < places.index("Fontaine-lès-Dijon"), places
    themes = page.locator("#field-theme label.form-check-label").all_inner_texts()
    assert themes == sorted(themes, key=_plain), themes


def test_commune_picker(agent):
    page = agent
    page.goto("/dataset/new")
    page.select_option("#field-spatial_coverage", "communes")
    count = page.locator("[data-metropole-communes-count]")
    assert count.inner_text() == "Aucune commune cochée"
    # accents and hyphens do not matter to the filter
    page.fill("#field-spatial_communes-filter", "fontaine les")
    visible = page.locator("#field-spatial_communes li:visible label").all_inner_texts()
    assert [v.strip() for v in visible] == ["Fontaine-lès-Dijon"]
    page.get_by_role("button", name="Cocher toutes les communes", exact=True).click()
    assert count.inner_text() == "1 commune cochée"
    page.fill("#field-spatial_communes-filter", "")
    page.check("#field-spatial_communes-21166")
    assert count.inner_text() == "2 communes cochées"
    page.shots("communes picked")


def test_errors_name_the_field_and_the_resource_comes_from_the_file(agent, tmp_path):
    page = agent
    page.goto("/dataset/new")
    with page.expect_navigation():
        page.locator(SAVE).click()
    errors = page.locator(".error-explanation").inner_text()
    assert "Titre" in errors, errors
    assert "Adresse" not in errors, errors
    page.shots("empty title refused")

    # the address left empty is made from the title by the server too
    page.fill("#field-title", "Menus des cantines de Chenôve")
    # a commune's agent is offered no visibility: the draft stays private
    assert page.locator("#field-private").count() == 0
    with page.expect_navigation():
        page.locator(SAVE).click()
    assert page.url.endswith("/dataset/menus-des-cantines-de-chenove/resource/new"), page.url

    csv = tmp_path / "menus_cantines_2026.csv"
    csv.write_bytes(data.SCHOOLS_CSV)
    page.set_input_files("#field-resource-upload", str(csv))
    page.wait_for_function("document.querySelector('#field-size').value !== ''")
    assert page.input_value("#field-name") == "menus cantines 2026"
    assert page.input_value("#field-format") == "CSV"
    assert page.input_value("#field-size") == str(len(data.SCHOOLS_CSV))
    page.shots("resource filled from the file")
