"""The pages of the journeys speak one language: no English UI string on a
French page, no French one on an English page (tests/browser/language.py
says how a leftover is recognised: the catalogues' msgids and translations,
grammar words)."""
from __future__ import annotations

import pytest

from ckanext.metropole.tests.browser import language
from ckanext.metropole.tests.browser.catalogue import CHENOVE, complete

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]

# What visitors, agents and administrators open along the journeys.
PUBLIC = ["/", "/dataset/", "/dataset/?q=ecoles", "/dataset/ecoles-chenove",
          "/dataset/activity/ecoles-chenove", "/organization/", "/organization/chenove",
          "/group/", "/about", "/accessibilite", "/calendrier", "/user/login", "/harvest"]
SIGNED_IN = ["/dataset/new", "/dataset/edit/ecoles-chenove", "/user/admin",
             "/ckan-admin", "/dashboard/datasets"]


def _content(portal) -> list[str]:
    """The data shown (every dataset's texts, the people's names), in its own
    language on purpose."""
    out: list[str] = ["Administrateur du portail"]
    found = portal.action("package_search", q="*:*", rows=1000, include_private=True,
                          include_drafts=True)
    for entry in found["results"]:
        out += [entry.get("title", ""), entry.get("notes", ""), entry.get("name", ""),
                entry.get("license_justification", "")]
        out += [r.get("name", "") for r in entry.get("resources", [])]
        out += [t["name"] for t in entry.get("tags", [])]
    return [c for c in out if c]


def _walk(page, paths: list[str], lang: str, content: list[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        url = path if lang == "fr" else "/en" + path
        response = page.goto(url)
        assert response.ok, f"{url}: HTTP {response.status}"
        assert page.locator("html").get_attribute("lang") == lang
        said = language.texts(page)
        for frame in page.frames[1:]:
            if frame.url.startswith(page.url.split("/")[0]):
                said += language.texts(frame)
        found += [f"{url} — {item}" for item in language.leftovers(said, lang, content)]
    return found


ODBL = "Open Data Commons Open Database License (ODbL)"


@pytest.fixture(scope="module")
def odbl(portal, catalogue):
    """A published dataset under the ODbL, whose only name is English."""
    name = "cantines-chenove-odbl"
    found = portal.action("package_search", fq=f"name:{name}", include_private=True)
    if not found["count"]:
        portal.action("package_create", **complete(
            "chenove", CHENOVE, name=name, title="Cantines de Chenôve",
            notes="Menus des cantines scolaires de Chenôve.", license_id="odc-odbl",
            license_justification="Les menus réutilisés doivent rester partagés à l'identique."))
    return name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_pages_in_one_language(page, portal, catalogue, odbl, lang):
    found = _walk(page, PUBLIC + [
        f"/dataset/ecoles-chenove/resource/{catalogue['chenove']['resources'][0]['id']}",
        f"/dataset/{odbl}", "/dataset/?license_id=odc-odbl"],
        lang, _content(portal))
    assert not found, "\n".join(found)


def test_odbl_name_marked_english(page, odbl):
    """Wherever a French page names the ODbL (dataset page and its sidebar,
    the licence facet, a result card), the name carries lang="en" (RGAA 8.7)."""
    def naming() -> dict[str, list[str]]:
        return page.evaluate(
            """(name) => {
                const els = [...document.querySelectorAll('body *')]
                  .filter(e => [...e.childNodes].some(n => n.nodeType === 3
                                                    && n.textContent.includes(name)));
                const marked = e => (e.closest('[lang]').getAttribute('lang') || '').slice(0, 2);
                return {en: els.filter(e => marked(e) === 'en').map(e => e.outerHTML.slice(0, 160)),
                        other: els.filter(e => marked(e) !== 'en').map(e => e.outerHTML.slice(0, 160))};
            }""", "Open Database License")

    # the dataset page: its licence field and CKAN's licence box; the search:
    # the licence facet and the result card
    for path, places in ((f"/dataset/{odbl}", 2), ("/dataset/?q=cantines", 2)):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "fr"
        found = naming()
        assert not found["other"], (path, found["other"])
        assert len(found["en"]) >= places, (path, found)
    page.shots("ODbL named in English")
    # on an English page the name needs no mark
    page.goto(f"/en/dataset/{odbl}")
    assert page.locator("body", has_text="Open Database License").count()
    assert page.locator("body [lang]", has_text="Open Database License").count() == 0
