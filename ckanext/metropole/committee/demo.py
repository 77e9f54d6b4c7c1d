"""Demo committee of ``make demo``: 26 fictitious members and datasets in every state.

The names are invented. Every step is idempotent (a second seed finds what
the first made); the reviews go through the committee's own actions.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.committee.model import review
from ckanext.metropole.demo import FILES

PASSWORD = "comite-demo"  # printed by `make demo`; demo only
MANDATE_START = datetime.date(2025, 1, 1)
MANDATE_END = datetime.date(2027, 12, 31)

# (user name, full name, college, role) — 7 + 8 + 6 + 5 seats
MEMBERS: list[tuple[str, str, str, str]] = [
    ("claire-morel", "Claire Morel", "recherche", "member"),
    ("thomas-girard", "Thomas Girard", "recherche", "member"),
    ("ines-benali", "Inès Benali", "recherche", "member"),
    ("julien-faure", "Julien Faure", "recherche", "member"),
    ("sophie-lemaire", "Sophie Lemaire", "recherche", "member"),
    ("antoine-roux", "Antoine Roux", "recherche", "member"),
    ("mathilde-chevalier", "Mathilde Chevalier", "recherche", "member"),
    ("helene-marchand", "Hélène Marchand", "associations", "president"),
    ("karim-haddad", "Karim Haddad", "associations", "member"),
    ("lucie-perrin", "Lucie Perrin", "associations", "member"),
    ("pierre-aubert", "Pierre Aubert", "associations", "member"),
    ("nadia-bouvier", "Nadia Bouvier", "associations", "member"),
    ("francois-lacroix", "François Lacroix", "associations", "member"),
    ("emma-guillot", "Emma Guillot", "associations", "member"),
    ("yann-le-goff", "Yann Le Goff", "associations", "member"),
    ("camille-renaud", "Camille Renaud", "entreprises", "member"),
    ("olivier-dumas", "Olivier Dumas", "entreprises", "member"),
    ("sarah-cohen", "Sarah Cohen", "entreprises", "member"),
    ("marc-vasseur", "Marc Vasseur", "entreprises", "member"),
    ("laure-brunet", "Laure Brunet", "entreprises", "member"),
    ("hugo-carpentier", "Hugo Carpentier", "entreprises", "member"),
    ("anne-picard", "Anne Picard", "collectivites", "member"),
    ("bernard-masson", "Bernard Masson", "collectivites", "member"),
    ("celine-gautier", "Céline Gautier", "collectivites", "member"),
    ("denis-rolland", "Denis Rolland", "collectivites", "member"),
    ("isabelle-noel", "Isabelle Noël", "collectivites", "member"),
]
SECRETARY = ("secretariat-comite", "Secrétariat du comité de la donnée")

# Datasets waiting on the committee, one per state of the review
# (name, title, owner, state, avis, decision)
REVIEWS: list[dict[str, Any]] = [
    {"name": "parkings-relais", "title": "Parkings relais", "owner": "dijon-metropole",
     "state": "propose", "theme": ["TRAN"], "criteria": ["interet_general"]},
    {"name": "consommation-energie-batiments", "title": "Consommation d'énergie des "
     "bâtiments publics", "owner": "dijon-metropole", "state": "en_examen",
     "theme": ["ENER"], "criteria": ["transparence", "valorisation"]},
    {"name": "marches-publics-2025", "title": "Marchés publics 2025", "owner": "dijon",
     "state": "en_examen", "late": True, "theme": ["GOVE"], "criteria": ["transparence"]},
    {"name": "frequentation-piscines", "title": "Fréquentation des piscines",
     "owner": "dijon", "state": "avis_rendu", "avis": "reserves",
     "theme": ["EDUC"], "criteria": ["valorisation"]},
    {"name": "collecte-dechets", "title": "Collecte des déchets", "owner": "chenove",
     "state": "maintenu_ferme", "avis": "defavorable", "theme": ["ENVI"],
     "criteria": ["interet_general"]},
    {"name": "bancs-publics-talant", "title": "Bancs publics de Talant", "owner": "talant",
     "state": "renvoye", "avis": "favorable", "theme": ["REGI"],
     "criteria": ["valorisation"]},
]
_COMPLETE = {
    "license_id": "etalab-2.0", "frequency": "ANNUAL", "screening_personal_data": "none",
    "screening_secret": "no", "screening_third_party": "no", "spatial_coverage": "territoire",
    "opening_status": "planifie", "planned_opening_date": "2027-06-30",
    "contact_name": "Mission open data", "contact_email": "opendata@metropole-dijon.fr",
    "temporal_start": "2025-01-01", "temporal_end": "2025-12-31",
}
MOTIVATIONS = {
    "favorable": "Le jeu de données répond aux critères de priorité sans risque identifié.",
    "reserves": "Favorable, sous réserve de documenter la méthode de comptage.",
    "defavorable": "Risque de réidentification des usagers : agréger par quartier.",
}


def _ctx(user: str) -> dict[str, Any]:
    return {"user": user, "ignore_auth": True}


def ensure_committee(admin: str) -> int:
    """The 26 members (president from the associations college) and the secretary."""
    added = 0
    for name, fullname, college, role in [*MEMBERS, (*SECRETARY, "", "")]:
        if model.User.get(name) is None:
            tk.get_action("user_create")({"ignore_auth": True}, {
                "name": name, "fullname": fullname, "password": PASSWORD,
                "email": f"{name}@comite.metropole.localhost"})
        if college and committee_members.current_member(name) is None:
            committee_members.add(name, college, role, MANDATE_START, MANDATE_END,
                                  added_by=admin)
            added += 1
    return added


def _act(action: str, user: str, **data: Any) -> Any:
    return tk.get_action(action)(_ctx(user), data)


def review_and_publish(name: str, admin: str) -> None:
    """A complete review ending with a *publié* decision (the public samples)."""
    if committee_state.cleared(model.Package.get(name).id):
        return
    _act("metropole_review_propose", admin, id=name)
    _act("metropole_review_open", admin, id=name)
    for member, value in ((MEMBERS[0][0], "favorable"), (MEMBERS[8][0], "favorable"),
                          (MEMBERS[15][0], "reserves")):
        _act("metropole_opinion_record", member, id=name, value=value,
             comment="Jeu attendu par les réutilisateurs.")
    _act("metropole_avis_render", MEMBERS[7][0], id=name, avis="favorable",
         motivation=MOTIVATIONS["favorable"])
    _act("metropole_decision_record", admin, id=name, decision="publie")


def ensure_reviews(admin: str) -> list[str]:
    """Datasets in each state of the review."""
    created = []
    for spec in REVIEWS:
        if model.Package.get(spec["name"]) is not None:
            continue
        tk.get_action("package_create")(_ctx(admin), dict(
            _COMPLETE, name=spec["name"], title=spec["title"], owner_org=spec["owner"],
            private=True, theme=spec["theme"], criteria=spec["criteria"],
            notes=f"{spec['title']} (jeu de démonstration en cours d'examen).",
            resources=[{"url": f"{FILES[spec['owner']]}{spec['name']}.csv",
                        "format": "CSV", "name": spec["title"], "size": 20480}]))
        _act("metropole_review_propose", admin, id=spec["name"],
             comment="Demande d'ouverture du service producteur.")
        state = spec["state"]
        if state != "propose":
            _act("metropole_review_open", admin, id=spec["name"])
            for i, (member, *_rest) in enumerate(MEMBERS[:9]):
                value = spec.get("avis") or ("favorable", "reserves")[i % 2]
                _act("metropole_opinion_record", member, id=spec["name"], value=value,
                     comment="Avis donné en séance.")
        if spec.get("late"):
            past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=3)
            model.Session.execute(review.update().where(
                review.c.package_id == model.Package.get(spec["name"]).id,
                review.c.state.in_(("propose", "en_examen"))).values(deadline=past))
            model.Session.commit()
        if state in ("avis_rendu", "maintenu_ferme", "renvoye"):
            _act("metropole_avis_render", MEMBERS[7][0], id=spec["name"],
                 avis=spec["avis"], motivation=MOTIVATIONS[spec["avis"]])
        if state in ("maintenu_ferme", "renvoye"):
            _act("metropole_decision_record", admin, id=spec["name"], decision=state,
                 justification="Décision du bureau de l'organisation.")
        created.append(spec["name"])
    return created
