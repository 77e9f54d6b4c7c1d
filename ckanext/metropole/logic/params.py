"""Validators of action parameters (``@validate`` schemas of the portal's actions).

CKAN's own validators assume the type an HTML form sends: ``boolean_validator``
calls ``.lower()`` on a list, ``isodate`` lets a 40-digit date overflow, and
navl runs the next validator of a field on the value the previous one refused
(``int_validator`` then a comparison on the text: a TypeError). A JSON body
can carry any type: each of these answers a translated error naming the
parameter and ends the field's validators (``StopOnError``).
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.types import (
    Context,
    DataDict,
    DataValidator,
    ErrorDict,
    FlattenDataDict,
    FlattenErrorDict,
    FlattenKey,
)

# PostgreSQL's integer: the largest offset or count the queries take
MAX_INTEGER = 2 ** 31 - 1


def _name(key: FlattenKey) -> str:
    return str(key[-1])


def _shown(value: Any) -> str:
    return str(value)[:40]


def boolean(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
            context: Context) -> None:
    """true/false (JSON), or the texts CKAN reads as booleans; nothing else."""
    value = data.get(key)
    if value is missing or value is None or value == "" or isinstance(value, bool):
        return
    if isinstance(value, str):
        try:
            data[key] = tk.asbool(value)
            return
        except ValueError:
            pass
    errors[key].append(tk._('Parameter "{name}": true or false is expected, not "{value}"')
                       .format(name=_name(key), value=_shown(value)))
    raise StopOnError


def integer(low: int = 0, high: int = MAX_INTEGER) -> DataValidator:
    """A whole number from ``low`` to ``high`` (a JSON number or its text)."""
    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        value = data.get(key)
        if value is missing or value is None:
            return
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit() \
                and len(value.strip()) <= 20:
            number = int(value.strip())
        if number is None or not low <= number <= high:
            errors[key].append(tk._(
                'Parameter "{name}": a whole number from {low} to {high} is expected, '
                'not "{value}"').format(name=_name(key), low=low, high=high,
                                        value=_shown(value)))
            raise StopOnError
        data[key] = number
    return validator


def date(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
         context: Context) -> None:
    """An ISO 8601 date (``2026-01-31``), kept as a ``datetime.date``."""
    value = data.get(key)
    if value is missing or value is None or value == "":
        return
    if isinstance(value, datetime.datetime):
        data[key] = value.date()
        return
    if isinstance(value, datetime.date):
        return
    if isinstance(value, str):
        try:
            data[key] = datetime.datetime.fromisoformat(value.strip()).date()
            return
        except (ValueError, OverflowError):
            pass
    errors[key].append(tk._('Parameter "{name}": a date such as 2026-01-31 is expected, '
                            'not "{value}"').format(name=_name(key), value=_shown(value)))
    raise StopOnError


def text(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
         context: Context) -> None:
    """A text (an id, a name): not a list, an object, a number or a boolean."""
    value = data.get(key)
    if value is missing or value is None or isinstance(value, str):
        return
    errors[key].append(tk._('Parameter "{name}": a text is expected')
                       .format(name=_name(key)))
    raise StopOnError


def require_text(data_dict: DataDict, *names: str) -> None:
    """For an action without a schema of its own (a chained one of CKAN):
    each of ``names`` present must be a text."""
    errors: ErrorDict = {name: [tk._('Parameter "{name}": a text is expected').format(name=name)]
              for name in names
              if data_dict.get(name) is not None and not isinstance(data_dict[name], str)}
    if errors:
        raise tk.ValidationError(errors)
