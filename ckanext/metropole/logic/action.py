"""Actions of the ``metropole`` plugin (tk.blanket.actions).

``bulk_update_public`` writes ``private = false`` straight to the database,
without validation: it is chained here so the publication gate runs on every
dataset first, and nothing is saved unless all of them pass.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.metropole.logic import gate
from ckanext.metropole.logic.committee_actions import (
    metropole_avis_render,
    metropole_committee_member_add,
    metropole_committee_member_list,
    metropole_committee_member_remove,
    metropole_decision_record,
    metropole_opinion_record,
    metropole_report,
    metropole_review_list,
    metropole_review_open,
    metropole_review_override,
    metropole_review_propose,
    metropole_review_show,
    package_create,
    package_update,
)
from ckanext.metropole.quality.actions import (
    metropole_quality_show,
    metropole_quality_summary,
)

__all__ = [
    "bulk_update_public",
    "metropole_avis_render",
    "metropole_committee_member_add",
    "metropole_committee_member_list",
    "metropole_committee_member_remove",
    "metropole_decision_record",
    "metropole_opinion_record",
    "metropole_quality_show",
    "metropole_quality_summary",
    "metropole_report",
    "metropole_review_list",
    "metropole_review_open",
    "metropole_review_override",
    "metropole_review_propose",
    "metropole_review_show",
    "package_create",
    "package_update",
]


@tk.chained_action
def bulk_update_public(original_action: Any, context: dict[str, Any],
                       data_dict: dict[str, Any]) -> Any:
    tk.check_access("bulk_update_public", context, data_dict)
    show_context = {"ignore_auth": True, "use_cache": False,
                    "user": context.get("user"), "for_update": False}
    errors: dict[str, list[str]] = {}
    for dataset_id in data_dict.get("datasets") or []:
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
    return original_action(context, data_dict)


def actions() -> dict[str, Any]:
    """The plugin's actions; ckanext-dcat's API actions chained when it runs."""
    found = {name: globals()[name] for name in __all__}
    from ckanext.metropole.dcat import api

    loaded = {plugin.name for plugin in p.PluginImplementations(p.IActions)}
    for plugin, chained in api.ACTIONS.items():
        if plugin in loaded:
            found.update(chained)
    return found
