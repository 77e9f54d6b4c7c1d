"""Emails of the committee workflow, sent by CKAN's mailer on its signals.

Plain text, in the site's default language (French), each with a link to
the page where the reader acts. The signals are sent once the step is
committed: an email that cannot be written or sent (a mail server down, a
title stored with a line break before titles refused them) never fails the
step nor the request; the failure is logged.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from ckanext.metropole import config as metropole_config
from ckanext.metropole.committee import labels as committee_labels
from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import reviews as committee_reviews
from ckanext.metropole.committee import settings, signals
from ckanext.metropole.committee import state as committee_state

log = logging.getLogger(__name__)


def _site() -> str:
    return tk.config.get("ckan.site_url").rstrip("/")


def review_url(package_name: str) -> str:
    return f"{_site()}/dataset/{package_name}/comite"


# a header holds one line: a CR or LF in a title would split it (or make
# the mailer refuse the message)
_HEADER_BREAKING = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")


def header_text(text: str) -> str:
    """``text`` on one line, fit for a subject."""
    return _HEADER_BREAKING.sub(" ", text).strip()


def _send(users: Iterable[model.User], subject: str, body: str) -> int:
    sent = 0
    subject = header_text(subject)
    for user in users:
        if not user or not user.email or user.state != "active":
            continue
        try:
            mailer.mail_recipient(user.fullname or user.name, user.email, subject, body)
            sent += 1
        except (mailer.MailerException, OSError) as err:
            # an unreachable mail server must not undo the workflow step; one
            # line per email (a demo without a mail server sends dozens)
            log.warning("Committee email to %s failed: %s", user.name, err)
        except Exception:  # whatever else: logged with its traceback, never raised
            log.exception("Committee email to %s failed", user.name)
    return sent


def _never_raises(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A subscriber whose failure is logged: the step it reports is committed."""
    @functools.wraps(handler)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            handler(*args, **kwargs)
        except Exception:
            log.exception("Committee email (%s) for %s not sent", handler.__name__,
                          args[0] if args else "?")
    return guarded


def _signature() -> str:
    return "\n\n-- \n" + metropole_config.portal_title() + "\n" + _site() + "\n"


def committee_readers() -> list[model.User]:
    """Members (the president included) and the secretary: the weekly digest."""
    return _unique(_members() + _secretaries())


def _unique(users: Iterable[model.User | None]) -> list[model.User]:
    unique: dict[str, model.User] = {}
    for user in users:
        if user is not None:
            unique.setdefault(user.id, user)
    return list(unique.values())


def _members() -> list[model.User]:
    ids = [m["user_id"] for m in committee_members.members()]
    if not ids:
        return []
    return model.Session.query(model.User).filter(model.User.id.in_(ids)).all()


def _secretaries() -> list[model.User]:
    return [user for user in map(model.User.get, settings.secretaries()) if user is not None]


def _admins(pkg: model.Package) -> list[model.User]:
    """Administrators of the dataset's organization: they decide."""
    if not pkg.owner_org:
        return []
    return (model.Session.query(model.User)
            .join(model.Member, model.Member.table_id == model.User.id)
            .filter(model.Member.group_id == pkg.owner_org,
                    model.Member.table_name == "user", model.Member.state == "active",
                    model.Member.capacity == "admin")
            .order_by(model.User.name).all())


def _producer(row: dict[str, Any]) -> list[model.User]:
    """Who proposed the dataset (or made the change that re-opened its review)."""
    user = model.User.get(row["proposed_by"]) if row.get("proposed_by") else None
    return [user] if user else []


def _review(review_id: int) -> dict[str, Any]:
    import sqlalchemy as sa

    from ckanext.metropole.committee.model import review

    return dict(model.Session.execute(
        sa.select(review).where(review.c.id == review_id)).mappings().one())


def _note(review_id: int) -> str:
    """The producer's note written with the proposal."""
    import sqlalchemy as sa

    from ckanext.metropole.committee.model import review_event

    return model.Session.execute(
        sa.select(review_event.c.text).where(review_event.c.review_id == review_id,
                                             review_event.c.kind == "proposed")
        .order_by(review_event.c.id).limit(1)).scalar() or ""


def _organization(pkg: model.Package) -> str:
    group = model.Group.get(pkg.owner_org) if pkg.owner_org else None
    return (group.title or "") if group else ""


def _public_url(package_name: str) -> str:
    return f"{_site()}/dataset/{package_name}"


def _send_each(*letters: tuple[list[model.User], str, str]) -> int:
    """Each ``(readers, subject, body)`` to its readers; one email per person
    and event: someone holding two roles gets the first letter naming them
    (the letters come in the order of who acts next)."""
    told: set[str] = set()
    sent = 0
    for users, subject, body in letters:
        readers = [u for u in _unique(users) if u.id not in told]
        told.update(u.id for u in readers)
        sent += _send(readers, subject, body + _signature())
    return sent


def on_proposed(package_id: str, review_id: int, user_id: str, **_: Any) -> None:
    """Proposed: the secretary and the members (with the producer's note),
    then the producer's acknowledgement."""
    pkg = model.Package.get(package_id)
    if pkg is None:  # purged since: nobody to tell about it
        return
    row = _review(review_id)
    note = _note(review_id)
    deadline = committee_labels.long_date(row["deadline"])
    if row["state"] == "en_examen":  # opened on proposal (auto_open)
        next_step = tk._("The review is open: the committee has until {deadline} to "
                         "render its avis.").format(deadline=deadline)
    else:
        next_step = tk._("The secretary opens the review; the committee has until "
                         "{deadline} to render its avis.").format(deadline=deadline)
    committee = (
        _members() + _secretaries(),
        tk._("Dataset proposed to the committee: {title}").format(title=pkg.title),
        tk._("Hello,\n\nThe dataset \"{title}\" ({organization}) was proposed for "
             "opening. {next_step}\n\nNote of the producer:\n{note}\n\n"
             "Review page: {url}\n").format(
                 title=pkg.title, organization=_organization(pkg), next_step=next_step,
                 note=note or tk._("(none)"), url=review_url(pkg.name)))
    producer = (
        _producer(row),
        tk._("Your proposal was received: {title}").format(title=pkg.title),
        tk._("Hello,\n\nYour proposal to open \"{title}\" was received. {next_step} "
             "You will be told of the avis and of the decision.\n\n"
             "Follow the review: {url}\n").format(
                 title=pkg.title, next_step=next_step, url=review_url(pkg.name)))
    _send_each(committee, producer)


def on_opened(package_id: str, review_id: int, user_id: str, **_: Any) -> None:
    """Review opened: the members give their opinions before the deadline."""
    pkg = model.Package.get(package_id)
    if pkg is None:  # purged meanwhile
        return
    row = _review(review_id)
    _send_each((
        _members(),
        tk._("Review opened, your opinion is expected: {title}").format(title=pkg.title),
        tk._("Hello,\n\nThe review of \"{title}\" ({organization}) is open. Give your "
             "opinion before {deadline}: the president then renders the committee's "
             "avis.\n\nNote of the producer:\n{note}\n\nReview page: {url}\n").format(
                 title=pkg.title, organization=_organization(pkg),
                 deadline=committee_labels.long_date(row["deadline"]),
                 note=_note(review_id) or tk._("(none)"), url=review_url(pkg.name))))


def on_avis(package_id: str, review_id: int, user_id: str, **_: Any) -> None:
    """Avis rendered: the organization's admins decide; the producer is told."""
    pkg = model.Package.get(package_id)
    if pkg is None:  # purged since: nobody to tell about it
        return
    row = _review(review_id)
    subject = tk._("The committee rendered its avis: {title}").format(title=pkg.title)
    body = tk._(
        "Hello,\n\nThe data committee rendered its avis on \"{title}\": {avis}.\n\n"
        "Motivation:\n{motivation}\n\n"
        "An admin of the organization may now record the decision: {url}\n").format(
            title=pkg.title, avis=committee_reviews.avis_label(row["avis"]),
            motivation=row["avis_motivation"], url=review_url(pkg.name))
    _send_each((_admins(pkg) + _producer(row), subject, body))


def on_decision(package_id: str, review_id: int, user_id: str, **_: Any) -> None:
    """Decision recorded: the producer and the organization's admins; the
    public page when the dataset is published."""
    pkg = model.Package.get(package_id)
    if pkg is None:  # purged since: nobody to tell about it
        return
    row = _review(review_id)
    if row.get("decision_kind") == "override":
        return
    decision = committee_reviews.state_label(row["decision"])
    if row.get("decision_kind") == "sans_avis":
        decision += " (" + tk._("sans avis du comité") + ")"
    if row["decision"] == "publie":
        link = tk._("The dataset is public: {url}").format(url=_public_url(pkg.name))
    else:
        link = tk._("Details: {url}").format(url=review_url(pkg.name))
    subject = tk._("Decision on your dataset: {title}").format(title=pkg.title)
    body = tk._(
        "Hello,\n\nA decision was recorded on \"{title}\": {decision}.\n\n"
        "{justification}\n\n{link}\n").format(
            title=pkg.title, decision=decision,
            justification=row.get("decision_justification") or "", link=link)
    _send_each((_producer(row) + _admins(pkg), subject, body))


def on_reopened(package_id: str, review_id: int, user_id: str | None,
                fields: Iterable[str] = (), previous_by: str | None = None,
                **_: Any) -> None:
    """An edit changed what the committee examined: the dataset went private
    and a new review is open. The producers, the admins and the secretary."""
    pkg = model.Package.get(package_id)
    if pkg is None:  # purged meanwhile
        return
    row = _review(review_id)
    previous = model.User.get(previous_by) if previous_by else None
    producers = _producer(row) + ([previous] if previous is not None else [])
    _send_each((
        producers + _admins(pkg) + _secretaries(),
        tk._("Unpublished until the committee reviews it again: {title}").format(
            title=pkg.title),
        tk._("Hello,\n\nThe dataset \"{title}\" ({organization}) was public. Changing "
             "what the committee examined ({fields}) made it private again, and a new "
             "review is open: the committee has until {deadline} to render its avis, "
             "then an admin of the organization decides.\n\nReview page: {url}\n").format(
                 title=pkg.title, organization=_organization(pkg),
                 fields=committee_state.field_labels(list(fields)),
                 deadline=committee_labels.long_date(row["deadline"]),
                 url=review_url(pkg.name))))


def digest() -> int:
    """Weekly digest of pending reviews to each member; returns emails sent."""
    from ckanext.metropole.committee import queue as committee_queue

    pending = committee_queue.search(state="open", limit=1000)["results"]
    if not pending:
        return 0
    lines = []
    for r in pending:
        flag = " — " + tk._("LATE") if r["late"] else ""
        lines.append(f"- {r['package_title']} ({r['state_label']}, "
                     + tk._("deadline {date}").format(date=r["deadline"].date().isoformat()
                                                    if r["deadline"] else "—")
                     + f"){flag}\n  {review_url(r['package_name'])}")
    subject = tk._("Data committee: {n} reviews in progress").format(n=len(pending))
    body = tk._("Hello,\n\nReviews in progress:\n\n{items}\n\nQueue: {url}\n").format(
        items="\n".join(lines), url=f"{_site()}/comite/examens")
    return _send(committee_readers(), subject, body + _signature())


# built once: blinker holds its receivers by weak reference, and CKAN
# disconnects them by identity when the plugin unloads
_SUBSCRIBERS = {
    signals.review_proposed: _never_raises(on_proposed),
    signals.review_opened: _never_raises(on_opened),
    signals.review_reopened: _never_raises(on_reopened),
    signals.avis_rendered: _never_raises(on_avis),
    signals.decision_recorded: _never_raises(on_decision),
}


def subscriptions() -> dict[Any, list[Callable[..., Any]]]:
    return {signal: [receiver] for signal, receiver in _SUBSCRIBERS.items()}


