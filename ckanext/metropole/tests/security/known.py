"""Leaks the matrix finds that are not fixed yet (none today: keep it so).

Each entry names the item, the probes (a regex on the probe's label), the
roles, states and fields it leaks. The cells (role, state) an entry covers
are marked ``xfail(strict=True, raises=KnownLeak)`` in test_matrix.py:

- the cell still leaks only what its entries describe: ``KnownLeak``, xfailed;
- it leaks anything else as well: a plain failure (``raises`` lets only
  ``KnownLeak`` through), listing the unexpected leaks;
- it no longer leaks at all: strict XPASS, a failure: remove the entry with
  the fix.

An entry must be exact: a cell it names that does not leak fails (XPASS).
"""
from __future__ import annotations

import dataclasses
import fnmatch
import re
from typing import Any

from ckanext.metropole.tests.security import rules


class KnownLeak(AssertionError):
    """A cell leaks what a known entry describes, and nothing else."""


@dataclasses.dataclass(frozen=True)
class Known:
    item: str  # the item ("1", "10 tags"…)
    what: str
    label: str  # regex on the probe's label
    roles: tuple[str, ...]
    states: tuple[str, ...]
    fields: str = "*"  # fnmatch patterns, space separated

    @property
    def reason(self) -> str:
        return f"issue 15 item {self.item}: {self.what} (not fixed yet)"

    def matches(self, leak: Any) -> bool:
        return (re.search(self.label, leak.label) is not None
                and leak.role in self.roles and leak.state in self.states
                and any(fnmatch.fnmatchcase(leak.field, p) for p in self.fields.split()))


NOT_PRODUCER = ("anonymous", "user", "other_editor", "other_admin")
COMMITTEE = ("member", "secretary", "president")
UNDER_REVIEW = ("propose", "en_examen", "avis_rendu")
DECIDED_CLOSED = ("maintenu_ferme", "renvoye")
UNPUBLISHED = ("draft", "private", "annonce") + UNDER_REVIEW + DECIDED_CLOSED + ("deleted",)
ACTIVITIES = (r"^action (user_activity_list|dashboard_activity_list)$"
              r"|^page /user/activity/<id>$|^page /dashboard/$")
SCREENING = (r"^action (package_activity_list|organization_activity_list|user_activity_list"
             r"|recently_changed_packages_activity_list|package_search)$")
TAGS = r"^action tag_(list|autocomplete|search|show)$"
TABLES = r"^action datastore_(search|info|search_sql)$"
# the committee's texts and the dataset's title and name
COMMITTEE_TEXTS = "title name proposal_note avis_motivation decision_justification"

KNOWN: tuple[Known, ...] = ()


def entries_of(role: str, state: str) -> list[Known]:
    return [k for k in KNOWN if role in k.roles and state in k.states]


def entry_of(leak: Any) -> Known | None:
    return next((k for k in KNOWN if k.matches(leak)), None)


def split(leaks: list[Any]) -> tuple[list[Any], list[Any]]:
    expected = [leak for leak in leaks if entry_of(leak) is not None]
    return expected, [leak for leak in leaks if entry_of(leak) is None]


assert all(set(k.roles) <= set(rules.ROLES) and set(k.states) <= set(rules.STATES)
           for k in KNOWN)
