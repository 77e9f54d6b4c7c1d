"""The pages of the journeys speak one language: no English UI string on a
French page, no French one on an English page (tests/browser/language.py
says how a leftover is recognised: the catalogues' msgids and translations,
grammar words)."""
from __future__ import annotations

import pytest

from ckanext.metropole.tests.browser import language

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
        out += [entry.get("title", ""), entry.get("notes", ""), entry.get("name", "")]
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


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_pages_in_one_language(page, portal, catalogue, lang):
    found = _walk(page, PUBLIC + [
        f"/dataset/ecoles-chenove/resource/{catalogue['chenove']['resources'][0]['id']}"],
        lang, _content(portal))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_signed_in_pages_in_one_language(page, portal, login, lang):
    login(page, "admin")
    found = _walk(page, SIGNED_IN, lang, _content(portal))
    assert not found, "\n".join(found)
