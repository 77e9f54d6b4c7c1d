"""The committee's avis as the ``dct:provenance`` statement of a dataset.

The Comité Métropolitain de la Donnée owns the avis (``logic.committee_*``);
the feeds only word it, in French, from the latest review of the dataset:
the collective avis and its motivation are public, the members' individual
opinions are not and never appear here.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
from typing import Any, Iterator, Optional

from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic.values import as_text

# Reviews of the datasets of the document being written (see prefetched).
_prefetched: contextvars.ContextVar[Optional[dict[str, dict[str, Any]]]] = \
    contextvars.ContextVar("metropole_prefetched_reviews", default=None)
AVIS = {"favorable": "favorable", "reserves": "favorable avec réserves",
        "defavorable": "défavorable"}


def _day(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    return as_text(value)[:10]


@contextlib.contextmanager
def prefetched(package_ids: list[str]) -> Iterator[None]:
    """Read the reviews of a whole feed page in one query while it is written."""
    token = _prefetched.set(committee_state.latest_reviews(package_ids))
    try:
        yield
    finally:
        _prefetched.reset(token)


def _review(package_id: str) -> Optional[dict[str, Any]]:
    known = _prefetched.get()
    if known is not None:
        return known.get(package_id)
    return committee_state.latest_review(package_id)


def committee_avis(pkg_dict: dict[str, Any]) -> Optional[str]:
    """The committee's avis on ``pkg_dict`` as a French sentence, or None."""
    review = _review(as_text(pkg_dict.get("id"))) if pkg_dict.get("id") else None
    if not review or not review.get("avis"):
        return None
    text = "Avis {avis} du Comité Métropolitain de la Donnée, rendu le {day}".format(
        avis=AVIS.get(review["avis"], review["avis"]), day=_day(review.get("avis_at")))
    motivation = as_text(review.get("avis_motivation"))
    return f"{text} : {motivation}" if motivation else f"{text}."
