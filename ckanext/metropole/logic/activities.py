"""The portal in CKAN's activity stream (when the ``activity`` plugin runs).

CKAN shows an activity to the readers whose permission labels meet the
activity's only for activity types ending in ``package``
(``_filter_activities_by_permission_labels`` in ``ckanext.activity``): any
other type reaches everyone, anonymous included, through user pages,
dashboards and organization streams. So:

- the committee's events are of type ``metropole review package``
  (:data:`~ckanext.metropole.committee.model.REVIEW_ACTIVITY`) and carry the labels
  of their dataset — the labels CKAN's search index gives it *now*: each
  index pass of a dataset gives them again (:func:`follow_dataset`), so a
  dataset published or made private again takes its committee trail along,
  as its "Avis du comité" tab does. Events the committee keeps for itself
  (individual opinions) never enter the stream;
- the dataset dicts CKAN stores in its ``new/changed package`` activities
  (readable by whoever reads the dataset, ``package_activity_list`` and
  ``activity_diff`` included) lose the editor-only fields first
  (:func:`activity_create`);
- the views of a resource (``new/changed/deleted resource view``, which
  carry the dataset's and resource's ids) of a dataset that is not public do
  not enter the stream (found by tests/security's matrix); those recorded
  while the dataset was public leave the user, dashboard, organization and
  group streams of whoever may no longer read the dataset
  (:func:`without_unreadable_views`), since CKAN shows them to everyone;
- a dataset that is no longer public takes its whole stream along: CKAN's
  ``new/changed package`` activities recorded while it was public get its
  labels now (:func:`follow_dataset`).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, AuthFunction, AuthResult, ChainedAction, Context, DataDict

from ckanext.metropole.committee.model import REVIEW_ACTIVITY
from ckanext.metropole.logic import visibility
from ckanext.metropole.logic.context import with_keys

TEXT_LIMIT = 500
_RELABEL = sa.text(
    "UPDATE activity SET permission_labels = CAST(:labels AS text[]) "
    "WHERE object_id = :id AND activity_type = :type "
    "AND permission_labels IS DISTINCT FROM CAST(:labels AS text[])")
# CKAN's own activities of a dataset that is no longer public: narrowed to
# its labels now (never widened: a publication does not open the history of
# the private period)
_NARROW = sa.text(
    "UPDATE activity SET permission_labels = CAST(:labels AS text[]) "
    "WHERE object_id = :id AND activity_type <> :type "
    "AND permission_labels IS DISTINCT FROM CAST(:labels AS text[])")


def enabled() -> bool:
    return plugins.plugin_loaded("activity")


def _labels(pkg: model.Package) -> list[str]:
    from ckan.lib.plugins import get_permission_labels

    return list(get_permission_labels().get_dataset_labels(pkg))


def record(package_id: str, user_id: str | None, kind: str, state: str | None,
           text: str) -> None:
    """One event of the committee's review in the stream (inside the caller's
    transaction). ``text`` must be one the dataset's readers may read."""
    if not enabled() or not user_id:
        return
    from ckanext.activity.model import Activity

    pkg = model.Package.get(package_id)
    if pkg is None:
        return
    # the dataset as CKAN's own activities keep it: its history page and the
    # diff with the next version (activity_diff) read it
    dataset = tk.get_action("package_show")(
        {"ignore_auth": True, "for_view": False, "use_cache": False}, {"id": pkg.id})
    model.Session.add(Activity(
        user_id, package_id, REVIEW_ACTIVITY,
        {"kind": kind, "state": state or "", "text": text[:TEXT_LIMIT],
         "package": visibility.without_editor_only(dataset)},
        permission_labels=_labels(pkg)))


def follow_dataset(pkg_dict: dict[str, Any]) -> None:
    """Give the committee's activities of a dataset the dataset's labels, and
    CKAN's own (``new/changed package``, resource views) too once the dataset
    is no longer public: those recorded while it was public carry its content
    and would stay readable by everyone (issue 15).

    Called by every index pass (``before_dataset_index``): within the
    transaction that changed the dataset, or after the commit of
    ``bulk_update_private/public`` (whose chained actions commit it).
    """
    if not enabled() or not pkg_dict.get("id"):
        return
    pkg = model.Package.get(str(pkg_dict["id"]))
    if pkg is None:
        return
    model.Session.flush()  # the activities this transaction added too
    labels = _labels(pkg)
    model.Session.execute(_RELABEL, {"labels": labels, "id": pkg.id, "type": REVIEW_ACTIVITY})
    if "public" not in labels:
        model.Session.execute(_NARROW, {"labels": labels, "id": pkg.id,
                                        "type": REVIEW_ACTIVITY})


# CKAN's activities of a dataset's resource views: not ending in ``package``,
# they would reach everyone, whoever may read the dataset
VIEW_ACTIVITIES = ("new resource view", "changed resource view", "deleted resource view")


@tk.chained_action
def activity_create(original: Action, context: Context,
                    data_dict: DataDict) -> Any:
    """The dataset dict of a ``new/changed/deleted package`` activity,
    without the editor-only fields; no resource-view activity for a dataset
    not public (its dataset's and resource's ids would reach everyone)."""
    if data_dict.get("activity_type") in VIEW_ACTIVITIES:
        pkg = model.Package.get(str(data_dict.get("object_id") or ""))
        if pkg is None or pkg.private or pkg.state != "active":
            tk.check_access("activity_create", context, data_dict)
            return None
    data = data_dict.get("data")
    if isinstance(data, dict) and isinstance(data.get("package"), dict):
        data_dict = dict(data_dict, data=dict(
            data, package=visibility.without_editor_only(data["package"])))
    return original(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def activity_show(next_auth: AuthFunction, context: Context,
                  data_dict: DataDict | None) -> AuthResult:
    """``activity_show`` returns the activity's data: checked as such.

    (CKAN's function reads ``include_data`` without a default: a plain
    ``activity_show?id=…`` ended in a server error.)
    """
    if data_dict is None:  # never: CKAN's is_authorized passes `data_dict or {}`
        data_dict = {}
    return next_auth(context, dict(data_dict, include_data=True))


def without_unreadable_views(context: Context,
                             activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The activities but the resource-view ones of a dataset the caller may
    not read now (checked once per dataset, with the caller's identity)."""
    readable: dict[str, bool] = {}
    kept = []
    for activity in activities:
        if isinstance(activity, dict) and activity.get("activity_type") in VIEW_ACTIVITIES:
            package_id = str(activity.get("object_id") or "")
            if package_id not in readable:
                try:
                    tk.check_access("package_show", with_keys(
                        user=context.get("user") or "",
                        auth_user_obj=context.get("auth_user_obj")), {"id": package_id})
                    readable[package_id] = True
                except (tk.NotAuthorized, tk.ObjectNotFound):
                    readable[package_id] = False
            if not readable[package_id]:
                continue
        kept.append(activity)
    return kept


def _filtered(name: str) -> ChainedAction:
    @tk.side_effect_free  # a chained action keeps only its own attributes: GET stays allowed
    @tk.chained_action
    def chained(original: Action, context: Context, data_dict: DataDict) -> Any:
        result = original(context, data_dict)
        return without_unreadable_views(context, result) if isinstance(result, list) \
            else result
    chained.__name__ = name
    chained.__doc__ = (f"CKAN's ``{name}`` without the resource-view activities of a "
                       "dataset the caller may not read now.")
    return chained


# the streams that show activities of datasets other than the one asked for
STREAMS = ("user_activity_list", "dashboard_activity_list", "organization_activity_list",
           "group_activity_list")


def actions() -> dict[str, Action | ChainedAction]:
    found: dict[str, Action | ChainedAction] = {"activity_create": activity_create}
    found.update((name, _filtered(name)) for name in STREAMS)
    return found


def auth_functions() -> dict[str, Any]:
    return {"activity_show": activity_show}
