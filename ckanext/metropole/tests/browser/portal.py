"""The real portal the browser tests drive: its own database, its own port.

Prepared the way ``make demo`` prepares the demo (``scripts/stack.sh``, the
CKAN commands of the running venv: ``db init``, the plugins' migrations,
the sysadmin, ``ckan metropole territory load``; run in one process by
``prepare.py``), then served by ``ckan run`` on 127.0.0.1,
with the demo's plugins (activity stream, DataStore and its table view,
harvesting). Test data beyond the demo seed goes through the portal's own API.
Its e-mails go to a real SMTP server on 127.0.0.1 (``mailbox.py``), read by
the journeys through ``Portal.mail``.
``Portal.sibling`` serves the same database with other settings (a tile
server for the maps) on another port.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

import ckan

from ckanext.metropole.tests.browser.mailbox import Mailbox

ROOT = Path(__file__).resolve().parents[4]
BUILD = ROOT / "build" / "browser"
SERIES = "".join(ckan.__version__.split(".")[:2])  # "211", "212"
# A second run on the same machine (another engineer's, next to make test's)
# names itself: its own database, build folder and file storage.
RUN = os.environ.get("METROPOLE_TEST_BROWSER_RUN") or SERIES
OUT = BUILD / RUN
DATABASE = f"metropole_browser_{RUN}"
PGPORT = os.environ.get("METROPOLE_PGPORT", "54329")
REDIS_PORT = os.environ.get("METROPOLE_REDIS_PORT", "63799")
# scripts/test.sh gives each CKAN series its own Redis database (the series run side by side)
REDIS_DB = os.environ.get("METROPOLE_TEST_BROWSER_REDIS_DB", "3")
DB_URL = f"postgresql://metropole:metropole@127.0.0.1:{PGPORT}/{DATABASE}"
DATASTORE = f"{DATABASE}_ds"
DATASTORE_WRITE = f"postgresql://metropole:metropole@127.0.0.1:{PGPORT}/{DATASTORE}"
DATASTORE_READ = f"postgresql://metropole_ro:metropole_ro@127.0.0.1:{PGPORT}/{DATASTORE}"
# The demo's plugins (config/demo.ini): pages of the activity stream, the
# table view and harvesting are walked in both languages.
PLUGINS = ("metropole_search metropole scheming_datasets scheming_organizations activity dcat "
           "datastore xloader datatables_view metropole_datastore metropole_dcat_rdf harvest")
# What a site sets for its accessibility declaration (the law asks for a contact).
ACCESSIBILITY_CONTACT = "accessibilite@metropole.localhost"
CKAN = Path(sys.executable).with_name("ckan")
ADMIN = ("admin", "metropole-browser")
# The committee's secretary (a plain user, named in the portal's config): the
# workflow journeys create them and open the review as them.
SECRETARY = "sophie-leroy"
# The people of the committee's journeys (test_journeys_workflow and
# test_tasks_menu: the same accounts when both modules run), created by
# Portal.committee_people: name -> (password, full name).
COMMITTEE_PEOPLE = {
    "agent-chenove": ("Agent-Chenove-2026", "Léa Bernard"),
    "admin-chenove": ("Admin-Chenove-2026", "Marc Petit"),
    "claire-martin": ("Presidente-2026", "Claire Martin"),
    "paul-durand": ("Membre-2026", "Paul Durand"),
    SECRETARY: ("Secretaire-2026", "Sophie Leroy"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


INI = """\
# Written by ckanext/metropole/tests/browser/portal.py for one test session.
[DEFAULT]
debug = false

[app:main]
use = config:{root}/test.ini
ckan.site_url = {url}
sqlalchemy.url = {db}
ckan.redis.url = redis://127.0.0.1:{redis}/{redis_db}
ckan.storage_path = {storage}
smtp.server = {smtp}
smtp.mail_from = portail@metropole.localhost
ckanext.metropole.committee.secretaries = {secretary}
ckan.plugins = {plugins}
ckan.datastore.write_url = {datastore_write}
ckan.datastore.read_url = {datastore_read}
ckan.datastore.sqlsearch.enabled = true
ckan.views.default_views = datatables_view
# no worker runs: the tests put their tables in the DataStore through its API
ckanext.xloader.jobs_db.uri = {db}
ckanext.xloader.unidecode_headers = false
ckanext.xloader.queue_names = metropole-browser-{run}
ckan.harvest.mq.type = redis
ckan.harvest.mq.hostname = 127.0.0.1
ckan.harvest.mq.port = {redis}
ckan.harvest.mq.redis_db = {redis_db}
ckanext.metropole.accessibility.contact = {contact}
{extra}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


@dataclass
class Portal:
    """A running portal: its URL, the sysadmin's API token, an API client."""

    url: str
    token: str
    workdir: Path
    process: subprocess.Popen | None = None
    log: Any = None
    users: dict[str, str] = field(default_factory=dict)  # name -> password
    mail: Mailbox | None = None  # the SMTP server its e-mails go to

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1]

    def action(self, _action: str, _token: str | None = None, files: Any = None,
               **data: Any) -> Any:
        """Call an API action as the sysadmin (or as the owner of ``token``)."""
        headers = {"Authorization": _token or self.token}
        if files:
            response = requests.post(f"{self.url}/api/3/action/{_action}", data=data,
                                     files=files, headers=headers, timeout=60)
        else:
            response = requests.post(f"{self.url}/api/3/action/{_action}", json=data,
                                     headers=headers, timeout=60)
        body = response.json()
        if not body.get("success"):
            raise AssertionError(f"{_action} failed ({response.status_code}): {body.get('error')}")
        return body["result"]

    def user(self, name: str, password: str, fullname: str) -> dict[str, Any]:
        """A user (created once per session) who can log in through the form."""
        if name not in self.users:
            self.action("user_create", name=name, password=password, fullname=fullname,
                        email=f"{name}@metropole.localhost")
            self.users[name] = password
        return self.action("user_show", id=name)

    def member(self, org: str, user: str, role: str) -> None:
        self.action("organization_member_create", id=org, username=user, role=role)

    def committee_people(self) -> dict[str, tuple[str, str]]:
        """COMMITTEE_PEOPLE, once per session: Chenôve's agent (editor) and
        admin, Claire Martin presiding (unless a president sits already) and
        Paul Durand a member of the committee."""
        for name, (password, fullname) in COMMITTEE_PEOPLE.items():
            self.user(name, password, fullname)
        self.member("chenove", "agent-chenove", "editor")
        self.member("chenove", "admin-chenove", "admin")
        seated = {m["user_name"]: m["role"]
                  for m in self.action("metropole_committee_member_list")}
        if "president" not in seated.values():
            self.action("metropole_committee_member_add", user="claire-martin",
                        college="associations", role="president")
        if "paul-durand" not in seated:
            self.action("metropole_committee_member_add", user="paul-durand",
                        college="recherche", role="member")
        return COMMITTEE_PEOPLE

    def sibling(self, name: str, **settings: str) -> Portal:
        """The same portal (database, files, users) served with other settings on
        another port; stop it after use."""
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        ini = self.workdir / f"portal-{name}.ini"
        storage = ROOT / ".local" / f"browser-storage-{RUN}"
        assert self.mail is not None
        env = _write_ini(ini, url, storage, self.mail.server, settings)
        twin = Portal(url=url, token=self.token, workdir=self.workdir, users=self.users)
        return _serve(twin, ini, port, env, f"server-{name}.log")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # ckan run was started in its own process group: end exactly it.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.log:
            self.log.close()
        if self.mail is not None:  # a sibling shares its portal's, stopped with it
            self.mail.stop()


def _run(args: list[str], env: dict[str, str], log: Path) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    with log.open("a") as f:
        f.write(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed (exit {result.returncode}), "
                           f"see {log}:\n{result.stderr[-3000:]}")
    return result.stdout


def start() -> Portal:
    """Fresh database, migrations, demo seed, then ``ckan run`` on a free port."""
    workdir = OUT
    workdir.mkdir(parents=True, exist_ok=True)
    setup_log = workdir / "setup.log"
    setup_log.write_text("")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    storage = ROOT / ".local" / f"browser-storage-{RUN}"
    storage.mkdir(parents=True, exist_ok=True)
    ini = workdir / "portal.ini"
    mail = Mailbox(free_port()).start()
    try:
        env = _write_ini(ini, url, storage, mail.server)
        return _prepare(ini, url, port, env, workdir, setup_log, mail)
    except BaseException:
        mail.stop()
        raise


def _prepare(ini: Path, url: str, port: int, env: dict[str, str], workdir: Path,
             setup_log: Path, mail: Mailbox) -> Portal:
    stack = str(ROOT / "scripts" / "stack.sh")
    _run([stack, "dropdb", DATASTORE], env, setup_log)
    _run([stack, "dropdb", DATABASE], env, setup_log)
    _run([stack, "createdb", DATABASE], env, setup_log)
    _run([stack, "datastore", DATASTORE, DATABASE, sys.executable], env, setup_log)
    # CKAN's own commands, as `ckan -c <ini> ...` runs them, in one process
    # (prepare.py): each `ckan` process would load CKAN and every plugin again.
    # The sysadmin and the territory's organizations; datasets come from the
    # tests, through the API, so that each test knows exactly what exists.
    commands = [
        ["db", "init"],
        *(["db", "upgrade", "-p", plugin] for plugin in ("metropole_search", "metropole",
                                                          "harvest")),
        ["user", "add", ADMIN[0], f"password={ADMIN[1]}", "email=admin@metropole.localhost",
         "fullname=Administrateur du portail"],
        ["sysadmin", "add", ADMIN[0]],
        ["metropole", "territory", "load"],
        ["user", "token", "add", ADMIN[0], "browser-tests"],  # printed last
    ]
    out = _run([sys.executable, "-m", "ckanext.metropole.tests.browser.prepare", str(ini)]
               + [arg for command in commands for arg in ("--", *command)], env, setup_log)
    token = out.strip().splitlines()[-1].strip()

    portal = Portal(url=url, token=token, workdir=workdir, mail=mail)
    portal.users[ADMIN[0]] = ADMIN[1]
    return _serve(portal, ini, port, env, "server.log")


def _write_ini(ini: Path, url: str, storage: Path, smtp: str,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    """The portal's ini file; the environment its commands run with."""
    ini.write_text(INI.format(
        root=ROOT, url=url, db=DB_URL, smtp=smtp, redis=REDIS_PORT, redis_db=REDIS_DB, storage=storage,
        secretary=SECRETARY, plugins=PLUGINS, datastore_write=DATASTORE_WRITE,
        datastore_read=DATASTORE_READ, run=RUN, contact=ACCESSIBILITY_CONTACT,
        extra="\n".join(f"{k} = {v}" for k, v in (extra or {}).items())))
    env = dict(os.environ, CKAN_INI=str(ini), CKAN_SQLALCHEMY_URL=DB_URL,
               CKAN_SITE_URL=url, CKAN_STORAGE_PATH=str(storage),
               CKAN_DATASTORE_WRITE_URL=DATASTORE_WRITE, CKAN_DATASTORE_READ_URL=DATASTORE_READ)
    env.pop("CKAN_REDIS_URL", None)
    return env


def _serve(portal: Portal, ini: Path, port: int, env: dict[str, str], log_name: str) -> Portal:
    """``ckan run`` of ``ini`` on ``port``, once it answers."""
    url = portal.url
    log = (portal.workdir / log_name).open("w")
    process = subprocess.Popen(
        [str(CKAN), "-c", str(ini), "run", "-H", "127.0.0.1", "-p", str(port),
         "--disable-reloader", "--threaded"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    portal.process, portal.log = process, log
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            portal.stop()
            raise RuntimeError(f"ckan run exited ({process.returncode}), see {log.name}")
        try:
            if requests.get(f"{url}/api/3/action/status_show", timeout=5).ok:
                return portal
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            portal.stop()
            raise RuntimeError(f"the portal did not answer on {url} in 120 s")
        time.sleep(0.5)
