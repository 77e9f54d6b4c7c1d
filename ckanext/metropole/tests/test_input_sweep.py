"""Hostile input never makes a 500 (issue 15, "make it impossible to reintroduce").

Generated, not hand-picked, in the demo's configuration (``config/demo.ini``'s
plugins: the DataStore, xloader, ckanext-harvest and our harvester included):

- every action the portal's plugins register, own or chained (CKAN's reads
  the portal chains among them: ``package_show``, ``package_search``, the
  DataStore's...), and every action of ckanext-harvest; the parameters are
  those the action's docstrings list, plus ``id``;
- every route of the app's ``url_map`` but static files (CKAN's pages and
  API, the portal's blueprints, the DCAT feeds, the exports, the committee
  pages, ckanext-harvest's pages), each method, with hostile values in the
  query or form parameters a page is likely to read and in its path's
  arguments.

Hostile values: control characters with an address that is no URL, huge and
negative numbers, a malformed date, a long text of brackets (deep JSON as
text); in JSON bodies also the wrong types: a list (holding an object and a
list nested 900 deep), an object, a boolean, an integer past 64 bits. NUL
has one request of its own per action and route: ``inputs.py`` refuses it
before any view runs, so it would hide the other values of its request.

Kinds rotate instead of multiplying: request k gives parameter j the kind
k + j (modulo the number of kinds), so every parameter meets every kind in
as many requests as there are kinds, all parameters hostile at once.
Actions: every rotation with a sysadmin's API token (the deepest paths, the
dataset's valid ``id`` every other request), one anonymously (no header: the
auth functions run with CKAN 2.11's ``AnonymousUser``) and NUL once; for the
portal's own ``metropole_*`` actions also one request per parameter, alone
hostile beside a valid ``id``, since a value that passes validation reaches
the action's own code. Routes: three of the five rotations, from an offset
that moves from route to route (each parameter meets three kinds on a page,
and every kind across the pages, which read their parameters through the same
helpers), anonymously, and with a sysadmin's browser session (cookie, CSRF
token in forms) when the anonymous answer asks for a login; a page whose first
answer is slow (``HEAVY``) gets two. Deleting endpoints and actions run last:
the world they spend is then no longer needed.

One world built once (a commune, a public dataset with a resource, a harvest
source), one app, CKAN's WSGI test client. Every answer must be below 500;
an exception out of the app, or no answer within ``TIMEOUT`` seconds (a hung
view is interrupted by SIGALRM), fails. No timing assertion. The sweep's size
(routes, actions, parameters, requests) goes to the terminal summary and to
``build/input-sweep.txt`` with the slowest endpoints.
"""
from __future__ import annotations

import collections
import configparser
import inspect
import json
import logging
import os
import pathlib
import re
import signal
import time
import traceback
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import orm

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.datastore.conftest import QUEUE, datastore_marks
from ckanext.metropole.tests.identities import CSRF_RE, PASSWORD, session

ROOT = pathlib.Path(__file__).resolve().parents[3]

# a request answering later than this fails the sweep
TIMEOUT = 60
# a page whose first answer takes more CPU seconds gets two rotations, not three
HEAVY = 0.3
# the rotations of a page (of len(TEXT)): the offset moves from page to page
ROUTE_ROTATIONS = 3

DEEP = 1_000
NUL = "a\x00b"
# values for a query string, a form field or a path argument
TEXT: dict[str, str] = {
    "text": 'http://exa mple.org/"<a>\'{}\x01\x08\x1b[31m\x7f\r\nX',
    "huge": "9" * 40,
    "negative": "-99999999999",
    "date": "2024-13-45T25:61:00+99:00",
    "long": "[" * DEEP + "]" * DEEP,
}
# values of a JSON body: the texts and the wrong types
JSON: dict[str, Any] = {
    **TEXT,
    "list": ["a", {"b": None}, json.loads("[" * 900 + "]" * 900)],
    "object": {"a": {"b": [1]}},
    "true": True,
    "int": -(2 ** 70),
}
# the names a page is likely to read from its query string or form
QUERY_NAMES = ("q", "fq", "page", "sort", "modified_since", "profiles", "year", "state",
               "commune", "criterion", "limit", "offset", "format", "id", "came_from",
               "ext_bbox", "tags", "res_format", "license_id", "organization", "groups",
               "activity_type", "before", "after", "type", "name", "url", "title")
# the modules whose plugins' actions are swept: the portal's and the harvest plugin's
ACTION_MODULES = ("ckanext.metropole", "ckanext.harvest")
# endpoints and actions that delete or purge: swept last
DESTRUCTIVE = re.compile(r"delete|purge|trash|clear|abort")
REDIS_PORT = os.environ.get("METROPOLE_REDIS_PORT", "63799")
REDIS_DB = os.environ.get("METROPOLE_TEST_HARVEST_REDIS_DB", "9")


def demo_plugins() -> str:
    """The plugins ``make demo`` serves: the sweep's configuration."""
    parser = configparser.RawConfigParser(strict=False)
    parser.read(ROOT / "config" / "demo.ini")
    return parser.get("app:main", "ckan.plugins")


def sweep_marks(func: Any) -> Any:
    func = datastore_marks(func)  # the DataStore and xloader settings of the tests
    for key, value in (
        ("ckan.plugins", demo_plugins()),
        ("ckan.harvest.mq.type", "redis"),
        ("ckan.harvest.mq.hostname", "127.0.0.1"),
        ("ckan.harvest.mq.port", REDIS_PORT),
        ("ckan.harvest.mq.redis_db", REDIS_DB),
    ):
        func = pytest.mark.ckan_config(key, value)(func)
    return func


def swept_actions() -> dict[str, Any]:
    """Every action the portal's plugins (own or chained) and the harvest plugin register."""
    found: dict[str, Any] = {}
    for plugin in p.PluginImplementations(p.IActions):
        if type(plugin).__module__.startswith(ACTION_MODULES):
            found.update(plugin.get_actions())
    # ckanext-harvest's list holds helpers its modules import too: CKAN registers
    # only what it can call (a name of its own, not already another's)
    from ckan.logic import _actions
    return {name: function for name, function in found.items()
            if name in _actions and inspect.isfunction(function)}


def parameters(name: str, function: Any) -> list[str]:
    """The parameters the action's docstrings list (its own, CKAN's), and ``id``."""
    docs = (function.__doc__ or "") + (tk.get_action(name).__doc__ or "")
    return sorted(set(re.findall(r":param ([\w.]+):", docs)) | {"id"})


def swept_rules(flask_app: Any) -> list[Any]:
    """Every route of the app but static files, those that destroy last."""
    return sorted((rule for rule in flask_app.url_map.iter_rules()
                   if not (rule.endpoint == "static" or rule.endpoint.endswith(".static")
                           or rule.rule.startswith("/webassets"))),
                  key=lambda rule: (bool(DESTRUCTIVE.search(rule.endpoint)),
                                    rule.rule, rule.endpoint))


def rotation(names: Any, kinds: dict[str, Any], k: int) -> dict[str, Any]:
    """Request ``k`` of a rotation: parameter ``j`` gets kind ``k + j``."""
    values = list(kinds.values())
    return {name: values[(j + k) % len(values)] for j, name in enumerate(names)}


def asks_login(answer: Any) -> bool:
    return answer.status_code in (401, 403) or (
        answer.status_code in (302, 303) and "/user/login" in answer.headers.get("Location", ""))


class Timeout(Exception):
    pass


class Raised(logging.Handler):
    """The exceptions the app logs while a request runs (CKAN logs the 500s
    it answers): a failure names where its exception was raised."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.seen.append(where(record.exc_info[1]))


def where(error: BaseException) -> str:
    """The exception and the innermost frame that raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    last = frames[-1] if frames else None
    at = f" at {'/'.join(last.filename.split('/')[-3:])}:{last.lineno} {last.name}" \
        if last else ""
    return f"{type(error).__name__}: {str(error)[:160]}{at}"


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout(f"no answer within {TIMEOUT} s")


class Sweep:
    """The world the requests run against, and what they found."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client(use_cookies=False)
        org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
        sysadmin = factories.Sysadmin(password=PASSWORD)
        self.token = factories.APIToken(user=sysadmin["name"])["token"]
        context = {"user": sysadmin["name"]}
        self.dataset = helpers.call_action(
            "package_create", context=dict(context),
            **complete_dataset(org["id"], name="balayage"))
        self.resource = self.dataset["resources"][0]
        self.source = helpers.call_action(
            "harvest_source_create", context=dict(context), name="source-balayage",
            title="Source", url="https://data.example.invalid/catalog.ttl",
            source_type="metropole_dcat_rdf", owner_org=org["id"])
        self.session = session(app, sysadmin["name"])
        self.csrf = CSRF_RE.search(
            self.session.get("/dataset/new").get_data(as_text=True)).group(1)
        # a path argument's valid value, by its name (the dataset's otherwise)
        self.fine: dict[str, str] = {
            "resource_id": self.resource["id"], "package_type": "dataset",
            "group_type": "organization", "type": "dataset", "_format": "ttl",
            "source_id": self.source["id"], "filename": "sport.csv",
            "user_id": sysadmin["name"], "logic_function": "package_show",
        }
        # ``id`` by blueprint: a page of the commune, the user, the source
        self.fine_id = {"organization": "dijon", "group": "dijon", "user": sysadmin["name"],
                        "dashboard": sysadmin["name"], "harvest": self.source["id"],
                        "harvester": self.source["id"]}
        self.failures: list[str] = []
        self.requests = 0
        self.raised = Raised()
        self.spent: dict[str, float] = collections.defaultdict(float)

    def send(self, what: str, method: str, path: str, client: Any = None,
             **kw: Any) -> Any:
        """One request; its answer, or None when it failed (recorded)."""
        self.requests += 1
        started = time.monotonic()
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(TIMEOUT)
        self.raised.seen.clear()
        try:
            answer = (client or self.client).open(path, method=method,
                                                  follow_redirects=False, **kw)
        except Exception as error:  # an exception out of the app is a 500
            outcome = where(error)
            model.Session.rollback()  # what CKAN's teardown does after a 500
            model.Session.remove()
            answer = None
        else:
            if answer.status_code < 500:
                return answer
            outcome = f"{answer.status_code} " + (
                "; ".join(self.raised.seen) or repr(answer.get_data(as_text=True)[:160]))
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
            self.spent[what.split(" ")[0]] += time.monotonic() - started
        self.failures.append(f"{what} {method} {path[:80]}: {outcome}")
        return answer

    # ------------------------------------------------------------ actions

    def action(self, name: str, data: dict[str, Any], what: str, token: bool) -> None:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = self.token
        self.send(f"{name} {what} {'token' if token else 'anonymous'}", "POST",
                  f"/api/3/action/{name}", headers=headers, data=json.dumps(data))

    def sweep_action(self, name: str, params: list[str]) -> None:
        valid_id = self.source["id"] if name.startswith("harvest") else self.dataset["name"]
        # NUL: refused before any action runs or any identity is read, one
        # request for all parameters
        self.action(name, {param: NUL for param in params}, "(NUL)", True)
        # anonymously, the actions refuse before reading (their auth functions
        # run, with CKAN 2.11's AnonymousUser): one rotation, the valid id beside
        data = rotation(params, JSON, 1)
        data["id"] = valid_id
        self.action(name, data, "rotation 1", False)
        for k in range(len(JSON)):
            data = rotation(params, JSON, k)
            if k % 2:
                data["id"] = valid_id
            self.action(name, data, f"rotation {k}", True)
        if name.startswith("metropole_"):
            kinds = list(JSON)
            for j, param in enumerate(params):
                if param != "id":
                    kind = kinds[j % len(kinds)]
                    self.action(name, {"id": valid_id, param: JSON[kind]},
                                f"{param}={kind}", True)

    # ------------------------------------------------------------ routes

    def path(self, rule: Any, kinds: dict[str, str] | None) -> str:
        """The rule's path with valid arguments, or hostile ones by rotation."""
        path = rule.rule
        blueprint = rule.endpoint.split(".")[0]
        for j, (arg, converter) in enumerate(rule._converters.items()):
            number = "int" in type(converter).__name__.lower()
            if kinds is None:
                value = "2026" if number else self.fine.get(
                    arg, self.fine_id.get(blueprint, self.dataset["name"])
                    if arg == "id" else self.dataset["name"])
            else:
                value = str(list(kinds.values())[j % len(kinds)])
                if number:  # the converter refuses anything but digits: a 404
                    value = "9" * 40 if j % 2 else "0"
            path = re.sub(rf"<(?:[^<>]+:)?{re.escape(arg)}>",
                          quote(str(value), safe="").replace("\\", r"\\"), path)
        return path

    def sweep_rule(self, rule: Any, index: int = 0) -> None:
        """The route's methods; each gets ``ROUTE_ROTATIONS`` of the rotations,
        from an offset that moves with the route's ``index``: a parameter meets
        three kinds on each page and every kind across the pages (CKAN's pages
        read their parameters through the same few helpers)."""
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        valid = self.path(rule, None)
        for method in methods:
            argument = "query_string" if method == "GET" else "data"
            what = f"{rule.endpoint} {method}"
            # NUL in every parameter, and in the path if it has arguments
            self.send(f"{what} NUL", method,
                      self.path(rule, {"nul": NUL}) if rule._converters else valid,
                      **{argument: {name: NUL for name in QUERY_NAMES}})
            if rule._converters:
                self.send(f"{what} hostile path", method, self.path(rule, TEXT))
            started = time.process_time()
            offsets = [(index + i) % len(TEXT) for i in range(ROUTE_ROTATIONS)]
            first = self.send(f"{what} rotation {offsets[0]}", method, valid,
                              **{argument: rotation(QUERY_NAMES, TEXT, offsets[0])})
            if time.process_time() - started > HEAVY:
                offsets = offsets[:2]
            if first is None or first.status_code < 300:
                # the view read the parameters: the other rotations
                for k in offsets[1:]:
                    self.send(f"{what} rotation {k}", method, valid,
                              **{argument: rotation(QUERY_NAMES, TEXT, k)})
            elif asks_login(first) or (method != "GET" and first.status_code in (400, 403)):
                # refused before the view (a login, a form's CSRF token):
                # the rotations with a sysadmin's browser session
                for k in offsets:
                    form = rotation(QUERY_NAMES, TEXT, k)
                    if method != "GET":
                        form["_csrf_token"] = self.csrf
                    self.send(f"{what} rotation {k} session", method, valid,
                              client=self.session, **{argument: form})


class SizeReport:
    """The sweep's size at the end of pytest's terminal summary."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("bad-input sweep")
        for line in self.lines:
            terminalreporter.write_line(line)


@pytest.fixture
def sweep(reset_db: Any, migrate_db_for: Any, with_plugins: Any, clean_index: Any,
          app: Any, ckan_config: Any, monkeypatch: Any, tmp_path: Any) -> Any:
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")
    from ckan.lib import jobs

    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.datastore.tests.helpers import clear_db

    clear_db(orm.scoped_session(orm.sessionmaker(bind=get_write_engine())))
    monkeypatch.setitem(ckan_config, "ckanext.xloader.jobs_db.uri",
                        f"sqlite:///{tmp_path}/xloader-jobs.db")
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "storage"))
    jobs.get_queue(QUEUE).empty()
    sweep = Sweep(app)
    root = logging.getLogger()
    level = root.level
    root.addHandler(sweep.raised)
    root.setLevel(min(level or logging.WARNING, logging.ERROR))
    yield sweep
    root.removeHandler(sweep.raised)
    root.setLevel(level)
    jobs.get_queue(QUEUE).empty()


@sweep_marks
def test_every_action_and_route_takes_hostile_values(
        sweep: Sweep, app: Any, request: Any) -> None:
    started = time.monotonic(), time.process_time()
    actions = swept_actions()
    # the portal's own, CKAN's it chains, the DataStore's, ckanext-dcat's, the harvest plugin's
    assert {"metropole_report", "bulk_update_public", "datastore_search", "package_search",
            "dcat_dataset_show", "harvest_source_create"} <= set(actions)
    rules = swept_rules(app.flask_app)
    endpoints = {rule.endpoint.split(".")[0] for rule in rules}
    # the portal's blueprints, the feeds, the exports, the committee pages, CKAN's, harvest's
    assert {"metropole_dcat", "metropole_catalogue", "metropole_committee", "dataset",
            "api", "harvest"} <= endpoints, endpoints
    ordered = sorted(actions, key=lambda name: (bool(DESTRUCTIVE.search(name)), name))
    destructive_rules = [rule for rule in rules if DESTRUCTIVE.search(rule.endpoint)]
    params = {name: parameters(name, actions[name]) for name in ordered}
    action_requests = route_requests = 0
    # what destroys last: actions, routes, then deleting actions, deleting routes
    for batch in ([n for n in ordered if not DESTRUCTIVE.search(n)],
                  [r for r in rules if r not in destructive_rules],
                  [n for n in ordered if DESTRUCTIVE.search(n)],
                  destructive_rules):
        for item in batch:
            before = sweep.requests
            if isinstance(item, str):
                sweep.sweep_action(item, params[item])
                action_requests += sweep.requests - before
            else:
                sweep.sweep_rule(item, rules.index(item))
                route_requests += sweep.requests - before
    wall, cpu = time.monotonic() - started[0], time.process_time() - started[1]
    lines = [
        f"{len(actions)} actions ({sum(map(len, params.values()))} parameters): "
        f"{action_requests} requests; {len(rules)} routes: {route_requests} requests; "
        f"{sweep.requests} requests in all, {len(sweep.failures)} 5xx or timeouts",
        f"{wall:.0f} s wall, {cpu:.0f} s CPU, load average "
        + " ".join(f"{n:.1f}" for n in os.getloadavg()),
        "slowest: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(
            sweep.spent.items(), key=lambda kv: -kv[1])[:12]),
    ]
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / f"input-sweep-{tk.check_ckan_version('2.12') and '2.12' or '2.11'}.txt"
     ).write_text("\n".join([*lines, *sweep.failures]) + "\n")
    request.config.pluginmanager.register(SizeReport(lines))
    assert not sweep.failures, "\n".join([*lines, *sweep.failures])
