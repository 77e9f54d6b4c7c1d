"""Membership of the Comité Métropolitain de la Donnée.

A member is a CKAN user with a college, a role (member or president) and a
mandate. Removing a member ends the row (``removed_at``) instead of deleting
it: past members keep their history. Every permission of the committee is
read from this table at each request, so a removal takes effect at once,
whatever the session or API token of the removed member.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.metropole.committee import settings
from ckanext.metropole.committee.model import COLLEGES, ROLES, committee_member
from ckanext.metropole.logic.users import user_object

PRESIDENT_FORBIDDEN_COLLEGE = "collectivites"


def college_label(college: str) -> str:
    return {
        "recherche": tk._("Higher education & research"),
        "associations": tk._("Associations, qualified persons & civil society"),
        "entreprises": tk._("Companies"),
        "collectivites": tk._("Local authorities"),
    }.get(college, college)


def role_label(role: str) -> str:
    return {"member": tk._("Member"), "president": tk._("President")}.get(role, role)


def _today() -> datetime.date:
    return datetime.date.today()


def _current_clause(on: datetime.date | None = None) -> Any:
    day = on or _today()
    c = committee_member.c
    return sa.and_(c.removed_at.is_(None), c.mandate_start <= day,
                   sa.or_(c.mandate_end.is_(None), c.mandate_end >= day))


def current_member(user: Any) -> dict[str, Any] | None:
    """The current membership of ``user`` (name, id or User), or None."""
    obj = user_object(user)
    if obj is None or obj.state != "active":
        return None
    row = model.Session.execute(
        sa.select(committee_member).where(
            committee_member.c.user_id == obj.id, _current_clause())
    ).mappings().first()
    return dict(row) if row else None


def is_member(user: Any) -> bool:
    return current_member(user) is not None


def is_president(user: Any) -> bool:
    member = current_member(user)
    return bool(member and member["role"] == "president")


def is_secretary(user: Any) -> bool:
    obj = user_object(user)
    return bool(obj and obj.state == "active"
                and obj.name in settings.secretaries())


def is_sysadmin(user: Any) -> bool:
    obj = user_object(user)
    return bool(obj and obj.sysadmin and obj.state == "active")


def can_manage(user: Any) -> bool:
    """Sysadmins and the secretary manage membership and open reviews."""
    return is_sysadmin(user) or is_secretary(user)


def members(include_past: bool = False) -> list[dict[str, Any]]:
    """Members with their user name and display name, current ones first."""
    c = committee_member.c
    query = (sa.select(committee_member, model.User.name.label("user_name"),
                       model.User.fullname.label("fullname"),
                       model.User.email.label("email"))
             .join(model.User.__table__, model.User.__table__.c.id == c.user_id)
             .order_by(c.removed_at.desc().nulls_first(), c.college,
                       c.role.desc(), model.User.fullname, c.id))
    if not include_past:
        query = query.where(_current_clause())
    rows = model.Session.execute(query).mappings().all()
    return [_dictize(r) for r in rows]


def _dictize(row: Any) -> dict[str, Any]:
    out = {k: row[k] for k in row.keys()}
    for key in ("mandate_start", "mandate_end", "added_at", "removed_at"):
        if out.get(key) is not None:
            out[key] = out[key].isoformat()
    out["college_label"] = college_label(out["college"])
    out["role_label"] = role_label(out["role"])
    out["current"] = out["removed_at"] is None and (
        out["mandate_end"] is None or out["mandate_end"] >= _today().isoformat())
    return out


def seats_taken(college: str) -> int:
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(committee_member).where(
            committee_member.c.college == college, _current_clause())
    ).scalar_one()


def add(user: Any, college: str, role: str = "member",
        mandate_start: datetime.date | None = None,
        mandate_end: datetime.date | None = None,
        added_by: str | None = None, commit: bool = True) -> dict[str, Any]:
    """Seat ``user`` in ``college``; refuse with a field error and change nothing.

    ``commit=False`` leaves the transaction open (an import commits once);
    a refusal rolls the whole transaction back.
    """
    obj = user_object(user)
    if obj is None or obj.state != "active":
        raise tk.ValidationError({"user": [tk._("User: no active user named {user}")
                                           .format(user=user)]})
    if college not in COLLEGES:
        raise tk.ValidationError({"college": [tk._(
            "College: unknown college {college}; choose one of {colleges}").format(
                college=college, colleges=", ".join(COLLEGES))]})
    if role not in ROLES:
        raise tk.ValidationError({"role": [tk._(
            "Role: must be member or president")]})
    if role == "president" and college == PRESIDENT_FORBIDDEN_COLLEGE:
        raise tk.ValidationError({"role": [tk._(
            "Role: the president cannot come from the local authorities college "
            "(the deliberation requires the committee's independence)")]})
    start = mandate_start or _today()
    if mandate_end is not None and mandate_end < start:
        raise tk.ValidationError({"mandate_end": [tk._(
            "End of mandate: must not be before its start")]})
    # Seats and the presidency are counted under a table lock: two
    # simultaneous additions cannot both take the last seat.
    model.Session.execute(sa.text(
        "LOCK TABLE metropole_committee_member IN SHARE ROW EXCLUSIVE MODE"))
    try:
        if current_member(obj) is not None:
            raise tk.ValidationError({"user": [tk._(
                "User: {user} already sits on the committee").format(user=obj.name)]})
        seats = settings.seats()[college]
        if seats_taken(college) >= seats:
            raise tk.ValidationError({"college": [tk._(
                "College: all {seats} seats of the college \"{college}\" are taken"
            ).format(seats=seats, college=college_label(college))]})
        if role == "president":
            president = model.Session.execute(
                sa.select(committee_member.c.id).where(
                    committee_member.c.role == "president",
                    committee_member.c.removed_at.is_(None))).first()
            if president is not None:
                raise tk.ValidationError({"role": [tk._(
                    "Role: the committee already has a president; remove them "
                    "first")]})
        new_id = model.Session.execute(
            committee_member.insert().values(
                user_id=obj.id, college=college, role=role, mandate_start=start,
                mandate_end=mandate_end, added_by=added_by,
            ).returning(committee_member.c.id)).scalar_one()
    except Exception:
        model.Session.rollback()
        raise
    if commit:
        model.Session.commit()
    return member_by_id(new_id)


def member_by_id(member_id: int) -> dict[str, Any]:
    row = model.Session.execute(
        sa.select(committee_member, model.User.name.label("user_name"),
                  model.User.fullname.label("fullname"),
                  model.User.email.label("email"))
        .join(model.User.__table__,
              model.User.__table__.c.id == committee_member.c.user_id)
        .where(committee_member.c.id == member_id)).mappings().one()
    return _dictize(row)


def remove(user: Any, removed_by: str | None = None) -> dict[str, Any]:
    """End the current membership of ``user`` (the row stays, for history)."""
    member = current_member(user)
    if member is None:
        obj = user_object(user)
        pending = obj is not None and model.Session.execute(
            sa.select(committee_member.c.id).where(
                committee_member.c.user_id == obj.id,
                committee_member.c.removed_at.is_(None))).first()
        if not pending:
            raise tk.ValidationError({"user": [tk._(
                "User: {user} does not sit on the committee").format(user=user)]})
        member = {"id": pending[0]}
    model.Session.execute(
        committee_member.update().where(committee_member.c.id == member["id"])
        .values(removed_at=sa.func.now(), removed_by=removed_by))
    model.Session.commit()
    return member_by_id(member["id"])
