"""Checking one file against one schema: frictionless or jsonschema.

- Table Schema (``tableschema``): frictionless, as ``frictionless validate
  --schema`` does; a data package (``datapackage``, IRVE): the file is
  checked against the package's table whose columns it shares most;
- JSON Schema (``jsonschema``): python-jsonschema with the draft the schema
  names (draft 7 when it names none), formats checked, references resolved
  from files shipped with the package (never the network).

The report is plain data (JSON): whether the file is valid, the number of
rows, and the errors with a ``kind``, the row, the column and the value
(French labels in :mod:`ckanext.metropole.validation.messages`).

A file that cannot be read at all (empty, binary, not in any encoding, not
JSON), a schema that cannot be loaded and a check that takes too long are
not reports: :class:`CheckFailed` says which, and the caller keeps the
previous report. :func:`check_isolated` runs the check in a forked process
with a deadline, so a pathological file cannot hold a worker.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Callable
from typing import Any

from ckanext.metropole.schema_registry import REFERENCED, Schema

# frictionless errors that mean the file was not read as a table at all
UNREADABLE = {"source-error", "scheme-error", "format-error", "encoding-error",
              "compression-error", "resource-error", "general-error", "package-error"}
UNLOADABLE = {"schema-error", "field-error", "dialect-error", "checklist-error"}
MAX_VALUE = 200  # characters of a value kept in the report


class CheckFailed(Exception):
    """No report: ``code`` is one of ``unreadable``, ``schema``, ``timeout``,
    ``crashed``, ``download``; ``detail`` is technical (English), for the log
    and editors."""

    def __init__(self, code: str, detail: str = "", **params: Any) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail[:500]
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.params}


def _value(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def _report(valid: bool, rows: int | None, errors: list[dict[str, Any]], count: int,
            truncated: bool, **extra: Any) -> dict[str, Any]:
    return {"valid": valid, "rows": rows, "error_count": count, "truncated": truncated,
            "errors": errors, **extra}


# ---------------------------------------------------------------- tables

_CONSTRAINT = re.compile(r'constraint "([A-Za-z]+)" is "(.*)"$', re.S)


def _table_error(error: Any) -> dict[str, Any]:
    kind = error.type
    detail = error.note or ""
    if kind == "constraint-error":
        match = _CONSTRAINT.match(detail)
        if match:
            kind, detail = f"constraint-error:{match.group(1)}", match.group(2)
    cell = getattr(error, "cell", None)
    if cell == "None" and kind.endswith(":required"):
        cell = ""  # frictionless writes the missing value as "None"
    return {"kind": kind, "row": getattr(error, "row_number", None),
            "field": getattr(error, "field_name", None) or getattr(error, "label", None),
            "column": getattr(error, "field_number", None),
            "value": _value(cell), "detail": _value(detail) or ""}


def _load_schema(descriptor: Any) -> Any:
    from frictionless import FrictionlessException
    from frictionless import Schema as TableSchema

    try:
        return TableSchema.from_descriptor(descriptor)
    except (FrictionlessException, ValueError, TypeError) as e:
        raise CheckFailed("schema", str(e)) from None


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise CheckFailed("schema", f"{os.path.basename(path)}: {e}") from None


def check_table(file_path: str, schema_descriptor: Any, limit_errors: int = 1000,
                **extra: Any) -> dict[str, Any]:
    """``file_path`` (CSV) against a Table Schema (a dict or a file path)."""
    from frictionless import FrictionlessException, Resource, system

    if isinstance(schema_descriptor, str):
        schema_descriptor = _read_json(schema_descriptor)
    schema = _load_schema(schema_descriptor)
    try:
        # trusted: the path is the worker's own temporary or stored file
        with system.use_context(trusted=True):
            resource = Resource(path=file_path, schema=schema, format="csv")
            report = resource.validate(limit_errors=limit_errors)
    except FrictionlessException as e:
        raise CheckFailed("unreadable", str(e)) from None
    task = report.tasks[0] if report.tasks else None
    errors = list(task.errors) if task else list(report.errors)
    for error in errors:
        if error.type in UNREADABLE:
            raise CheckFailed("unreadable", error.note or error.message)
        if error.type in UNLOADABLE:
            raise CheckFailed("schema", error.note or error.message)
    rows = task.stats.get("rows") if task else None
    count = len(errors)
    return _report(report.valid, rows, [_table_error(e) for e in errors], count,
                   truncated=count >= limit_errors, **extra)


def _labels(file_path: str) -> list[str]:
    from frictionless import FrictionlessException, system
    from frictionless.resources import TableResource

    try:
        with system.use_context(trusted=True), \
                TableResource(path=file_path, format="csv") as resource:
            return [str(label) for label in resource.labels]
    except FrictionlessException as e:
        raise CheckFailed("unreadable", str(e)) from None


def check_package(file_path: str, package_path: str, limit_errors: int = 1000
                  ) -> dict[str, Any]:
    """``file_path`` against the table of the data package it matches best."""
    package = _read_json(package_path)
    folder = os.path.dirname(package_path)
    tables = []
    for res in package.get("resources") or []:
        schema = res.get("schema")
        if isinstance(schema, str):
            target = os.path.normpath(os.path.join(folder, schema))
            if not target.startswith(folder + os.sep):
                raise CheckFailed("schema", f"{schema}: outside the package")
            schema = _read_json(target)
        if isinstance(schema, dict) and schema.get("fields"):
            tables.append((str(res.get("name") or ""), schema))
    if not tables:
        raise CheckFailed("schema", "the data package describes no table")
    labels = set(_labels(file_path))
    name, schema = max(tables, key=lambda t: len(labels & {f.get("name") for f in
                                                           t[1]["fields"]}))
    return check_table(file_path, schema, limit_errors, table=name)


# ---------------------------------------------------------------- JSON

def _location(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _json_error(error: Any) -> dict[str, Any]:
    path = list(error.absolute_path)
    row = path[1] + 1 if len(path) > 1 and path[0] == "features" \
        and isinstance(path[1], int) else None
    field = next((p for p in reversed(path) if isinstance(p, str)), None)
    detail: Any = error.validator_value
    value: Any = error.instance
    if error.validator == "required":
        missing = [p for p in error.validator_value
                   if isinstance(error.instance, dict) and p not in error.instance]
        field = missing[0] if missing else field
        value, detail = None, ", ".join(missing)
    elif error.validator in ("oneOf", "anyOf", "allOf", "not", "if"):
        detail = error.message
    if isinstance(value, (dict, list)):
        value = None  # a whole object: the location says where
    return {"kind": f"json-{error.validator}", "row": row, "field": field,
            "column": None, "location": _location(path), "value": _value(value),
            "detail": _value(detail) or ""}


def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = []
    for uri, path in REFERENCED.items():
        resources.append((uri, Resource.from_contents(_read_json(path),
                                                      default_specification=DRAFT7)))
    return Registry().with_resources(resources)


def check_json(file_path: str, schema_path: str, limit_errors: int = 1000
               ) -> dict[str, Any]:
    import jsonschema
    import jsonschema.validators
    from jsonschema.exceptions import SchemaError

    schema = _read_json(schema_path)
    try:
        with open(file_path, "rb") as f:
            document = json.loads(f.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise CheckFailed("unreadable", f"not JSON: {e}") from None
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as e:
        raise CheckFailed("schema", e.message) from None
    validator = cls(schema, registry=_registry(), format_checker=cls.FORMAT_CHECKER)
    errors, count = [], 0
    for error in validator.iter_errors(document):
        count += 1
        if count > limit_errors:
            count -= 1
            break
        errors.append(_json_error(error))
    errors.sort(key=lambda e: (e["row"] or 0, e["location"]))
    features = document.get("features") if isinstance(document, dict) else None
    rows = len(features) if isinstance(features, list) else None
    return _report(count == 0, rows, errors, count, truncated=count >= limit_errors)


# ---------------------------------------------------------------- entry points

def check(file_path: str, schema: Schema, limit_errors: int = 1000) -> dict[str, Any]:
    """Check ``file_path`` against ``schema`` (in this process)."""
    if not schema.checked:
        raise CheckFailed("schema", f"{schema.id} {schema.version} cannot be checked "
                          f"({schema.schema_type})")
    if schema.schema_type == "tableschema":
        return check_table(file_path, schema.path, limit_errors)
    if schema.schema_type == "datapackage":
        return check_package(file_path, schema.path, limit_errors)
    return check_json(file_path, schema.path, limit_errors)


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", func(*args)))
    except CheckFailed as e:
        conn.send(("failed", e.as_dict()))
    except Exception as e:  # noqa: BLE001 - anything else is a crash, reported as such
        conn.send(("failed", {"code": "crashed", "detail": f"{type(e).__name__}: {e}"[:500]}))
    finally:
        conn.close()


def check_isolated(file_path: str, schema: Schema, limit_errors: int = 1000,
                   timeout: float = 300.0) -> dict[str, Any]:
    """:func:`check` in a forked process that is killed after ``timeout`` seconds."""
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, check, (file_path, schema,
                                                                limit_errors)),
                          daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.kill()
            raise CheckFailed("timeout", f"more than {timeout:g} s", seconds=f"{timeout:g}")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise CheckFailed("crashed", f"the check stopped (exit code "
                              f"{process.exitcode})") from None
    finally:
        receiver.close()
        process.join(5)
    if status == "failed":
        params = dict(payload)
        raise CheckFailed(params.pop("code"), params.pop("detail", ""), **params)
    return payload
