"""Checks a tabular file before xloader loads it (``IXloader.datastore_before_update``).

xloader reads the file with a generic sniffer; French exports (``;``
separator, comma decimals, Latin-1 or UTF-8 with a BOM) and broken files
deserve a precise answer before anything reaches the DataStore. The hook
runs in the xloader job, just before the table is created or emptied;
raising :class:`FileRefused` there ends the job with its message, and no
table is created.

Refused: an empty file, a binary file, rows whose number of values differs
from the header's, cells starting like a spreadsheet formula (``=CMD()``:
CSV injection), and a file whose separator xloader read differently.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from typing import IO, Any

import requests

import ckan.plugins.toolkit as tk

from ckanext.metropole.datastore.french_csv import FORMULA, NOT_FORMULAS, NUMBER

DELIMITERS = (";", "\t", ",", "|")
SNIFF_BYTES = 64 * 1024
CSV_FORMATS = ("csv", "tsv", "text/csv", "text/tab-separated-values")
log = logging.getLogger(__name__)
_formula = re.compile(FORMULA)
_number = re.compile(NUMBER)


class FileRefused(Exception):
    """The file cannot be loaded; the message says why, for the publisher."""


def encoding_of(head: bytes, source: IO[bytes]) -> str:
    """utf-8-sig (BOM), utf-8 when the whole file decodes, else Windows-1252
    (the superset of Latin-1 that French spreadsheets write)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    source.seek(0)
    try:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def delimiter_of(header_line: str) -> str:
    """The separator giving the header the most columns (``;`` first on a tie)."""
    def columns(delimiter: str) -> int:
        return len(next(csv.reader([header_line], delimiter=delimiter), []))
    return max(DELIMITERS, key=lambda d: (columns(d), -DELIMITERS.index(d)))


def _rows(text: IO[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=delimiter)
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def check(source: IO[bytes], expected_columns: int | None = None) -> list[str]:
    """Check the file and return its header; raise FileRefused otherwise."""
    source.seek(0)
    head = source.read(SNIFF_BYTES)
    if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise FileRefused(tk._("The file is empty: there is no header row and no data."))
    if b"\x00" in head:
        raise FileRefused(tk._(
            "The file is not a text table (CSV): it holds binary data. Export the "
            "table from your spreadsheet as CSV and upload it again."))
    encoding = encoding_of(head, source)
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        first_line = text.readline()
        delimiter = delimiter_of(first_line)
        text.seek(0)
        rows = _rows(text, delimiter)
        _line, header = next(rows)
        while header and not header[-1].strip():
            header.pop()  # empty trailing header cells (spreadsheet exports)
        for line, row in rows:
            values = len(row)
            while values > len(header) and not row[values - 1].strip():
                values -= 1
            if values != len(header):
                raise FileRefused(tk._(
                    "Line {line} has {values} values but the header has {columns} "
                    "columns (separator \"{delimiter}\"). Every row must have one "
                    "value per column, empty or not.").format(
                        line=line, values=values, columns=len(header),
                        delimiter=delimiter.replace("\t", "tab")))
            for column, cell in zip(header, row, strict=False):
                value = cell.strip()
                if (_formula.match(value) and not _number.match(value)
                        and value not in NOT_FORMULAS):
                    raise FileRefused(tk._(
                        'Line {line}, column "{column}": the value "{value}" starts '
                        "like a spreadsheet formula (=, +, -, @) and could run a "
                        "command in the spreadsheet of whoever opens the data. The "
                        "file was not loaded: remove these cells (or put an "
                        "apostrophe before them) and upload it again.").format(
                            line=line, column=column.strip(), value=value[:80]))
    finally:
        text.detach()
    if expected_columns is not None and expected_columns != len(header):
        raise FileRefused(tk._(
            "The columns of the file could not be read reliably: the header has "
            "{columns} columns separated by \"{delimiter}\", the loader found "
            "{found}. Save the file as CSV with \";\" as separator and upload it "
            "again.").format(columns=len(header), delimiter=delimiter, found=expected_columns))
    return header


# ------------------------------------------------------------------ the file

def _is_csv(resource: dict[str, Any]) -> bool:
    fmt = (resource.get("format") or "").lower()
    url = (resource.get("url") or "").lower().split("?")[0]
    return fmt in CSV_FORMATS or url.endswith((".csv", ".tsv"))


def open_source(resource: dict[str, Any]) -> IO[bytes]:
    """The resource's file: the stored upload, or a fresh download of its URL."""
    if resource.get("url_type") == "upload":
        from ckan.lib import uploader

        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        if os.path.exists(path):
            return open(path, "rb")
    from ckanext.xloader.utils import modify_input_url

    limit = tk.asint(tk.config.get("ckanext.xloader.max_content_length"))
    headers = {}
    if resource.get("url_type") == "upload":
        headers["Authorization"] = tk.config.get("ckanext.xloader.api_token")
    # the caller reads and closes it (``with open_source(...)``)
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    with requests.get(modify_input_url(resource["url"]), headers=headers, stream=True,
                      timeout=30) as response:
        response.raise_for_status()
        size = 0
        for chunk in response.iter_content(1024 * 1024):
            size += len(chunk)
            if size > limit:
                break
            spool.write(chunk)
    spool.seek(0)
    return spool


def before_load(resource_id: str, new_headers: list[dict[str, Any]]) -> None:
    """Refuse the file xloader is about to load, if it is a bad CSV."""
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    if not _is_csv(resource):
        return
    start = time.perf_counter()
    with open_source(resource) as source:
        check(source, expected_columns=len(new_headers))
    seconds = time.perf_counter() - start
    log.info("File of resource %s checked in %.2f s", resource_id, seconds,
             extra={"metropole_step": "precheck", "metropole_seconds": seconds})
