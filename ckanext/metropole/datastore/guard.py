"""Who may read a resource's DataStore table.

CKAN lets anyone who may see a resource query its table. The portal is
stricter (``ckanext.metropole.logic.data_access``): the rows of a table are
readable by everyone only when its dataset is *published* and its last load
finished; otherwise only the dataset's editors (and sysadmins) read them.
Its data dictionary (``datastore_info``: columns, types, row count) is
metadata: whoever may read the dataset reads it once the load finished — a
committee member reading a dataset under review sees its description and
columns, never its rows.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, AuthFunction, AuthResult, ChainedAction, ChainedAuthFunction, Context, DataDict

from ckanext.metropole.logic import data_access, publication

LOADED = "complete"
# the DataStore's listing of every table (``datastore_search`` lets anyone
# read it, without any check)
TABLE_LIST = "_table_metadata"


def load_state(resource_id: str) -> str | None:
    """State of the resource's last xloader job (None: never loaded by xloader)."""
    task = model.Session.query(model.TaskStatus).filter_by(
        entity_id=resource_id, task_type="xloader", key="xloader").first()
    return task.state if task else None


def refusal(context: Context, resource_id: str, rows: bool = True) -> str | None:
    """Why the user of ``context`` may not read the table's rows (or, with
    ``rows=False``, its data dictionary); None if they may."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return None  # CKAN's own check answers "not found"
    published = publication.is_published(data_access.package_fields(resource.package))
    loaded = load_state(resource.id) in (None, LOADED)
    if loaded and (published or not rows):
        return None  # CKAN's own check then asks whether they may read the dataset
    if data_access.may_edit(context, resource.package_id or ""):
        return None
    if rows and not published:
        return tk._("The data of this resource are not published.")
    return tk._("The data of this resource are being loaded.")


def _table_list_refusal() -> str:
    return tk._("The list of the DataStore's tables is for sysadmins; "
                "the tables of published datasets are listed with their resources.")


def _refused(message: str) -> AuthResult:
    return {"success": False, "msg": message}


def _resource_id(data_dict: DataDict) -> str:
    return str(data_dict.get("resource_id") or data_dict.get("id") or "")


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: AuthFunction, context: Context,
                     data_dict: DataDict | None) -> AuthResult:
    if data_dict is None:  # never: CKAN's is_authorized passes `data_dict or {}`
        data_dict = {}
    if _resource_id(data_dict).strip() == TABLE_LIST:
        # (sysadmins never reach an auth function)
        return _refused(_table_list_refusal())
    message = refusal(context, _resource_id(data_dict))
    return _refused(message) if message else next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth: AuthFunction, context: Context,
                   data_dict: DataDict | None) -> AuthResult:
    if data_dict is None:  # never: CKAN's is_authorized passes `data_dict or {}`
        data_dict = {}
    message = refusal(context, _resource_id(data_dict), rows=False)
    return _refused(message) if message else next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(next_auth: AuthFunction, context: Context,
                         data_dict: DataDict | None) -> AuthResult:
    if data_dict is None:  # never: CKAN's is_authorized passes `data_dict or {}`
        data_dict = {}
    # The DataStore parses the query and lists every table it reads:
    # each of them must be readable, joined ones included. CKAN 2.12 hands a
    # generator: read once here, it would leave CKAN's own check below an
    # empty list (and ``_table_metadata`` unchecked), so it is kept as a list.
    names = [str(name) for name in context.get("table_names") or []]
    context["table_names"] = names
    for name in names:
        if name.strip() == TABLE_LIST:
            return _refused(_table_list_refusal())
        message = refusal(context, name)
        if message:
            return _refused(message)
    return next_auth(context, data_dict)


def listing_checked(inner: ChainedAction) -> ChainedAction:
    """``datastore_search`` chained: the check of the listing of every table,
    then ``inner`` (the plugin's other chained ``datastore_search``: a plugin
    registers one function per action name).

    CKAN's ``datastore_search`` checks nothing on that listing (it named the
    tables of unpublished datasets): checked here, by :func:`datastore_search`
    (sysadmins only)."""
    @tk.chained_action
    @tk.side_effect_free
    def datastore_search_action(original: Action, context: Context,
                                data_dict: DataDict) -> Any:
        if _resource_id(data_dict).strip() == TABLE_LIST:
            tk.check_access("datastore_search", context, data_dict)
        return inner(original, context, data_dict)
    return datastore_search_action


def auth_functions() -> dict[str, AuthFunction | ChainedAuthFunction]:
    return {"datastore_search": datastore_search,
            "datastore_info": datastore_info,
            "datastore_search_sql": datastore_search_sql}
