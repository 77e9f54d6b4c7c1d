"""The matrix's portal: built once per test module, then only read.

CKAN's ``app``/``ckan_config``/``with_plugins`` fixtures live for one test
and rebuild the application each time (about a second): the matrix sets up
its own configuration, application and seeded database once
(``matrix_portal``), and every test of the module puts that configuration
back (CKAN's pytest plugin restores its own snapshot before each test).
"""
from __future__ import annotations

import copy
import os
import re
import smtplib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import orm as sa_orm
from werkzeug.serving import make_server

from ckan import model
from ckan import plugins as ckan_plugins
from ckan.common import config
from ckan.lib import jobs as ckan_jobs
from ckan.lib import search
from ckan.tests import factories
from ckan.tests import helpers as test_helpers

from ckanext.metropole.tests.jobs import Worker
from ckanext.metropole.tests.security import world as world_mod
from ckanext.metropole.tests.security.client import Portal, Principal
from ckanext.metropole.tests.security.matrix import Matrix

# the demo portal's plugins (config/demo.ini), with ckanext-dcat's JSON interface
PLUGINS = ("metropole_search metropole scheming_datasets scheming_organizations activity "
           "dcat dcat_json_interface datastore xloader datatables_view metropole_datastore "
           "metropole_dcat_rdf harvest")
QUEUE = "metropole-security-matrix"
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
META_CSRF_RE = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


def _settings(storage: str, jobs_db: str) -> dict[str, str]:
    return {
        "ckan.plugins": PLUGINS,
        "ckan.views.default_views": "datatables_view",
        "ckan.datastore.sqlsearch.enabled": "true",
        "ckanext.xloader.queue_names": QUEUE,
        "ckanext.xloader.unidecode_headers": "false",
        "ckanext.xloader.max_content_length": str(50 * 1024 * 1024),
        "ckanext.xloader.jobs_db.uri": f"sqlite:///{jobs_db}",
        "ckanext.metropole.committee.secretaries": world_mod.USERS["secretary"],
        "ckan.storage_path": storage,
        "ckan.harvest.mq.type": "redis",
        "ckan.harvest.mq.hostname": "127.0.0.1",
        "ckan.harvest.mq.port": os.environ.get("METROPOLE_REDIS_PORT", "63799"),
        "ckan.harvest.mq.redis_db": os.environ.get("METROPOLE_TEST_HARVEST_REDIS_DB", "9"),
    }


def _empty_datastore() -> None:
    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.datastore.tests.helpers import clear_db

    clear_db(sa_orm.scoped_session(sa_orm.sessionmaker(bind=get_write_engine())))


@pytest.fixture(scope="module")
def matrix_portal(reset_db: Any, tmp_path_factory: Any) -> Iterator[Portal]:
    missing = [n for n in ("CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL")
               if not os.environ.get(n)]
    if missing:
        pytest.fail("the matrix needs " + " and ".join(missing) + " (scripts/test.sh)")
    snapshot = copy.deepcopy(dict(config))
    base = tmp_path_factory.mktemp("matrix")
    config.update(_settings(str(base / "storage"), str(base / "xloader-jobs.db")))
    mails = test_helpers.FakeSMTP()
    real_smtp = smtplib.SMTP
    smtplib.SMTP = mails  # the committee's e-mails, caught
    server = None
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        app = test_helpers._get_test_app()  # loads the plugins of the configuration
        reset_db()
        from ckan.cli.db import _run_migrations

        _run_migrations("activity")
        _run_migrations("harvest")
        search.clear_all()
        _empty_datastore()
        ckan_jobs.get_queue(QUEUE).empty()

        # the loopback site xloader's jobs download from and report to
        server = make_server("127.0.0.1", 0, app.app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site_user = factories.Sysadmin(name="matrix-loader")
        config["ckanext.xloader.site_url"] = f"http://127.0.0.1:{server.server_port}"
        config["ckanext.xloader.api_token"] = factories.APIToken(
            user=site_user["name"])["token"]

        def upload(package_id: str, data: bytes, filename: str, through_xloader: bool,
                   **fields: Any) -> Any:
            return _upload(app, package_id, data, filename, through_xloader, **fields)

        world = world_mod.seed(upload)
        world.mails = [(list(to), msg) for _, _, to, msg in mails.get_smtp_messages()]
        for d in world.datasets.values():
            d.activities = world_mod.newest_activities(d.id)
            d.view_id = world_mod.view_id(d.resource_id)
        server.shutdown()
        server = None
        settings = copy.deepcopy(dict(config))
        portal = Portal(app, world, settings)
        portal.principals = _principals(app, world)
        portal.setup_seconds = (time.perf_counter() - started, time.process_time() - cpu_started)
        yield portal
        _report(portal)
    finally:
        if server is not None:
            server.shutdown()
        smtplib.SMTP = real_smtp
        config.clear()
        config.update(snapshot)
        # CKAN 2.11 keeps its system plugins loaded; 2.12 has only unload_all
        getattr(ckan_plugins, "unload_non_system_plugins", ckan_plugins.unload_all)()
        model.Session.remove()


SIZE: list[str] = []  # what the matrix ran, for the terminal summary
REPORT = Path(__file__).resolve().parents[4] / "build"


def _report(portal: Portal) -> None:
    from ckan import __version__

    from ckanext.metropole.tests.security.matrix import size

    line = f"[security matrix, CKAN {__version__}] " + size(portal, portal.reads)
    SIZE.append(line)
    REPORT.mkdir(exist_ok=True)
    (REPORT / f"security-matrix-{__version__}.txt").write_text(line + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in SIZE:
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def matrix_config(matrix_portal: Portal) -> None:
    """The matrix's configuration for each test (CKAN's pytest plugin puts its
    own snapshot back before every test)."""
    config.clear()
    config.update(copy.deepcopy(matrix_portal.settings))


def _upload(app: Any, package_id: str, data: bytes, filename: str, through_xloader: bool,
            **fields: Any) -> Any:
    """The editor uploads a CSV; xloader's job loads it (tests/datastore's way),
    or, without xloader, the editor pushes its rows with ``datastore_create``."""
    import csv
    from io import BytesIO, StringIO

    from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

    editor = {"user": world_mod.USERS["editor"], "ignore_auth": False}
    formats = config.get("ckanext.xloader.formats")
    if not through_xloader:
        config["ckanext.xloader.formats"] = ""  # no format is loaded on upload
    try:
        resource = test_helpers.call_action(
            "resource_create", context=dict(editor), package_id=package_id,
            upload=FakeFileStorage(BytesIO(data), filename), url=filename, format="CSV",
            **fields)
    finally:
        if formats is None:
            config.pop("ckanext.xloader.formats", None)
        else:
            config["ckanext.xloader.formats"] = formats
    if through_xloader:
        worker = Worker([QUEUE])
        with app.flask_app.test_request_context():
            worker.work(burst=True)
    else:
        rows = list(csv.reader(StringIO(data.decode()), delimiter=";"))
        test_helpers.call_action(
            "datastore_create", context=dict(editor), resource_id=resource["id"],
            force=True, fields=[{"id": name, "type": "text"} for name in rows[0]],
            records=[dict(zip(rows[0], row, strict=True)) for row in rows[1:]])
        test_helpers.call_action(
            "resource_create_default_resource_views", context=dict(editor),
            resource=test_helpers.call_action("resource_show", id=resource["id"]),
            create_datastore_views=True)
    model.Session.remove()
    return test_helpers.call_action("resource_show", id=resource["id"])


def _principals(app: Any, world: world_mod.World) -> dict[str, Principal]:
    """Anonymous, then an API token and a logged-in browser session per role."""
    out = {"anonymous": Principal("anonymous", "anonymous", app.test_client(use_cookies=False))}
    for role, name in world_mod.USERS.items():
        token = factories.APIToken(user=name)["token"]
        out[f"{role}/token"] = Principal(role, "token", app.test_client(use_cookies=False),
                                         headers={"Authorization": token})
        browser = app.test_client()
        page = browser.get("/user/login")
        csrf = CSRF_RE.search(page.get_data(as_text=True)).group(1)
        browser.post("/user/login", data={"login": name, "password": world_mod.PASSWORD,
                                          "_csrf_token": csrf})
        session = Principal(role, "session", browser)
        found = META_CSRF_RE.search(browser.get("/dashboard/datasets").get_data(as_text=True))
        session.csrf = found.group(1) if found else None
        out[f"{role}/session"] = session
    return out


@pytest.fixture(scope="module")
def matrix(matrix_portal: Portal) -> Matrix:
    return Matrix(matrix_portal)
