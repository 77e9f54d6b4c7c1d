"""The look of "Open Dijon, métropole data": title, figures, entry points,
language switcher, accessibility declaration, nothing from a CDN."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]

TITLE = "Open Dijon, métropole data"


def _figure(page, name: str) -> int:
    return int(page.locator(f".metropole-figure-{name} .figure").inner_text())


def test_home_figures_and_entry_points(page, portal, axe_results):
    page.goto("/")
    assert page.title().endswith(TITLE)
    assert page.locator(".masthead .metropole-brand").inner_text().strip() == TITLE
    logo = page.locator(".masthead .metropole-brand img")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    published = portal.action("package_search", fq="+metropole_published:true", rows=0)["count"]
    assert published >= 2
    assert _figure(page, "opened") == published
    assert _figure(page, "communes") == 2  # Chenôve and Dijon publish, the métropole is no commune
    assert "communes publient, sur 23" in page.locator(".metropole-figure-communes").inner_text()
    planned = portal.action("package_search", fq="+opening_status:planifie",
                            include_private=True, rows=0)["count"]
    assert _figure(page, "planned") == planned >= 1
    page.shots("home")
    axe_results.assert_clean(page, "home")

    page.locator(".metropole-figure-planned a").click()
    page.wait_for_load_state()
    assert page.url.endswith("/calendrier")
    assert "Éclairage public de Chenôve" in page.locator("[role=main]").inner_text()
    page.shots("opening calendar from the home page")

    page.goto("/")

    page.locator("#metropole-by-commune + ul a", has_text="Chenôve").click()
    page.wait_for_load_state()
    assert "producing_commune=21166" in page.url
    titles = page.locator(".dataset-heading a").all_inner_texts()
    assert "Écoles de Chenôve" in [t.strip() for t in titles]
    assert "Écoles de Dijon" not in [t.strip() for t in titles]
    page.shots("entry by commune")

    page.goto("/")
    page.locator("#metropole-by-theme + ul a", has_text="Éducation").click()
    page.wait_for_load_state()
    assert "theme=EDUC" in page.url
    assert page.locator(".dataset-heading a", has_text="Écoles de Dijon").count() == 1
    page.shots("entry by theme")


def test_language_switcher_keeps_the_page(page):
    page.goto("/dataset/ecoles-chenove")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".masthead").get_by_role("link", name="Jeux de données").count()
    page.locator(".metropole-lang-header a[hreflang=en]").click()
    page.wait_for_load_state()
    assert re.search(r"/en/dataset/ecoles-chenove$", page.url)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".masthead").get_by_role("link", name="Datasets").count()
    assert page.locator("footer").get_by_role("link", name="Accessibility: partially compliant").count()
    page.shots("dataset page in English")
    page.locator(".metropole-lang-header a[hreflang=fr]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert not re.search(r"/en/", page.url)


@pytest.mark.parametrize("path", ["/", "/dataset/", "/dataset/ecoles-chenove",
                                  "/organization/chenove", "/user/login"])
def test_footer_links_the_accessibility_declaration(page, path):
    page.goto(path)
    link = page.locator("footer").get_by_role("link", name="Accessibilité : partiellement conforme")
    assert link.count() == 1
    assert link.get_attribute("href") == "/accessibilite"


def test_accessibility_declaration(page, axe_results):
    response = page.goto("/accessibilite")
    assert response.status == 200
    text = page.locator("[role=main]").inner_text()
    assert "Déclaration d'accessibilité" in text
    assert f"{TITLE} est partiellement conforme avec le référentiel général " \
           "d'amélioration de l'accessibilité (RGAA) version 4.1" in text
    assert "Défenseur des droits" in text
    page.shots("accessibility declaration")
    axe_results.assert_clean(page, "accessibility declaration")


def test_every_request_goes_to_the_portal(page, portal, catalogue):
    """Pages with maps, select widgets and forms load nothing from elsewhere."""
    resource = catalogue["chenove"]["resources"][0]
    for path in ("/", "/dataset/?q=ecoles", "/dataset/ecoles-chenove",
                 f"/dataset/ecoles-chenove/resource/{resource['id']}",
                 "/organization/chenove", "/user/login", "/accessibilite"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assets = [u for u in page.requested if re.search(r"\.(css|js|png|svg|woff2?)(\?|$)", u)]
    assert len(assets) > 10, page.requested
    assert all(u.startswith(portal.url + "/") for u in page.requested if "://" in u[:8]), \
        [u for u in page.requested if not u.startswith(portal.url)]
