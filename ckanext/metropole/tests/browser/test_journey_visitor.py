"""Journey 4: a visitor (or a harvester) finds an open dataset, downloads it,
finds it in the commune's DCAT feed; a dataset under review is nowhere."""
from __future__ import annotations

import pathlib
import re

import pytest

from ckanext.metropole.tests.browser import catalogue as data

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def _titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".dataset-heading a").all_inner_texts()]


def test_visitor_finds_downloads_and_harvests(page, portal, catalogue, axe_results):
    page.goto("/")
    page.shots("home")
    # the header's search box, without the accent
    page.fill("#field-sitewide-search", "ecoles")
    with page.expect_navigation():
        page.press("#field-sitewide-search", "Enter")
    assert "q=ecoles" in page.url
    found = _titles(page)
    assert {"Écoles de Chenôve", "Écoles de Dijon"} <= set(found), found
    assert not [t for t in found if "restauration" in t]
    page.shots("search ecoles")

    # the commune facet
    facet = page.locator("section.module", has=page.get_by_role("heading", name="Commune"))
    facet.get_by_role("link", name=re.compile("Chenôve")).click()
    # CKAN 2.12 follows facet links with htmx (no page load): wait for the URL
    page.wait_for_url(re.compile(r"producing_commune=21166"))
    page.wait_for_load_state("networkidle")
    assert _titles(page) == ["Écoles de Chenôve"]
    page.shots("facet Chenôve")
    axe_results.assert_clean(page, "dataset search, filtered by commune")

    page.get_by_role("link", name="Écoles de Chenôve").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/dataset/ecoles-chenove")
    assert "Licence Ouverte" in page.locator("[role=main]").inner_text()
    page.shots("dataset page")

    page.locator(".resource-item a.heading", has_text="Liste des écoles").click()
    page.wait_for_load_state()
    page.shots("resource page")
    with page.expect_download() as info:
        page.locator("a.resource-url-analytics").first.click()
    download = info.value
    assert download.suggested_filename == "ecoles-chenove.csv"
    assert pathlib.Path(download.path()).read_bytes() == data.SCHOOLS_CSV

    # the commune's DCAT feed, linked from its page (data.gouv.fr harvests it)
    page.goto("/organization/chenove")
    feed_link = page.locator(".metropole-org-feeds a", has_text="Turtle")
    feed_url = feed_link.get_attribute("href")
    assert feed_url.endswith("/organization/chenove/catalog.ttl")
    page.shots("commune page with its feed")
    feed = page.request.get(portal.url + feed_url)
    assert feed.ok
    turtle = feed.text()
    assert f"{portal.url}/dataset/{catalogue['chenove']['id']}" in turtle
    assert "Écoles de Chenôve" in turtle
    assert "Écoles de Dijon" not in turtle  # Dijon's feed, not Chenôve's
    assert catalogue["hidden"]["id"] not in turtle


def test_dataset_under_review_is_nowhere(page, portal, catalogue):
    hidden = catalogue["hidden"]
    review = portal.action("metropole_review_show", id=hidden["id"])
    assert review, "the dataset is under review"

    response = page.goto(f"/dataset/{hidden['name']}")
    assert response.status == 404
    response = page.goto(f"/dataset/{hidden['id']}")
    assert response.status == 404
    page.goto("/dataset/?q=restauration")
    assert _titles(page) == []
    page.goto("/dataset/?q=ecoles")
    assert not [t for t in _titles(page) if "restauration" in t]
    page.goto("/organization/chenove")
    assert "restauration" not in page.locator("[role=main]").inner_text()
    page.shots("commune page without the dataset under review")
    for path in ("/catalog.ttl", "/organization/chenove/catalog.ttl",
                 "/organization/chenove/catalog.jsonld", "/catalog.rdf"):
        body = page.request.get(portal.url + path)
        assert body.ok, path
        assert hidden["id"] not in body.text(), path
        assert "restauration" not in body.text(), path
    assert page.request.get(f"{portal.url}/dataset/{hidden['name']}.ttl").status == 404
    api = page.request.get(f"{portal.url}/api/3/action/package_show?id={hidden['name']}")
    assert api.status in (403, 404)
