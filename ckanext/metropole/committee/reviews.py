"""The review of a dataset by the committee: proposal, examination, avis, decision.

States: ``propose`` → ``en_examen`` → ``avis_rendu`` → one decision:
``publie``, ``maintenu_ferme`` or ``renvoye`` (back to the producer; a new
proposal starts a new review, the old one stays as history). Every
transition, opinion and decision writes an immutable ``metropole_review_event``
row. The functions here run inside the caller's transaction and commit it;
on any refusal they roll back, so nothing is half-written.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Callable

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ckanext.metropole import vocab
from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import settings
from ckanext.metropole.committee import signals
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.committee.model import AVIS, DECISIONS, OPEN_STATES, opinion, review, review_event
from ckanext.metropole.logic import (
    activities,
    external,
    fields,
    gate,
)
from ckanext.metropole.logic.values import as_list, as_text

HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
# The context flag of the package updates the committee makes itself.
COMMITTEE_CONTEXT = "metropole_committee"


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def state_label(state: str | None) -> str:
    return {
        None: tk._("Draft"), "": tk._("Draft"),
        "propose": tk._("Proposed"), "en_examen": tk._("Under review"),
        "avis_rendu": tk._("Opinion rendered"), "publie": tk._("Published"),
        "maintenu_ferme": tk._("Kept closed"), "renvoye": tk._("Returned to the producer"),
    }.get(state, state or "")


def avis_label(value: str | None) -> str:
    return {
        "favorable": tk._("Favorable"), "reserves": tk._("Favorable with reservations"),
        "defavorable": tk._("Unfavorable"),
    }.get(value or "", value or "")


def check_text(field: str, label: str, value: Any, required: bool) -> str:
    """A comment, motivation or justification: length, no markup, no control
    character but line breaks and tabulations (``fields``)."""
    text = as_text(value)
    if required and not text:
        raise tk.ValidationError({field: [tk._("{label}: required").format(label=label)]})
    control = fields.control_problem(label, text)
    if control:
        raise tk.ValidationError({field: [control]})
    limit = settings.comment_max_length()
    if len(text) > limit:
        raise tk.ValidationError({field: [tk._(
            "{label}: too long ({length} characters, at most {limit})").format(
                label=label, length=len(text), limit=limit)]})
    if HTML_RE.search(text):
        raise tk.ValidationError({field: [tk._(
            "{label}: HTML is not allowed; write plain text (Markdown is accepted)"
        ).format(label=label)]})
    return text


# ---------------------------------------------------------------- reading

def _package(package_id: str) -> model.Package:
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found (it may have been deleted)"))
    return pkg


def _show(package_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False, "for_view": False},
        {"id": package_id})


def open_review(package_id: str, lock: str | None = None) -> dict[str, Any] | None:
    query = sa.select(review).where(review.c.package_id == package_id,
                                    review.c.state.in_(OPEN_STATES))
    if lock == "update":
        query = query.with_for_update()
    elif lock == "share":
        query = query.with_for_update(read=True)
    row = model.Session.execute(query).mappings().first()
    return dict(row) if row else None


def history(package_id: str) -> list[dict[str, Any]]:
    rows = model.Session.execute(
        sa.select(review).where(review.c.package_id == package_id)
        .order_by(review.c.id.desc())).mappings().all()
    return [dict(r) for r in rows]


def events(package_id: str, include_private: bool) -> list[dict[str, Any]]:
    query = (sa.select(review_event, model.User.name.label("user_name"),
                       model.User.fullname.label("user_fullname"))
             .outerjoin(model.User.__table__,
                        model.User.__table__.c.id == review_event.c.user_id)
             .where(review_event.c.package_id == package_id)
             .order_by(review_event.c.id))
    if not include_private:
        query = query.where(review_event.c.public.is_(True))
    return [dict(r) for r in model.Session.execute(query).mappings().all()]


def opinions(review_id: int) -> list[dict[str, Any]]:
    from ckanext.metropole.committee.model import committee_member

    rows = model.Session.execute(
        sa.select(opinion, model.User.name.label("user_name"),
                  model.User.fullname.label("user_fullname"),
                  committee_member.c.college)
        .join(model.User.__table__, model.User.__table__.c.id == opinion.c.user_id)
        .join(committee_member, committee_member.c.id == opinion.c.member_id)
        .where(opinion.c.review_id == review_id).order_by(opinion.c.created)
    ).mappings().all()
    return [dict(r) for r in rows]


def tally(review_id: int) -> dict[str, int]:
    counts = dict.fromkeys(AVIS, 0)
    for value, n in model.Session.execute(
            sa.select(opinion.c.value, sa.func.count()).where(
                opinion.c.review_id == review_id).group_by(opinion.c.value)):
        counts[value] = n
    return counts


def is_late(row: dict[str, Any], at: datetime.datetime | None = None) -> bool:
    """No avis yet and the deadline has passed."""
    deadline = row.get("deadline")
    return bool(row.get("state") in ("propose", "en_examen") and deadline
                and deadline < (at or now()))


# ---------------------------------------------------------------- writing

def _event(row: dict[str, Any], user_id: str | None, kind: str,
           from_state: str | None, to_state: str | None, text: str = "",
           public: bool = True) -> None:
    model.Session.execute(review_event.insert(), dict(
        review_id=row["id"], package_id=row["package_id"], user_id=user_id,
        kind=kind, from_state=from_state, to_state=to_state, text=text, public=public))
    if public:
        # the same event in CKAN's activity stream, for the dataset's readers
        # (the committee's own events stay on its review page)
        activities.record(row["package_id"], user_id, kind, to_state, text)


def _patch_package(user_name: str, package_id: str, **fields: Any) -> None:
    """Patch the dataset; its commit also commits the review rows written before.

    Not ``defer_commit``: CKAN 2.12 keeps a deferred update in a savepoint
    and indexes only on its own commit. A refusal (the gate) raises before
    anything is committed, and the caller rolls back.
    """
    tk.get_action("package_patch")(
        {"ignore_auth": True, "user": user_name, COMMITTEE_CONTEXT: True},
        dict(fields, id=package_id))


def _transaction(work: Callable[[], Any]) -> Any:
    try:
        result = work()
    except Exception:
        model.Session.rollback()
        raise
    model.Session.commit()
    return result


def snapshot(pkg: dict[str, Any]) -> dict[str, Any]:
    """What the committee examines (and the report counts)."""
    return {
        **committee_state.fingerprint(pkg),
        "criteria": as_list(pkg.get("criteria")),
        "theme": as_list(pkg.get("theme")),
        "producing_commune": as_text(pkg.get("producing_commune")),
        "owner_org": as_text(pkg.get("owner_org")),
        "opening_status": as_text(pkg.get("opening_status")),
        "title": as_text(pkg.get("title")),
    }


def propose(package_id: str, user: model.User, comment: str = "") -> dict[str, Any]:
    """Ask for the opening of a dataset: it must pass the gate but for the review."""
    stored = _package(package_id)
    pkg = _show(stored.id)
    comment = check_text("comment", tk._("Comment"), comment, required=False)
    if external.is_harvested(pkg):
        # another producer's data (logic/external.py): not the committee's to review
        raise tk.ValidationError({"state": [tk._(
            "Review: a harvested dataset is published by its producer, not reviewed "
            "by the committee")]})
    if open_review(stored.id) is not None:
        raise tk.ValidationError({"state": [tk._(
            "Review: this dataset is already under review")]})
    if not pkg.get("private") and committee_state.cleared(stored.id):
        raise tk.ValidationError({"state": [tk._(
            "Review: this dataset is already published")]})
    candidate = dict(pkg, private=False, opening_status=vocab.OPENING_OPEN)
    problems = gate.check_proposal(candidate)
    if problems:
        raise tk.ValidationError(problems)
    days = settings.deadline_days()

    def work() -> dict[str, Any]:
        at = now()
        values = dict(package_id=stored.id, state="propose", proposed_by=user.id,
                      proposed_at=at, deadline=at + datetime.timedelta(days=days),
                      snapshot=snapshot(pkg))
        row_id = model.Session.execute(
            review.insert().values(**values).returning(review.c.id)).scalar_one()
        row = dict(values, id=row_id, version=1)
        _event(row, user.id, "proposed", None, "propose", comment)
        if pkg.get("private") and pkg.get("opening_status") != "en_examen":
            _patch_package(user.name, stored.id, opening_status="en_examen")
        if settings.auto_open():
            _open(row, None)
        return row

    row = _transaction(work)
    signals.review_proposed.send(stored.id, review_id=row["id"], user_id=user.id)
    return row


def _open(row: dict[str, Any], user_id: str | None) -> None:
    model.Session.execute(review.update().where(review.c.id == row["id"]).values(
        state="en_examen", opened_at=now(), version=review.c.version + 1))
    _event(row, user_id, "opened", row["state"], "en_examen")


def open_(package_id: str, user: model.User) -> dict[str, Any]:
    stored = _package(package_id)

    def work() -> dict[str, Any]:
        row = open_review(stored.id, lock="update")
        if row is None or row["state"] != "propose":
            raise tk.ValidationError({"state": [tk._(
                "Review: only a proposed dataset can be opened for review")]})
        _open(row, user.id)
        return row

    row = _transaction(work)
    signals.review_opened.send(stored.id, review_id=row["id"], user_id=user.id)
    return row


def record_opinion(package_id: str, user: model.User, value: str,
                   comment: str = "") -> dict[str, Any]:
    """One opinion per member and review; saving again edits it."""
    stored = _package(package_id)
    member = committee_members.current_member(user)
    if member is None:
        raise tk.ValidationError({"user": [tk._(
            "Opinion: only a current member of the committee may record an opinion")]})
    if value not in AVIS:
        raise tk.ValidationError({"value": [tk._(
            "Opinion: must be favorable, favorable with reservations or unfavorable")]})
    comment = check_text("comment", tk._("Comment"), comment, required=False)

    def work() -> dict[str, Any]:
        # A share lock: members' opinions land side by side, the avis waits.
        row = open_review(stored.id, lock="share")
        if row is None or row["state"] != "en_examen":
            raise tk.ValidationError({"state": [tk._(
                "Opinion: opinions can be recorded while the review is open, "
                "until the avis is rendered")]})
        statement = pg_insert(opinion).values(
            review_id=row["id"], user_id=user.id, member_id=member["id"],
            value=value, comment=comment)
        statement = statement.on_conflict_do_update(
            constraint="metropole_opinion_one_per_member",
            set_={"value": value, "comment": comment, "modified": sa.func.now(),
                  "member_id": member["id"]})
        model.Session.execute(statement)
        _event(row, user.id, "opinion", row["state"], row["state"],
               f"{avis_label(value)}\n\n{comment}".strip(), public=False)
        return row

    row = _transaction(work)
    return {"review_id": row["id"], "value": value, "comment": comment}


def _check_version(row: dict[str, Any], version: Any) -> None:
    if version not in (None, "") and int(version) != row["version"]:
        raise tk.ValidationError({"version": [tk._(
            "Conflict: the review changed since you loaded it (someone else acted "
            "on it); reload the page and try again")]})


def render_avis(package_id: str, user: model.User, value: str, motivation: str,
                version: Any = None) -> dict[str, Any]:
    """The president records the committee's consolidated avis."""
    stored = _package(package_id)
    if not committee_members.is_president(user):
        raise tk.ValidationError({"user": [tk._(
            "Avis: only the president of the committee renders the avis")]})
    if value not in AVIS:
        raise tk.ValidationError({"avis": [tk._(
            "Avis: must be favorable, favorable with reservations or unfavorable")]})
    motivation = check_text("motivation", tk._("Motivation"), motivation, required=True)

    def work() -> dict[str, Any]:
        row = open_review(stored.id, lock="update")
        if row is None or row["state"] != "en_examen":
            raise tk.ValidationError({"state": [tk._(
                "Avis: the review must be open (en examen) to render the avis")]})
        _check_version(row, version)
        model.Session.execute(review.update().where(review.c.id == row["id"]).values(
            state="avis_rendu", avis=value, avis_motivation=motivation,
            avis_by=user.id, avis_at=now(), version=review.c.version + 1))
        _event(row, user.id, "avis", row["state"], "avis_rendu",
               f"{avis_label(value)}\n\n{motivation}")
        return row

    row = _transaction(work)
    signals.avis_rendered.send(stored.id, review_id=row["id"], user_id=user.id)
    return row


def record_decision(package_id: str, user: model.User, decision: str,
                    justification: str = "", version: Any = None) -> dict[str, Any]:
    """The owning organization's admin (or a sysadmin) decides.

    Before the avis, only once the deadline has passed ("sans avis du
    comité"). Publishing against an unfavorable avis needs a justification.
    Racing decisions: the review row is locked; the loser finds it decided
    and gets a conflict error.
    """
    if decision not in DECISIONS:
        raise tk.ValidationError({"decision": [tk._(
            "Decision: must be published, kept closed or returned to the producer")]})
    justification = check_text("justification", tk._("Justification"), justification,
                               required=False)

    def work() -> dict[str, Any]:
        row = None
        stored = model.Package.get(package_id)
        if stored is not None:
            row = open_review(stored.id, lock="update")
        # Locked first, then checked: a deletion committed meanwhile is seen.
        if stored is not None:
            model.Session.refresh(stored)
        if stored is None or stored.state == "deleted":
            raise tk.ValidationError({"id": [tk._(
                "Decision: the dataset was deleted; nothing was recorded")]})
        if row is None:
            latest = committee_state.latest_review(stored.id)
            if latest and latest.get("decision_at"):
                raise tk.ValidationError({"version": [tk._(
                    "Conflict: a decision was already recorded on this review "
                    "({decision}); reload the page").format(
                        decision=state_label(latest["state"]))]})
            raise tk.ValidationError({"state": [tk._(
                "Decision: the dataset has no review in progress")]})
        _check_version(row, version)
        kind = "committee"
        if row["state"] != "avis_rendu":
            if not is_late(row):
                raise tk.ValidationError({"state": [tk._(
                    "Decision: the committee has until {deadline} to render its "
                    "avis").format(deadline=row["deadline"].date().isoformat())]})
            kind = "sans_avis"
        if decision == "publie" and row.get("avis") == "defavorable" and not justification:
            raise tk.ValidationError({"justification": [tk._(
                "Justification: required to publish against an unfavorable avis")]})
        model.Session.execute(review.update().where(review.c.id == row["id"]).values(
            state=decision, decision=decision, decision_kind=kind,
            decision_justification=justification, decision_by=user.id,
            decision_at=now(), version=review.c.version + 1))
        text = state_label(decision)
        if kind == "sans_avis":
            text += " — " + tk._("sans avis du comité")
        _event(row, user.id, "decision", row["state"], decision,
               f"{text}\n\n{justification}".strip())
        previous = (row.get("snapshot") or {}).get("opening_status") or "inventorie"
        if decision == "publie":
            changed = committee_state.changes(row.get("snapshot") or {}, _show(stored.id))
            if changed:
                # the committee examined the snapshot taken at the proposal
                raise tk.ValidationError({"decision": [tk._(
                    "Decision: changed since the dataset was proposed: {fields}; the "
                    "committee did not examine this version: return it to the producer "
                    "so that it is proposed again").format(
                        fields=committee_state.field_labels(changed))]})
            _patch_package(user.name, stored.id, private=False,
                           opening_status=vocab.OPENING_OPEN)
        elif previous != "en_examen":
            _patch_package(user.name, stored.id, opening_status=previous)
        return dict(row, decision=decision, decision_kind=kind)

    row = _transaction(work)
    signals.decision_recorded.send(row["package_id"], review_id=row["id"],
                                   user_id=user.id)
    return row


def override(package_id: str, user: model.User, justification: str) -> dict[str, Any]:
    """A sysadmin publishes without the committee; recorded with its reason."""
    stored = _package(package_id)
    justification = check_text("justification", tk._("Justification"), justification,
                               required=True)

    def work() -> dict[str, Any]:
        # The publié row first: the gate then lets the dataset go public.
        row = record_override(stored.id, user.id, justification)
        _patch_package(user.name, stored.id, private=False,
                       opening_status=vocab.OPENING_OPEN)
        return row

    row = _transaction(work)
    signals.decision_recorded.send(stored.id, review_id=row["id"], user_id=user.id)
    return row


def record_override(package_id: str, user_id: str | None, justification: str,
                    pkg: dict[str, Any] | None = None, first: bool = False) -> dict[str, Any]:
    """The *publié* row of an override (inside the caller's transaction).

    ``pkg``: the dataset as just validated by the action that saved it, when
    the caller has it (saves a second ``package_show`` on every creation).
    ``first``: the caller knows the dataset has no review yet.
    """
    pkg = pkg if pkg is not None else _show(package_id)
    row = None if first else open_review(package_id, lock="update")
    at = now()
    values = dict(state="publie", decision="publie", decision_kind="override",
                  decision_justification=justification, decision_by=user_id,
                  decision_at=at)
    if row is None:
        row_id = model.Session.execute(review.insert().returning(review.c.id), dict(
            package_id=package_id, proposed_by=user_id, proposed_at=at,
            snapshot=snapshot(pkg), **values)).scalar_one()
        row = dict(values, id=row_id, package_id=package_id, state=None)
    else:
        model.Session.execute(review.update().where(review.c.id == row["id"]).values(
            version=review.c.version + 1, snapshot=snapshot(pkg), **values))
    _event(row, user_id, "override", row["state"], "publie", justification)
    return dict(row, **values)


def examined_changes(package_id: str, pkg: dict[str, Any],
                     before: dict[str, Any] | None = None) -> list[str] | None:
    """What changed in ``pkg`` since the committee's latest *publié* decision.

    None when the latest review is not a *publié* decision. The reference is
    the decision's snapshot; a *legacy* row has none (public before the
    committee): then the dataset as it was public, ``before`` the change.
    """
    latest = committee_state.latest_review(package_id)
    if latest is None or latest["state"] != committee_state.CLEARED:
        return None
    examined = latest.get("snapshot") or before
    if examined is None:
        return list(committee_state.WATCHED_FIELDS)
    return committee_state.changes(examined, pkg)


def reopen_if_changed(package_id: str, before: dict[str, Any],
                      user: model.User | None) -> bool:
    """What the committee examined changed on a published dataset: a new review opens.

    The dataset goes back to private until the committee has examined it
    again (inside the caller's transaction). ``before``: the watched fields
    of the dataset before the change, the reference of a *legacy* row.
    """
    stored = model.Package.get(package_id)
    if stored is None or stored.private or stored.state != "active":
        return False
    pkg = _show(stored.id)
    if not committee_state.subject(pkg):
        return False
    changed = examined_changes(stored.id, pkg, before)
    if not changed:
        return False
    at = now()
    values = dict(package_id=stored.id, state="en_examen", proposed_by=user.id if user else None,
                  proposed_at=at, opened_at=at,
                  deadline=at + datetime.timedelta(
                      days=settings.deadline_days()),
                  snapshot=dict(snapshot(pkg), opening_status=vocab.OPENING_OPEN))
    row_id = model.Session.execute(
        review.insert().values(**values).returning(review.c.id)).scalar_one()
    row = dict(values, id=row_id)
    stored.private = True  # first: the event's activity takes the private labels
    _event(row, user.id if user else None, "reopened", "publie", "en_examen",
           tk._("Review re-opened: changed {fields}").format(fields=", ".join(changed)))
    return True
