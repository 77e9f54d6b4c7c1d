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


@pytest.mark.parametrize(("action", "data", "field", "message"), [
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


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("no", False), (True, True)])
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
    return pytest.mark.usefixtures("demo_tables")(sweep_marks(func))


@pytest.fixture
def demo_tables(with_plugins: Any, clean_db: Any, migrate_db_for: Any) -> None:
    """The tables of the demo's plugins (the activity's, ckanext-harvest's)."""
    migrate_db_for("activity")
    migrate_db_for("harvest")


@_harvest_marks
def test_harvest_mail_helpers_are_no_actions(app: Any, sysadmin_headers: Any) -> None:
    for name in ("send_mail", "get_mail_extra_vars", "send_error_email"):
        for headers in ({}, sysadmin_headers):
            response = app.post(f"/api/3/action/{name}", headers=headers,
                                json={"recipients": [{"name": "x", "email": "x@example.org"}]})
            assert response.status_code == 404, (name, response.body[:300])
            assert response.json["success"] is False


HARVEST_CASES = [
    ("harvest_source_show", {"id": {"a": 1}}, "id", TEXT.format(name="id")),
    ("harvest_job_list", {"source_id": ["a"]}, "source_id", TEXT.format(name="source_id")),
    ("harvest_source_clear", {"id": True}, "id", TEXT.format(name="id")),
    ("harvest_log_list", {"limit": ["a"]}, "limit",
     'Paramètre "limit" : un nombre entier de 0 à 2147483647 est attendu, et non « [\'a\'] »'),
    ("harvest_log_list", {"level": "9999"}, "level",
     'Paramètre "level" : l\'une des valeurs DEBUG, INFO, WARNING, ERROR, CRITICAL est '
     'attendue, et non « 9999 »'),
    ("harvest_get_notifications_recipients", {}, "source_id",
     'Paramètre "source_id" : une valeur est attendue'),
    ("harvest_object_create", {"guid": "x"}, "job_id",
     'Paramètre "job_id" : une valeur est attendue'),
]


@_harvest_marks
def test_harvest_actions_check_their_parameters(app: Any, sysadmin_headers: Any) -> None:
    """ckanext-harvest's actions: each case was a 500 (SQLAlchemy, int(),
    a PostgreSQL enum, a KeyError); a translated 409 naming the parameter."""
    for action, data, field, message in HARVEST_CASES:
        error = api_error(app.post(f"/api/3/action/{action}", headers=sysadmin_headers,
                                   json=data))
        assert error.get(field) == [message], (action, error)


@_harvest_marks
def test_harvest_actions_refuse_anonymous_callers(app: Any, sysadmin_headers: Any) -> None:
    """The sysadmin-only auth functions failed on CKAN 2.11's anonymous caller
    (a 500); harvest_abort_failed_jobs checked no authorization at all."""
    for action in ("harvest_job_create_all", "harvest_sources_reindex",
                   "harvest_sources_job_history_clear", "harvest_jobs_run",
                   "harvest_abort_failed_jobs"):
        response = app.post(f"/api/3/action/{action}", json={"life_span": 1})
        assert response.status_code == 403, (action, response.body[:300])
    plain = {"Authorization": factories.APIToken(user=factories.User()["name"])["token"]}
    assert app.post("/api/3/action/harvest_abort_failed_jobs", headers=plain,
                    json={}).status_code == 403
    done = app.post("/api/3/action/harvest_abort_failed_jobs", headers=sysadmin_headers,
                    json={})
    assert done.status_code == 200, done.body[:300]


@_harvest_marks
def test_form_pages_refuse_what_their_views_cannot_take(app: Any, dijon: Any) -> None:
    """CKAN's and ckanext-harvest's pages, with a sysadmin's session and a
    valid CSRF token: each request was a 500."""
    from ckanext.metropole.tests.identities import CSRF_RE, PASSWORD, session

    sysadmin = factories.Sysadmin(password=PASSWORD)
    from ckan.tests import helpers

    from ckanext.metropole.tests.data import DIJON, complete_dataset

    org = factories.Organization(name="dijon-pages", insee_code=DIJON, kind="commune")
    dataset = helpers.call_action("package_create", context={"user": sysadmin["name"]},
                                  **complete_dataset(org["id"], name="pages"))
    resource = dataset["resources"][0]["id"]
    browser = session(app, sysadmin["name"])
    csrf = CSRF_RE.search(browser.get("/dataset/new").get_data(as_text=True)).group(1)
    refused = [
        ("POST", "/dataset/new", {"name": "x", "groups": "x"}, 400, "groups"),
        ("POST", "/dataset/new", {"name": "x", "tags": "x"}, 400, "tags"),
        ("POST", "/organization/new", {"name": "x", "type": "zorg"}, 400, "type"),
        ("POST", f"/dataset/{dataset['name']}/resource/{resource}/edit", {"url": "x"}, 400,
         "save"),
        ("POST", f"/organization/bulk_process/{org['name']}", {"q": "x"}, 400, "bulk_action"),
        ("GET", "/api/util/snippet/nowhere.html", None, 404, ""),
        ("GET", "/dataset/changes_multiple?new_id=a&old_id=b", None, 404, ""),
        ("GET", f"/dataset/{dataset['name']}/resources/{resource}/history/nowhere", None, 404,
         ""),
        ("GET", f"/harvest/{dataset['name']}/job/last", None, 404, ""),
        ("GET", "/feeds/dataset.atom?page=" + "9" * 40, None, 400, "page"),
        ("GET", "/dataset/?page=100001", None, 400, "page"),
        ("GET", f"/datastore/dump/{resource}?format=zz", None, 400, "format"),
        ("GET", "/user/_logout?came_from=nowhere", None, 400, "came_from"),  # the session's last
    ]
    for method, url, form, status, field in refused:
        if form is not None:
            form = dict(form, _csrf_token=csrf)
        page = browser.open(url, method=method, data=form, follow_redirects=False)
        assert page.status_code == status, (url, page.status_code)
        if field:
            assert f"Paramètre &#34;{field}&#34;" in page.get_data(as_text=True), (url, field)
