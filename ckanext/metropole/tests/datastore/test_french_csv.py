"""A French CSV uploaded to a published dataset lands typed in the DataStore."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.datastore.conftest import datastore_marks, load_status, upload

pytestmark = [pytest.mark.usefixtures("with_plugins", "site")]

FRENCH = (
    "Commune;Code INSEE;Population;Surface (km²);Date de mise à jour;Relevé\r\n"
    "Dijon;21231;156 920;40,41;31/12/2023;15/01/2024 08:30\r\n"
    "Chenôve;21166;14050;7,37;01/02/2024;15/01/2024 09:05:10\r\n"
    "Talant;21617;;4,12;;\r\n"
    "Ahuy;01053;1234;-0,5;29/02/2024;16/01/2024 10:00\r\n"
)


def published_dataset() -> dict[str, Any]:
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    return helpers.call_action("package_create", **complete_dataset(org["id"]))


def fields(resource_id: str) -> dict[str, str]:
    info = helpers.call_action("datastore_search", resource_id=resource_id, limit=0)
    return {f["id"]: f["type"] for f in info["fields"] if f["id"] != "_id"}


@datastore_marks
@pytest.mark.parametrize("encoding", ["latin-1", "utf-8-sig"])
def test_french_csv_is_typed(encoding: str) -> None:
    pkg = published_dataset()
    data = FRENCH.encode(encoding) if encoding == "utf-8-sig" else \
        FRENCH.replace("Surface (km²)", "Surface (km2)").encode(encoding)
    res = upload(pkg["id"], data, "communes.csv")

    assert load_status(res["id"])["status"] == "complete", load_status(res["id"])
    assert res["datastore_active"] is True
    types = fields(res["id"])
    surface = "Surface (km²)" if encoding == "utf-8-sig" else "Surface (km2)"
    assert types == {"Commune": "text", "Code INSEE": "text", "Population": "numeric",
                     surface: "numeric", "Date de mise à jour": "date",
                     "Relevé": "timestamp"}
    records = helpers.call_action("datastore_search", resource_id=res["id"],
                                  sort="_id")["records"]
    assert records[0]["Commune"] == "Dijon"
    assert records[0]["Population"] == 156920
    assert float(records[0][surface]) == pytest.approx(40.41)
    assert records[0]["Date de mise à jour"].startswith("2023-12-31")
    assert records[1]["Relevé"].startswith("2024-01-15T09:05:10")  # 2.12 adds .000
    assert records[1]["Commune"] == "Chenôve"
    assert records[2]["Population"] is None
    assert records[3]["Code INSEE"] == "01053"
    assert float(records[3][surface]) == pytest.approx(-0.5)
