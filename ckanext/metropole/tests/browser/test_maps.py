"""The coverage maps are drawn: Leaflet puts each commune's contour on the
dataset page and on the organization pages, with the default configuration
(no tile server: contours only) and with a tile server (served here on
127.0.0.1, the browser reaching no other host)."""
from __future__ import annotations

from typing import Any

import pytest

from ckanext.metropole.tests.browser.tiles import TileServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]

MAP = ".metropole-coverage-map"
TILE_ATTRIBUTION = "Fond de carte des tests"


def _contours(page: Any, within: str = "") -> list[dict[str, Any]]:
    """The contours Leaflet drew (SVG paths) in the map, with their size on screen."""
    selector = f"{within} {MAP}".strip()
    page.wait_for_selector(f"{selector}[data-metropole-map=drawn]")
    return page.eval_on_selector_all(
        f"{selector} path.leaflet-interactive",
        """paths => paths.map(p => {
            const box = p.getBoundingClientRect();
            const map = p.closest('.metropole-coverage-map').getBoundingClientRect();
            return {d: p.getAttribute('d') || '', width: box.width, height: box.height,
                    inside: box.left >= map.left - 1 && box.right <= map.right + 1
                            && box.top >= map.top - 1 && box.bottom <= map.bottom + 1};
        })""")


def _assert_drawn(contours: list[dict[str, Any]], count: int) -> None:
    assert len(contours) == count, contours
    for contour in contours:
        assert contour["d"].startswith("M"), contour
        assert contour["d"].count("L") > 3, contour
        assert contour["width"] > 20, contour
        assert contour["height"] > 20, contour
        assert contour["inside"], contour


def test_dataset_and_organization_maps_without_tiles(page, portal):
    page.goto("/dataset/ecoles-chenove")
    html = page.locator(MAP).evaluate("m => m.outerHTML")
    # no tile server configured: no tile attributes (CKAN's loader would read "" as true)
    assert "data-module-tiles" not in html
    _assert_drawn(_contours(page, ".metropole-summary"), 1)  # Chenôve only
    assert page.locator(f"{MAP} .leaflet-tile").count() == 0
    page.shots("dataset map, contour of Chenôve")

    page.goto("/organization/chenove")
    _assert_drawn(_contours(page, ".metropole-org-map"), 1)
    assert "Chenôve" in page.locator(f".metropole-org-map {MAP}").get_attribute("aria-label")
    page.shots("commune page with its contour")

    page.goto("/organization/dijon-metropole")
    _assert_drawn(_contours(page, ".metropole-org-map"), 23)  # every commune of the métropole
    page.shots("métropole page with its communes")
    assert not page.errors, page.errors
    assert all(u.startswith(portal.url) for u in page.requested if "://" in u[:8])


def test_maps_with_a_tile_server(page, portal):
    with TileServer() as tiles:
        twin = portal.sibling("tiles", **{
            "ckanext.metropole.map_tiles_url": tiles.template,
            "ckanext.metropole.map_attribution": TILE_ATTRIBUTION})
        try:
            page.allow(twin.host)
            page.allow(tiles.host)
            page.goto(f"{twin.url}/dataset/ecoles-chenove")
            _assert_drawn(_contours(page, ".metropole-summary"), 1)
            page.wait_for_function(
                """() => [...document.querySelectorAll('.metropole-coverage-map img.leaflet-tile')]
                        .some(img => img.complete && img.naturalWidth === 256)""")
            assert tiles.requested, "no tile asked for"
            assert all(z >= 8 for z, _, _ in tiles.requested), tiles.requested  # zoomed on Chenôve
            assert TILE_ATTRIBUTION in page.locator(f"{MAP} .leaflet-control-attribution").inner_text()
            page.shots("dataset map over tiles")

            page.goto(f"{twin.url}/organization/chenove")
            _assert_drawn(_contours(page, ".metropole-org-map"), 1)
            assert page.locator(f".metropole-org-map {MAP} img.leaflet-tile").count() > 0
            page.shots("commune page over tiles")
        finally:
            twin.stop()
    assert not page.errors, page.errors
