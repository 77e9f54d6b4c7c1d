"""Hostile input never makes a 500 (issue 15, "make it impossible to reintroduce").

Generated, not hand-picked: every route the portal's blueprints register and
every action its plugins register (each parameter its docstring lists, plus
``id``) receive hostile values — NUL, control characters, huge and negative
numbers, deep JSON, wrong types, malformed dates and URLs — through real HTTP
on a served site (anonymous and a sysadmin's API token for the pages, the
sysadmin's token for the actions: the deepest code paths). Every answer must
be a 4xx or a 200; a 5xx, or no answer within the request timeout, fails.
Only a bound on each request's time, no timing assertion.

A new route or action is swept as soon as it is registered.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.datastore.conftest import clean_datastore, datastore_marks, site  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.usefixtures("with_plugins")]

# (connect, read) seconds: a request that takes longer fails the sweep
TIMEOUT = (5, 60)

DEEP = 5_000
# values for a query string or a form field
TEXT = {
    "nul": "a\x00b",
    "control": "\x01\x08\x1b[31m\x7f\r\nX",
    "huge": "9" * 40,
    "negative": "-99999999999",
    "deep-json": "[" * DEEP + "]" * DEEP,
    "date": "2024-13-45T25:61:00+99:00",
    "url": 'http://exa mple.org/"<a>\'{}',
}
# values of a JSON body: the texts and the wrong types
JSON: dict[str, Any] = {
    **TEXT,
    "list": ["a", {"b": None}],
    "object": {"a": {"b": [1]}},
    "true": True,
    "int": -(2 ** 70),
    "nested": json.loads("[" * 900 + "]" * 900),
}
# the names a page is likely to read from its query string
QUERY_NAMES = ("q", "fq", "page", "sort", "modified_since", "profiles", "year", "state",
               "commune", "criterion", "limit", "offset", "format", "id", "came_from")

def portal_actions() -> dict[str, Any]:
    """Every action the portal's plugins register (own or chained)."""
    found: dict[str, Any] = {}
    for plugin in p.PluginImplementations(p.IActions):
        if type(plugin).__module__.startswith("ckanext.metropole"):
            found.update(plugin.get_actions())
    return found


def parameters(name: str, function: Any) -> list[str]:
    """The parameters the action's docstrings list (its own, CKAN's), and ``id``."""
    docs = (function.__doc__ or "") + (tk.get_action(name).__doc__ or "")
    return sorted(set(re.findall(r":param ([\w.]+):", docs)) | {"id"})


def portal_rules(flask_app: Any) -> list[Any]:
    """Every route of the portal's blueprints (and the feeds it takes over)."""
    return sorted((rule for rule in flask_app.url_map.iter_rules()
                   if rule.endpoint.split(".")[0].startswith(("metropole_", "dcat"))
                   and not rule.rule.startswith("/webassets")),
                  key=lambda rule: (rule.rule, rule.endpoint))


class Sweep:
    def __init__(self, url: str) -> None:
        org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
        sysadmin = factories.Sysadmin()
        self.token = factories.APIToken(user=sysadmin["name"])["token"]
        self.dataset = helpers.call_action(
            "package_create", **complete_dataset(org["id"], name="balayage", resources=[]))
        self.url = url
        self.failures: list[str] = []
        self.requests = 0

    def check(self, key: tuple[str, str, str], method: str, path: str,
              headers: dict[str, str] | None = None, known: bool = False,
              **kw: Any) -> None:
        self.requests += 1
        try:
            answer = requests.request(method, self.url + path, headers=headers,
                                      timeout=TIMEOUT, allow_redirects=False, **kw)
        except requests.RequestException as error:
            outcome = f"no answer: {type(error).__name__}"
        else:
            if answer.status_code < 500:
                return
            outcome = f"{answer.status_code} {answer.text[:120]!r}"
        self.failures.append(f"{key} {method} {path[:80]}: {outcome}")

    def action(self, name: str, param: str, kind: str, value: Any) -> None:
        data = {"id": self.dataset["name"], param: value}
        self.check((name, param, kind), "POST", f"/api/3/action/{name}",
                   headers={"Authorization": self.token,
                            "Content-Type": "application/json"},
                   data=json.dumps(data))

    def rule(self, rule: Any, kind: str, value: str, token: bool) -> Iterator[None]:
        headers: dict[str, str] = {"Authorization": self.token} if token else {}
        methods = rule.methods - {"HEAD", "OPTIONS"}
        fine = {arg: ("2026" if "int" in type(conv).__name__.lower() else
                      self.dataset["name"])
                for arg, conv in rule._converters.items()}
        hostile = {arg: (value if "int" not in type(conv).__name__.lower() else
                         {"huge": "9" * 40, "negative": "0"}.get(kind, "0"))
                   for arg, conv in rule._converters.items()}
        query = {name: value for name in QUERY_NAMES}
        for args in ([fine, hostile] if rule._converters else [fine]):
            path = rule.rule
            for arg, arg_value in args.items():
                path = re.sub(rf"<(?:[\w]+:)?{arg}>", quote(arg_value, safe=""), path)
            for method in sorted(methods):
                if method == "GET":
                    self.check((rule.rule, "query", kind), "GET", path, headers=headers,
                               params=query)
                else:
                    self.check((rule.rule, "form", kind), method, path, headers=headers,
                               data=query)
            yield


@pytest.fixture
def sweep(site: str) -> Sweep:  # noqa: F811
    return Sweep(site)


@datastore_marks
def test_every_action_parameter_takes_hostile_values(sweep: Sweep) -> None:
    actions = portal_actions()
    assert {"metropole_report", "bulk_update_public", "datastore_search",
            "package_search"} <= set(actions)
    for name, function in sorted(actions.items()):
        for param in parameters(name, function):
            for kind, value in JSON.items():
                sweep.action(name, param, kind, value)
    print(f"{len(actions)} actions, {sweep.requests} requests")
    assert not sweep.failures, "\n".join(sweep.failures)


@datastore_marks
def test_every_portal_route_takes_hostile_values(sweep: Sweep, app: Any) -> None:
    rules = portal_rules(app.flask_app)
    assert {"/catalog.<_format>", "/comite/rapport/<int:year>"} <= {r.rule for r in rules}
    for rule in rules:
        for kind, value in TEXT.items():
            for token in (False, True):
                for _ in sweep.rule(rule, kind, value, token):
                    pass
    print(f"{len(rules)} routes, {sweep.requests} requests")
    assert not sweep.failures, "\n".join(sweep.failures)
