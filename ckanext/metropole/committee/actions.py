"""The committee's API: the ``metropole_*`` actions (``plugin.py`` registers them).

Each action checks its own auth function first, validates its input with
a schema (``schema``), then calls ``members`` / ``reviews``.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import validate

from ckanext.metropole.committee import hooks, members, queue, report, reviews, schema
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic import publication
from ckanext.metropole.logic.users import acting_user

Context = dict[str, Any]
DataDict = dict[str, Any]

__all__ = [
    "metropole_avis_render",
    "metropole_committee_member_add",
    "metropole_committee_member_list",
    "metropole_committee_member_remove",
    "metropole_decision_record",
    "metropole_opinion_record",
    "metropole_report",
    "metropole_review_list",
    "metropole_review_open",
    "metropole_review_override",
    "metropole_review_show",
    "metropole_review_propose",
]


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
    proposed_by = None
    if data_dict.get("mine"):
        proposed_by = _actor(dict(context, ignore_auth=False)).id
    return _serialize(queue.search(
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
    return _serialize(report.build(int(data_dict["year"])))


def actions() -> dict[str, Any]:
    """The committee's API (``metropole_*``) and its chains on CKAN's dataset actions."""
    found: dict[str, Any] = {name: globals()[name] for name in __all__}
    found.update({name: getattr(hooks, name) for name in hooks.__all__})
    return found
