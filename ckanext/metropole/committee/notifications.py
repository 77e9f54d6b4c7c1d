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
from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from ckanext.metropole import config as metropole_config
from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import reviews as committee_reviews
from ckanext.metropole.committee import settings
from ckanext.metropole.committee import signals

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
    users = [model.User.get(m["user_id"]) for m in committee_members.members()]
    users += [model.User.get(name) for name in settings.secretaries()]
    unique = {u.id: u for u in users if u is not None}
    return list(unique.values())


def _review(review_id: int) -> dict[str, Any]:
    import sqlalchemy as sa

    from ckanext.metropole.committee.model import review

    return dict(model.Session.execute(
        sa.select(review).where(review.c.id == review_id)).mappings().one())


def on_proposed(package_id: str, review_id: int, user_id: str, **_: Any) -> None:
    pkg = model.Package.get(package_id)
    row = _review(review_id)
    subject = tk._("Dataset proposed to the committee: {title}").format(title=pkg.title)
    body = tk._(
        "Hello,\n\nThe dataset \"{title}\" ({organization}) was proposed for opening. "
        "The committee has until {deadline} to render its avis.\n\n"
        "Review page: {url}\n").format(
            title=pkg.title, organization=pkg.owner_org and model.Group.get(
                pkg.owner_org).title, deadline=row["deadline"].date().isoformat(),
            url=review_url(pkg.name))
    _send(committee_readers(), subject, body + _signature())


def _producer(row: dict[str, Any]) -> list[model.User]:
    user = model.User.get(row["proposed_by"]) if row.get("proposed_by") else None
    return [user] if user else []


def on_avis(package_id: str, review_id: int, user_id: str, **_: Any) -> None:
    pkg = model.Package.get(package_id)
    row = _review(review_id)
    subject = tk._("The committee rendered its avis: {title}").format(title=pkg.title)
    body = tk._(
        "Hello,\n\nThe data committee rendered its avis on \"{title}\": {avis}.\n\n"
        "Motivation:\n{motivation}\n\n"
        "An admin of the organization may now record the decision: {url}\n").format(
            title=pkg.title, avis=committee_reviews.avis_label(row["avis"]),
            motivation=row["avis_motivation"], url=review_url(pkg.name))
    _send(_producer(row), subject, body + _signature())


def on_decision(package_id: str, review_id: int, user_id: str, **_: Any) -> None:
    pkg = model.Package.get(package_id)
    row = _review(review_id)
    if row.get("decision_kind") == "override":
        return
    decision = committee_reviews.state_label(row["decision"])
    if row.get("decision_kind") == "sans_avis":
        decision += " (" + tk._("sans avis du comité") + ")"
    subject = tk._("Decision on your dataset: {title}").format(title=pkg.title)
    body = tk._(
        "Hello,\n\nA decision was recorded on \"{title}\": {decision}.\n\n"
        "{justification}\n\nDetails: {url}\n").format(
            title=pkg.title, decision=decision,
            justification=row.get("decision_justification") or "",
            url=review_url(pkg.name))
    _send(_producer(row), subject, body + _signature())


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
    signals.avis_rendered: _never_raises(on_avis),
    signals.decision_recorded: _never_raises(on_decision),
}


def subscriptions() -> dict[Any, list[Callable[..., Any]]]:
    return {signal: [receiver] for signal, receiver in _SUBSCRIBERS.items()}


