"""What the visitor's pages show: datasets created through the portal's API.

Published datasets go through a documented sysadmin override of the
committee review here (the journeys publish theirs through the review); one
dataset is under review, proposed to the committee.
"""
from __future__ import annotations

from typing import Any

from ckanext.metropole.tests.browser.portal import Portal

CHENOVE = "21166"
DIJON = "21231"
OVERRIDE = "Jeu de démonstration des tests navigateur, publié sans examen"
SCHOOLS_CSV = (
    "nom;adresse;classes\n"
    "École élémentaire Gambetta;3 rue Gambetta, Chenôve;9\n"
    "École maternelle du Mail;12 boulevard du Mail, Chenôve;5\n"
).encode()


def complete(owner: str, commune: str, **fields: Any) -> dict[str, Any]:
    data = {
        "owner_org": owner, "private": False, "license_id": "etalab-2.0",
        "theme": ["EDUC"], "frequency": "ANNUAL", "criteria": ["interet_general"],
        "screening_personal_data": "none", "screening_secret": "no",
        "screening_third_party": "no", "producing_commune": commune,
        "spatial_coverage": "communes", "spatial_communes": [commune],
        "opening_status": "ouvert", "contact_name": "Service éducation",
        "contact_email": "education@metropole.localhost",
        "committee_override": OVERRIDE,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def seed(portal: Portal) -> dict[str, Any]:
    """Published schools of Chenôve (with a CSV), of Dijon, and one under review."""
    chenove = portal.action("package_create", **complete(
        "chenove", CHENOVE, name="ecoles-chenove", title="Écoles de Chenôve",
        notes="Écoles maternelles et élémentaires publiques de Chenôve.",
        tags=[{"name": "écoles"}, {"name": "éducation"}]))
    portal.action("resource_create", package_id=chenove["id"], name="Liste des écoles",
                  format="CSV", url="ecoles-chenove.csv",
                  files={"upload": ("ecoles-chenove.csv", SCHOOLS_CSV, "text/csv")})
    dijon = portal.action("package_create", **complete(
        "dijon", DIJON, name="ecoles-dijon", title="Écoles de Dijon",
        notes="Groupes scolaires de la ville de Dijon.",
        resources=[{"url": "https://data.example.org/ecoles-dijon.csv",
                    "format": "CSV", "name": "Écoles"}]))
    hidden = portal.action("package_create", **complete(
        "chenove", CHENOVE, name="ecoles-chenove-restauration",
        title="Écoles de Chenôve : restauration scolaire", private=True,
        committee_override=None,
        notes="Menus et effectifs des cantines des écoles ; en examen.",
        resources=[{"url": "https://data.example.org/cantines.csv", "format": "CSV",
                    "name": "Cantines"}]))
    # complete but proposed to the committee: under review, not published
    portal.action("metropole_review_propose", id=hidden["id"],
                  comment="Vérifier l'anonymisation des effectifs.")
    # announced in the opening calendar, still a private draft
    portal.action("package_create", owner_org="chenove", name="eclairage-public-chenove",
                  title="Éclairage public de Chenôve", private=True,
                  opening_status="planifie", planned_opening_date="2027-03-01",
                  producing_commune=CHENOVE, theme=["ENER"],
                  notes="Points lumineux de l'éclairage public, ouverture planifiée.")
    return {"chenove": portal.action("package_show", id=chenove["id"]),
            "dijon": dijon, "hidden": hidden}
