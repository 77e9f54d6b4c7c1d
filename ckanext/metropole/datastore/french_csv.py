"""Column types and formula cells of a table loaded by ckanext-xloader.

xloader copies every CSV cell as text (fast, never wrong); its own type
guessing knows neither comma decimals nor day-first dates, and inserts row
by row. French files use both (``12,5``; ``31/12/2024``), so once a table is
loaded this module decides, with one scan in PostgreSQL, which text columns
hold only numbers, dates or timestamps, and converts them in place
(``ALTER COLUMN ... TYPE ... USING``). Codes with leading zeros (INSEE codes,
postcodes, and columns named like identifiers) stay text. Empty cells
become NULL. All conversions happen in one table rewrite.

Formula cells are refused before the load (:mod:`precheck`), with the
patterns defined here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from ckanext.datastore.backend.postgres import get_write_engine, identifier

SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (thousands)
NUMBER = rf"^[+-]?([0-9]{{1,3}}([{SPACES}][0-9]{{3}})+|[0-9]+)([.,][0-9]+)?$"
LEADING_ZERO = r"^[+-]?0[0-9]"
DATE_FR = r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$"
TIMESTAMP_FR = r"^[0-9]{2}/[0-9]{2}/[0-9]{4}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?$"
DATE_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIMESTAMP_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"
# A cell starting like a spreadsheet formula runs code when a reuser opens
# the export in a spreadsheet (CSV injection).
FORMULA = r"^[=+@-]"
# Columns named like identifiers keep their text even when all digits:
# INSEE codes, SIREN/SIRET numbers, postcodes are codes, not quantities.
IDENTIFIER_NAME = re.compile(
    r"^(code|id|identifiant|n°|num(e|é)ro|cp)(?![a-zà-ÿ])|insee|siren|siret|code.postal",
    re.IGNORECASE)
NOT_FORMULAS = ("-", "--")  # a dash for "no value" is common in French tables

# kind: (pattern, PostgreSQL type, USING expression of the trimmed cell `V`)
KINDS: dict[str, tuple[str, str, str]] = {
    "number": (NUMBER, "numeric",
               f"replace(regexp_replace(V, '[{SPACES}]', '', 'g'), ',', '.')::numeric"),
    "date_fr": (DATE_FR, "date", "to_date(V, 'DD/MM/YYYY')"),
    "timestamp_fr": (TIMESTAMP_FR, "timestamp",
                     "to_timestamp(replace(V, 'T', ' '), CASE WHEN length(V) = 16 "
                     "THEN 'DD/MM/YYYY HH24:MI' ELSE 'DD/MM/YYYY HH24:MI:SS' END)::timestamp"),
    "date_iso": (DATE_ISO, "date", "V::date"),
    "timestamp_iso": (TIMESTAMP_ISO, "timestamp", "V::timestamp"),
}


@dataclass
class Column:
    name: str
    type: str


def text_columns(conn: Any, resource_id: str) -> list[str]:
    rows = conn.execute(sa.text(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = :t AND data_type = 'text' "
        "AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position"), {"t": resource_id})
    return [row[0] for row in rows]


def _trimmed(column: str) -> str:
    return f"NULLIF(btrim({identifier(column)}), '')"


def guess_kinds(conn: Any, resource_id: str, columns: list[str]) -> dict[str, str]:
    """Kind (a key of KINDS) of each column whose filled cells all share one."""
    if not columns:
        return {}
    parts, params = [], {"leading_zero": LEADING_ZERO}
    for kind, (pattern, _type, _using) in KINDS.items():
        params[kind] = pattern
    for i, column in enumerate(columns):
        value = _trimmed(column)
        parts.append(f"count({value}) AS filled_{i}")
        parts.append(f"count(*) FILTER (WHERE {value} ~ :leading_zero) AS zero_{i}")
        for kind in KINDS:
            parts.append(f"count(*) FILTER (WHERE {value} ~ :{kind}) AS {kind}_{i}")
    row = conn.execute(sa.text(
        f"SELECT {', '.join(parts)} FROM {identifier(resource_id)}"), params).mappings().one()
    kinds = {}
    for i, column in enumerate(columns):
        filled = row[f"filled_{i}"]
        if not filled:
            continue
        if IDENTIFIER_NAME.search(column.strip()):
            continue
        for kind in KINDS:
            if row[f"{kind}_{i}"] != filled:
                continue
            if kind == "number" and row[f"zero_{i}"]:
                break  # codes such as 01234 or 21000 keep their zeros: text
            kinds[column] = kind
            break
    return kinds


def convert(conn: Any, resource_id: str, kinds: dict[str, str]) -> list[Column]:
    """Change the columns' types in one table rewrite; a column whose values
    do not all convert (31/02/2024) stays text."""
    table = identifier(resource_id)
    changes = []
    for column, kind in kinds.items():
        _pattern, pg_type, using = KINDS[kind]
        expression = using.replace("V", _trimmed(column))
        savepoint = conn.begin_nested()
        try:  # a scan, not a rewrite: which conversions would fail?
            conn.execute(sa.text(f"SELECT count({expression}) FROM {table}"))
            savepoint.commit()
            changes.append((column, pg_type, expression))
        except sa_exc.DBAPIError:
            savepoint.rollback()
    if not changes:
        return []
    # xloader indexes each text column for full-text search
    # (to_tsvector(col)); a typed column gets a plain index instead.
    for column, _type, _expression in changes:
        for index in conn.execute(sa.text(
                "SELECT indexrelid::regclass::text FROM pg_index "
                "WHERE indrelid = CAST(:table AS regclass) "
                "AND pg_get_indexdef(indexrelid) LIKE '%to_tsvector(%' "
                "AND pg_get_indexdef(indexrelid) LIKE '%, ' || quote_ident(:column) || ')%'"),
                {"table": table, "column": column}).scalars().all():
            conn.execute(sa.text(f"DROP INDEX {index}"))
    conn.execute(sa.text(f"ALTER TABLE {table} " + ", ".join(
        f"ALTER COLUMN {identifier(column)} TYPE {pg_type} USING {expression}"
        for column, pg_type, expression in changes)))
    for column, _type, _expression in changes:
        conn.execute(sa.text(f"CREATE INDEX ON {table} ({identifier(column)})"))
    return [Column(column, pg_type) for column, pg_type, _expression in changes]


def finish(resource_id: str) -> list[Column]:
    """Type the text columns of a loaded table."""
    with get_write_engine().begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '15s'"))
        columns = text_columns(conn, resource_id)
        return convert(conn, resource_id, guess_kinds(conn, resource_id, columns))


def describe(columns: list[Column]) -> dict[str, Any]:
    return {c.name: c.type for c in columns}
