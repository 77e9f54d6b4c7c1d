"""Clean refusals from the table view's data endpoints.

ckanext-datatablesview's ``/datatables/ajax/<view>`` and
``/datatables/filtered-download/<view>`` read the view with
``resource_view_show`` and the table with ``datastore_search`` without
catching every refusal: a view of a dataset the user may not see (private,
under review) ends in an uncaught ``NotAuthorized``, a 500 with a traceback in
the log. The endpoints are checked here, before CKAN runs them, with the same
actions and the same user, so that a refusal is a plain 404 (the view is not
visible, as CKAN answers for the resource page) or 403 (the view is visible,
its data are not: :mod:`ckanext.metropole.datastore.guard`), naming nothing.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

import ckan.plugins.toolkit as tk

blueprint = Blueprint("metropole_datastore", __name__)

AJAX = "datatablesview.ajax"
DOWNLOAD = "datatablesview.filtered_download"


def refusal(view_id: str) -> tuple[int, str] | None:
    """(status, message) when the current user may not read the view's
    table, None when the endpoint may run."""
    try:
        # the same call (and so the same user) as the endpoint makes
        view = tk.get_action("resource_view_show")({}, {"id": view_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return 404, tk._("This table view was not found.")
    try:
        tk.check_access("datastore_search", {}, {"resource_id": view["resource_id"]})
    except tk.NotAuthorized as error:
        # the guard's message says why (not published, being loaded), never what
        return 403, str(error) or tk._("You may not read the data of this resource.")
    return None


@blueprint.before_app_request
def guard_datatables() -> Any:
    if tk.request.endpoint not in (AJAX, DOWNLOAD):
        return None
    view_id = str((tk.request.view_args or {}).get("resource_view_id") or "")
    refused = refusal(view_id)
    if refused is None:
        return None
    status, message = refused
    if tk.request.endpoint == DOWNLOAD:
        # a form the browser navigates to: CKAN's error page
        tk.abort(status, message)
    # the table's script reads a JSON body, as the endpoint's own errors are
    return jsonify({"error": message}), status
