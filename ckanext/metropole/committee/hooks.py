"""What the committee chains on CKAN's dataset actions (exported by ``actions``).

``package_create`` and ``package_update`` take a sysadmin's
``committee_override`` into the context and remember, before an update of a
public dataset, the fields the committee examined; the ``after_dataset_*``
hooks (``plugin.py``) then record the override or re-open a review when one
of those fields changed. ``package_owner_org_update`` sends a move through
``package_patch``, its validation and the publication gate. The keyword
limit is checked here too: CKAN keeps one chained action per name and plugin.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

from ckanext.metropole.committee import members, reviews, signals
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic import fields, params
from ckanext.metropole.logic.context import own, with_keys
from ckanext.metropole.logic.users import acting_user

__all__ = ["package_create", "package_owner_org_update", "package_update"]


def take_override(context: Context, data_dict: DataDict) -> None:
    """Move ``committee_override`` from the data to the context, if allowed.

    A sysadmin (or trusted code calling with ``ignore_auth``) may publish a
    dataset without the committee by giving a justification; the gate reads
    it from the context and the ``after_dataset_*`` hooks record it.
    """
    text = data_dict.pop("committee_override", None)
    if not text or not str(text).strip():
        return
    if not (context.get("ignore_auth") or members.is_sysadmin(acting_user(context))):
        raise tk.ValidationError({"committee_override": [tk._(
            "Committee override: only sysadmins may publish without the committee")]})
    own(context)["metropole_override"] = reviews.check_text(
        "committee_override", tk._("Committee override"), text, required=True)


def check_tags(data_dict: DataDict) -> None:
    """Too many keywords: refused before CKAN validates and stores each one."""
    errors = fields.tags_error(data_dict)
    if errors:
        raise tk.ValidationError(errors)


@tk.chained_action
def package_create(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    # CKAN looks the dataset up by these before validating them (a list: a 500)
    params.require_text(data_dict, "id", "name")
    check_tags(data_dict)
    take_override(context, data_dict)
    return original_action(context, data_dict)


@tk.chained_action
def package_owner_org_update(original_action: Action, context: Context,
                             data_dict: DataDict) -> Any:
    """Moving a dataset is an update of it, through its validation and the gate.

    ``package_create`` and ``package_update`` call this action once they have
    saved the new owner (it then only fixes the membership rows); called on
    its own (sysadmins), it would move a public dataset into a commune
    without the committee. The move then goes through ``package_patch``.
    """
    params.require_text(data_dict, "id", "organization_id")  # CKAN's lookups fail on others
    pkg = model.Package.get(str(data_dict.get("id") or ""))
    target = str(data_dict.get("organization_id") or "")
    org = model.Group.get(target) if target else None
    if pkg is None or (target and org is None) or (org.id if org else None) == pkg.owner_org:
        return original_action(context, data_dict)
    tk.check_access("package_owner_org_update", context, data_dict)
    tk.get_action("package_patch")(
        {"user": context.get("user", ""), "ignore_auth": True},
        {"id": pkg.id, "owner_org": org.id if org else ""})
    return None


# the value of the dataset form's "Save and propose to the committee" button
SAVE_AND_PROPOSE = "propose"
# the form's note to the committee, sent with that button's proposal (never a
# field of the dataset)
NOTE = "committee_note"


def _form_note(data_dict: DataDict, propose: bool) -> str:
    """The note the form sends with its proposal, checked before anything is
    saved (the panel's limits); a refusal shows the form again, note kept."""
    data_dict.pop(NOTE, None)
    if not propose:
        return ""
    note = tk.request.form.get(NOTE, "")
    try:
        return reviews.check_text(NOTE, tk._("Note to the committee"), note, required=False)
    except tk.ValidationError:
        data_dict[NOTE] = note
        raise


@tk.chained_action
def package_update(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    params.require_text(data_dict, "id", "name")
    check_tags(data_dict)
    take_override(context, data_dict)
    # CKAN's edit view sets ``save`` in the context and drops the button's
    # value from the data: the button pressed is read from the form itself
    from_form = bool(context.get("save")) and bool(tk.request)
    propose = from_form and tk.request.form.get("save") == SAVE_AND_PROPOSE
    note = ""
    if from_form:
        data_dict.pop("save", None)
        note = _form_note(data_dict, propose)
    if not context.get(reviews.COMMITTEE_CONTEXT):
        stored = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
        if stored is not None and not stored.private and stored.state == "active":
            before = tk.get_action("package_show")(
                {"ignore_auth": True, "use_cache": False, "for_view": False},
                {"id": stored.id})
            own(context)["metropole_before"] = committee_state.fingerprint(before)
    try:
        result = original_action(context, data_dict)
    except tk.ValidationError:
        if note:  # the form comes back with its errors: the note with it
            data_dict[NOTE] = note
        raise
    reopened = own(context).pop("metropole_reopened", None)
    if reopened:
        # told once the change is committed (CKAN's action commits it), and
        # only then: a refused update re-opens nothing and tells no one
        signals.review_reopened.send(reopened["package_id"], **{
            k: v for k, v in reopened.items() if k != "package_id"})
    if from_form:
        _tell_the_form(context, result, propose, reopened, note)
    return result


def _tell_the_form(context: Context, pkg: Any, propose: bool,
                   reopened: dict[str, Any] | None, note: str = "") -> None:
    """What the dataset form's save did beyond saving, said to its user (a
    flash message on the dataset page the form goes back to): the dataset
    went offline for a new review, or it was proposed to the committee."""
    package_id = pkg.get("id") if isinstance(pkg, dict) else context.get("id")
    title = pkg.get("title") if isinstance(pkg, dict) else ""
    if reopened:
        tk.h.flash_notice(tk._(
            "Saved. You changed what the committee examined ({fields}): \"{title}\" is "
            "no longer public and a new review of the committee is open; it will be "
            "published again after the committee's opinion and the decision.").format(
                fields=committee_state.field_labels(reopened["fields"]), title=title))
    if not propose or not package_id:
        return
    try:
        tk.get_action("metropole_review_propose")(
            with_keys(user=context.get("user", ""), auth_user_obj=context.get("auth_user_obj")),
            {"id": package_id, "comment": note})
    except tk.NotAuthorized:
        tk.h.flash_error(tk._("Saved, but you may not propose this dataset to the "
                              "committee."))
    except tk.ValidationError as error:
        tk.h.flash_error(tk._(
            "Saved, but not proposed to the committee yet: {details} The checklist on "
            "the dataset's page shows what is missing.").format(
                details=" ".join(m for found in error.error_dict.values()
                                 for m in (found if isinstance(found, list) else [found])
                                 if isinstance(m, str))))
    else:
        tk.h.flash_success(tk._(
            "Saved and proposed to the committee: its secretary opens the review, then "
            "the members give their opinion. You will follow its progress in the "
            "\"Committee opinion\" tab."))


def _saved(data: DataDict) -> DataDict:
    """The validated dict an action saved, custom fields back at the top
    (scheming moved them to ``extras`` for storage)."""
    out = dict(data)
    for extra in data.get("extras") or []:
        if isinstance(extra, dict) and "key" in extra and not extra.get("deleted"):
            out.setdefault(extra["key"], extra.get("value"))
    return out


def _actor_id(context: Context, data: DataDict, created: bool) -> str | None:
    # package_create has just looked the acting user up for creator_user_id
    if created and context.get("user") and data.get("creator_user_id"):
        return str(data["creator_user_id"])
    user = acting_user(context)
    return user.id if user else None


def after_dataset_saved(context: Context, data: DataDict, created: bool = False) -> None:
    """IPackageController hook: record an override, re-open a review."""
    package_id = data.get("id")
    if not package_id:
        return
    override = own(context).pop("metropole_override", None)
    before = own(context).pop("metropole_before", None)
    if override and not data.get("private"):
        subject, latest = committee_state.status(
            {"owner_org": data.get("owner_org"), "id": package_id})
        # the override covers what is published now: recorded unless the
        # latest publié decision already examined exactly that
        if subject and (latest != committee_state.CLEARED
                        or reviews.examined_changes(package_id, _saved(data), before)):
            # no review at all (a new dataset): none is open to take over
            reviews.record_override(package_id, _actor_id(context, data, created),
                                    override, pkg=_saved(data), first=latest is None)
    if before is not None:
        reopened = reviews.reopen_if_changed(package_id, before, acting_user(context))
        if reopened:
            own(context)["metropole_reopened"] = dict(reopened, package_id=package_id)
