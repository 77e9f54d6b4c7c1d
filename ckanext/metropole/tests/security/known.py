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

KNOWN: tuple[Known, ...] = (
    Known("1", "an anonymous request carries AnonymousUser (id ''): "
          "metropole_review_list?mine=true answers every review",
          r"^action metropole_review_list$", ("anonymous",), UNDER_REVIEW + DECIDED_CLOSED,
          fields=COMMITTEE_TEXTS),
    Known("2", "'metropole review' activities escape CKAN's permission labels "
          "(user activity lists and pages, dashboards)",
          ACTIVITIES, NOT_PRODUCER, UNDER_REVIEW + DECIDED_CLOSED + ("deleted",),
          fields=COMMITTEE_TEXTS),
    Known("2", "'metropole review' activities of a deleted dataset, on the committee's "
          "dashboards and activity lists", ACTIVITIES, COMMITTEE, ("deleted",),
          fields=COMMITTEE_TEXTS),
    Known("3", "screening_note, an editor-only field, in activity data and "
          "package_search's fl=data_dict/validated_data_dict",
          SCREENING, NOT_PRODUCER + COMMITTEE, ("publie", "harvested"),
          fields="screening_note"),
    Known("3", "screening_note of a harvested dataset (no editor of the portal) in activity "
          "data and package_search's fl", SCREENING, ("editor", "admin"), ("harvested",),
          fields="screening_note"),
    Known("4", "committee members download the files of a dataset under review",
          r"^page /dataset/<id>/resource/<resource_id>/download/<filename>$", COMMITTEE,
          UNDER_REVIEW, fields="cell"),
    Known("10 (tags)", "tags of unpublished datasets in tag_list/tag_autocomplete/"
          "tag_search/tag_show", TAGS, NOT_PRODUCER,
          tuple(s for s in UNPUBLISHED if s != "annonce"), fields="tag"),
    Known("10 (tags)", "tags of datasets no longer under review in tag_list/"
          "tag_autocomplete/tag_search/tag_show", TAGS, COMMITTEE,
          ("draft", "private") + DECIDED_CLOSED + ("deleted",), fields="tag"),
    Known("10 (_table_metadata)", "datastore_search on _table_metadata lists the tables "
          "of unpublished datasets", TABLES, NOT_PRODUCER, UNPUBLISHED, fields="table"),
    Known("10 (_table_metadata)", "datastore_search on _table_metadata lists the tables "
          "of datasets no longer under review", TABLES, COMMITTEE,
          ("draft", "private", "annonce") + DECIDED_CLOSED + ("deleted",), fields="table"),
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
