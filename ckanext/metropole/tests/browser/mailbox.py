"""The browser portal's mail server: a real SMTP server on 127.0.0.1.

The portal (a ``ckan run`` subprocess) sends the committee's e-mails with
CKAN's mailer (``smtp.server`` of its INI), synchronously, in the request
that made the step (``committee/notifications.py`` subscribes to the
workflow's signals): by the time a page answers, its e-mails are here.
aiosmtpd (the asyncio SMTP server that replaced the standard library's
``smtpd``) speaks the protocol; this module only keeps what it receives.

The portal is shared by the whole browser session: a test reads the mail
sent since its own ``mark()``, about its own dataset (the subjects name it).
"""
from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]  # the envelope's recipients (who it was delivered to)
    subject: str
    body: str
    content_type: str


class _Keep:
    """aiosmtpd handler: every message delivered, parsed, kept in order."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mails: list[Mail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        part = message.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        with self.lock:
            self.mails.append(Mail(to=tuple(envelope.rcpt_tos), subject=str(message["Subject"]),
                                   body=body, content_type=message.get_content_type()))
        return "250 Message accepted for delivery"


class Mailbox:
    """Started once per browser session (``portal.start``), stopped with it."""

    def __init__(self, port: int) -> None:
        self.handler = _Keep()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)
        self.server = f"127.0.0.1:{port}"
        self.running = False

    def start(self) -> Mailbox:
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:  # once: a portal that failed to start stops it too
            self.controller.stop()
            self.running = False

    def mark(self) -> int:
        """Where the mail of what follows begins."""
        with self.handler.lock:
            return len(self.handler.mails)

    def since(self, mark: int, about: str = "") -> list[Mail]:
        """The mail received after ``mark`` whose subject names ``about``."""
        with self.handler.lock:
            return [m for m in self.handler.mails[mark:] if about in m.subject]
