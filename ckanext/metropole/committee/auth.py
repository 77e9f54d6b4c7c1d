"""Auth functions of the committee (``plugin.py`` registers them).

The committee's authorization matrix (tested in
``tests/committee/test_auth_matrix.py``, through HTTP in
``tests/committee/test_identities.py``):

==========================  =====================================================
propose                     editors and admins of the owning organization
open a review               secretary
record/edit own opinion     committee members (president included)
read others' opinions       committee members, secretary, the producer
                            (editors and admins of the owning organization)
render the avis             president
decide                      admins of the owning organization
override                    nobody but sysadmins
manage membership           secretary
read the queue              committee members, secretary; one's own proposals
                            (``mine``): any logged-in user, never anonymous
read a private dataset      committee members and secretary, while it is
under review                under review: its metadata and data dictionary,
                            never its files nor rows (``logic/data_access.py``)
==========================  =====================================================

Sysadmins may do everything (CKAN grants them every auth function).
Membership is read from the database at each call: removing a member
revokes access at once, API tokens included.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.committee import members, reviews
from ckanext.metropole.logic.users import acting_user

__all__ = [
    "metropole_avis_render",
    "metropole_committee_member_add",
    "metropole_committee_member_list",
    "metropole_committee_member_remove",
    "metropole_decision_record",
    "metropole_opinion_list",
    "metropole_opinion_record",
    "metropole_report",
    "metropole_review_list",
    "metropole_review_open",
    "metropole_review_override",
    "metropole_review_propose",
    "metropole_review_show",
    "package_show",
]

Result = dict[str, Any]


def _user(context: dict[str, Any]) -> model.User | None:
    return acting_user(context)


def _ok(allowed: bool, message: str) -> Result:
    return {"success": True} if allowed else {"success": False, "msg": message}


def _package(data_dict: dict[str, Any]) -> model.Package | None:
    ref = data_dict.get("id") or data_dict.get("package_id")
    return model.Package.get(str(ref)) if ref else None


def _can_edit(context: dict[str, Any], pkg: model.Package | None) -> bool:
    if pkg is None:
        return False
    user = _user(context)
    return user is not None and authz.is_authorized(
        "package_update", {"user": user.name, "auth_user_obj": user, "model": model},
        {"id": pkg.id}).get("success", False)


def _org_admin(context: dict[str, Any], pkg: model.Package | None) -> bool:
    user = _user(context)
    if pkg is None or user is None or not pkg.owner_org:
        return False
    return authz.users_role_for_group_or_org(pkg.owner_org, user.name) == "admin"


def _committee_reader(context: dict[str, Any]) -> bool:
    user = _user(context)
    return members.is_member(user) or members.can_manage(user)


def metropole_committee_member_add(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return _ok(members.can_manage(_user(context)),
               tk._("Only sysadmins and the committee's secretary manage membership"))


def metropole_committee_member_remove(context: dict[str, Any],
                                      data_dict: dict[str, Any]) -> Result:
    return metropole_committee_member_add(context, data_dict)


@tk.auth_allow_anonymous_access
def metropole_committee_member_list(context: dict[str, Any],
                                    data_dict: dict[str, Any]) -> Result:
    # The composition of the committee is public (annual report); the
    # history of past members is for those who manage it.
    if data_dict.get("include_past") in (True, "true", "True", "1"):
        return metropole_committee_member_add(context, data_dict)
    return {"success": True}


def metropole_review_propose(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return _ok(_can_edit(context, _package(data_dict)),
               tk._("Only the dataset's editors may propose it for review"))


def metropole_review_open(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return _ok(members.can_manage(_user(context)),
               tk._("Only the committee's secretary opens reviews"))


def metropole_opinion_record(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return _ok(members.is_member(_user(context)),
               tk._("Only members of the committee record opinions"))


def metropole_opinion_list(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    """Individual opinions: the committee and the producer only."""
    return _ok(_committee_reader(context) or _can_edit(context, _package(data_dict)),
               tk._("Individual opinions are visible to the committee and the "
                    "producer only"))


def metropole_avis_render(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return _ok(members.is_president(_user(context)),
               tk._("Only the president of the committee renders the avis"))


def metropole_decision_record(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return _ok(_org_admin(context, _package(data_dict)),
               tk._("Only an admin of the owning organization decides"))


def metropole_review_override(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return {"success": False, "msg": tk._("Only sysadmins may publish without the "
                                          "committee")}


@tk.auth_allow_anonymous_access
def metropole_review_show(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    pkg = _package(data_dict)
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return _ok(authz.is_authorized("package_show", dict(context),
                                   {"id": pkg.id}).get("success", False),
               tk._("You may not read this dataset"))


@tk.auth_allow_anonymous_access
def metropole_review_list(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    if data_dict.get("mine") in (True, "true", "True", "1"):
        return _ok(_user(context) is not None, tk._("Log in to see your proposals"))
    return _ok(_committee_reader(context),
               tk._("The review queue is for the committee and its secretary"))


@tk.auth_allow_anonymous_access
def metropole_report(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return {"success": True}


def _under_review_reader(context: dict[str, Any], data_dict: dict[str, Any]) -> bool:
    pkg = _package(data_dict)
    return bool(pkg is not None and pkg.state == "active" and _committee_reader(context)
                and reviews.open_review(pkg.id) is not None)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    """Committee members may read a private dataset while it is under review.

    ``resource_show`` asks ``package_show``: its resources' metadata follow,
    without their URLs (``logic/data_access.py``: no file, no row).
    """
    result = next_auth(context, data_dict)
    if not result.get("success") and _under_review_reader(context, data_dict):
        return {"success": True}
    return result


def auth_functions() -> dict[str, Any]:
    """The committee's auth functions (``plugin.py`` registers them)."""
    return {name: globals()[name] for name in __all__}
