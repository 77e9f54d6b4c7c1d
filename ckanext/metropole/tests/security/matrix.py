"""Asking every probe as every role, and finding the sentinels in the replies."""
from __future__ import annotations

import dataclasses
import html
import json
import re
import time
from typing import Any, Iterable

from ckanext.metropole.tests.security import probes, rules
from ckanext.metropole.tests.security.client import Portal, Principal, Reply


@dataclasses.dataclass(frozen=True)
class Leak:
    principal: str
    role: str
    state: str
    field: str
    sentinel: str
    label: str
    method: str
    url: str
    status: int
    context: str

    def line(self) -> str:
        return (f"  {self.principal:<24} {self.field:<22} {self.method} {self.url} -> "
                f"{self.status}  [{self.label}]\n      …{self.context}…")


# ----------------------------------------------------------------- the asking

class Matrix:
    """The probes and who asks them; replies are kept by the portal."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.world = portal.world
        self.reads = probes.all_reads(self.world, portal.app)
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()

    def principals(self, role: str) -> list[Principal]:
        if role == "anonymous":
            return [self.portal.principals["anonymous"]]
        return [self.portal.principals[f"{role}/token"],
                self.portal.principals[f"{role}/session"]]

    def asks(self, principal: Principal, probe: probes.Probe) -> bool:
        """Does this principal ask this probe? API with a token, pages with a
        session, both anonymously; a role entitled to every sentinel of the
        dataset a probe is about learns nothing from it."""
        if principal.kind == "token" and probe.channel != "api":
            return False
        if principal.kind == "session" and probe.channel != "page":
            return False
        if probe.about is not None:
            carried = self.world.datasets[probe.about].sentinels
            if all(rules.entitled(principal.role, probe.about, f) for f in carried):
                return False
        if probe.oracle is not None and rules.entitled(principal.role, *probe.oracle):
            return False
        return True

    def replies(self, principal: Principal) -> Iterable[tuple[probes.Probe, Reply]]:
        for probe in self.reads:
            if self.asks(principal, probe):
                yield probe, self.ask(principal, probe)

    def ask(self, principal: Principal, probe: probes.Probe) -> Reply:
        headers = dict(probe.headers)
        if probe.method == "POST":
            return self.portal.post(principal, probe.url, json.loads(probe.body))
        return self.portal.get(principal, probe.url,
                               params=dict(_grouped(probe.params)) or None,
                               headers=headers or None)


def _grouped(params: tuple[tuple[str, Any], ...]) -> Iterable[tuple[str, Any]]:
    out: dict[str, list[Any]] = {}
    for key, value in params:
        out.setdefault(key, []).append(value)
    return ((k, v[0] if len(v) == 1 else v) for k, v in out.items())


def _found_by_search(reply: Reply) -> bool:
    data = reply.json()
    return bool(reply.status == 200 and isinstance(data, dict) and data.get("success")
                and (data.get("result") or {}).get("count"))


def _echo_found(probe: probes.Probe, reply: Reply) -> bool:
    """A probe that names a sentinel (a tag): the reply betrays it when it
    answers with something rather than refuses."""
    if reply.status != 200:
        return False
    if probe.channel == "api":
        data = reply.json()
        return bool(isinstance(data, dict) and data.get("success") and data.get("result"))
    return "<entry" in reply.body or "<item" in reply.body


def _context(body: str, sentinel: str) -> str:
    at = body.find(sentinel)
    snippet = body[max(0, at - 70): at + len(sentinel) + 50]
    return re.sub(r"\s+", " ", html.unescape(snippet))


def leaks_of(matrix: Matrix, role: str, state: str) -> list[Leak]:
    dataset = matrix.world.datasets[state]
    hidden = {field: s for field, s in dataset.sentinels.items()
              if not rules.entitled(role, state, field)}
    found: list[Leak] = []
    for principal in matrix.principals(role):
        for probe, reply in matrix.replies(principal):
            if reply.error:
                continue  # an exception, not a reply (reported by test_no_request_fails)
            if probe.oracle is not None:
                if probe.oracle[0] == state and probe.oracle[1] in hidden \
                        and _found_by_search(reply):
                    found.append(Leak(principal.key, role, state, probe.oracle[1],
                                      dict(probe.params)["q"], probe.label, probe.method,
                                      reply.url, reply.status, "a search by the field finds "
                                      "the dataset"))
                continue
            for field, sentinel in hidden.items():
                if probe.echo == sentinel:
                    if _echo_found(probe, reply):
                        found.append(Leak(principal.key, role, state, field, sentinel,
                                          probe.label, probe.method, reply.url,
                                          reply.status, "the request named it; the reply "
                                          "answered with content"))
                elif sentinel in reply.body and sentinel not in probe.url + probe.body \
                        and not any(sentinel in str(v) for _, v in probe.params):
                    found.append(Leak(principal.key, role, state, field, sentinel,
                                      probe.label, probe.method, reply.url, reply.status,
                                      _context(reply.body, sentinel)))
    return found


