"""The files of a dataset under review: its editors only (README, "Raw data").

Committee members read the dataset's metadata and its data dictionary,
never its uploaded files nor its rows; through every route, with every
identity (anonymous, API token, browser session).
"""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import helpers

from ckanext.metropole.tests.committee.conftest import People
from ckanext.metropole.tests.datastore.conftest import ReviewWorld, datastore_marks
from ckanext.metropole.tests.identities import clients, text

pytestmark = [pytest.mark.usefixtures("with_plugins")]
# a cell of the file and of its table (tables(): "Chenôve;3")
ROW = "Chenôve"


# one world per module (conftest.review_world): the tests only read it
@pytest.fixture
def people(review_world: ReviewWorld) -> People:
    return review_world.people


@pytest.fixture
def tables(review_world: ReviewWorld) -> dict[str, str]:
    return review_world.tables


def _routes(resource: dict[str, Any]) -> list[str]:
    base = f"/dataset/{resource['package_id']}/resource/{resource['id']}"
    return [f"{base}/download", f"{base}/download/examen.csv",
            f"{base}/download/autre-nom.csv", f"/datastore/dump/{resource['id']}",
            f"/datastore/dump/{resource['id']}?format=json"]


@datastore_marks
@pytest.mark.parametrize("who", [None, "visiteur", "membre", "presidente", "secretaire",
                                 "editeur-chenove", "admin-chenove"])
def test_no_file_nor_row_of_a_dataset_under_review(app: Any, people: People,
                                                   tables: dict[str, str], who: str) -> None:
    resource = helpers.call_action("resource_show", id=tables["reviewed"])
    assert resource["url_type"] == "upload"
    for client in clients(app, who):
        for url in _routes(resource):
            response = client.get(url)
            assert response.status_code in (403, 404), (client, url, response.status_code)
            assert ROW not in text(response), (client, url)
        if who in ("membre", "presidente", "secretaire"):
            # the committee reads the dataset: metadata and data dictionary...
            shown = client.get(f"/api/3/action/resource_show?id={resource['id']}")
            assert shown.status_code == 200, client
            # ...without the way to its file
            assert shown.json["result"]["url"] == "", client
            dataset = client.get(f"/api/3/action/package_show?id={resource['package_id']}")
            assert [r["url"] for r in dataset.json["result"]["resources"]] == [""], client
            page = client.get(f"/dataset/{resource['package_id']}/resource/{resource['id']}")
            assert page.status_code == 200, client
            assert "/download" not in text(page), client
            info = client.get(f"/api/3/action/datastore_info?id={resource['id']}")
            assert info.status_code == 200, client
            assert info.json["result"]["meta"]["count"] == 2
            assert ROW not in text(info), client


@datastore_marks
@pytest.mark.parametrize("who", ["editrice-dijon", "admin-dijon", "sysadmin"])
def test_editors_keep_their_files(app: Any, people: People, tables: dict[str, str],
                                  who: str) -> None:
    resource = helpers.call_action("resource_show", id=tables["reviewed"])
    for client in clients(app, who):
        shown = client.get(f"/api/3/action/resource_show?id={resource['id']}")
        assert shown.json["result"]["url"].endswith("/download/examen.csv"), client
        for url in _routes(resource):
            response = client.get(url)
            assert response.status_code == 200, (client, url)
            assert ROW in text(response), (client, url)


@datastore_marks
@pytest.mark.parametrize("who", [None, "visiteur", "membre"])
def test_published_files_for_everyone(app: Any, people: People, tables: dict[str, str],
                                      who: str) -> None:
    resource = helpers.call_action("resource_show", id=tables["published"])
    base = f"/dataset/{resource['package_id']}/resource/{resource['id']}"
    for client in clients(app, who):
        shown = client.get(f"/api/3/action/resource_show?id={resource['id']}")
        assert shown.json["result"]["url"].endswith("/download/publie.csv"), client
        response = client.get(f"{base}/download/publie.csv")
        assert response.status_code == 200, client
        assert ROW in text(response), client


@datastore_marks
@pytest.mark.parametrize("who", [None, "visiteur", "membre", "editrice-dijon"])
def test_the_list_of_tables_is_for_sysadmins(app: Any, people: People,
                                             tables: dict[str, str], who: str) -> None:
    """``_table_metadata`` named the tables of unpublished datasets to anyone."""
    api = "/api/3/action/"
    asks = [api + "datastore_search?resource_id=_table_metadata",
            api + "datastore_search?resource_id=%20_table_metadata%20",
            api + f"datastore_search?resource_id=_table_metadata&q={tables['reviewed']}",
            api + "datastore_info?id=_table_metadata",
            api + 'datastore_search_sql?sql=SELECT name FROM "_table_metadata"']
    for client in clients(app, who):
        for url in asks:
            response = client.get(url)
            assert response.status_code in (403, 404, 409), (client, url, response.status_code)
            assert tables["reviewed"] not in text(response), (client, url)
    for client in clients(app, "sysadmin"):
        listed = client.get(api + "datastore_search?resource_id=_table_metadata&limit=100")
        assert tables["reviewed"] in text(listed), client
