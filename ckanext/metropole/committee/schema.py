"""Schemas of the committee actions (``@validate``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole.committee.model import AVIS, DECISIONS, STATES
from ckanext.metropole.logic import params


def _v(name: str) -> Any:
    return tk.get_validator(name)


def member_add() -> dict[str, Any]:
    not_empty, ignore_missing = _v("not_empty"), _v("ignore_missing")
    unicode_safe = _v("unicode_safe")
    return {
        "user": [not_empty, unicode_safe],
        # college and role: checked by committee_members.add, whose errors
        # name the field and list the allowed values
        "college": [not_empty, unicode_safe],
        "role": [_v("default")("member"), unicode_safe],
        "mandate_start": [ignore_missing, params.date],
        "mandate_end": [ignore_missing, params.date],
    }


def member_remove() -> dict[str, Any]:
    return {"user": [_v("not_empty"), _v("unicode_safe")]}


def member_list() -> dict[str, Any]:
    return {"include_past": [_v("default")(False), params.boolean]}


def package_ref() -> dict[str, Any]:
    return {"id": [_v("not_empty"), params.text, _v("unicode_safe")]}


def propose() -> dict[str, Any]:
    return dict(package_ref(), comment=[_v("ignore_missing"), _v("unicode_safe")])


def opinion() -> dict[str, Any]:
    return dict(package_ref(),
                value=[_v("not_empty"), _v("unicode_safe"), _v("one_of")(list(AVIS))],
                comment=[_v("default")(""), _v("unicode_safe")])


def avis() -> dict[str, Any]:
    return dict(package_ref(),
                avis=[_v("not_empty"), _v("unicode_safe"), _v("one_of")(list(AVIS))],
                motivation=[_v("default")(""), _v("unicode_safe")],
                version=[_v("ignore_missing"), params.integer()])


def decision() -> dict[str, Any]:
    return dict(package_ref(),
                decision=[_v("not_empty"), _v("unicode_safe"),
                          _v("one_of")(list(DECISIONS))],
                justification=[_v("default")(""), _v("unicode_safe")],
                version=[_v("ignore_missing"), params.integer()])


def override() -> dict[str, Any]:
    return dict(package_ref(), justification=[_v("default")(""), _v("unicode_safe")])


def review_list() -> dict[str, Any]:
    ignore_missing, unicode_safe = _v("ignore_missing"), _v("unicode_safe")
    return {
        "state": [ignore_missing, unicode_safe, _v("one_of")(["open", "all", *STATES])],
        "commune": [ignore_missing, unicode_safe],
        "criterion": [ignore_missing, unicode_safe],
        "late": [_v("default")(False), params.boolean],
        "mine": [_v("default")(False), params.boolean],
        "limit": [_v("default")(50), params.integer(),
                  _v("limit_to_configured_maximum")("ckan.search.rows_max", 1000)],
        "offset": [_v("default")(0), params.integer()],
    }


# The years an annual report may be asked for: the committee did not sit
# before, and a year past 9998 ends past what dates can hold (a 500).
REPORT_YEARS = (2000, 2100)


def report_year(value: Any) -> int:
    """A year as a JSON number or its digits (anything else: the same error)."""
    first, last = REPORT_YEARS
    text = value.strip() if isinstance(value, str) else None
    if text is not None and text.lstrip("-").isdigit() and len(text) <= 20:
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not first <= value <= last:
        raise tk.Invalid(tk._("A year from {first} to {last} is expected")
                         .format(first=first, last=last))
    return value


def report() -> dict[str, Any]:
    return {"year": [_v("not_empty"), report_year]}
