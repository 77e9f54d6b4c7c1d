"""Finding data: facets by name, result cards that say who, which licence and
when, each dataset's own DCAT document; the table preview in French inside
its frame (axe entering it); dataset and resource pages in reading order at
375 px."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def _spaces(text: str) -> str:
    return re.sub(r"[\s\u202f\u00a0]+", " ", text).strip()


def test_facets_and_result_cards(page):
    page.goto("/dataset/")
    organizations = [_spaces(t) for t in page.locator(
        "nav[aria-label*='Organisations'] .item-label").all_inner_texts()]
    assert "Chenôve" in organizations and "chenove" not in organizations, organizations
    licences = [_spaces(t) for t in page.locator(
        "nav[aria-label*='Licences'] .item-label").all_inner_texts()]
    assert licences and all("…" not in t and "..." not in t and not t.startswith("http")
                            for t in licences), licences
    assert any(t.startswith("Licence Ouverte") and "2.0" in t for t in licences), licences
    card = page.locator(".dataset-item", has_text="Écoles de Chenôve").first
    meta = _spaces(card.locator(".metropole-result-meta").inner_text())
    assert "Producteur : Chenôve" in meta and "Licence : Licence Ouverte" in meta, meta
    assert "Mis à jour :" in meta, meta
    page.shots("search results")


def test_dataset_links_its_own_dcat_document(page):
    page.goto("/dataset/ecoles-chenove")
    link = page.locator(".metropole-dcat-links a[href$='/dataset/ecoles-chenove.ttl']")
    assert link.is_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and "ecoles-chenove" in response.text()
    assert "dcat:Dataset" in response.text()


@pytest.fixture(scope="module")
def table(portal):
    """A DataStore table with French numbers and dates, shown by the table view."""
    resource = portal.action(
        "datastore_create", force=True,
        resource={"package_id": "ecoles-chenove", "name": "Surfaces des écoles",
                  "format": "CSV"},
        fields=[{"id": "ecole", "type": "text"}, {"id": "surface", "type": "numeric"},
                {"id": "ouverture", "type": "date"}],
        records=[{"ecole": "Gambetta", "surface": 1250.5, "ouverture": "1998-09-01"},
                 {"ecole": "Mail", "surface": 830, "ouverture": "2004-09-02"}])
    views = portal.action("resource_view_list", id=resource["resource_id"])
    if not any(v["view_type"] == "datatables_view" for v in views):
        portal.action("resource_view_create", resource_id=resource["resource_id"],
                      view_type="datatables_view", title="Tableau")
    return resource["resource_id"]


def test_table_preview_in_french_inside_its_frame(page, table, axe_results):
    page.goto(f"/dataset/ecoles-chenove/resource/{table}")
    iframe = page.locator(".resource-view iframe, iframe[src*='/view/']").first
    assert iframe.get_attribute("title"), "the preview frame has no title"
    frame = iframe.content_frame
    frame.locator("table tbody tr td").first.wait_for()
    cells = [_spaces(t) for t in frame.locator("table tbody td").all_inner_texts()]
    assert "1 250,5" in cells and "01/09/1998" in cells, cells
    assert "1250.5" not in cells and "1998-09-01" not in cells
    # the column filters are named
    unnamed = frame.locator("thead input").evaluate_all(
        "is => is.filter(i => !(i.getAttribute('aria-label') || i.labels.length)).length")
    assert unnamed == 0
    # the table stays inside its frame
    inner = iframe.element_handle().content_frame()
    assert inner.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.shots("table preview in French")
    axe_results.assert_clean(page, "resource page with its table preview")


def _top(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} not shown"
    return box["y"]


def _wider_than_the_screen(page) -> list[str]:
    """The innermost elements that reach past the right edge of the screen."""
    return page.evaluate(
        """() => [...document.body.querySelectorAll('*')]
              .filter(e => Math.max(e.getBoundingClientRect().right,
                                    e.getBoundingClientRect().left + e.scrollWidth)
                               > window.innerWidth + 0.5
                           && getComputedStyle(e).visibility !== 'hidden'
                           && ![...e.children].some(c => c.getBoundingClientRect().right
                                                          > window.innerWidth + 0.5))
              .filter(e => !e.closest('.ellipsis'))
              .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className && typeof e.className === 'string'
                           ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                        + ' ' + Math.round(e.getBoundingClientRect().right))
              .slice(0, 10)""")


def test_small_screen_reading_order(page, catalogue):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/dataset/ecoles-chenove")
    order = [_top(page, s) for s in ("h1", ".notes", "#dataset-resources", "aside.secondary")]
    assert order == sorted(order), order
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, \
        _wider_than_the_screen(page)
    page.shots("dataset at 375 px")
    resource = catalogue["chenove"]["resources"][0]
    page.goto(f"/dataset/ecoles-chenove/resource/{resource['id']}")
    order = [_top(page, s) for s in ("h1", "a.resource-url-analytics", ".resource-view",
                                     "aside.secondary")]
    assert order == sorted(order), order
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, \
        _wider_than_the_screen(page)
    page.shots("resource at 375 px")
    page.goto("/calendrier")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, \
        _wider_than_the_screen(page)
    page.shots("calendar at 375 px")


def test_small_screen_home_and_search(page):
    """Home and the search page at 375 px: nothing wider than the screen; the
    home page reads title, search, figures, entry points; the search page its
    search box and results before the facets (behind their button)."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    order = [_top(page, s) for s in (".metropole-hero h1", ".metropole-home-search",
                                     ".metropole-figures", "#metropole-by-commune",
                                     "#metropole-by-theme")]
    assert order == sorted(order), order
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, \
        _wider_than_the_screen(page)
    page.shots("home at 375 px")
    page.goto("/dataset/?q=ecoles")
    order = [_top(page, s) for s in ("form.search-form", ".search-form h1, .search-form h2",
                                     ".dataset-list .dataset-item")]
    assert order == sorted(order), order
    # the facets wait behind their button; opened, they come after the results' count
    facets = page.locator("aside.secondary, .filters").first
    assert not facets.locator(".nav-facet").first.is_visible()
    page.locator(".show-filters").click()
    assert facets.locator(".nav-facet").first.is_visible()
    page.locator(".hide-filters").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, \
        _wider_than_the_screen(page)
    page.shots("dataset search at 375 px")
