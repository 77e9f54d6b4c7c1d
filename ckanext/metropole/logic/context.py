"""The portal's own keys in CKAN's action context.

CKAN's ``Context`` (``ckan.types``) is a TypedDict of the core's keys. A few
of the portal's ride along an action: ``metropole_override`` and
``metropole_before`` (``committee/hooks.py``), ``metropole_committee``
(``committee/reviews.py``), the acting user's cache (``logic/users.py``),
the DataStore's ``query_timeout`` (``datastore/limits.py``). They are read
and written through these two functions, which say so to a type checker.
"""
from __future__ import annotations

from typing import Any, cast

from ckan.types import Context


def own(context: Context) -> dict[str, Any]:
    """``context`` itself, as a dict that may hold the portal's keys."""
    return cast("dict[str, Any]", context)


def with_keys(context: Context | None = None, /, **keys: Any) -> Context:
    """A new context: the keys of ``context`` (if any) and ``keys``."""
    return cast(Context, dict(context or {}, **keys))
