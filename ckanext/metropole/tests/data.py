"""Dataset dicts that pass (or on purpose fail) the publication gate."""
from __future__ import annotations

import copy
import itertools
from typing import Any

DIJON = "21231"
CHENOVE = "21166"
_counter = itertools.count()


def complete_dataset(owner_org: str, **overrides: Any) -> dict[str, Any]:
    """Every field the gate asks for, public, Licence Ouverte 2.0."""
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
        "resources": [{"url": "https://data.example.invalid/sport.csv",
                       "format": "csv", "name": "Équipements"}],
    }
    data.update(copy.deepcopy(overrides))
    return data
