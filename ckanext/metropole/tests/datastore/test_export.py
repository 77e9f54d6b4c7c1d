"""The ``;``-separated CSV a spreadsheet set to French opens
(``/datastore/dump/<id>?format=csv-fr``, datastore/export.py): the cells one
by one, then the whole file through the HTTP stack — published table read by
everyone, a table under review refused with the dump's own answer."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.metropole.datastore.export import cell
from ckanext.metropole.tests.committee.conftest import People, act, draft
from ckanext.metropole.tests.data import complete_dataset
from ckanext.metropole.tests.datastore.conftest import datastore_marks

FIELDS = [{"id": "École", "type": "text"}, {"id": "Surface", "type": "numeric"},
          {"id": "Élèves", "type": "int"}, {"id": "Ouverture", "type": "date"},
          {"id": "Relevé", "type": "timestamp"}]
RECORDS = [{"École": "Gambetta; côté cour", "Surface": 1250.5, "Élèves": 212,
            "Ouverture": "1998-09-01", "Relevé": "2024-01-15T08:30:00"},
           {"École": "=SOMME(A1)", "Surface": -0.25, "Élèves": None,
            "Ouverture": None, "Relevé": None}]


@pytest.mark.parametrize("value, kind, expected", [
    ("1250.5", "numeric", "1250,5"),
    ("-0.25", "float8", "-0,25"),
    ("212", "int4", "212"),
    ("1998-09-01", "date", "01/09/1998"),
    ("2024-01-15T08:30:00", "timestamp", "15/01/2024 08:30:00"),
    ("2024-01-15 08:30", "timestamptz", "15/01/2024 08:30"),
    ("pas une date", "date", "pas une date"),
    ("=SOMME(A1)", "text", "'=SOMME(A1)"),
    ("-3 degrés", "text", "'-3 degrés"),
    ("1250.5", "text", "1250.5"),  # a text column keeps its dots (a code, a version)
    ("", "numeric", ""),
])
def test_cell(value: str, kind: str, expected: str) -> None:
    assert cell(value, kind) == expected


@pytest.fixture
def people(ckan_config: Any, monkeypatch: Any, mail_server: Any) -> People:
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries", "secretaire")
    return People()


def _table(package_id: str) -> str:
    resource_id = helpers.call_action("package_show", id=package_id)["resources"][0]["id"]
    helpers.call_action("datastore_create", resource_id=resource_id, force=True,
                        fields=FIELDS, records=RECORDS)
    return resource_id


@pytest.fixture
def tables(people: People) -> dict[str, str]:
    published = helpers.call_action(
        "package_create", context={"user": "admin-dijon"},
        **complete_dataset(people.dijon["id"], name="ecoles-publiees"))
    reviewed = draft(people, name="ecoles-en-examen")
    act(people, "editor", "metropole_review_propose", id=reviewed["id"])
    act(people, "secretary", "metropole_review_open", id=reviewed["id"])
    return {"published": _table(published["id"]), "reviewed": _table(reviewed["id"])}


@datastore_marks
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_published_table_as_french_csv(app: Any, tables: dict[str, str]) -> None:
    response = app.get(f"/datastore/dump/{tables['published']}?format=csv-fr")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="{tables["published"]}.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = body.decode("utf-8")[1:]  # strict UTF-8: "É" is not Latin-1's "Ã\x89"
    assert text.splitlines()[0] == "École;Surface;Élèves;Ouverture;Relevé"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [
        ["École", "Surface", "Élèves", "Ouverture", "Relevé"],
        ["Gambetta; côté cour", "1250,5", "212", "01/09/1998", "15/01/2024 08:30:00"],
        ["'=SOMME(A1)", "-0,25", "", "", ""],
    ]
    # the ";" inside a cell is quoted, the decimal comma needs no quoting
    assert '"Gambetta; côté cour";1250,5;212;' in text
    # the dump's parameters apply: one row, sorted, some columns
    response = app.get(f"/datastore/dump/{tables['published']}?format=csv-fr"
                       "&sort=Surface&limit=1&fields=Surface,École")
    assert response.get_data().decode("utf-8")[1:] == "Surface;École\r\n-0,25;'=SOMME(A1)\r\n"


@datastore_marks
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_table_under_review_is_refused(app: Any, people: People,
                                       tables: dict[str, str]) -> None:
    member = {"Authorization": helpers.call_action(
        "api_token_create", context={"user": "membre", "ignore_auth": True},
        user="membre", name="t")["token"]}
    for headers in ({}, member):
        response = app.get(f"/datastore/dump/{tables['reviewed']}?format=csv-fr",
                           headers=headers)
        assert response.status_code in (403, 404), response.status_code
        body = response.get_data(as_text=True)
        assert "Gambetta" not in body and "1250,5" not in body
        assert not body.startswith("\ufeff")
    # its producer reads it, in the same format
    editor = {"Authorization": helpers.call_action(
        "api_token_create", context={"user": "editrice-dijon", "ignore_auth": True},
        user="editrice-dijon", name="t")["token"]}
    response = app.get(f"/datastore/dump/{tables['reviewed']}?format=csv-fr", headers=editor)
    assert response.status_code == 200
    assert "Gambetta; côté cour" in response.get_data(as_text=True)


@datastore_marks
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_bad_parameters_are_named(app: Any, tables: dict[str, str]) -> None:
    for query, field in (("limit=-1", "limit"), ("offset=abc", "offset"),
                         ("filters=[1]", "filters")):
        response = app.get(f"/datastore/dump/{tables['published']}?format=csv-fr&{query}")
        assert response.status_code == 400, (query, response.status_code)
        assert field in response.get_data(as_text=True)


@datastore_marks
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_a_table_created_with_its_resource(app: Any, people: People) -> None:
    """``datastore_create`` with a new resource gives it CKAN's marker as URL
    until the table exists: the URL check must let it through (it answered
    409 "URL : une adresse complète…")."""
    dataset = helpers.call_action(
        "package_create", context={"user": "admin-dijon"},
        **complete_dataset(people.dijon["id"], name="surfaces", resources=[]))
    token = helpers.call_action("api_token_create", context={"user": "admin-dijon",
                                                              "ignore_auth": True},
                                user="admin-dijon", name="t")["token"]
    response = app.post("/api/3/action/datastore_create", headers={"Authorization": token},
                        json={"resource": {"package_id": dataset["id"], "name": "Surfaces",
                                           "format": "CSV"},
                              "fields": FIELDS, "records": RECORDS})
    assert response.status_code == 200, response.json
    resource = helpers.call_action("resource_show", id=response.json["result"]["resource_id"])
    assert resource["datastore_active"]
    # a real address is still checked
    response = app.post("/api/3/action/datastore_create", headers={"Authorization": token},
                        json={"resource": {"package_id": dataset["id"], "name": "X",
                                           "url": "javascript:alert(1)"},
                              "fields": FIELDS})
    assert response.status_code == 409, response.json
    # CKAN 2.12 refuses any URL here before our check (it wants the
    # datapusher to fetch it); 2.11 reaches our URL check, which names it
    named = "resource" if toolkit.check_ckan_version(min_version="2.12") else "url"
    assert named in response.json["error"], response.json
    assert [r["name"] for r in helpers.call_action(
        "package_show", id=dataset["id"])["resources"]] == ["Surfaces"]
