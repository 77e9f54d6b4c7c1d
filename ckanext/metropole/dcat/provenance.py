"""The committee's avis as the ``dct:provenance`` statement of a dataset.

The Comité Métropolitain de la Donnée owns the avis (``logic.committee_*``);
the feeds only word it, in French, from the latest review of the dataset:
the collective avis and its motivation are public, the members' individual
opinions are not and never appear here.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from ckanext.metropole.logic import committee_state
from ckanext.metropole.logic.values import as_text

AVIS = {"favorable": "favorable", "reserves": "favorable avec réserves",
        "defavorable": "défavorable"}


def _day(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    return as_text(value)[:10]


def committee_avis(pkg_dict: dict[str, Any]) -> Optional[str]:
    """The committee's avis on ``pkg_dict`` as a French sentence, or None."""
    review = committee_state.latest_review(as_text(pkg_dict.get("id"))) \
        if pkg_dict.get("id") else None
    if not review or not review.get("avis"):
        return None
    text = "Avis {avis} du Comité Métropolitain de la Donnée, rendu le {day}".format(
        avis=AVIS.get(review["avis"], review["avis"]), day=_day(review.get("avis_at")))
    motivation = as_text(review.get("avis_motivation"))
    return f"{text} : {motivation}" if motivation else f"{text}."
