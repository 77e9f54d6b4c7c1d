"""Actions of the publication policy (``plugin.py`` registers them).

``bulk_update_public`` writes ``private = false`` straight to the database,
without validation: it is chained here so the publication gate runs on every
dataset first, and nothing is saved unless all of them pass.

``bulk_update_public`` and ``bulk_update_private`` index the datasets after
their own commit: what the index pass wrote besides (the labels of the
committee's activities, ``logic/activities.py``) is committed after them.

``package_search`` is chained for the flags CKAN reads with ``asbool``
(``include_private=maybe`` was a ValueError, a 500): a translated error
naming the parameter instead.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckan import model

from ckanext.metropole.logic import gate, tags

__all__ = [
    "bulk_update_private",
    "bulk_update_public",
    "package_search",
]


# package_search's flags, read by CKAN with asbool
SEARCH_FLAGS = ("include_private", "include_drafts", "include_deleted", "use_default_schema")


def _not_boolean(value: Any) -> str:
    return tk._('"{value}" is not true or false').format(value=str(value)[:40])


@tk.chained_action
@tk.side_effect_free  # chained actions keep only their own attributes: GET stays allowed
def package_search(original_action: Any, context: dict[str, Any],
                   data_dict: dict[str, Any]) -> Any:
    errors: dict[str, list[str]] = {}
    for flag in SEARCH_FLAGS:
        if flag in data_dict:
            try:
                tk.asbool(data_dict[flag])
            except ValueError:
                errors[flag] = [_not_boolean(data_dict[flag])]
    if errors:
        raise tk.ValidationError(errors)
    return original_action(context, data_dict)


def _dataset_refs(data_dict: dict[str, Any]) -> list[str]:
    """``datasets``: a list of dataset ids or names (a string or a list of
    objects was a 500 inside CKAN's query)."""
    datasets = data_dict.get("datasets")
    if datasets is None:
        return []
    if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
        raise tk.ValidationError({"datasets": [tk._(
            "A list of dataset ids or names is expected")]})
    return datasets


@tk.chained_action
def bulk_update_public(original_action: Any, context: dict[str, Any],
                       data_dict: dict[str, Any]) -> Any:
    tk.check_access("bulk_update_public", context, data_dict)
    _dataset_refs(data_dict)
    show_context = {"ignore_auth": True, "use_cache": False,
                    "user": context.get("user"), "for_update": False}
    errors: dict[str, list[str]] = {}
    for dataset_id in _dataset_refs(data_dict):
        try:
            pkg = tk.get_action("package_show")(dict(show_context), {"id": dataset_id})
        except tk.ObjectNotFound:
            continue  # the original action ignores unknown ids too
        pkg["private"] = False
        problems = gate.check_publication(pkg)
        if problems:
            errors[pkg["name"]] = [f"{field}: {message}"
                                   for field, messages in problems.items()
                                   for message in messages]
    if errors:
        raise tk.ValidationError(errors)
    result = original_action(context, data_dict)
    model.Session.commit()
    return result


@tk.chained_action
def bulk_update_private(original_action: Any, context: dict[str, Any],
                        data_dict: dict[str, Any]) -> Any:
    result = original_action(context, data_dict)
    model.Session.commit()
    return result


def actions() -> dict[str, Any]:
    """The publication policy's actions (``plugin.py`` adds the other parts')."""
    found: dict[str, Any] = {name: globals()[name] for name in __all__}
    found.update(tags.actions())
    return found
