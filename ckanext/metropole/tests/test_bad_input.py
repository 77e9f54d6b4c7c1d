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


# Parameters of the wrong type or out of range (the bad-input sweep found each a 500):
# CKAN's boolean_validator called .lower() on a list, isodate let a 40-digit date
# overflow, navl ran report_year on the text int_validator had refused, a 40-digit
# offset reached SQL, CKAN's package_update and package_show looked a list up as an id.
BOOLEAN = 'Paramètre "{name}" : true ou false est attendu, et non « {value} »'
WHOLE = 'Paramètre "{name}" : un nombre entier de 0 à 2147483647 est attendu, et non « {value} »'
DATE = 'Paramètre "{name}" : une date comme 2026-01-31 est attendue, et non « {value} »'
TEXT = 'Paramètre "{name}" : un texte est attendu'
HUGE = "9" * 40


@pytest.mark.parametrize("action, data, field, message", [
    ("metropole_review_list", {"late": ["a"]}, "late", BOOLEAN.format(name="late", value="['a']")),
    ("metropole_review_list", {"mine": {"a": 1}}, "mine",
     BOOLEAN.format(name="mine", value="{'a': 1}")),
    ("metropole_review_list", {"mine": "maybe"}, "mine",
     BOOLEAN.format(name="mine", value="maybe")),
    ("metropole_committee_member_list", {"include_past": [1]}, "include_past",
     BOOLEAN.format(name="include_past", value="[1]")),
    ("metropole_review_list", {"limit": ["a"]}, "limit", WHOLE.format(name="limit", value="['a']")),
    ("metropole_review_list", {"limit": True}, "limit", WHOLE.format(name="limit", value="True")),
    ("metropole_review_list", {"offset": HUGE}, "offset",
     WHOLE.format(name="offset", value=HUGE)),
    ("metropole_review_list", {"offset": -1}, "offset", WHOLE.format(name="offset", value="-1")),
    ("metropole_committee_member_add", {"user": "x", "college": "recherche",
                                        "mandate_start": HUGE}, "mandate_start",
     DATE.format(name="mandate_start", value=HUGE)),
    ("metropole_committee_member_add", {"user": "x", "college": "recherche",
                                        "mandate_end": "2026-02-30"}, "mandate_end",
     DATE.format(name="mandate_end", value="2026-02-30")),
    ("metropole_report", {"year": "abc"}, "year", "Une année de 2000 à 2100 est attendue"),
    ("metropole_report", {"year": ["2026"]}, "year", "Une année de 2000 à 2100 est attendue"),
    ("metropole_report", {"year": True}, "year", "Une année de 2000 à 2100 est attendue"),
    ("metropole_review_show", {"id": ["a"]}, "id", TEXT.format(name="id")),
    ("package_update", {"id": ["a"]}, "id", TEXT.format(name="id")),
    ("package_create", {"id": {"a": 1}, "name": "x"}, "id", TEXT.format(name="id")),
    ("dcat_dataset_show", {"id": -(2 ** 70)}, "id", TEXT.format(name="id")),
])
def test_parameters_of_the_wrong_type_name_the_field(app: Any, sysadmin_headers: Any,
                                                      action: str, data: Any, field: str,
                                                      message: str) -> None:
    error = api_error(app.post(f"/api/3/action/{action}", headers=sysadmin_headers,
                               json=data))
    assert error[field] == [message]


@pytest.mark.parametrize("value, expected", [("true", True), ("no", False), (True, True)])
def test_committee_booleans_still_read_true_and_false(app: Any, sysadmin_headers: Any,
                                                      value: Any, expected: bool) -> None:
    response = app.post("/api/3/action/metropole_committee_member_list",
                        headers=sysadmin_headers, json={"include_past": value})
    assert response.status_code == 200, response.body[:300]


# Found by the bad-input sweep over the whole url_map (tests/test_input_sweep.py).

@pytest.mark.parametrize("path", ["/dataset/a%00b", "/dataset/a%00b/comite",
                                  "/dataset/x/resource/a%00b/download"])
def test_nul_in_the_path_names_the_argument(app: Any, path: str) -> None:
    page = app.get(path)
    assert page.status_code == 400, page.body[:300]
    name = "id" if path.count("/") == 2 or "comite" in path else "resource_id"
    assert f"Paramètre &#34;{name}&#34; : {NUL.replace(chr(39), '&#39;')}" in page.body


@pytest.mark.parametrize("kind", ["user", "group", "organization"])
def test_autocomplete_limit_is_a_whole_number(app: Any, kind: str) -> None:
    url = f"/api/util/{kind}/autocomplete"
    for limit in ("abc", "-5", "9" * 40, "0"):
        error = api_error(app.get(url, query_string={"q": "di", "limit": limit}))
        assert error["limit"] == [f'Paramètre "limit" : un nombre entier de 1 à 1000 est '
                                  f'attendu, et non « {limit} »'], error
    assert app.get(url, query_string={"q": "di", "limit": "5"}).status_code == 200


def _harvest_marks(func: Any) -> Any:
    from ckanext.metropole.tests.test_input_sweep import sweep_marks
    return sweep_marks(func)


@_harvest_marks
@pytest.mark.parametrize("name", ["send_mail", "get_mail_extra_vars", "send_error_email"])
def test_harvest_mail_helpers_are_no_actions(app: Any, sysadmin_headers: Any,
                                             name: str) -> None:
    for headers in ({}, sysadmin_headers):
        response = app.post(f"/api/3/action/{name}", headers=headers,
                            json={"recipients": [{"name": "x", "email": "x@example.org"}]})
        assert response.status_code == 404, response.body[:300]
        assert response.json["success"] is False
