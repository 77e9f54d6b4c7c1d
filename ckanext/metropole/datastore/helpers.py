"""Template helpers of the ``metropole_datastore`` plugin."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.datastore import guard
from ckanext.metropole.logic.users import acting_user


def _user() -> str:
    user = acting_user({"user": tk.current_user.name, "auth_user_obj": tk.current_user})
    return user.name if user else ""


def metropole_datastore_refusal(resource: dict[str, Any]) -> str:
    """Why the current user may not read the resource's table ("" if they may)."""
    if not resource.get("datastore_active"):
        return ""
    return guard.refusal({"user": _user()}, resource["id"]) or ""


def metropole_datastore_load_error(resource: dict[str, Any]) -> str:
    """The last load's error, for the dataset's editors ("" otherwise)."""
    task = model.Session.query(model.TaskStatus).filter_by(
        entity_id=resource["id"], task_type="xloader", key="xloader").first()
    if task is None or task.state != "error":
        return ""
    try:
        tk.check_access("package_update", {"user": _user()}, {"id": resource["package_id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return ""
    try:
        error = json.loads(task.error or "{}")
    except ValueError:
        return task.error or ""
    return str(error.get("message") or "") if isinstance(error, dict) else str(error)


def helpers() -> dict[str, Any]:
    return {"metropole_datastore_refusal": metropole_datastore_refusal,
            "metropole_datastore_load_error": metropole_datastore_load_error}
