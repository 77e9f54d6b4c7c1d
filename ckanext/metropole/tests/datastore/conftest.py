"""DataStore tests: real xloader jobs on the project's DataStore database.

scripts/test.sh creates the DataStore database of each series and passes
its URLs (CKAN_DATASTORE_WRITE_URL / CKAN_DATASTORE_READ_URL, read by CKAN
itself). A job downloads the file from the site and reports back through
the API, as in production: the test site is served on a loopback port for
the job, which runs in CKAN's RQ worker (``ckan jobs worker --burst``),
without its fork (:class:`Worker`).
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import orm as sa_orm
from werkzeug.serving import make_server

from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories, helpers

from ckanext.metropole.tests.committee.conftest import TABLES, People, act, draft
from ckanext.metropole.tests.data import complete_dataset
from ckanext.metropole.tests.jobs import Worker

PLUGINS = ("metropole_search metropole scheming_datasets scheming_organizations dcat "
           "datastore xloader datatables_view metropole_datastore")
QUEUE = "metropole-datastore-tests"
_site_app: list[Any] = []  # the app the worker runs jobs in (set by ``site``)


def datastore_marks(func: Any) -> Any:
    """The configuration of a DataStore test module (or test)."""
    for key, value in (
        ("ckan.plugins", PLUGINS),
        ("ckan.views.default_views", "datatables_view"),
        ("ckan.datastore.sqlsearch.enabled", "true"),
        ("ckanext.xloader.queue_names", QUEUE),
        ("ckanext.xloader.unidecode_headers", "false"),
        ("ckanext.xloader.max_content_length", str(50 * 1024 * 1024)),
    ):
        func = pytest.mark.ckan_config(key, value)(func)
    return func


@pytest.fixture(scope="session", autouse=True)
def datastore_urls() -> None:
    missing = [name for name in ("CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL")
               if not os.environ.get(name)]
    if missing:
        pytest.fail("the DataStore tests need " + " and ".join(missing) +
                    " (scripts/test.sh sets them; see scripts/stack.sh datastore)")


@pytest.fixture
def clean_datastore(clean_db: Any) -> None:
    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.datastore.tests.helpers import clear_db

    clear_db(sa_orm.scoped_session(sa_orm.sessionmaker(bind=get_write_engine())))
    model.Session.execute(sa.text(
        f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    model.Session.commit()


@pytest.fixture
def site(app: Any, ckan_config: Any, monkeypatch: Any, clean_datastore: Any,
         tmp_path: Any) -> Iterator[str]:
    """The test site on a loopback port, where xloader jobs download and report."""
    with serving(app, ckan_config, monkeypatch, tmp_path) as url:
        yield url


@contextlib.contextmanager
def serving(app: Any, ckan_config: Any, monkeypatch: Any, base: Any) -> Iterator[str]:
    """Serve the site for xloader's jobs: their settings (files and jobs under
    ``base``) stay in the test's configuration after the block."""
    server = make_server("127.0.0.1", 0, app.app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sysadmin = factories.SysadminWithToken()
    monkeypatch.setitem(ckan_config, "ckanext.xloader.site_url", url)
    monkeypatch.setitem(ckan_config, "ckanext.xloader.api_token", sysadmin["token"])
    monkeypatch.setitem(ckan_config, "ckanext.xloader.jobs_db.uri",
                        f"sqlite:///{base}/xloader-jobs.db")
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(base / "storage"))
    ckan_jobs.get_queue(QUEUE).empty()
    _site_app.append(app.flask_app)
    try:
        yield url
    finally:
        _site_app.clear()
        server.shutdown()
        thread.join()


def run_jobs() -> None:
    """Run the queued xloader jobs, as ``ckan jobs worker --burst`` does
    (in a request context of the site: messages in its default locale)."""
    worker = Worker([QUEUE])
    with _site_app[0].test_request_context():
        worker.work(burst=True)
    model.Session.remove()


def upload(package_id: str, data: bytes, filename: str, **fields: Any) -> dict[str, Any]:
    """Upload a file as a new resource of the dataset and run its load."""
    from io import BytesIO

    from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

    resource = helpers.call_action(
        "resource_create", package_id=package_id,
        upload=FakeFileStorage(BytesIO(data), filename), url=filename,
        format=fields.pop("format", "CSV"), **fields)
    run_jobs()
    return helpers.call_action("resource_show", id=resource["id"])


def load_status(resource_id: str) -> dict[str, Any]:
    return helpers.call_action("xloader_status", resource_id=resource_id)


CSV = "Commune;Équipements\nDijon;12\nChenôve;3\n".encode()


SITE_SETTINGS = ("ckanext.xloader.site_url", "ckanext.xloader.api_token",
                 "ckanext.xloader.jobs_db.uri", "ckan.storage_path")


@pytest.fixture
def tables(people: People) -> dict[str, str]:
    """A loaded resource of a published dataset and one of a dataset under review."""
    return make_tables(people)


def make_tables(people: People) -> dict[str, str]:
    published = helpers.call_action(
        "package_create", context={"user": "admin-dijon"},
        **complete_dataset(people.dijon["id"], name="publie", resources=[]))
    reviewed = draft(people, name="en-examen", resources=[])
    ids = {"published": upload(published["id"], CSV, "publie.csv")["id"],
           "reviewed": upload(reviewed["id"], CSV, "examen.csv")["id"]}
    # proposed with its file: a proposal needs one
    act(people, "editor", "metropole_review_propose", id=reviewed["id"])
    act(people, "secretary", "metropole_review_open", id=reviewed["id"])
    for resource_id in ids.values():
        assert helpers.call_action("xloader_status", resource_id=resource_id)["status"] \
            == "complete"
    return ids


@dataclasses.dataclass
class ReviewWorld:
    """``People`` and their ``tables``, with the settings of the site that loaded them."""

    people: People
    tables: dict[str, str]
    settings: dict[str, Any]


@pytest.fixture(scope="module")
def _kept() -> Iterator[dict[str, ReviewWorld]]:
    """What the module's tests share (``review_world``), forgotten when it ends."""
    kept: dict[str, ReviewWorld] = {}
    yield kept
    kept.clear()


@pytest.fixture
def review_world(request: Any, app: Any, ckan_config: Any, monkeypatch: Any,
                 mail_server: Any, tmp_path_factory: Any,
                 _kept: dict[str, ReviewWorld]) -> ReviewWorld:
    """``people`` and ``tables`` built once per module, by its first test, on
    an emptied database; the module's tests only read them (an API token or a
    login of their own at most), each with the same configuration (the
    committee's secretary, the files and jobs of the loading site). Building
    them took 4 s of each of 23 tests (10 users, 2 communes, a committee, 2
    files through xloader's job)."""
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries", "secretaire")
    if "world" not in _kept:
        request.getfixturevalue("clean_datastore")
        with serving(app, ckan_config, monkeypatch, tmp_path_factory.mktemp("datastore")):
            people = People()
            tables = make_tables(people)
        _kept["world"] = ReviewWorld(people, tables,
                                     {key: ckan_config[key] for key in SITE_SETTINGS})
    world = _kept["world"]
    for key, value in world.settings.items():
        monkeypatch.setitem(ckan_config, key, value)
    return world
