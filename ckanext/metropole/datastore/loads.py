"""What happens when an xloader job reports (the ``xloader_hook`` action).

- ``running_but_viewable`` and ``complete``: the table's columns are typed
  (:mod:`french_csv`);
- ``error``: the table is dropped, so nothing half-loaded stays queryable
  (the DataStore guard already hides tables whose load did not finish).

The error is stored as ``{"message": ...}``, the shape xloader's DataStore
page shows as "Upload error", without the technical traceback.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.datastore.backend.postgres import get_write_engine, identifier

from ckanext.metropole.datastore import french_csv

log = logging.getLogger(__name__)
TYPED_AT = ("running_but_viewable", "complete")


def table_exists(resource_id: str) -> bool:
    with get_write_engine().connect() as conn:
        return bool(conn.execute(sa.text(
            "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = :t"),
            {"t": resource_id}).first())


def drop_table(resource_id: str) -> None:
    """Drop the table and switch the resource's ``datastore_active`` off."""
    if not table_exists(resource_id):
        return
    try:
        tk.get_action("datastore_delete")(
            {"ignore_auth": True}, {"resource_id": resource_id, "force": True})
    except tk.ObjectNotFound:
        with get_write_engine().begin() as conn:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {identifier(resource_id)}"))


def message_of(error: Any) -> str:
    """The readable part of the error xloader reports (a string or a dict)."""
    if isinstance(error, dict):
        return str(error.get("message") or "")
    text = str(error or "")
    try:
        decoded = json.loads(text)
    except ValueError:
        return text
    return str(decoded.get("message") or "") if isinstance(decoded, dict) else text


@tk.chained_action
def xloader_hook(original: Action, context: Context,
                 data_dict: DataDict) -> Any:
    metadata = data_dict.get("metadata") or {}
    resource_id = metadata.get("resource_id")
    status = data_dict.get("status")
    # Typed as soon as the rows are in (running_but_viewable: before xloader
    # builds its indexes, so the conversion rewrites a bare table), again on
    # completion for loads that skip that step (a no-op when nothing is left).
    if resource_id and status in TYPED_AT and table_exists(resource_id):
        start = time.perf_counter()
        typed = french_csv.finish(resource_id)
        seconds = time.perf_counter() - start
        log.info("DataStore table %s typed in %.2f s: %s", resource_id, seconds,
                 french_csv.describe(typed),
                 extra={"metropole_step": "typing", "metropole_seconds": seconds})
    if resource_id and status == "error":
        tk.check_access("xloader_submit", context, metadata)
        drop_table(resource_id)
        message = message_of(data_dict.get("error")) or tk._("The file could not be loaded.")
        data_dict = dict(data_dict, error=json.dumps({"message": message}))
    return original(context, data_dict)
