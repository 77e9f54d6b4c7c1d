"""The authorization matrix: no reply to a role not entitled carries a sentinel.

Every probe (probes.py: actions of the registry, pages of the URL map,
content negotiation, search oracles) is asked by every role, through the
WSGI application, as a real client would: anonymous (no cookie, no header),
with an API token (``Authorization``) and with a browser session (cookie of
a login through ``/user/login`` with the form's CSRF token). Each unpublished
dataset carries its own sentinels (world.py); who may read each of them is
the one table of rules.py, which is README.md's section "Security and
confidentiality".

One test per role and state: a failure lists every leak of that cell with
the principal, the request, the status, the field and the text around the
sentinel. Leaks known from issue 15 (being fixed on other branches) are in
known.py: the cell is an expected failure while they leak, and fails once
they stop leaking, until the entry is removed.
"""
from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

import pytest

from ckanext.metropole.tests.security import known, probes, rules
from ckanext.metropole.tests.security.matrix import GROUPS, SESSION_API, Matrix, leaks_of, representative
from ckanext.metropole.tests.security.world import USERS

README = Path(__file__).resolve().parents[4] / "README.md"


# ----------------------------------------------------------------- identities

def test_the_three_identities_are_three_paths(matrix: Matrix) -> None:
    """The anonymous client carries nothing, the token client its header only,
    the session client its login cookie only (client.py checks every request);
    each logged-in client is really that user: their dashboard names them."""
    portal = matrix.portal
    anonymous = portal.get(portal.principals["anonymous"], "/dashboard/datasets")
    assert "/user/login" in anonymous.body
    assert "Se connecter" in anonymous.body
    for role, name in USERS.items():
        fullname = matrix.world.users[role].get("fullname") or name
        for kind in ("token", "session"):
            principal = portal.principals[f"{role}/{kind}"]
            page = portal.get(principal, "/dashboard/datasets")
            assert page.status == 200, (principal.key, page.status)
            assert f'href="/user/{name}"' in page.body, principal.key
            assert html.escape(fullname) in page.body, principal.key
    session = portal.principals["member/session"]
    assert session.client.get_cookie("ckan") is not None or \
        any(True for _ in session.client._cookies), "no session cookie"


# ----------------------------------------------------------------- rules

def _readme_table() -> dict[str, tuple[str, ...]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Security and confidentiality\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    header = [c.strip(" *") for c in rows[0].strip("|").split("|")]
    assert header[1:] == [rules.LABELS[s] for s in rules.STATES], header
    table = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in rules.TABLE:
            table[cells[0]] = tuple(" ".join(c.replace("·", " ").split()) for c in cells[1:])
    return table


def test_the_readme_states_these_rules() -> None:
    """README.md's table of who reads what is the one this matrix asserts."""
    assert _readme_table() == rules.TABLE


# ----------------------------------------------------------------- coverage

def test_every_action_of_the_portal_is_probed(matrix: Matrix) -> None:
    """Each action the portal registers or chains is asked (read) or tried
    (write: test_writes_are_refused_and_tell_nothing)."""
    ours = probes.portal_actions()
    asked = {p.label.split()[1] for p in matrix.reads + probes.writes(matrix.world)
             if p.label.startswith("action ")}
    assert set(ours) - asked == set()
    # and the registry's content reads the issue names are there
    for name in ("package_show", "package_search", "package_activity_list", "activity_show",
                 "user_activity_list", "dashboard_activity_list", "organization_activity_list",
                 "recently_changed_packages_activity_list", "tag_list", "tag_show",
                 "tag_autocomplete", "datastore_search", "datastore_info",
                 "datastore_search_sql", "resource_show", "package_collaborator_list"):
        assert name in asked, name


# ----------------------------------------------------------------- the matrix

def _cell(role: str, state: str) -> object:
    entries = known.entries_of(role, state)
    marks = [pytest.mark.xfail(strict=True, raises=known.KnownLeak,
                               reason="; ".join(k.reason for k in entries))] if entries else []
    return pytest.param(role, state, marks=marks, id=f"{role}-{state}")


CELLS = [_cell(role, state) for role in rules.ROLES if role != "sysadmin"
         for state in rules.STATES]


@pytest.mark.parametrize(("role", "state"), CELLS)
def test_no_leak(matrix: Matrix, role: str, state: str) -> None:
    """No reply to ``role`` carries a sentinel of the dataset in ``state`` that
    README.md's "Security and confidentiality" does not grant ``role``."""
    leaks = leaks_of(matrix, role, state)
    expected, unexpected = known.split(leaks)
    if unexpected:
        pytest.fail("\n".join(
            [f"{len(unexpected)} leak(s) to {role} of the dataset '{state}' "
             "(README.md, 'Security and confidentiality'):"]
            + [leak.line() for leak in unexpected]), pytrace=False)
    entries = known.entries_of(role, state)
    idle = [k for k in entries if not any(k.matches(leak) for leak in expected)]
    if idle and expected:
        pytest.fail("known.py names leaks this cell no longer has (remove or narrow them):\n"
                    + "\n".join(f"  item {k.item}: {k.what}" for k in idle), pytrace=False)
    if expected:
        raise known.KnownLeak("\n".join(
            [f"{len(expected)} known leak(s):"] + [leak.line() for leak in expected]))


def test_no_request_fails(matrix: Matrix) -> None:
    """The matrix's requests all got an answer (an exception hides what it would
    have shown); the bad-input sweep owns the 500s of hostile values."""
    errors = Counter()
    for (_key, method, url, _), reply in matrix.portal._replies.items():
        if reply.error:
            errors[f"{method} {url.split('?')[0]}: {reply.error[:120]}"] += 1
    assert not errors, "\n".join(f"{n} × {e}" for e, n in errors.most_common())


def test_the_matrix_asked_every_role_state_and_identity(matrix: Matrix) -> None:
    """Every role, identity kind and state was asked; each group of roles
    entitled alike has a representative at every state, and every role of a
    group is the representative at some state (conftest prints the size)."""
    for role in rules.ROLES:
        if role != "sysadmin":
            for principal in matrix.principals(role):
                list(matrix.replies(principal))  # asked once (the replies are kept)
    portal = matrix.portal
    kinds = {key.split("/")[1] if "/" in key else "anonymous"
             for (key, _, _, _) in portal._replies}
    roles = {key.split("/")[0] for (key, _, _, _) in portal._replies}
    about = {Matrix.state_of(p) for p in matrix.reads} - {None}
    assert kinds == {"anonymous", "token", "session"}
    assert roles - {"sysadmin"} == set(rules.ROLES) - {"sysadmin"}
    assert about == set(rules.STATES)
    assert {r for g in GROUPS for r in g} == set(rules.ROLES) - {"sysadmin"}
    assert ("anonymous",) in GROUPS
    everyone = set(rules.ROLES) - {"sysadmin"}
    # every role asks about some state, each for roles entitled as it is there
    assert {representative(r, s) for r in everyone for s in rules.STATES} == everyone
    for s in rules.STATES:
        for r in everyone:
            stand_in = representative(r, s)
            assert all(rules.entitled(r, s, f) == rules.entitled(stand_in, s, f)
                       for f in rules.FIELDS), (r, s, stand_in)


def test_session_and_token_see_the_same_api(matrix: Matrix) -> None:
    """The API actions of SESSION_API, asked by each role's browser session
    and API token: same status, same sentinels (the rest of the API is asked
    with the token only)."""
    index = matrix.world.sentinel_index()
    compared, differ = 0, []
    for role in rules.ROLES:
        if role in ("anonymous", "sysadmin"):
            continue
        token, session = matrix.principals(role)
        for probe in matrix.reads:
            if probe.label not in SESSION_API or not matrix.asks(session, probe):
                continue
            a, b = matrix.ask(token, probe), matrix.ask(session, probe)
            seen_a = {s for s in index if s in a.body}
            seen_b = {s for s in index if s in b.body}
            compared += 1
            if (a.status, seen_a) != (b.status, seen_b):
                differ.append(f"{role} {probe.label} {probe.url}: token {a.status} "
                              f"{sorted(seen_a ^ seen_b)} session {b.status}")
    assert compared > 30, (compared, differ)
    assert not differ, (compared, differ)


# ----------------------------------------------------------------- writes

@pytest.mark.parametrize("role", ["anonymous", "user"])
def test_writes_are_refused_and_tell_nothing(matrix: Matrix, role: str) -> None:
    """Every write action the portal registers or chains, tried on every
    dataset by someone who may make none of them (anonymous, a plain user):
    refused with a 4xx, and the refusal carries no sentinel. (Last in the
    module: a write that went through would change the world.)"""
    wrong = []
    tried: set[str] = set()
    for principal in matrix.principals(role):
        for probe in probes.writes(matrix.world):
            if principal.kind == "session":
                if probe.label in tried:
                    continue  # the session tries each action once (the token: every dataset)
                tried.add(probe.label)
            reply = matrix.ask(principal, probe)
            data = reply.json() or {}
            if reply.error or not 400 <= reply.status < 500 or data.get("success"):
                wrong.append(f"{principal.key} {probe.label} ({probe.about}): {reply.status} "
                             f"{(reply.error or reply.body)[:160]}")
                continue
            for state, d in matrix.world.datasets.items():
                for field, sentinel in d.sentinels.items():
                    if sentinel in reply.body and sentinel not in probe.body \
                            and not rules.entitled(role, state, field):
                        wrong.append(f"{principal.key} {probe.label}: {state} {field}")
    assert not wrong, "\n".join(wrong)
