"""Who receives the data of a dataset: its files and the rows of its tables.

Whoever may read a dataset reads its metadata and its data dictionary
(columns, types, row count: ``datastore_info``). The data itself — uploaded
files, the URLs of its resources, the rows of its DataStore tables — goes
to everyone once the dataset is *published*
(:mod:`ckanext.metropole.logic.publication`); before that, only to those
who may edit the dataset (its editors and admins, sysadmins). So the
committee's members judge a dataset under review on its description and
its data dictionary, never on raw (possibly personal) data.

The paths that hand out data ask :func:`refusal`: ``package_show`` (the
resources' URLs, :func:`for_reader`), the download route
(:func:`ckanext.metropole.views.guard_downloads`) and the DataStore
(``ckanext.metropole.datastore.guard``).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.metropole.logic import publication


def package_fields(package: model.Package) -> dict[str, Any]:
    """The dataset as ``publication.is_published`` reads it: its core fields
    and its extras (where scheming keeps the portal's fields), without the
    cost of ``package_show``."""
    fields: dict[str, Any] = dict(package.extras or {})
    fields.update(id=package.id, name=package.name, private=package.private,
                  state=package.state, owner_org=package.owner_org, type=package.type)
    return fields


def may_edit(context: Context, package_id: str) -> bool:
    try:
        tk.check_access("package_update", {"user": context.get("user", ""),
                                           "auth_user_obj": context.get("auth_user_obj")},
                        {"id": package_id})
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def refusal(context: Context, package: model.Package) -> str | None:
    """Why the user of ``context`` may not receive the dataset's data (None: they may)."""
    if publication.is_published(package_fields(package)) or may_edit(context, package.id):
        return None
    return tk._("The data of this dataset are not published: only its editors "
                "receive its files and rows until then.")


# a resource's keys that lead to its data: its URL, and the one xloader
# copies from its job ("original_url", shown on the resource page)
URL_KEYS = ("url", "original_url")


def _leads_to_data(resource: dict[str, Any], key: str, value: Any) -> bool:
    return bool(value) and (key in URL_KEYS or (
        isinstance(value, str) and f"/resource/{resource.get('id')}/download" in value))


def for_reader(context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_show``'s dict, in place: no way to a resource's data (an
    upload's URL is its download route, a link's the file itself) for those
    who may not receive it."""
    resources = [r for r in pkg_dict.get("resources") or [] if isinstance(r, dict)]
    if context.get("ignore_auth") or not any(
            _leads_to_data(r, k, v) for r in resources for k, v in r.items()):
        return pkg_dict
    package = model.Package.get(str(pkg_dict.get("id") or ""))
    if package is None or refusal(context, package) is None:
        return pkg_dict
    for resource in resources:
        for key, value in list(resource.items()):
            if _leads_to_data(resource, key, value):
                resource[key] = ""
    return pkg_dict
