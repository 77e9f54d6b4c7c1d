"""CSV files a spreadsheet opens without running anything (issue 15, item 8).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel,
LibreOffice and Google Sheets (``=HYPERLINK(...)`` sends what the sheet
holds elsewhere, ``=cmd|...`` ran commands); a tabulation or a carriage
return first hides one after it. Any agent's title, a member's full name or
a producer reaches the portal's CSV exports, so every text cell that starts
with one of them is written behind an apostrophe (OWASP's advice: the
spreadsheet shows the text, the apostrophe is not displayed). Numbers are
written as they are: ``-3`` stays a number.

One writer for every export: ``/calendrier.csv``, ``/catalogue-scdl.csv``
and the committee's report (page and CLI).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """``value`` as a spreadsheet reads it as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in values]


class Writer:
    """``csv.writer`` whose text cells are never formulas."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, values: Sequence[Any]) -> Any:
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.writerow(values)


class DictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose text cells are never formulas (the header
    is the code's own field names)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)
