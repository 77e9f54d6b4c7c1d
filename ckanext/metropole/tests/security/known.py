"""Leaks issue 15 lists, being fixed on other branches.

Each entry names the item, the probes (a regex on the probe's label), the
roles, states and fields it leaks. The cells (role, state) an entry covers
are marked ``xfail(strict=True, raises=KnownLeak)`` in test_matrix.py:

- the cell still leaks only what its entries describe: ``KnownLeak``, xfailed;
- it leaks anything else as well: a plain failure (``raises`` lets only
  ``KnownLeak`` through), listing the unexpected leaks;
- it no longer leaks at all: strict XPASS, a failure: remove the entry once
  the fix is merged (the lead does, after merging each branch).

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
        return f"issue 15 item {self.item}: {self.what} (fixed on another branch)"

    def matches(self, leak: Any) -> bool:
        return (re.search(self.label, leak.label) is not None
                and leak.role in self.roles and leak.state in self.states
                and any(fnmatch.fnmatchcase(leak.field, p) for p in self.fields.split()))


NOT_PRODUCER = ("anonymous", "user", "other_editor", "other_admin")
COMMITTEE = ("member", "secretary", "president")
UNPUBLISHED = ("draft", "private", "annonce", "propose", "en_examen", "avis_rendu",
               "maintenu_ferme", "renvoye", "deleted")
REVIEWED = ("propose", "en_examen", "avis_rendu", "maintenu_ferme", "renvoye", "publie")
UNDER_REVIEW = ("propose", "en_examen", "avis_rendu")

KNOWN: tuple[Known, ...] = (
    Known("1", "an anonymous request carries AnonymousUser (id ''): "
          "metropole_review_list?mine=true answers every review",
          r"^action metropole_review_list$", ("anonymous",), REVIEWED),
    Known("2", "'metropole review' activities escape CKAN's permission labels "
          "(user activity lists, dashboards)",
          r"^action (user_activity_list|organization_activity_list|dashboard_activity_list"
          r"|recently_changed_packages_activity_list)$|^page /user/activity/",
          NOT_PRODUCER + COMMITTEE, REVIEWED),
    Known("3", "screening_note, an editor-only field, in activity data and fl=data_dict",
          r"^action (package_activity_list|activity_show|activity_data_show|package_search"
          r"|user_activity_list|organization_activity_list|recently_changed_packages_activity_"
          r"list|dashboard_activity_list)",
          NOT_PRODUCER + COMMITTEE, ("publie", "harvested") + UNDER_REVIEW,
          fields="screening_note"),
    Known("4", "committee members download the files of a dataset under review",
          r"^page /dataset/<id>/resource/<resource_id>/download", COMMITTEE, UNDER_REVIEW,
          fields="cell"),
    Known("10 (tags)", "tags of unpublished datasets in tag_list/tag_autocomplete/tag_show",
          r"^action tag_", NOT_PRODUCER + COMMITTEE, UNPUBLISHED, fields="tag"),
    Known("10 (_table_metadata)", "datastore_search on _table_metadata lists the tables "
          "of unpublished datasets",
          r"^action datastore_(search|search_sql|info)$", NOT_PRODUCER + COMMITTEE,
          UNPUBLISHED, fields="table"),
)


def entries_of(role: str, state: str) -> list[Known]:
    return [k for k in KNOWN if role in k.roles and state in k.states]


def entry_of(leak: Any) -> Known | None:
    return next((k for k in KNOWN if k.matches(leak)), None)


def split(leaks: list[Any]) -> tuple[list[Any], list[Any]]:
    expected = [leak for leak in leaks if entry_of(leak) is not None]
    return expected, [leak for leak in leaks if entry_of(leak) is None]


assert all(set(k.roles) <= set(rules.ROLES) and set(k.states) <= set(rules.STATES)
           for k in KNOWN)
