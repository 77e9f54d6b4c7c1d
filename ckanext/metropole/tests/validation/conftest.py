"""Fixtures of the validation tests: real jobs on the real Redis queue.

The checks run as ``ckan jobs worker --burst`` runs them (CKAN's default
queue: xloader is not loaded here; ``tests/datastore`` shows the same queue
as the DataStore load when it is).
"""
from __future__ import annotations

import csv
import io
import os
from typing import Any

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.tests import helpers

EXAMPLES = os.path.join(os.path.dirname(__file__), "examples")


@pytest.fixture
def clean_validation(clean_db: Any, clean_index: Any) -> None:
    """``clean_db`` empties CKAN's tables only: empty the reports too; an
    empty queue. Uploads stay in the site's storage (``test.ini``): the
    worker reloads the site's configuration, a changed storage path would
    not reach it."""
    model.Session.execute(sa.text("TRUNCATE metropole_schema_validation"))
    model.Session.commit()
    ckan_jobs.get_queue().empty()


def run_jobs(app: Any) -> None:
    """Run the queued jobs as a worker does, in a request context of the site."""
    worker = ckan_jobs.Worker([ckan_jobs.DEFAULT_QUEUE_NAME])
    with app.flask_app.test_request_context():
        worker.work(burst=True)
    model.Session.remove()


def example(name: str) -> bytes:
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read()


def broken(name: str, cells: dict[str, str], row: int = 1) -> bytes:
    """A copy of an example with some cells of one data row replaced."""
    rows = list(csv.reader(io.StringIO(example(name).decode("utf-8"))))
    for column, value in cells.items():
        rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(package_id: str, data: bytes, filename: str, resource_id: str = "",
           **fields: Any) -> dict[str, Any]:
    """Upload a file as a new resource (or a new file of ``resource_id``)."""
    from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

    storage = FakeFileStorage(io.BytesIO(data), filename)
    if resource_id:
        return helpers.call_action("resource_patch", id=resource_id, upload=storage,
                                   url=filename, **fields)
    return helpers.call_action("resource_create", package_id=package_id, upload=storage,
                               url=filename, format=fields.pop("format", "CSV"), **fields)
