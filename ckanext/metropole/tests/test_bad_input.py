"""Bad input is a clear translated 4xx naming the field, never a 500 (issue 15, item 11).

Each case was a 500 (an exception out of the view) before its fix. Requests go
through the WSGI app: anonymous with no header, or a sysadmin's API token.
"""
from __future__ import annotations

import datetime
from typing import Any

import pytest
from ckan.tests import factories

from ckanext.metropole import territory, territory_load

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SEARCH = "/api/3/action/package_search"
NUL = "le caractère NUL n'est pas autorisé"
TOO_DEEP = "Les données JSON sont imbriquées trop profondément."
DEPTH = 100_000


@pytest.fixture
def dijon() -> dict[str, Any]:
    territory_load.load(territory.current())
    return {"name": "dijon"}


@pytest.fixture
def sysadmin_headers() -> dict[str, str]:
    user = factories.Sysadmin()
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def api_error(response: Any, status: int = 409) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.body[:300])
    body = response.json
    assert body["success"] is False
    return body["error"]


@pytest.mark.parametrize("field", ["q", "fq"])
def test_nul_in_a_search_parameter_names_it(app: Any, field: str) -> None:
    value = "title:a\x00b" if field == "fq" else "a\x00b"
    for response in (app.get(SEARCH, query_string={field: value}),
                     app.post(SEARCH, json={field: value}),
                     app.post(SEARCH, data={field: value})):
        error = api_error(response)
        assert error[field] == [f'Paramètre "{field}" : {NUL}.']
    # the search page too, in French, naming the parameter
    page = app.get("/dataset/", query_string={field: value})
    assert page.status_code == 400
    assert f"Paramètre &#34;{field}&#34; : {NUL.replace(chr(39), '&#39;')}" in page.body


def test_nul_anywhere_in_an_api_body_names_the_top_field(app: Any) -> None:
    error = api_error(app.post(SEARCH, json={"facet.field": ["tags", "x\x00"]}))
    assert list(error) == ["__type", "facet.field"]


def test_json_nested_100000_deep(app: Any) -> None:
    deep = "[" * DEPTH + "]" * DEPTH
    for body, content_type in ((deep, "application/json"),
                               ('{"q": ' + deep + "}", "application/json"),
                               # a JSON text posted as the key of a form, as CKAN accepts it
                               (deep + "=1", "application/x-www-form-urlencoded")):
        error = api_error(app.post(SEARCH, data=body, headers={"Content-Type": content_type}))
        assert error["__json__"] == [TOO_DEEP]


@pytest.mark.parametrize("datasets", ["abc", [{"id": "abc"}], [1, 2]])
def test_bulk_update_public_wants_a_list_of_ids(app: Any, sysadmin_headers: Any,
                                                 dijon: Any, datasets: Any) -> None:
    error = api_error(app.post("/api/3/action/bulk_update_public", headers=sysadmin_headers,
                               json={"org_id": "dijon", "datasets": datasets}))
    assert error["datasets"] == [
        "Une liste d'identifiants ou de noms de jeux de données est attendue"]


@pytest.mark.parametrize("url", ["/catalog.ttl", "/organization/dijon/catalog.ttl"])
def test_modified_since_out_of_range(app: Any, dijon: Any, url: str) -> None:
    for value in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        response = app.get(url, query_string={"modified_since": value})
        assert response.status_code == 400, (value, response.body[:300])
        assert "modified_since" in response.body
        assert "est hors des dates possibles" in response.body


YEARS = ["0", "1999", "2101", "9999", "10000", "1" * 20]


@pytest.mark.parametrize("year", YEARS)
def test_report_of_a_year_out_of_range(app: Any, year: str) -> None:
    error = api_error(app.get("/api/3/action/metropole_report", query_string={"year": year}))
    assert error["year"] == ["Une année de 2000 à 2100 est attendue"]
    for suffix in ("", ".csv", ".json"):
        page = app.get(f"/comite/rapport/{year}{suffix}")
        assert page.status_code == 404, (suffix, page.body[:300])
        assert (f"Pas de rapport pour l&#39;année {year} : Une année de 2000 à 2100 "
                "est attendue") in page.body


def test_report_of_this_year_still_answers(app: Any) -> None:
    year = datetime.date.today().year
    assert app.get(f"/comite/rapport/{year}.json").json["year"] == year


@pytest.mark.parametrize("flag", ["include_private", "include_drafts", "include_deleted",
                                  "use_default_schema"])
def test_search_flags_are_booleans(app: Any, flag: str) -> None:
    for response in (app.get(SEARCH, query_string={flag: "maybe"}),
                     app.post(SEARCH, json={flag: "maybe"})):
        assert api_error(response)[flag] == ["« maybe » n'est ni true ni false"]
    assert app.get(SEARCH, query_string={flag: "true"}).json["success"] is True
