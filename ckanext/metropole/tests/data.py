"""Dataset dicts that pass (or on purpose fail) the publication gate."""
from __future__ import annotations

import copy
import itertools
from typing import Any

DIJON = "21231"
CHENOVE = "21166"
_counter = itertools.count()
OVERRIDE = "Jeu de test publié sans examen du comité"


def complete_dataset(owner_org: str, **overrides: Any) -> dict[str, Any]:
    """Every field the gate asks for, public, Licence Ouverte 2.0.

    Public datasets carry a sysadmin override of the committee review
    (``committee_override``); pass ``committee_override=None`` to leave it out.
    """
    data: dict[str, Any] = {
        "name": f"jeu-complet-{next(_counter)}",
        "title": "Équipements sportifs",
        "notes": "Gymnases, stades et piscines de la métropole.",
        "owner_org": owner_org,
        "private": False,
        "license_id": "etalab-2.0",
        "theme": ["EDUC"],
        "frequency": "ANNUAL",
        "criteria": ["transparence", "interet_general"],
        "screening_personal_data": "none",
        "screening_secret": "no",
        "screening_third_party": "no",
        "producing_commune": DIJON,
        "spatial_coverage": "territoire",
        "opening_status": "ouvert",
        "resources": [{"url": "https://data.example.org/sport.csv",
                       "format": "csv", "name": "Équipements"}],
    }
    data.update(copy.deepcopy(overrides))
    if not data.get("private") and "committee_override" not in overrides:
        # Public at once: a documented override of the committee review
        # (see tests/logic/test_committee_*.py for the review itself).
        data["committee_override"] = OVERRIDE
    return data
