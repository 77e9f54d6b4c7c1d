"""Asking every probe as every role, and finding the sentinels in the replies."""
from __future__ import annotations

import dataclasses
import html
import json
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

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

def role_groups(anonymous_apart: bool = True) -> tuple[tuple[str, ...], ...]:
    """The roles rules.py entitles identically to every field at every state,
    in rules.ROLES order; anonymous stands apart (another identity kind)
    unless ``anonymous_apart`` is false."""
    groups: dict[Any, list[str]] = {}
    for role in rules.ROLES:
        if role == "sysadmin":
            continue  # reads everything: nothing to find
        signature = (anonymous_apart and role == "anonymous", tuple(
            rules.entitled(role, s, f) for s in rules.STATES for f in rules.FIELDS))
        groups.setdefault(signature, []).append(role)
    return tuple(tuple(g) for g in groups.values())


# site-wide probes (lists, searches, feeds: every dataset at once): anonymous
# asks them all, apart from the plain users (issue 15's item 1 was anonymous only)
GROUPS = role_groups()
GROUP_OF = {role: group for group in GROUPS for role in group}


def dataset_plan() -> dict[str, dict[str, str]]:
    """state -> role -> the role that asks the probes about the dataset in
    that state for it: roles rules.py entitles alike *at that state* (every
    field of its dataset) are one group there, anonymous included, and one of
    them asks, the least used so far (rules.ROLES order on ties), so that every
    role asks about some state. At draft, private, announced, deleted and
    harvested the committee, the plain users and anonymous are entitled alike:
    one of them asks for all."""
    used: Counter[str] = Counter()
    plan: dict[str, dict[str, str]] = {}
    roles = [r for r in rules.ROLES if r != "sysadmin"]
    for state in rules.STATES:
        groups: dict[tuple[bool, ...], list[str]] = {}
        for role in roles:
            groups.setdefault(tuple(rules.entitled(role, state, f) for f in rules.FIELDS),
                              []).append(role)
        plan[state] = {}
        for group in groups.values():
            chosen = min(group, key=lambda r: (used[r], rules.ROLES.index(r)))
            used[chosen] += 1
            plan[state].update(dict.fromkeys(group, chosen))
    return plan


DATASET_PLAN = dataset_plan()
# the API actions a browser session also asks (the rest of the API only with a
# token: both reach the same actions through CKAN's identify step, and
# test_session_and_token_see_the_same_api proves it on these)
SESSION_API = frozenset({"action package_show", "action package_search",
                         "action metropole_review_list", "action user_activity_list",
                         "action dashboard_activity_list", "action tag_list",
                         "action datastore_search", "action resource_show"})


def representative(role: str, state: str) -> str:
    """The role that asks the probes about the dataset in ``state`` for
    ``role`` (:func:`dataset_plan`)."""
    return DATASET_PLAN[state][role]


class Matrix:
    """The probes and who asks them; replies are kept by the portal.

    Who asks what (the plan): each group of roles entitled alike to the
    dataset of a state (:func:`dataset_plan`, anonymous included) asks the
    probes about it through one representative (:func:`representative`);
    anonymous asks every site-wide probe (lists, searches, dashboards, feeds:
    about every dataset at once), each other group
    (:data:`GROUPS`) through one of its roles in turn, label by label, so that
    every role asks part of every action's variants. API actions with the token, pages with
    the session, and :data:`SESSION_API` with both."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.world = portal.world
        self.reads = probes.all_reads(self.world, portal.app)
        portal.reads = self.reads
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        # site-wide probe -> group -> the role that asks it
        turns: dict[tuple[tuple[str, ...], str], int] = {}
        self.sitewide: dict[probes.Probe, dict[tuple[str, ...], str]] = {}
        for probe in self.reads:
            if self.state_of(probe) is not None:
                continue
            chosen = {}
            for group in GROUPS:
                turn = turns.get((group, probe.label), zlib.crc32(probe.label.encode()))
                turns[(group, probe.label)] = turn + 1
                chosen[group] = group[turn % len(group)]
            self.sitewide[probe] = chosen
        # the session's sample of SESSION_API: the first probe of each action
        # per state (and one site-wide)
        firsts: dict[tuple[str, str | None], probes.Probe] = {}
        for probe in self.reads:
            if probe.label in SESSION_API:
                firsts.setdefault((probe.label, self.state_of(probe)), probe)
        self.session_api = set(firsts.values())

    @staticmethod
    def state_of(probe: probes.Probe) -> str | None:
        return probe.about or (probe.oracle[0] if probe.oracle else None)

    def principals(self, role: str) -> list[Principal]:
        if role == "anonymous":
            return [self.portal.principals["anonymous"]]
        return [self.portal.principals[f"{role}/token"],
                self.portal.principals[f"{role}/session"]]

    def asks(self, principal: Principal, probe: probes.Probe) -> bool:
        """Does this principal ask this probe? (the plan above; and a role
        entitled to every sentinel of the dataset a probe is about learns
        nothing from it)"""
        if principal.kind == "token" and probe.channel != "api":
            return False
        if principal.kind == "session" and probe.channel != "page" \
                and probe not in self.session_api:
            return False
        role = principal.role
        state = self.state_of(probe)
        if state is None:
            if self.sitewide[probe][GROUP_OF[role]] != role:
                return False
        elif representative(role, state) != role:
            return False
        if probe.about is not None:
            carried = self.world.datasets[probe.about].sentinels
            if all(rules.entitled(role, probe.about, f) for f in carried):
                return False
        return not (probe.oracle is not None and rules.entitled(role, *probe.oracle))

    def replies(self, principal: Principal) -> Iterable[tuple[probes.Probe, Reply]]:
        for probe in self.reads:
            if self.asks(principal, probe):
                yield probe, self.ask(principal, probe)

    def ask(self, principal: Principal, probe: probes.Probe) -> Reply:
        headers = dict(probe.headers)
        if probe.method == "POST":
            return self.portal.post(principal, probe.url, json.loads(probe.body),
                                    label=probe.label)
        return self.portal.get(principal, probe.url,
                               params=dict(_grouped(probe.params)) or None,
                               headers=headers or None, label=probe.label)


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




def size(portal: Portal, reads: list[probes.Probe]) -> str:
    """What the matrix ran: requests per identity kind, roles, states, probes,
    endpoints, and what it cost (the closing note of issue 15 quotes it)."""
    kinds = Counter(key.split("/")[1] if "/" in key else "anonymous"
                    for (key, _, _, _) in portal._replies)
    roles = {key.split("/")[0] for (key, _, _, _) in portal._replies}
    states = {Matrix.state_of(p) for p in reads} - {None}
    endpoints = {p.label for p in reads}
    cpu = {k: sum(v) for k, v in portal.cpu.items()}
    costly = sorted(portal.cpu_by_label.items(), key=lambda kv: -kv[1])[:10]
    return (f"{portal.requests} requests ({', '.join(f'{k} {n}' for k, n in kinds.items())}), "
            f"{len(roles)} roles in {len(GROUPS)} groups, {len(states)} states, "
            f"{len(reads)} probes over {len(endpoints)} endpoints; "
            f"set-up {portal.setup_seconds[0]:.0f} s (CPU {portal.setup_seconds[1]:.0f} s), "
            f"requests CPU {sum(cpu.values()):.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in cpu.items()) + "); costliest: "
            + ", ".join(f"{label} {s:.1f} s" for label, s in costly))
