"""Actions of the Comité Métropolitain de la Donnée (exported by ``action.py``).

Each action checks its own auth function first, validates its input with
a schema, then calls ``committee_members`` / ``committee_reviews``.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import validate

from ckanext.metropole.logic import committee_members as members
from ckanext.metropole.logic import committee_reviews as reviews
from ckanext.metropole.logic import committee_schema as schema
from ckanext.metropole.logic import committee_state, fields, params, publication
from ckanext.metropole.logic.users import acting_user

Context = dict[str, Any]
DataDict = dict[str, Any]


def _actor(context: Context) -> model.User:
    """The user acting; trusted internal calls (``ignore_auth``) without one
    act as the site user, an anonymous request acts as nobody."""
    user = acting_user(context)
    if user is None:
        if not context.get("ignore_auth"):
            raise tk.NotAuthorized(tk._("Log in first"))
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        user = model.User.get(site_user["name"])
    return user


def _package_id(data_dict: DataDict) -> str:
    pkg = model.Package.get(data_dict["id"])
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return pkg.id


def _serialize(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _serialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_serialize(v) for v in value]
    return value


def _date(value: Any) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


# ---------------------------------------------------------------- membership

@validate(schema.member_add)
def metropole_committee_member_add(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Seat a user on the committee.

    :param user: name or id of the user
    :param college: ``recherche``, ``associations``, ``entreprises`` or
        ``collectivites``
    :param role: ``member`` (default) or ``president`` (never from
        ``collectivites``; one at a time)
    :param mandate_start: ISO date (default today)
    :param mandate_end: ISO date (optional)
    :returns: the membership
    """
    tk.check_access("metropole_committee_member_add", context, data_dict)
    return _serialize(members.add(
        data_dict["user"], data_dict["college"], data_dict.get("role", "member"),
        _date(data_dict.get("mandate_start")), _date(data_dict.get("mandate_end")),
        added_by=_actor(context).id))


@validate(schema.member_remove)
def metropole_committee_member_remove(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """End a user's membership (the row stays in the committee's history).

    :param user: name or id of the user
    :returns: the ended membership
    """
    tk.check_access("metropole_committee_member_remove", context, data_dict)
    return _serialize(members.remove(data_dict["user"], removed_by=_actor(context).id))


@tk.side_effect_free
@validate(schema.member_list)
def metropole_committee_member_list(context: Context,
                                    data_dict: DataDict) -> list[dict[str, Any]]:
    """Current members of the committee (past ones too with ``include_past``).

    :param include_past: boolean (default false; sysadmins and secretary only)
    :returns: memberships with ``user_name``, ``fullname``, ``college``,
        ``role``, ``mandate_start``, ``mandate_end``, ``removed_at``
    """
    tk.check_access("metropole_committee_member_list", context, data_dict)
    rows = members.members(include_past=data_dict.get("include_past", False))
    if not members.can_manage(acting_user(context)):
        for row in rows:
            row.pop("email", None)
    return _serialize(rows)


# ---------------------------------------------------------------- reviews

@validate(schema.propose)
def metropole_review_propose(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Propose a dataset for opening: the committee will review it.

    The dataset must pass the publication gate, the committee condition
    aside (licence, criteria, screening, producing commune).

    :param id: id or name of the dataset
    :param comment: note to the committee (optional, plain text or Markdown)
    """
    tk.check_access("metropole_review_propose", context, data_dict)
    return _serialize(reviews.propose(_package_id(data_dict), _actor(context),
                                      data_dict.get("comment", "")))


@validate(schema.package_ref)
def metropole_review_open(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Open the review of a proposed dataset (secretary).

    :param id: id or name of the dataset
    """
    tk.check_access("metropole_review_open", context, data_dict)
    return _serialize(reviews.open_(_package_id(data_dict), _actor(context)))


@validate(schema.opinion)
def metropole_opinion_record(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record (or edit) one's individual opinion, until the avis is rendered.

    :param id: id or name of the dataset
    :param value: ``favorable``, ``reserves`` or ``defavorable``
    :param comment: optional comment (plain text or Markdown, no HTML)
    """
    tk.check_access("metropole_opinion_record", context, data_dict)
    return _serialize(reviews.record_opinion(
        _package_id(data_dict), _actor(context), data_dict["value"],
        data_dict.get("comment", "")))


@validate(schema.avis)
def metropole_avis_render(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The president records the committee's consolidated avis.

    :param id: id or name of the dataset
    :param avis: ``favorable``, ``reserves`` or ``defavorable``
    :param motivation: required (plain text or Markdown, no HTML)
    :param version: the review version the president saw (optional; a
        different current version is a conflict)
    """
    tk.check_access("metropole_avis_render", context, data_dict)
    return _serialize(reviews.render_avis(
        _package_id(data_dict), _actor(context), data_dict["avis"],
        data_dict.get("motivation", ""), data_dict.get("version")))


@validate(schema.decision)
def metropole_decision_record(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Decide on a reviewed dataset (admin of the owning organization).

    :param id: id or name of the dataset
    :param decision: ``publie``, ``maintenu_ferme`` or ``renvoye``
    :param justification: required to publish against an unfavorable avis
    :param version: the review version the user saw (optional; conflict
        error when someone decided meanwhile)
    """
    tk.check_access("metropole_decision_record", context, data_dict)
    pkg = model.Package.get(data_dict["id"])
    return _serialize(reviews.record_decision(
        pkg.id if pkg else data_dict["id"], _actor(context), data_dict["decision"],
        data_dict.get("justification", ""), data_dict.get("version")))


@validate(schema.override)
def metropole_review_override(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Publish a dataset without the committee (sysadmins; recorded).

    :param id: id or name of the dataset
    :param justification: required
    """
    tk.check_access("metropole_review_override", context, data_dict)
    return _serialize(reviews.override(_package_id(data_dict), _actor(context),
                                       data_dict.get("justification", "")))


@tk.side_effect_free
@validate(schema.package_ref)
def metropole_review_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The committee's file on a dataset: current review, history, audit trail.

    Individual opinions and their tally only for the committee and the
    producer.

    :param id: id or name of the dataset
    """
    tk.check_access("metropole_review_show", context, data_dict)
    package_id = _package_id(data_dict)
    pkg = model.Package.get(package_id)
    try:
        tk.check_access("metropole_opinion_list", dict(context), {"id": package_id})
        insider = True
    except tk.NotAuthorized:
        insider = False
    history = reviews.history(package_id)
    current = history[0] if history else None
    out: dict[str, Any] = {
        "package_id": package_id, "package_name": pkg.name, "title": pkg.title,
        "subject": committee_state.subject({"owner_org": pkg.owner_org}),
        "state": current["state"] if current else None,
        "state_label": reviews.state_label(current["state"] if current else None),
        "review": current, "history": history,
        "late": bool(current and reviews.is_late(current)),
        "events": reviews.events(package_id, include_private=insider),
        "published": publication.is_published(tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": package_id})),
    }
    if current and insider:
        out["opinions"] = reviews.opinions(current["id"])
        out["tally"] = reviews.tally(current["id"])
    return _serialize(out)


@tk.side_effect_free
@validate(schema.review_list)
def metropole_review_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The review queue (committee, secretary) or one's own proposals (``mine``).

    :param state: ``open`` (default), ``all`` or one state (``propose``,
        ``en_examen``, ``avis_rendu``, ``publie``, ``maintenu_ferme``,
        ``renvoye``)
    :param commune: INSEE code of the producing commune
    :param criterion: priority criterion code
    :param late: only reviews past their deadline without avis
    :param mine: the user's own proposals, every state
    :param limit: default 50
    :param offset: default 0
    :returns: ``{"count": n, "results": [...]}``
    """
    tk.check_access("metropole_review_list", context, data_dict)
    from ckanext.metropole.logic import committee_queue

    proposed_by = None
    if data_dict.get("mine"):
        proposed_by = _actor(dict(context, ignore_auth=False)).id
    return _serialize(committee_queue.search(
        state=data_dict.get("state") or ("all" if data_dict.get("mine") else "open"),
        commune=data_dict.get("commune"), criterion=data_dict.get("criterion"),
        late=data_dict.get("late", False),
        proposed_by=proposed_by,
        limit=data_dict.get("limit", 50), offset=data_dict.get("offset", 0)))


@tk.side_effect_free
@validate(schema.report)
def metropole_report(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The committee's annual evaluation report.

    :param year: the year (e.g. 2026)
    """
    tk.check_access("metropole_report", context, data_dict)
    from ckanext.metropole import report

    return _serialize(report.build(int(data_dict["year"])))


# ---------------------------------------------------------------- CKAN's actions

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
    context["metropole_override"] = reviews.check_text(
        "committee_override", tk._("Committee override"), text, required=True)


def check_tags(data_dict: DataDict) -> None:
    """Too many keywords: refused before CKAN validates and stores each one."""
    errors = fields.tags_error(data_dict)
    if errors:
        raise tk.ValidationError(errors)


@tk.chained_action
def package_create(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    # CKAN looks the dataset up by these before validating them (a list: a 500)
    params.require_text(data_dict, "id", "name")
    check_tags(data_dict)
    take_override(context, data_dict)
    return original_action(context, data_dict)


@tk.chained_action
def package_owner_org_update(original_action: Any, context: Context,
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
        {"user": context.get("user"), "ignore_auth": True},
        {"id": pkg.id, "owner_org": org.id if org else ""})
    return None


@tk.chained_action
def package_update(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    params.require_text(data_dict, "id", "name")
    check_tags(data_dict)
    take_override(context, data_dict)
    if not context.get(reviews.COMMITTEE_CONTEXT):
        stored = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
        if stored is not None and not stored.private and stored.state == "active":
            before = tk.get_action("package_show")(
                {"ignore_auth": True, "use_cache": False, "for_view": False},
                {"id": stored.id})
            context["metropole_before"] = committee_state.fingerprint(before)
    return original_action(context, data_dict)


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
    override = context.pop("metropole_override", None)
    before = context.pop("metropole_before", None)
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
        reviews.reopen_if_changed(package_id, before, acting_user(context))
