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

And what CKAN's and ckanext-harvest's pages expect of the request and
crash on when it is not there (:data:`PAGE_CHECKS`, by endpoint; found by
the bad-input sweep with a sysadmin's session and a valid CSRF token):

- a form field CKAN reads as a list of objects (``groups``, ``tags``,
  ``resources``, ``extras``, ``users``) posted as a text: navl's DataError,
  or ``dict_list_reduce`` on a text when the form is shown again;
- the submit button ``save`` missing from a resource or configuration form
  (the view deletes it: a KeyError); no action in an organization's bulk
  form (``set.pop()`` on nothing);
- an organization or group ``type`` no form plugin knows (ckanext-scheming's
  KeyError);
- a ``came_from`` that is no path on logout (``url_for`` of it: a BuildError);
- an ajax snippet that does not exist (TemplateNotFound), the history of a
  resource at an activity that does not exist (an AssertionError), a harvest
  job page of a dataset that is no harvest source (KeyError ``status``).

Both answer a translated 4xx naming the parameter: on the Action API a 409
shaped like CKAN's validation errors (``{"error": {"q": […]}}``), elsewhere a
400 page. Other control characters are left to the fields that refuse them
(a title may not hold one; a description may hold tabs and line breaks).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Response, current_app, request
from jinja2 import TemplateNotFound

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.datastore.export import FORMAT as FRENCH_CSV

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


# form fields CKAN's form views read as lists of objects, never a text
LIST_FIELDS = ("groups", "tags", "resources", "extras", "users")
# the last page of a listing (20 a page: two million datasets)
MAX_PAGE = 100_000
# the form pages (their GET fills the form from the query string)
FORM_PAGE = re.compile(r"\.(new|edit)$")


class NotThere(Exception):
    """What a page's path names does not exist: a 404."""


def _missing(name: str) -> BadInput:
    return BadInput(name, tk._('Parameter "{name}": a value is expected').format(name=name))


def _choice(name: str, choices: Iterable[str], value: Any) -> BadInput:
    return BadInput(name, tk._('Parameter "{name}": one of {choices} is expected, not '
                               '"{value}"').format(name=name, choices=", ".join(choices),
                                                   value=str(value)[:40]))


def _save_button() -> None:
    if request.method == "POST" and "save" not in request.form:
        raise _missing("save")


def _bulk_action() -> None:
    if request.method != "POST":
        return
    if not any(key.startswith("bulk_action.") for key in request.form) and \
            not any(value in ("private", "public") for value in request.form.values()):
        raise _missing("bulk_action")


def _group_type() -> None:
    value = request.values.get("type")
    if value is None or value == "":
        return
    known = sorted({kind for plugin in p.PluginImplementations(p.IGroupForm)
                    for kind in plugin.group_types()} | {"organization", "group"})
    if value not in known:
        raise _choice("type", known, value)


def _came_from() -> None:
    value = request.args.get("came_from", "")
    if value and not (value.startswith("/") and not value.startswith("//")):
        raise BadInput("came_from", tk._('Parameter "{name}": a path of the portal is '
                                         'expected (starting with /)').format(name="came_from"))


def _snippet() -> None:
    try:
        current_app.jinja_env.get_template(
            "ajax_snippets/" + str((request.view_args or {}).get("snippet_path", "")))
    except TemplateNotFound:
        raise NotThere(tk._("Snippet not found")) from None


def _activity() -> None:
    from ckanext.activity.model import Activity

    if model.Session.get(Activity, str((request.view_args or {}).get("activity_id"))) is None:
        raise NotThere(tk._("Activity not found"))


def _harvest_source() -> None:
    pkg = model.Package.get(str((request.view_args or {}).get("source", "")))
    if pkg is None or pkg.type != "harvest":
        raise NotThere(tk._("Harvest source not found"))


# the DataStore dump's formats, CKAN's and the portal's French CSV (CKAN 2.12's
# ``one_of`` formats its refusal with ``%`` on this tuple: a TypeError, a 500)
DUMP_FORMATS = ("csv", "tsv", "json", "xml", FRENCH_CSV)


def _dump_format() -> None:
    value = request.args.get("format")
    if value is not None and value not in DUMP_FORMATS:
        raise _choice("format", DUMP_FORMATS, value)


# endpoint (a regular expression) -> what its view needs of the request
PAGE_CHECKS: dict[str, Callable[[], None]] = {
    r"(^|_)resource\.(new|edit)$|^admin\.config$": _save_button,
    r"^(organization|group)\.bulk_process$": _bulk_action,
    r"^(organization|group)\.(new|edit)$": _group_type,
    r"^user\.logout$": _came_from,
    r"^api\.snippet$": _snippet,
    r"^activity\.resource_history$": _activity,
    r"^harvester\.job_show_last$": _harvest_source,
    r"^datastore\.dump$": _dump_format,
}
_PAGE_CHECKS = [(re.compile(k), v) for k, v in PAGE_CHECKS.items()]


def _page_number() -> None:
    """``page`` of a listing (search, feeds, organizations…): CKAN checks it is
    a whole number from 1, not its size, and the offset it makes overflowed
    PostgreSQL's bigint in the search (a 500)."""
    value = request.args.get("page")
    if value is None or not value.strip().isdigit():
        return  # CKAN's own answer (a 400 "Bad page number")
    if not 1 <= int(value.strip()[:12]) <= MAX_PAGE or len(value.strip()) > 12:
        raise BadInput("page", tk._('Parameter "{name}": a whole number from {low} to {high} '
                                    'is expected, not "{value}"').format(
            name="page", low=1, high=MAX_PAGE, value=value[:40]))


def _check_page() -> None:
    endpoint = request.endpoint or ""
    if request.path.startswith("/api/3/") or request.path.startswith("/api/action/"):
        return
    if not endpoint.startswith("metropole_dcat."):
        # the feeds check their page themselves and answer in plain text
        # (dcat/views.py), what a harvester reads
        _page_number()
    # a form posted, or a form page filled from its query string (dataset.new
    # reads ``?tags=``; the search pages' ``?tags=`` facet is no form's)
    values = request.form if request.method in ("POST", "PUT") else (
        request.args if FORM_PAGE.search(endpoint) else {})
    for name in LIST_FIELDS:
        if name in values:
            raise BadInput(name, tk._('Parameter "{name}": a list is expected, not a '
                                      'text').format(name=name))
    for pattern, check_page in _PAGE_CHECKS:
        if pattern.search(endpoint):
            check_page()


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


def _api_json() -> Any | None:
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
    _check_page()


@blueprint.before_app_request
def refuse_bad_input() -> Response | None:
    try:
        check()
    except BadInput as error:
        return answer(error)
    except NotThere as error:
        return tk.abort(404, str(error))
    return None


def not_found(error: Exception) -> Any:
    """An object a page named that does not exist (``ObjectNotFound`` out of a
    view: CKAN's ``changes_multiple``, ``edit_view``, ``member_new`` of a
    group that is an organization…): a 404, not a 500."""
    from werkzeug.exceptions import NotFound

    # CKAN's own 404 page (its handler of the HTTP error)
    return current_app.handle_http_exception(NotFound(str(error) or tk._("Not found")))


def answer(error: BadInput) -> Response:
    if request.path.startswith(API_PREFIX):
        key = error.field or "__json__"
        body = {"help": request.url_root.rstrip("/") + "/api/3/action/help_show",
                "success": False,
                "error": {"__type": "Validation Error", key: [error.message]}}
        return Response(json.dumps(body), status=409, mimetype="application/json")
    return tk.abort(400, error.message)
