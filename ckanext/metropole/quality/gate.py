"""The site's minimum score for a proposal to the committee."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole import config as metropole_config
from ckanext.metropole.quality.indicators import MAXIMUM
from ckanext.metropole.quality.score import score

# the key of the error (not a field of the form)
FIELD = "quality"


def minimum() -> int | None:
    """``ckanext.metropole.quality.min_score_to_propose`` (None: no minimum)."""
    return metropole_config.min_score_to_propose()


def check_minimum(pkg: dict[str, Any]) -> dict[str, list[str]]:
    """``{"quality": [message, what to add…]}`` below the minimum, else ``{}``."""
    floor = minimum()
    if floor is None:
        return {}
    result = score(pkg)
    if result.points >= floor:
        return {}
    messages = [tk._("Metadata quality: the dataset scores {points} of {maximum}; "
                     "the portal asks for {minimum} before a proposal").format(
                         points=result.points, maximum=MAXIMUM, minimum=floor)]
    for missing in result.missing:
        messages.extend(missing.advice)
    return {FIELD: messages}
