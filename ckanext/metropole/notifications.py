"""Emails of the committee workflow, sent by CKAN's mailer on its signals."""
from __future__ import annotations

from typing import Any, Callable


def subscriptions() -> dict[Any, list[Callable[..., Any]]]:
    return {}
