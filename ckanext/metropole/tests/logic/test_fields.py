"""Titles, texts, web addresses and keywords checked where they are typed
(issue 15, items 7 and 10), through the action API with a real token."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories, helpers

from ckanext.metropole.logic.fields import url_problem
from ckanext.metropole.tests.data import DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.mark.parametrize("url", [
    "https://data.example.invalid/velo.csv",
    "http://data.example.invalid:8080/a/b?x=1&y=%20#frag",
    "https://exemple.fr/données/équipements.csv",   # an IRI (RFC 3987)
    "https://é.example/x",
    "https://[2001:db8::1]/x",
    "HTTPS://DATA.EXAMPLE.INVALID/",
    "https://user@data.example.invalid/",
])
def test_web_addresses_accepted(url):
    assert url_problem(url) is None


@pytest.mark.parametrize("url, words", [
    ("https://data.example.invalid/a b.csv", "a space"),
    ('https://data.example.invalid/a".csv', '"'),
    ("https://data.example.invalid/<x>", "<"),
    ("https://data.example.invalid/a\nb", "\\n"),
    ("https://data.example.invalid/a{b}", "{"),
    ("https://data.example.invalid/a%zz", "RFC 3986/3987"),
    ("javascript:alert(1)", "http:// or https://"),
    ("ftp://data.example.invalid/x", "http:// or https://"),
    ("data.example.invalid/x.csv", "http:// or https://"),
    ("https:///x", "host"),
    ("https://data.example.invalid:99999/", "port 99999"),
])
def test_web_addresses_refused(url, words):
    problem = url_problem(url)
    assert problem and words in problem


@pytest.fixture
def api(app):
    user = factories.Sysadmin()
    token = factories.APIToken(user=user["name"])["token"]

    def call(action: str, **data: Any) -> tuple[int, dict[str, Any]]:
        response = app.post(f"/api/3/action/{action}", json=data,
                            headers={"Authorization": token})
        return response.status_code, response.json

    return call


@pytest.fixture
def dijon():
    return factories.Organization(name="dijon", insee_code=DIJON, kind="commune")


def _errors(status: int, body: dict[str, Any]) -> dict[str, Any]:
    assert status == 409, body
    return body["error"]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDatasetFields:
    def test_conforms_to_with_a_quote(self, api, dijon):
        errors = _errors(*api("package_create", **complete_dataset(
            dijon["id"], conforms_to='https://schema.example.invalid/"x')))
        assert errors["conforms_to"] == [
            "Conforme au schéma : « \" » doit être encodé en pourcentage "
            "(une espace s'écrit %20)"]

    @pytest.mark.parametrize("url, words", [
        ("https://data.example.invalid/a b.csv", "une espace"),
        ("https://data.example.invalid/'><script>", "« > »"),
        ("javascript:alert(1)", "une adresse complète commençant par http:// ou https://"),
    ])
    def test_resource_url(self, api, dijon, url, words):
        errors = _errors(*api("package_create", **complete_dataset(
            dijon["id"], resources=[{"url": url, "format": "csv", "name": "R"}])))
        (message,) = errors["resources"][0]["url"]
        assert message.startswith("URL : ") and words in message
        assert helpers.call_action("package_search", include_private=True)["count"] == 0

    def test_an_iri_and_an_upload_are_fine(self, api, dijon):
        status, body = api("package_create", **complete_dataset(
            dijon["id"], resources=[{"url": "https://exemple.fr/données.csv",
                                     "format": "csv", "name": "R"}]))
        assert status == 200, body
        assert body["result"]["resources"][0]["url"] == "https://exemple.fr/données.csv"

    @pytest.mark.parametrize("title", ["Bus\r\nBCC: x@example.org", "Bus\rtram",
                                       "Bus\x07", "Bus\ttram", "Bus\u2028tram"])
    def test_control_characters_in_a_title(self, api, dijon, title):
        errors = _errors(*api("package_create", **complete_dataset(dijon["id"], title=title)))
        assert errors["title"] == ["Titre : les sauts de ligne, tabulations et autres "
                                   "caractères de contrôle ne sont pas admis"]

    def test_nul_in_a_title(self, api, dijon):
        """NUL is refused before any action runs (inputs.py), naming the field."""
        errors = _errors(*api("package_create", **complete_dataset(dijon["id"], title="Bus\x00")))
        assert errors["title"] == ["Paramètre \"title\" : le caractère NUL n'est pas autorisé."]
        assert helpers.call_action("package_search", include_private=True)["count"] == 0

    def test_control_characters_in_texts(self, api, dijon):
        errors = _errors(*api("package_create", **complete_dataset(
            dijon["id"], notes="Ligne 1\nLigne 2\x07", contact_name="Service\nvoirie",
            resources=[{"url": "https://data.example.invalid/a.csv", "format": "csv",
                        "name": "Tronçons\r", "description": "ok\n\tindenté"}])))
        assert errors["notes"] == ["Description : les caractères de contrôle ne sont "
                                   "pas admis"]
        assert "Point de contact (nom) : les sauts de ligne" in errors["contact_name"][0]
        assert list(errors["resources"][0]) == ["name"]  # the description's \n and \t are fine

    def test_a_3000_character_title(self, api, dijon):
        errors = _errors(*api("package_create", **complete_dataset(
            dijon["id"], title="T" * 3000)))
        assert errors["title"] == ["Titre : trop long (3000 caractères, au plus 300)"]

    def test_long_notes(self, api, dijon):
        errors = _errors(*api("package_create", **complete_dataset(
            dijon["id"], notes="n" * 100_001)))
        assert errors["notes"] == ["Description : trop long (100001 caractères, "
                                   "au plus 100000)"]

    def test_limits_are_configurable(self, api, dijon, ckan_config, monkeypatch):
        # set once the organization exists (its factory's texts are longer)
        monkeypatch.setitem(ckan_config, "ckanext.metropole.limits.text_length", "20")
        monkeypatch.setitem(ckan_config, "ckanext.metropole.limits.title_length", "10")
        errors = _errors(*api("package_create", **complete_dataset(
            dijon["id"], title="Onze lettres", notes="x" * 21)))
        assert errors["title"] == ["Titre : trop long (12 caractères, au plus 10)"]
        assert "au plus 20" in errors["notes"][0]

    def test_too_many_keywords(self, api, dijon):
        tags = [{"name": f"mot-{i}"} for i in range(101)]
        errors = _errors(*api("package_create", **complete_dataset(dijon["id"], tags=tags)))
        assert errors["tags"] == ["Mots-clés : trop nombreux (101, au plus 100)"]
        errors = _errors(*api("package_create", **complete_dataset(
            dijon["id"], tag_string=",".join(f"mot-{i}" for i in range(100_000)))))
        assert errors["tag_string"] == ["Mots-clés : trop nombreux (100000, au plus 100)"]

    @pytest.mark.ckan_config("ckanext.metropole.limits.tags", "2")
    def test_keyword_limit_on_update_too(self, api, dijon):
        status, body = api("package_create", **complete_dataset(
            dijon["id"], tag_string="vélo,bus"))
        assert status == 200, body
        errors = _errors(*api("package_patch", id=body["result"]["id"],
                              tag_string="vélo,bus,tram"))
        assert "au plus 2" in errors["tag_string"][0]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_organization_fields(api, dijon):
    errors = _errors(*api("organization_patch", id="dijon",
                          image_url='https://logo.example.invalid/"onerror="x',
                          title="Dijon\r\nSpam", description="ok\x07"))
    assert "Logo : « \" »" in errors["image_url"][0]
    assert errors["title"][0].startswith("Nom : les sauts de ligne")
    assert errors["description"] == ["Description : les caractères de contrôle ne sont "
                                     "pas admis"]
    status, body = api("organization_patch", id="dijon",
                       image_url="2026-01-01-120000.000000logo.png")  # an upload
    assert status == 200, body
