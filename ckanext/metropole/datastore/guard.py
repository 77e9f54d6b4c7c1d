"""Who may read a resource's DataStore table.

CKAN lets anyone who may see a resource query its table. The portal is
stricter: a table is readable by everyone only when its dataset is
*published* (:mod:`ckanext.metropole.logic.publication`) and its last load
finished; otherwise only the dataset's editors (and sysadmins) may read it.
A committee member reading a dataset under review sees its metadata, never
its data.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.logic import publication

AuthFunction = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
LOADED = "complete"


def load_state(resource_id: str) -> str | None:
    """State of the resource's last xloader job (None: never loaded by xloader)."""
    task = model.Session.query(model.TaskStatus).filter_by(
        entity_id=resource_id, task_type="xloader", key="xloader").first()
    return task.state if task else None


def package_fields(package: model.Package) -> dict[str, Any]:
    """The dataset as ``publication.is_published`` reads it: its core fields
    and its extras (where scheming keeps the portal's fields), without the
    cost of ``package_show`` on every query."""
    fields: dict[str, Any] = dict(package.extras or {})
    fields.update(id=package.id, name=package.name, private=package.private,
                  state=package.state, owner_org=package.owner_org, type=package.type)
    return fields


def refusal(context: dict[str, Any], resource_id: str) -> str | None:
    """Why the user of ``context`` may not read the table, or None if they may."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return None  # CKAN's own check answers "not found"
    pkg = package_fields(resource.package)
    published = publication.is_published(pkg)
    if published and load_state(resource.id) in (None, LOADED):
        return None
    try:
        tk.check_access("package_update", {"user": context.get("user"),
                                           "auth_user_obj": context.get("auth_user_obj")},
                        {"id": pkg["id"]})
        return None
    except (tk.NotAuthorized, tk.ObjectNotFound):
        pass
    if not published:
        return tk._("The data of this resource are not published.")
    return tk._("The data of this resource are being loaded.")


def _refused(message: str) -> dict[str, Any]:
    return {"success": False, "msg": message}


def _resource_id(data_dict: dict[str, Any]) -> str:
    return str(data_dict.get("resource_id") or data_dict.get("id") or "")


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: AuthFunction, context: dict[str, Any],
                     data_dict: dict[str, Any]) -> dict[str, Any]:
    message = refusal(context, _resource_id(data_dict))
    return _refused(message) if message else next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth: AuthFunction, context: dict[str, Any],
                   data_dict: dict[str, Any]) -> dict[str, Any]:
    message = refusal(context, _resource_id(data_dict))
    return _refused(message) if message else next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(next_auth: AuthFunction, context: dict[str, Any],
                         data_dict: dict[str, Any]) -> dict[str, Any]:
    # The DataStore parses the query and lists every table it reads:
    # each of them must be readable, joined ones included.
    for name in context.get("table_names") or []:
        message = refusal(context, name)
        if message:
            return _refused(message)
    return next_auth(context, data_dict)


def auth_functions() -> dict[str, AuthFunction]:
    return {"datastore_search": datastore_search,
            "datastore_info": datastore_info,
            "datastore_search_sql": datastore_search_sql}
