"""Bounds on the DataStore queries of visitors.

CKAN lets anyone who may read a table query it for up to 60 seconds, in
SQL too (``datastore_search_sql``): ten ``generate_series`` queries held the
database and every web worker for minutes. Visitors — anonymous users and
users who are not editors of every dataset the query reads — get:

- a statement timeout of ``public_statement_timeout`` milliseconds on
  ``datastore_search_sql`` and ``datastore_search`` (CKAN's own
  ``query_timeout``, read from the action's context); a cancelled query is a
  409 saying how long visitors' queries may run;
- at most ``public_sql_concurrency`` SQL queries at once, counted across
  every web process of the site: a running query holds one of that many
  PostgreSQL advisory locks of the DataStore database (transaction-scoped, on
  a connection of its own, so the lock goes when the query ends, fails, or
  its process dies). When none is free the query is refused at once with a
  429 and ``Retry-After`` (the statement timeout: a slot is free by then).

Sysadmins, the datasets' editors and trusted internal calls (``ignore_auth``)
keep CKAN's limits.
"""
from __future__ import annotations

import contextlib
import json
import math
import zlib
from typing import Any, Callable, Iterator

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import authz, model
from ckan.lib.formatters import localised_number
from flask import Blueprint, Response, g, has_request_context

from ckanext.metropole import compat
from ckanext.metropole.datastore import settings

Action = Callable[[dict[str, Any], dict[str, Any]], Any]

# First key of the advisory locks (the second is the slot number): one
# namespace of the DataStore database that nothing else uses.
LOCK_KEY = zlib.crc32(b"ckanext.metropole.datastore.public_sql") & 0x7FFFFFFF
TAKE_SLOT = sa.text(
    "SELECT slot FROM generate_series(1, :slots) AS slot "
    "WHERE pg_try_advisory_xact_lock(:key, slot) LIMIT 1")
# What the DataStore raises when the statement timeout cancels a query
TOOK_TOO_LONG = (["Query took too long"], ["Search took too long"])

blueprint = Blueprint("metropole_datastore_limits", __name__)


class Busy(tk.ValidationError):
    """Every slot of visitors' SQL queries is taken."""

    def __init__(self, slots: int, retry_after: int) -> None:
        super().__init__({"sql": [tk._(
            "{slots} SQL queries of visitors are already running on the DataStore, "
            "the most allowed at once: try again in {seconds} s.").format(
                slots=slots, seconds=retry_after)]})
        self.retry_after = retry_after


def seconds(milliseconds: int) -> str:
    """The duration in seconds, written the reader's way ("0,5" in French)."""
    try:
        return localised_number(milliseconds / 1000)
    except RuntimeError:  # outside a request (CLI, jobs)
        return f"{milliseconds / 1000:g}"


def retry_after() -> int:
    return max(1, math.ceil(settings.public_statement_timeout() / 1000))


# ------------------------------------------------------------------ who

def _trusted(context: dict[str, Any]) -> bool:
    """Sysadmins and internal calls that skip authorization."""
    return bool(context.get("ignore_auth")) or authz.is_sysadmin(context.get("user") or "")


def edits(context: dict[str, Any], resource_id: str) -> bool:
    """Whether the user of ``context`` may edit the dataset of the table."""
    resource = model.Resource.get(resource_id)
    if resource is None or not context.get("user"):
        return False
    try:
        tk.check_access("package_update", {"user": context.get("user"),
                                           "auth_user_obj": context.get("auth_user_obj")},
                        {"id": resource.package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def sql_tables(sql: str) -> list[str] | None:
    """The tables the DataStore reads for ``sql``, found with its own parser
    (None: it will refuse the query anyway). Parsing and planning only: the
    query does not run; CKAN's timeout (its plan may wait for a table being
    loaded)."""
    from ckanext.datastore.backend import postgres

    rows_max = tk.config.get("ckan.datastore.search.rows_max")
    try:
        with postgres.get_read_engine().connect() as conn:
            with conn.begin():
                conn.execute(sa.text("SELECT set_config('statement_timeout', :ms, true)"),
                             {"ms": str(postgres._TIMEOUT)})
                sanitize = compat.sanitize_sql()
                if sanitize is not None:  # CKAN 2.12: PostgreSQL's parser
                    _, tables, _ = sanitize(conn, sql)
                    return [name for _, name in tables]
                # CKAN 2.11: the plan of the query, wrapped as search_sql wraps it
                from ckanext.datastore.helpers import get_table_and_function_names_from_sql

                wrapped = f"SELECT * FROM ({sql}) AS blah LIMIT {int(rows_max) + 1} ;"
                names, _ = get_table_and_function_names_from_sql(
                    {"connection": conn}, wrapped)  # type: ignore[arg-type]
                return list(names)
    except (tk.ValidationError, sa.exc.DBAPIError, ValueError):
        return None


def visitor_sql(context: dict[str, Any], sql: str) -> bool:
    """Whether the SQL query of the user of ``context`` is a visitor's."""
    if _trusted(context):
        return False
    if not context.get("user"):
        return True  # anonymous: no need to parse anything
    tables = sql_tables(sql)
    return not tables or not all(edits(context, name) for name in tables)


def visitor_search(context: dict[str, Any], data_dict: dict[str, Any]) -> bool:
    """Whether the ``datastore_search`` of the user of ``context`` is a visitor's."""
    if _trusted(context):
        return False
    return not edits(context, str(data_dict.get("resource_id") or data_dict.get("id") or ""))


# ------------------------------------------------------------------ limits

@contextlib.contextmanager
def sql_slot() -> Iterator[int]:
    """Hold one of the visitors' SQL slots while the block runs (Busy if none is free)."""
    from ckanext.datastore.backend.postgres import get_read_engine

    slots = settings.public_sql_concurrency()
    with get_read_engine().connect() as conn:
        transaction = conn.begin()
        try:
            taken = conn.execute(TAKE_SLOT, {"slots": slots, "key": LOCK_KEY}).scalar()
            if taken is None:
                wait = retry_after()
                if has_request_context():
                    g.metropole_retry_after = wait
                raise Busy(slots, wait)
            yield int(taken)
        finally:
            transaction.rollback()  # the transaction's advisory lock goes with it


def bounded(next_action: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """Run the DataStore action under the visitors' statement timeout."""
    timeout = settings.public_statement_timeout()
    try:
        return next_action(dict(context, query_timeout=timeout), data_dict)
    except tk.ValidationError as error:
        if (error.error_dict or {}).get("query") not in TOOK_TOO_LONG:
            raise
        raise tk.ValidationError({"query": [tk._(
            "The query was stopped after {seconds} s, the longest a visitor's query "
            "may run on the DataStore.").format(seconds=seconds(timeout))]})


@tk.chained_action
@tk.side_effect_free  # chained actions keep only their own attributes: GET stays allowed
def datastore_search_sql(next_action: Action, context: dict[str, Any],
                         data_dict: dict[str, Any]) -> Any:
    if not isinstance(data_dict.get("sql"), str) or not data_dict["sql"].strip():
        # CKAN 2.12 reads data_dict["sql"] without checking it (a KeyError, a 500)
        raise tk.ValidationError({"sql": [tk._("Missing value")]})
    if not visitor_sql(context, str(data_dict.get("sql") or "")):
        return next_action(context, data_dict)
    with sql_slot():
        return bounded(next_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def datastore_search(next_action: Action, context: dict[str, Any],
                     data_dict: dict[str, Any]) -> Any:
    if not visitor_search(context, data_dict):
        return next_action(context, data_dict)
    return bounded(next_action, context, data_dict)


def actions() -> dict[str, Action]:
    found: dict[str, Action] = {"datastore_search": datastore_search}
    if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
        found["datastore_search_sql"] = datastore_search_sql
    return found


@blueprint.after_app_request
def too_many_requests(response: Response) -> Response:
    """A query refused for want of a slot is a 429 with Retry-After (the
    Action API answers every ValidationError with a 409)."""
    wait = g.pop("metropole_retry_after", None)
    if wait is None or response.status_code != 409:
        return response
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    body = response.get_json(silent=True)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"]["__type"] = "Too Many Requests"
        response.set_data(json.dumps(body))
    return response
