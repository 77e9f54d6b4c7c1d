"""CSV for a spreadsheet set to French: ``/datastore/dump/<id>?format=csv-fr``.

CKAN's dump writes ``,`` between columns and ``1250.5``: a spreadsheet set to
French reads every row as one cell. This format is the one the portal's
import reads (:mod:`ckanext.metropole.datastore.french_csv`): UTF-8 with a
BOM, ``;`` between columns, decimal comma, dates ``JJ/MM/AAAA``. It takes the
parameters of CKAN's dump (``q``, ``plain``, ``language``, ``filters``,
``sort``, ``fields``, ``offset``, ``limit``), so the table view's "filtered
download" sends its rows here too, and it reads the table through
``datastore_search`` as the user: the publication guard applies.

Text cells that a spreadsheet would run as a formula (``=…``, ``+…``,
``-…``, ``@…``) are written with a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, stream_with_context

from ckanext.metropole.logic.values import error_text

FORMAT = "csv-fr"
PAGE = 10_000
NUMERIC = {"numeric", "int", "int2", "int4", "int8", "float4", "float8", "money"}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?")
FORMULA = ("=", "+", "-", "@", "\t", "\r")

blueprint = Blueprint("metropole_datastore_export", __name__)


def cell(value: str, kind: str) -> str:
    """One value of the DataStore's CSV (PostgreSQL's text) as French spreadsheets read it."""
    if value == "":
        return ""
    if kind in NUMERIC:
        return value.replace(".", ",")
    if kind in ("date", "timestamp", "timestamptz"):
        match = ISO_DATE.match(value)
        if match:
            day = f"{match[3]}/{match[2]}/{match[1]}"
            return f"{day} {match[4]}" if match[4] else day
        return value
    if value.startswith(FORMULA):
        return "'" + value
    return value


def _int(name: str, text: str | None, default: int | None) -> int | None:
    if text in (None, ""):
        return default
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        tk.abort(400, tk._("{name}: a whole number (0 or more) is expected").format(name=name))
    return number


def _query(args: Any) -> dict[str, Any]:
    """The dump's parameters, checked (a 400 names the one that is wrong)."""
    query: dict[str, Any] = {}
    for name in ("q", "language", "sort"):
        if args.get(name):
            query[name] = args[name]
    if args.get("plain"):
        query["plain"] = tk.asbool(args["plain"])
    if args.get("filters"):
        try:
            filters = json.loads(args["filters"])
        except ValueError:
            filters = None
        if not isinstance(filters, dict):
            tk.abort(400, tk._("filters: a JSON object is expected"))
        query["filters"] = filters
    if args.get("fields"):
        query["fields"] = [f for f in args["fields"].split(",") if f]
    return query


def _rows(resource_id: str, query: dict[str, Any], offset: int, limit: int | None
          ) -> Iterator[str]:
    search = tk.get_action("datastore_search")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    kinds: list[str] | None = None
    sent = 0
    while limit is None or sent < limit:
        size = PAGE if limit is None else min(PAGE, limit - sent)
        page = search({}, dict(query, resource_id=resource_id, records_format="csv",
                               offset=offset + sent, limit=size, include_total=False))
        fields = [f for f in page["fields"] if f["id"] != "_id" or "_id" in query.get("fields", [])]
        if kinds is None:
            kinds = [f.get("type", "text") for f in fields]
            writer.writerow([f["id"] for f in fields])
        records = list(csv.reader(io.StringIO(page.get("records") or "")))
        for record in records:
            if len(record) != len(page["fields"]):
                continue
            values = dict(zip((f["id"] for f in page["fields"]), record, strict=True))
            writer.writerow([cell(values[f["id"]], kind) for f, kind in zip(fields, kinds, strict=True)])
        sent += len(records)
        if out.tell():
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        if len(records) < size:
            break


@blueprint.before_app_request
def french_csv() -> Any:
    if tk.request.endpoint != "datastore.dump" or tk.request.args.get("format") != FORMAT:
        return None
    resource_id = str((tk.request.view_args or {}).get("resource_id") or "")
    query = _query(tk.request.args)
    offset = _int("offset", tk.request.args.get("offset"), 0) or 0
    limit = _int("limit", tk.request.args.get("limit"), None)
    try:
        # the same check as the rows: a refusal is a clean 403/404 before any byte is sent
        tk.get_action("datastore_search")({}, dict(query, resource_id=resource_id, limit=0))
    except tk.ObjectNotFound:
        tk.abort(404, tk._("This table was not found."))
    except tk.NotAuthorized as error:
        tk.abort(403, str(error) or tk._("You may not read the data of this resource."))
    except tk.ValidationError as error:
        tk.abort(400, error_text(error))
    body = stream_with_context(_bom_then(_rows(resource_id, query, offset, limit)))
    return Response(body, mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{resource_id}.csv"'})


def _bom_then(chunks: Iterator[str]) -> Iterator[bytes]:
    yield "\ufeff".encode()
    for chunk in chunks:
        yield chunk.encode("utf-8")
