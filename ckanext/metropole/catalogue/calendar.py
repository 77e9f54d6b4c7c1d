"""The public opening calendar: planned openings by month, recent openings.

Served as a page, as CSV and as iCalendar (RFC 5545) so that reusers can
subscribe to it.
"""
from __future__ import annotations

import dataclasses
import datetime
import io
import itertools
import re
from typing import Any, Iterable

from ckanext.dcat.utils import catalog_uri

from ckanext.metropole import spreadsheet, vocab
from ckanext.metropole.catalogue import inventory
from ckanext.metropole.logic.values import as_text

RECENT = 20
PLANNED, OPENED = vocab.OPENING_PLANNED, vocab.OPENING_OPEN


@dataclasses.dataclass(frozen=True)
class Entry:
    id: str
    day: datetime.date
    status: str  # PLANNED or OPENED
    title: str
    producer: str
    url: str  # empty for a dataset not published yet


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(as_text(value)[:10])
    except ValueError:
        return None


def planned_entries() -> list[Entry]:
    known = inventory.producers()
    entries = []
    for pkg in inventory.planned():
        day = _date(pkg.get("planned_opening_date"))
        if day is not None:
            entries.append(Entry(pkg["id"], day, PLANNED, pkg["title"],
                                 inventory.producer_of(pkg, known).name, ""))
    return sorted(entries, key=lambda e: (e.day, e.title))


def opened_entries(limit: int = RECENT) -> list[Entry]:
    known = inventory.producers()
    base = catalog_uri().rstrip("/")
    return [Entry(pkg["id"], _date(pkg["metadata_created"]) or datetime.date.today(), OPENED,
                  pkg["title"], inventory.producer_of(pkg, known).name,
                  f"{base}/dataset/{pkg['name']}")
            for pkg in inventory.published(limit=limit)]


def by_month(entries: Iterable[Entry]) -> list[tuple[datetime.date, list[Entry]]]:
    """Entries grouped by month (the first day of the month as key)."""
    return [(month, list(group)) for month, group in
            itertools.groupby(entries, key=lambda e: e.day.replace(day=1))]


def to_csv(entries: Iterable[Entry]) -> str:
    out = io.StringIO()
    writer = spreadsheet.Writer(out, lineterminator="\r\n")
    writer.writerow(["date", "statut", "titre", "producteur", "url"])
    for e in entries:
        writer.writerow([e.day.isoformat(), e.status, e.title, e.producer, e.url])
    return out.getvalue()


# a line break in any of its forms: a bare CR ends an iCalendar line for
# many readers, which then read what follows as a property of their own
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# TEXT holds no control character but the tabulation (RFC 5545, 3.3.11)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _escape(text: str) -> str:
    """``text`` as an iCalendar TEXT value (RFC 5545, 3.3.11): one line."""
    text = (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,"))
    return _CONTROL.sub("", _LINE_BREAK.sub("\\\\n", text))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545, 3.1)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def to_ics(entries: Iterable[Entry], title: str, host: str,
           now: datetime.datetime | None = None) -> str:
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ckanext-metropole//calendrier//FR",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(title)}"]
    for e in entries:
        summary = ("Ouverture prévue : " if e.status == PLANNED else "Ouvert : ") + e.title
        lines += ["BEGIN:VEVENT", f"UID:{e.id}-{e.status}@{host}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{e.day.strftime('%Y%m%d')}",
                  f"DTEND;VALUE=DATE:{(e.day + datetime.timedelta(days=1)).strftime('%Y%m%d')}",
                  f"SUMMARY:{_escape(summary)}",
                  f"DESCRIPTION:{_escape('Producteur : ' + e.producer)}",
                  "STATUS:" + ("TENTATIVE" if e.status == PLANNED else "CONFIRMED")]
        if e.url:
            lines.append(f"URL:{e.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
