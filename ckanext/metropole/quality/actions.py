"""Actions giving the metadata quality score to pages, the API and the committee.

- ``metropole_quality_show`` (``id``): one dataset's score, indicator by
  indicator with what to add; whoever may read the dataset may read it.
- ``metropole_quality_summary`` (``organization`` optional): count, mean
  and datasets per rating of the *published* datasets (those of the feeds),
  for the organization page and the committee's annual report.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole.logic import params, publication
from ckanext.metropole.quality.score import score, summary

Result = dict[str, Any]
PAGE = 1000


@tk.side_effect_free
def metropole_quality_show(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    params.require_text(data_dict, "id")
    dataset_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("metropole_quality_show", context, {"id": dataset_id})
    pkg = tk.get_action("package_show")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {"id": dataset_id})
    result = score(pkg)
    return {
        "id": pkg["id"], "points": result.points, "maximum": result.maximum,
        "rating": result.rating,
        "dimensions": [{"name": name, "points": got, "maximum": most}
                       for name, got, most in result.dimensions()],
        "indicators": [{"id": r.indicator.id, "dimension": r.indicator.dimension,
                        "maximum": r.indicator.points, "points": r.points, "met": r.met,
                        "checked": r.checked, "advice": list(r.advice)}
                       for r in result.results],
    }


def published(organization_id: str | None = None) -> list[dict[str, Any]]:
    """The datasets of the feeds (all, or one organization's), as search gives them."""
    fq = publication.feed_filters()
    if organization_id:
        fq.append(f'+owner_org:"{organization_id}"')
    context = {"ignore_auth": True, "user": "", "auth_user_obj": None}
    pkgs: list[dict[str, Any]] = []
    while True:
        found = tk.get_action("package_search")(dict(context), {
            "q": "*:*", "rows": PAGE, "start": len(pkgs), "sort": "id asc",
            "fq_list": fq})
        pkgs += found["results"]
        if not found["results"] or len(pkgs) >= found["count"]:
            return pkgs


@tk.side_effect_free
def metropole_quality_summary(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    tk.check_access("metropole_quality_summary", context, data_dict)
    org_id = None
    if data_dict.get("organization"):
        org = tk.get_action("organization_show")(
            {"user": context.get("user")},
            {"id": data_dict["organization"], "include_datasets": False,
             "include_users": False, "include_extras": False})
        org_id = org["id"]
    return summary(published(org_id))


@tk.auth_allow_anonymous_access
def auth_quality_show(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    import ckan.authz as authz

    if not authz.is_authorized("package_show", dict(context), data_dict).get("success"):
        return {"success": False, "msg": tk._("You may not read this dataset")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def auth_quality_summary(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return {"success": True}  # published datasets only
