"""Only the tables of published datasets are readable by everyone.

A dataset under review is readable by committee members (metadata and its
data dictionary) but its rows stay out of every DataStore action and view.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.metropole.tests.committee.conftest import People
from ckanext.metropole.tests.datastore.conftest import ReviewWorld, datastore_marks

pytestmark = [pytest.mark.usefixtures("with_plugins")]

READERS = (None, "user", "member", "secretary", "other_editor")


# one world per module (conftest.review_world): the tests only read it
@pytest.fixture
def people(review_world: ReviewWorld) -> People:
    return review_world.people


@pytest.fixture
def tables(review_world: ReviewWorld) -> dict[str, str]:
    return review_world.tables


def call(people: People, who: str | None, action: str, **data: Any) -> Any:
    return helpers.call_action(action, context=people.ctx(who), **data)


def join_sql(ids: dict[str, str]) -> str:
    return (f'SELECT a."Commune", b."Équipements" FROM "{ids["published"]}" a '
            f'JOIN "{ids["reviewed"]}" b ON a."Commune" = b."Commune"')


@datastore_marks
def test_published_table_is_readable_by_everyone(people: People,
                                                 tables: dict[str, str]) -> None:
    for who in READERS:
        published_table_is_readable(people, tables, who)


def published_table_is_readable(people: People, tables: dict[str, str],
                                who: str | None) -> None:
    found = call(people, who, "datastore_search", resource_id=tables["published"],
                 filters={"Commune": "Dijon"})
    assert [r["Équipements"] for r in found["records"]] == [12]
    info = call(people, who, "datastore_info", id=tables["published"])
    assert "Équipements" in [f["id"] for f in info["fields"]]
    rows = call(people, who, "datastore_search_sql",
                sql=f'SELECT count(*) AS n FROM "{tables["published"]}"')["records"]
    assert rows == [{"n": 2}]


@datastore_marks
def test_table_under_review_is_unreachable(app: Any, people: People,
                                           tables: dict[str, str]) -> None:
    for who in READERS:
        table_under_review_is_unreachable(people, tables, who)
    # the review page shows the committee the data dictionary, not the rows
    page = app.get("/dataset/en-examen/comite", headers={
        "Authorization": factories.APIToken(user="membre")["token"]}).body
    dictionary = page[page.index("metropole-committee-dictionary"):]
    dictionary = dictionary[:dictionary.index("</table>")]
    assert "Dictionnaire des données de" in dictionary
    assert [c for c in ("Commune", "Équipements") if f'<th scope="row">{c}</th>' in dictionary] \
        == ["Commune", "Équipements"]
    assert "Chenôve" not in dictionary


def table_under_review_is_unreachable(people: People, tables: dict[str, str],
                                      who: str | None) -> None:
    if who in ("member", "secretary"):
        # the member may read the dataset itself (committee workflow) and its
        # data dictionary: columns, types, row count...
        assert call(people, who, "resource_show", id=tables["reviewed"])
        info = call(people, who, "datastore_info", id=tables["reviewed"])
        assert [f["id"] for f in info["fields"]] == ["Commune", "Équipements"]
        assert info["meta"]["count"] == 2
        assert "Chenôve" not in json.dumps(info)
    else:
        with pytest.raises(tk.NotAuthorized):
            call(people, who, "datastore_info", id=tables["reviewed"])
    # ...but no action reads its rows
    for action, data in (
        ("datastore_search", {"resource_id": tables["reviewed"]}),
        ("datastore_search_sql", {"sql": f'SELECT * FROM "{tables["reviewed"]}"'}),
        ("datastore_search_sql", {"sql": join_sql(tables)}),
    ):
        try:
            call(people, who, action, **data)
        except tk.NotAuthorized:
            continue
        pytest.fail(f"{who} read the table under review with {action}")


@datastore_marks
def test_producers_read_their_table_under_review(people: People,
                                                 tables: dict[str, str]) -> None:
    for who in ("editor", "admin", "sysadmin"):
        found = call(people, who, "datastore_search", resource_id=tables["reviewed"])
        assert found["total"] == 2
        rows = call(people, who, "datastore_search_sql", sql=join_sql(tables))["records"]
        assert sorted(rows, key=lambda r: r["Équipements"]) == [
            {"Commune": "Chenôve", "Équipements": 3}, {"Commune": "Dijon", "Équipements": 12}]


@datastore_marks
def test_views_and_dump_of_a_table_under_review(app: Any, people: People,
                                                tables: dict[str, str]) -> None:
    member = {"Authorization": helpers.call_action(
        "api_token_create", context={"user": "membre", "ignore_auth": True},
        user="membre", name="t")["token"]}
    for client, headers in (anonymous(app), (app, member)):
        for resource_id, allowed in ((tables["published"], True),
                                     (tables["reviewed"], False)):
            dump = client.get(f"/datastore/dump/{resource_id}", headers=headers)
            assert (dump.status_code == 200) is allowed, dump.status_code
            if allowed:
                assert "Dijon" in dump.get_data(as_text=True)
            api = client.post("/api/3/action/datastore_search", headers=headers,
                              json={"resource_id": resource_id})
            assert (api.status_code == 200) is allowed, api.status_code
            view = helpers.call_action("resource_view_list", id=resource_id)
            assert [v["view_type"] for v in view] == ["datatables_view"]
            assert datatables_rows(client, view[0]["id"], headers) == (2 if allowed else None)


# what a refusal must not show: the table, its dataset, its data, a traceback
SECRETS = ("en-examen", "examen.csv", "Chenôve", "Équipements", "Traceback")


@datastore_marks
def test_table_view_endpoints_refuse_cleanly(app: Any, people: People,
                                             tables: dict[str, str]) -> None:
    """Issue 9: the view's data endpoints on a dataset under review answer a
    plain 404 (view not visible: anonymous, another commune's editor) or 403
    (view visible, data not: the committee's member and secretary), never an
    error."""
    view_id = helpers.call_action("resource_view_list", id=tables["reviewed"])[0]["id"]
    expected = {None: 404, "user": 404, "other_editor": 404, "member": 403,
                "secretary": 403}
    for who, status in expected.items():
        client, headers = reader(app, people, who)
        page = client.post(f"/datatables/ajax/{view_id}", headers=headers, data=AJAX_FORM)
        assert page.status_code == status, (who, page.status_code)
        body = page.get_data(as_text=True)
        # in the site's language (French), saying why without naming anything
        assert json.loads(body)["error"] == MESSAGES[status], body
        assert not any(secret in body for secret in SECRETS), body
        assert tables["reviewed"] not in body
        download = client.post(f"/datatables/filtered-download/{view_id}", headers=headers,
                               data={"params": json.dumps(DOWNLOAD_PARAMS), "format": "csv"})
        assert download.status_code == status, (who, download.status_code)
        assert not any(secret in download.get_data(as_text=True) for secret in SECRETS)
    # a missing view is the same 404
    assert app.post("/datatables/ajax/no-such-view", data=AJAX_FORM).status_code == 404
    # the producers still page through their table under review
    for who in ("editor", "sysadmin"):
        assert datatables_rows(app, view_id, token(people, who)) == 2


@datastore_marks
def test_table_view_of_a_published_table_serves_rows_to_everyone(
        app: Any, people: People, tables: dict[str, str]) -> None:
    view_id = helpers.call_action("resource_view_list", id=tables["published"])[0]["id"]
    for who in READERS:
        client, headers = reader(app, people, who)
        page = client.post(f"/datatables/ajax/{view_id}", headers=headers, data=AJAX_FORM)
        assert page.status_code == 200, (who, page.status_code)
        served = json.loads(page.get_data(as_text=True))
        assert served["recordsTotal"] == 2
        assert sorted(row["Commune"] for row in served["data"]) == ["Chenôve", "Dijon"]
        download = client.post(f"/datatables/filtered-download/{view_id}", headers=headers,
                            data={"params": json.dumps(DOWNLOAD_PARAMS), "format": "csv"},
                            follow_redirects=False)
        assert download.status_code == 302, (who, download.status_code)
        assert f"/datastore/dump/{tables['published']}" in download.headers["Location"]


MESSAGES = {404: "Cette vue en tableau est introuvable.",
            403: "Les données de cette ressource ne sont pas publiées."}
AJAX_FORM = {"draw": "1", "start": "0", "length": "10", "search[value]": "",
             "order[0][column]": "0", "order[0][dir]": "asc"}
DOWNLOAD_PARAMS = {"search": {"value": ""}, "order": [{"column": 0, "dir": "asc"}],
                   "visible": [True, True, True], "columns": []}


def token(people: People, who: str | None) -> dict[str, str]:
    """Headers of a request made by ``who`` (None: anonymous)."""
    if who is None:
        return {}
    user = getattr(people, who)["name"]
    return {"Authorization": helpers.call_action(
        "api_token_create", context={"user": user, "ignore_auth": True},
        user=user, name="t")["token"]}


def anonymous(app: Any) -> tuple[Any, dict[str, str]]:
    """An anonymous browser: a client that keeps its session cookie, and the
    CSRF token its page carries, which the table view's script sends
    (``X-CSRF-Token``): the portal checks it on every anonymous form."""
    client = app.test_client()
    page = client.get("/dataset/").get_data(as_text=True)
    found = re.search(r'<meta name="_csrf_token" content="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return client, {"X-CSRF-Token": found.group(1)}


def reader(app: Any, people: People, who: str | None) -> tuple[Any, dict[str, str]]:
    """The client and headers ``who`` reads with (None: an anonymous browser)."""
    return anonymous(app) if who is None else (app, token(people, who))


def datatables_rows(client: Any, view_id: str, headers: dict[str, str]) -> int | None:
    """Rows the table view's data endpoint serves (None: refused, cleanly)."""
    page = client.post(f"/datatables/ajax/{view_id}", headers=headers, data=AJAX_FORM)
    if page.status_code != 200:
        assert page.status_code in (403, 404), page.status_code
        return None
    return json.loads(page.get_data(as_text=True))["recordsTotal"]
