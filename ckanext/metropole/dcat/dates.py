"""``dct:issued`` and ``dct:modified`` of datasets and distributions, never in the future.

udata refuses a future ``dct:modified``. Chained the ordinary way, the stock
profile writes the dates and ``clamp`` corrects them afterwards. In the
portal's one-pass rendering (see ``fused``) ``add`` writes them instead, the
way ckanext-dcat's ``_add_date_triple`` does, already corrected: CKAN's own
timestamps are read with ``datetime.fromisoformat``, anything else with the
general parser the stock profile uses (a hundredth of a second per dataset).
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from dateutil.parser import parse as parse_date
from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from ckanext.dcat.validators import is_date, is_year, is_year_month

from ckanext.metropole.dcat import terms
from ckanext.metropole.dcat.terms import DCT

PREDICATES = (DCT.issued, DCT.modified)
# (predicate, key, fallback key) as the stock DCAT-AP profiles read them
DATASET = ((DCT.issued, "issued", "metadata_created"),
           (DCT.modified, "modified", "metadata_modified"))
DISTRIBUTION = ((DCT.issued, "issued", "created"),
                (DCT.modified, "modified", "metadata_modified"))
# what CKAN writes in metadata_created, metadata_modified and created
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?")


def late(obj: Node, now: datetime.datetime) -> bool:
    value = obj.toPython() if isinstance(obj, Literal) else None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value > now
    if isinstance(value, datetime.date):
        return value > now.date()
    return False


def _now_literal(now: datetime.datetime) -> Literal:
    return Literal(now.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def clamp(g: Graph, subject: Node) -> None:
    """The dates of ``subject`` in the future become now."""
    now = terms.now()
    for predicate in PREDICATES:
        for obj in list(g.objects(subject, predicate)):
            if late(obj, now):
                g.remove((subject, predicate, obj))
                g.add((subject, predicate, _now_literal(now)))


def _value(d: dict[str, Any], key: str) -> Any:
    # ckanext-dcat's _get_dict_value: the field, else an extra with or
    # without "dcat_"
    if key in d:
        return d[key]
    for extra in d.get("extras") or []:
        if extra["key"] in (key, "dcat_" + key):
            return extra["value"]
    return None


def literal(value: Any) -> Literal:
    """The literal ckanext-dcat's ``_add_date_triple`` writes for ``value``."""
    if is_year(value):
        return Literal(value, datatype=XSD.gYear)
    if is_year_month(value):
        return Literal(value, datatype=XSD.gYearMonth)
    if is_date(value):
        return Literal(value, datatype=XSD.date)
    try:
        if _TIMESTAMP.fullmatch(value):
            parsed = datetime.datetime.fromisoformat(value)
        else:
            parsed = parse_date(value, default=datetime.datetime(1, 1, 1, 0, 0, 0))
    except ValueError:
        return Literal(value)
    return Literal(parsed.isoformat(), datatype=XSD.dateTime)


def add(g: Graph, subject: Any, d: dict[str, Any],
        fields: Iterable[tuple[Any, str, str]], now: datetime.datetime) -> None:
    """The dates of ``d`` read as ``fields`` (``DATASET``, ``DISTRIBUTION``)."""
    for predicate, key, fallback in fields:
        value = _value(d, key) or _value(d, fallback)
        if value:
            obj = literal(value)
            g.add((subject, predicate, _now_literal(now) if late(obj, now) else obj))
