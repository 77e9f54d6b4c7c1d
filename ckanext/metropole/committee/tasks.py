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
import functools
from typing import Any

import sqlalchemy as sa
from flask import g

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.committee import members, queue, settings
from ckanext.metropole.committee.model import OPEN_STATES, committee_member, opinion, review

TASKS = ("to_open", "to_opine", "to_render", "to_decide", "returned", "mine")
# what the person has to act on (``mine`` waits for others): the header's counter
ACTIONS = ("to_open", "to_opine", "to_render", "to_decide", "returned")
LIMIT = 50


def _membership(me: Any, today: Any, president: bool = False) -> Any:
    clause = [committee_member.c.user_id == me, members._current_clause(today)]
    if president:
        clause.append(committee_member.c.role == "president")
    return sa.exists(sa.select(committee_member.c.id).where(*clause))


def _organizations(me: Any, capacities: tuple[str, ...]) -> Any:
    member = model.member_table
    return sa.select(member.c.group_id).where(
        member.c.table_name == "user", member.c.table_id == me,
        member.c.state == "active", member.c.capacity.in_(capacities))


def clauses(me: Any, secretary: bool, today: Any = None) -> dict[str, list[Any]]:
    """The conditions of each list (on ``review`` and ``package``) for the user
    of id ``me`` (a value or a bind parameter), ``secretary`` or not."""
    package = model.package_table
    latest = review.alias("latest")
    late = sa.and_(review.c.state.in_(("propose", "en_examen")),
                   review.c.deadline < sa.func.now())
    return {
        "to_open": [review.c.state == "propose", sa.true() if secretary else sa.false()],
        "to_opine": [review.c.state == "en_examen", _membership(me, today),
                     ~sa.exists(sa.select(opinion.c.id).where(
                         opinion.c.review_id == review.c.id, opinion.c.user_id == me))],
        "to_render": [review.c.state == "en_examen", _membership(me, today, president=True)],
        "to_decide": [package.c.owner_org.in_(_organizations(me, ("admin",))),
                      sa.or_(review.c.state == "avis_rendu", late)],
        "returned": [review.c.proposed_by == me, review.c.state == "renvoye",
                     review.c.id == sa.select(sa.func.max(latest.c.id)).where(
                         latest.c.package_id == review.c.package_id).scalar_subquery()],
        "mine": [review.c.proposed_by == me, review.c.state.in_(OPEN_STATES)],
    }


ROLES = ("member", "president", "admin", "producer")


@functools.cache
def _counts_statement(secretary: bool) -> Any:
    """The counter's query, built once (bind parameters ``me`` and ``today``).

    A list is counted only for the role that has it (the query reads the
    other lists' tables no further), and up to ``LIMIT + 1`` (shown "50+"):
    it costs about the same whether a list holds 3 items or 20,000
    (``bench/tasks.py``).
    """
    me, today = sa.bindparam("me"), sa.bindparam("today")
    where = clauses(me, secretary, today)
    roles = {
        "member": _membership(me, today),
        "president": _membership(me, today, president=True),
        "admin": sa.exists(_organizations(me, ("admin",))),
        "producer": sa.exists(_organizations(me, ("admin", "editor"))),
    }
    role_of = {"to_open": sa.true() if secretary else sa.false(),
               "to_opine": roles["member"], "to_render": roles["president"],
               "to_decide": roles["admin"], "returned": roles["producer"],
               "mine": roles["producer"]}
    figures = [sa.case((role_of[task], sa.select(sa.func.count()).select_from(
        queue.base(review.c.id).where(*where[task]).limit(LIMIT + 1).subquery())
        .scalar_subquery()), else_=0).label(task) for task in TASKS]
    return sa.select(*figures, *(roles[role].label(role) for role in ROLES))


def counts(user: model.User) -> dict[str, Any]:
    """How many items of each list (up to ``LIMIT + 1``), and the roles that
    show them, in one query."""
    secretary = user.name in settings.secretaries()
    out = dict(model.Session.execute(_counts_statement(secretary), {
        "me": user.id, "today": datetime.date.today()}).mappings().one())
    out["secretary"] = secretary
    out["sysadmin"] = bool(user.sysadmin)
    out["year"] = datetime.date.today().year  # of the annual report in the menu
    out["total"] = sum(out[task] for task in ACTIONS)
    out["limit"] = LIMIT
    return out


def shown(figures: dict[str, Any]) -> list[str]:
    """The lists of the page for the roles of the person (and any non-empty one)."""
    role = {"to_open": figures["secretary"], "to_opine": figures["member"],
            "to_render": figures["president"], "to_decide": figures["admin"],
            "returned": figures["producer"], "mine": figures["producer"]}
    return [task for task in TASKS if role[task] or figures[task]]


def lists(user: model.User, figures: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The items of each list shown, one query per list."""
    where = clauses(user.id, figures["secretary"])
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
