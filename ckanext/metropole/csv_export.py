"""CSV documents the portal writes from values users typed (one function).

A cell starting like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) runs code when the file is opened in a spreadsheet
(CSV injection): such a cell is written with a leading apostrophe, as
OWASP recommends; numbers (``-12.5``) stay as they are. Every CSV export of
the communes' figures and the validation reports goes through
:func:`csv_text`, so that a shared writer can replace it in one place.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?[0-9]+([.,][0-9]+)?$")


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str) or not _FORMULA.match(value) or _NUMBER.match(value):
        return value
    return "'" + value


def csv_text(fields: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """The rows (dicts) as CSV text with a header, cells made safe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return out.getvalue()
