"""The committee's avis as the ``dct:provenance`` statement of a dataset.

The Comité Métropolitain de la Donnée (committee workflow) owns the avis;
the feeds only word it. :func:`committee_avis` is the one hook the profile
calls: it asks the committee module for the public avis of a dataset when
that module offers ``public_avis(pkg_dict)``, and returns None otherwise (no
statement in the feed).
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Optional

COMMITTEE_MODULE = "ckanext.metropole.logic.committee"


def _provider() -> Optional[Callable[[dict[str, Any]], Optional[str]]]:
    try:
        module = importlib.import_module(COMMITTEE_MODULE)
    except ImportError:
        return None
    return getattr(module, "public_avis", None)


def committee_avis(pkg_dict: dict[str, Any]) -> Optional[str]:
    """The committee's public avis on ``pkg_dict``, in French, or None."""
    provider = _provider()
    if provider is None:
        return None
    text = provider(pkg_dict)
    return text.strip() if isinstance(text, str) and text.strip() else None
