"""What each person has to do next with the committee ("Mes tâches", ``/mes-taches``).

One list per role, each read by one query of ``queue.search``:

==============  ==============================================================
``to_open``     proposals the secretary has to open
``to_opine``    open reviews a member has given no opinion on yet
``to_render``   open reviews whose avis the president has to render
``to_decide``   reviews of the organizations one administers that wait for a
                decision: avis rendered, or deadline passed (*sans avis*)
``returned``    datasets returned to the one who proposed them (the latest
                review of the dataset: a new proposal ends it)
``mine``        one's own proposals in progress, with what each still waits for
==============  ==============================================================

The header's counter (``counts``) is one query for all of them, whatever the
person's roles (the roles are conditions of the query), made once per request
and only for a logged-in user.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from flask import g

from ckanext.metropole.committee import members, queue, settings
from ckanext.metropole.committee.model import OPEN_STATES, committee_member, opinion, review

TASKS = ("to_open", "to_opine", "to_render", "to_decide", "returned", "mine")
# what the person has to act on (``mine`` waits for others): the header's counter
ACTIONS = ("to_open", "to_opine", "to_render", "to_decide", "returned")
LIMIT = 50


def _membership(user_id: str, president: bool = False) -> Any:
    clause = [committee_member.c.user_id == user_id, members._current_clause()]
    if president:
        clause.append(committee_member.c.role == "president")
    return sa.exists(sa.select(committee_member.c.id).where(*clause))


def _organizations(user_id: str, capacities: tuple[str, ...]) -> Any:
    member = model.Member.__table__
    return sa.select(member.c.group_id).where(
        member.c.table_name == "user", member.c.table_id == user_id,
        member.c.state == "active", member.c.capacity.in_(capacities))


def clauses(user: model.User) -> dict[str, list[Any]]:
    """The conditions of each list for ``user`` (on ``review`` and ``package``)."""
    package = model.Package.__table__
    me = user.id
    latest = review.alias("latest")
    late = sa.and_(review.c.state.in_(("propose", "en_examen")),
                   review.c.deadline < sa.func.now())
    return {
        "to_open": [review.c.state == "propose",
                    sa.true() if user.name in settings.secretaries() else sa.false()],
        "to_opine": [review.c.state == "en_examen", _membership(me),
                     ~sa.exists(sa.select(opinion.c.id).where(
                         opinion.c.review_id == review.c.id, opinion.c.user_id == me))],
        "to_render": [review.c.state == "en_examen", _membership(me, president=True)],
        "to_decide": [package.c.owner_org.in_(_organizations(me, ("admin",))),
                      sa.or_(review.c.state == "avis_rendu", late)],
        "returned": [review.c.proposed_by == me, review.c.state == "renvoye",
                     review.c.id == sa.select(sa.func.max(latest.c.id)).where(
                         latest.c.package_id == review.c.package_id).scalar_subquery()],
        "mine": [review.c.proposed_by == me, review.c.state.in_(OPEN_STATES)],
    }


def counts(user: model.User) -> dict[str, Any]:
    """How many items of each list, and the roles that show them, in one query."""
    where = clauses(user)
    figures = [queue.base(sa.func.count()).where(*where[task]).scalar_subquery().label(task)
               for task in TASKS]
    row = model.Session.execute(sa.select(
        *figures,
        _membership(user.id).label("member"),
        _membership(user.id, president=True).label("president"),
        sa.exists(_organizations(user.id, ("admin",))).label("admin"),
        sa.exists(_organizations(user.id, ("admin", "editor"))).label("producer"),
    )).mappings().one()
    out = dict(row)
    out["secretary"] = user.name in settings.secretaries()
    out["year"] = datetime.date.today().year  # of the annual report in the menu
    out["sysadmin"] = bool(user.sysadmin)
    out["total"] = sum(out[task] for task in ACTIONS)
    return out


def shown(figures: dict[str, Any]) -> list[str]:
    """The lists of the page for the roles of the person (and any non-empty one)."""
    role = {"to_open": figures["secretary"], "to_opine": figures["member"],
            "to_render": figures["president"], "to_decide": figures["admin"],
            "returned": figures["producer"], "mine": figures["producer"]}
    return [task for task in TASKS if role[task] or figures[task]]


def lists(user: model.User, figures: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The items of each list shown, one query per list."""
    where = clauses(user)
    return {task: queue.search(state="all", where=where[task], limit=LIMIT,
                               count=False)["results"]
            for task in shown(figures)}


def for_request() -> dict[str, Any] | None:
    """:func:`counts` of the logged-in user, computed once per request."""
    user = tk.current_user
    if not isinstance(user, model.User) or not user.id or user.state != "active":
        return None
    cached = getattr(g, "metropole_tasks", None)
    if cached is None or cached[0] != user.id:
        cached = (user.id, counts(user))
        g.metropole_tasks = cached
    return cached[1]
