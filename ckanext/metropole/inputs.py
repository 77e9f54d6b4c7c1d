"""Input no page or action of the portal can take (issue 15, item 11).

Checked once, before any view runs, instead of in every view and action:

- the NUL character in a parameter (query string, form, or the JSON body of
  an API call): PostgreSQL cannot store or compare it, so psycopg refused it
  deep inside a search or a query, a 500;
- a JSON body nested deeper than Python's parser can go (``[[[[…`` 100,000
  deep): the parser's RecursionError was a 500;
- the NUL character in the path itself (``/dataset/a%00b``), named by the
  path argument that holds it: every page that looks its argument up failed
  in psycopg, a 500;
- the ``limit`` of CKAN's autocompletion endpoints (``/api/util/*/autocomplete``)
  that is no whole number from 1 to 1,000: CKAN's view calls ``int()`` on it
  and hands it to SQL's LIMIT (a ValueError, "bigint out of range" or
  "LIMIT must not be negative": a 500).

Both answer a translated 4xx naming the parameter: on the Action API a 409
shaped like CKAN's validation errors (``{"error": {"q": […]}}``), elsewhere a
400 page. Other control characters are left to the fields that refuse them
(a title may not hold one; a description may hold tabs and line breaks).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

blueprint = Blueprint("metropole_inputs", __name__)

API_PREFIX = "/api/"


class BadInput(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _nul(field: str) -> BadInput:
    return BadInput(field, tk._('Parameter "{name}": the NUL character is not allowed.')
                    .format(name=field))


def _too_deep(field: str) -> BadInput:
    return BadInput(field, tk._("The JSON data is nested too deeply."))


def _check_pairs(pairs: Iterable[tuple[str, str]]) -> None:
    for key, value in pairs:
        if "\x00" in key:
            raise _nul(key.replace("\x00", "\\0")[:40])
        if "\x00" in value:
            raise _nul(key[:40])


AUTOCOMPLETE_LIMIT = (1, 1000)


def _check_path() -> None:
    if "\x00" in request.path:
        names = [name for name, value in (request.view_args or {}).items()
                 if "\x00" in str(value)]
        raise _nul(names[0] if names else "path")


def _check_autocomplete_limit() -> None:
    if not (request.path.startswith("/api/util/") and request.path.endswith("/autocomplete")):
        return
    value = request.values.get("limit")
    if value is None:
        return
    low, high = AUTOCOMPLETE_LIMIT
    text = value.strip()
    if not (text.isdigit() and len(text) <= 6 and low <= int(text) <= high):
        raise BadInput("limit", tk._(
            'Parameter "{name}": a whole number from {low} to {high} is expected, '
            'not "{value}"').format(name="limit", low=low, high=high, value=value[:40]))


def _check_json(data: Any) -> None:
    """NUL anywhere in a parsed JSON body: named by its top-level key."""
    stack: list[tuple[str, Any]] = (
        [(str(k), v) for k, v in data.items()] if isinstance(data, dict) else [("", data)])
    for key, _ in stack:
        if "\x00" in key:
            raise _nul(key.replace("\x00", "\\0")[:40])
    while stack:
        top, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise _nul(top[:40])
        elif isinstance(value, dict):
            for k, v in value.items():
                if "\x00" in k:
                    raise _nul(top[:40])
                stack.append((top, v))
        elif isinstance(value, list):
            stack.extend((top, v) for v in value)


def _api_json() -> Optional[Any]:
    """The JSON data of an API call, parsed as CKAN's API view will parse it."""
    if request.method in ("POST", "PUT") and request.form:
        values = list(request.form.values())
        if len(values) == 1 and values[0] in ("1", ""):  # a JSON text posted as a form key
            try:
                return json.loads(next(iter(request.form.keys())))
            except RecursionError:
                raise _too_deep("")
            except ValueError:
                return None  # CKAN's own "Error decoding JSON data" (a 400)
        return None
    if request.is_json and request.data:
        try:
            # cached: CKAN's API view reuses this parse
            return request.get_json(silent=True)
        except RecursionError:
            raise _too_deep("")
    return None


def check() -> None:
    """Raise BadInput for the current request's unacceptable input."""
    _check_path()
    _check_pairs(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH"):
        if request.path.startswith(API_PREFIX):
            data = _api_json()
            if data is not None:
                _check_json(data)
                return
        _check_pairs(request.form.items(multi=True))
    _check_autocomplete_limit()


@blueprint.before_app_request
def refuse_bad_input() -> Optional[Response]:
    try:
        check()
    except BadInput as error:
        return answer(error)
    return None


def answer(error: BadInput) -> Response:
    if request.path.startswith(API_PREFIX):
        key = error.field or "__json__"
        body = {"help": request.url_root.rstrip("/") + "/api/3/action/help_show",
                "success": False,
                "error": {"__type": "Validation Error", key: [error.message]}}
        return Response(json.dumps(body), status=409, mimetype="application/json")
    return tk.abort(400, error.message)
