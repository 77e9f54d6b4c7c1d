"""Does the law oblige a commune to open its data?

Loi pour une République numérique (2016), article L312-1-1 of the code des
relations entre le public et l'administration, and its decree 2016-1922:
local authorities of at least 3,500 inhabitants whose staff is at least 50
agents (full-time equivalents) publish their documents and data online.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

MIN_POPULATION = 3500
MIN_AGENTS = 50
OBLIGATED, NOT_OBLIGATED, UNKNOWN = "oui", "non", "inconnu"


def number(value: Any) -> float | None:
    """A population or a number of agents as stored (text), None when absent."""
    if value is None or value == "":
        return None
    try:
        found = float(str(value).replace(",", ".").replace(" ", ""))
    except ValueError:
        return None
    return found if found >= 0 else None


def obligation(population: Any, agents: Any) -> str:
    """``oui``, ``non`` or ``inconnu`` (the number of agents is not filled in
    for a commune of at least 3,500 inhabitants, or the population is)."""
    inhabitants, staff = number(population), number(agents)
    if inhabitants is None:
        return UNKNOWN
    if inhabitants < MIN_POPULATION:
        return NOT_OBLIGATED
    if staff is None:
        return UNKNOWN
    return OBLIGATED if staff >= MIN_AGENTS else NOT_OBLIGATED


def label(code: str) -> str:
    return {OBLIGATED: tk._("Obligated"), NOT_OBLIGATED: tk._("Not obligated"),
            UNKNOWN: tk._("Unknown (number of agents missing)")}.get(code, code)
