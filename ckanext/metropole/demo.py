"""Demo data of ``make demo``: a sysadmin, its API token, sample datasets.

Every step is idempotent: a second ``make demo`` finds what the first made.
"""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "metropole-demo"  # printed by `make demo`; demo only
ADMIN_EMAIL = "admin@metropole.localhost"

# Complete, open datasets (they pass the publication gate) owned by the
# métropole or a commune, plus two private drafts still being screened.
_OPEN = {
    "private": False,
    "license_id": "etalab-2.0",
    "frequency": "ANNUAL",
    "screening_personal_data": "none",
    "screening_secret": "no",
    "screening_third_party": "no",
    "opening_status": "ouvert",
    "spatial_coverage": "territoire",
    "contact_name": "Mission open data",
    "contact_email": "opendata@metropole-dijon.fr",
}
# Where the producers' files live (links: the portal describes them); each
# sample gives the file's size, as a producer fills it in the form.
FILES = {"dijon": "https://opendata.dijon.fr/exports/",
         "dijon-metropole": "https://sig.metropole-dijon.fr/exports/",
         "chenove": "https://www.ville-chenove.fr/open-data/",
         "talant": "https://www.ville-talant.fr/open-data/"}
# Organizations the demo gives a SIRET (the SCDL catalogue names producers by
# it): demo values, the SIREN and the first NIC passing the Luhn check; a
# site types its real ones in the organization form. The others show in
# /ckan-admin/siret.
SIRET_ORGANIZATIONS = ("dijon-metropole", "dijon", "chenove", "talant")

SAMPLE_DATASETS: list[dict[str, Any]] = [
    {
        "name": "equipements-scolaires-dijon",
        "title": "Équipements scolaires",
        "notes": "Écoles maternelles et élémentaires publiques de Dijon, "
                 "avec leur adresse et leur nombre de classes.",
        "owner": "dijon",
        "tags": ["éducation", "écoles"],
        "fields": dict(_OPEN, theme=["EDUC"], criteria=["interet_general", "disponibilite"],
                       spatial_coverage="communes", spatial_communes=["21231"],
                       owning_service="Direction de l'éducation",
                       temporal_start="2025-09-01", temporal_end="2026-07-04"),
        "resource": ("ecoles.csv", "CSV", "Liste des écoles"),
        "size": 18342,
    },
    {
        "name": "stationnement-velos",
        "title": "Stationnements vélos",
        "notes": "Arceaux et abris à vélos installés sur l'espace public.",
        "owner": "dijon-metropole",
        "tags": ["mobilité", "vélo"],
        "fields": dict(_OPEN, theme=["TRAN"], criteria=["interet_general"],
                       frequency="MONTHLY", conforms_to="etalab/schema-amenagements-cyclables",
                       temporal_start="2015-01-01", temporal_end="2026-06-30"),
        "resource": ("stationnements-velos.geojson", "GEOJSON", "Stationnements vélos"),
        "size": 254760,
    },
    {
        "name": "budget-primitif-2026",
        "title": "Budget primitif 2026",
        "notes": "Budget primitif voté par le conseil métropolitain, par fonction "
                 "(montants fictifs de démonstration).",
        "owner": "dijon-metropole",
        "tags": ["finances", "budget"],
        "fields": dict(_OPEN, theme=["ECON", "GOVE"], criteria=["transparence", "valorisation"],
                       temporal_start="2026-01-01", temporal_end="2026-12-31"),
        "resource": ("budget-primitif-2026.csv", "CSV", "Budget primitif 2026"),
        # uploaded: the xloader worker of the demo loads it into the DataStore
        # (a French CSV: ';', decimal commas, JJ/MM/AAAA dates, UTF-8 with BOM)
        "upload": "budget-primitif-2026.csv",
    },
    {
        "name": "qualite-de-l-air",
        "title": "Qualité de l'air",
        "notes": "Indices quotidiens de qualité de l'air mesurés dans la métropole.",
        "owner": "dijon-metropole",
        "tags": ["environnement", "air"],
        "fields": dict(_OPEN, theme=["ENVI", "HEAL"], criteria=["interet_general"],
                       frequency="DAILY", license_id="odc-odbl",
                       license_justification="Les indices sont enrichis par les "
                       "réutilisateurs : le partage à l'identique garde ces "
                       "améliorations ouvertes.",
                       temporal_start="2020-01-01", temporal_end="2026-06-30"),
        "resource": ("qualite-air.csv", "CSV", "Indices quotidiens"),
        "size": 61230,
    },
    {
        "name": "arbres-chenove",
        "title": "Arbres d'alignement de Chenôve",
        "notes": "Arbres plantés le long des voies communales.",
        "owner": "chenove",
        "tags": ["nature", "arbres"],
        "fields": dict(_OPEN, theme=["ENVI"], criteria=["valorisation"],
                       spatial_coverage="communes", spatial_communes=["21166"],
                       temporal_start="2024-01-01", temporal_end="2025-12-31"),
        "resource": ("arbres-chenove.csv", "CSV", "Arbres"),
        "size": 12411,
    },
    {
        # checked against the SCDL schema by the demo's worker: valid
        "name": "equipements-publics-dijon",
        "title": "Équipements publics de Dijon",
        "notes": "Mairie, piscine et bibliothèque de Dijon au format du SCDL "
                 "« Équipements » (extrait de démonstration).",
        "owner": "dijon",
        "tags": ["équipements"],
        "fields": dict(_OPEN, theme=["GOVE"], criteria=["interet_general"],
                       conforms_to="scdl/equipements", spatial_coverage="communes",
                       spatial_communes=["21231"],
                       temporal_start="2026-01-01", temporal_end="2026-06-30"),
        "resource": ("equipements-dijon.csv", "CSV", "Équipements publics"),
        "upload": "equipements-dijon.csv",
    },
    {
        # checked against the SCDL schema: a date written JJ/MM/AAAA and a
        # subject code "8-4" make it invalid (the report lists both)
        "name": "deliberations-chenove",
        "title": "Délibérations du conseil municipal de Chenôve",
        "notes": "Délibérations 2026 au format du SCDL « Délibérations » "
                 "(extrait de démonstration, deux erreurs à corriger).",
        "owner": "chenove",
        "tags": ["délibérations"],
        "fields": dict(_OPEN, theme=["GOVE"], criteria=["transparence"],
                       conforms_to="scdl/deliberations", spatial_coverage="communes",
                       spatial_communes=["21166"],
                       temporal_start="2026-01-01", temporal_end="2026-06-30"),
        "resource": ("deliberations-chenove.csv", "CSV", "Délibérations 2026"),
        "upload": "deliberations-chenove.csv",
    },
    {
        "name": "subventions-associations",
        "title": "Subventions aux associations",
        "notes": "Brouillon : l'examen des données personnelles est en cours.",
        "owner": "dijon-metropole",
        "tags": ["associations"],
        "fields": {"private": True, "opening_status": "en_examen",
                   "criteria": ["transparence"], "theme": ["SOCI"],
                   "temporal_start": "2025-01-01", "temporal_end": "2025-12-31"},
        "resource": ("subventions.csv", "CSV", "Subventions"),
        "size": 40960,
    },
    {
        "name": "eclairage-public-talant",
        "title": "Éclairage public de Talant",
        "notes": "Brouillon : ouverture planifiée après le recensement des points lumineux.",
        "owner": "talant",
        "tags": ["énergie"],
        "fields": {"private": True, "opening_status": "planifie",
                   "planned_opening_date": "2027-03-01", "theme": ["ENER"],
                   "temporal_start": "2026-01-01", "temporal_end": "2026-12-31"},
        "resource": ("eclairage.csv", "CSV", "Points lumineux"),
        "size": 35840,
    },
]


def _context() -> dict[str, Any]:
    return {"ignore_auth": True, "user": ADMIN_NAME}


def ensure_admin() -> tuple[dict[str, Any], bool]:
    user = model.User.get(ADMIN_NAME)
    created = False
    if user is None:
        tk.get_action("user_create")(
            {"ignore_auth": True},
            {"name": ADMIN_NAME, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
             "fullname": "Administrateur du portail"},
        )
        user = model.User.get(ADMIN_NAME)
        created = True
    assert user is not None
    if not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    return {"name": user.name, "id": user.id}, created


def ensure_token(path: str) -> bool:
    """Write an API token of the admin to ``path`` (mode 600); keep a valid one."""
    if os.path.exists(path):
        with open(path) as f:
            token = f.read().strip()
        from ckan.lib.api_token import get_user_from_token

        user = get_user_from_token(token) if token else None
        if user is not None and user.name == ADMIN_NAME:
            return False
    result = tk.get_action("api_token_create")(
        _context(), {"user": ADMIN_NAME, "name": "demo"}
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(result["token"] + "\n")
    os.chmod(path, 0o600)
    return True


def load_territory() -> list[Any]:
    """The métropole and one organization per commune (the Dijon territory)."""
    from ckanext.metropole import territory, territory_load

    changes = territory_load.load(territory.current())
    give_sirets()
    return changes


def siret_of(siren: str) -> str:
    """The demo's SIRET for a SIREN (see ``SIRET_ORGANIZATIONS``)."""
    from ckanext.metropole import territory

    return next(siren + f"{nic:05d}" for nic in range(10, 100)
                if territory.luhn_ok(siren + f"{nic:05d}"))


def give_sirets() -> None:
    for name in SIRET_ORGANIZATIONS:
        org = tk.get_action("organization_show")(_context(), {
            "id": name, "include_datasets": False, "include_users": False})
        if not org.get("siret") and org.get("siren"):
            tk.get_action("organization_patch")(_context(), {
                "id": org["id"], "siret": siret_of(org["siren"])})


def _upload(package_id: str, filename: str, resource: dict[str, Any]) -> None:
    """A file shipped in ``data/demo/`` uploaded as the dataset's resource."""
    from werkzeug.datastructures import FileStorage

    path = os.path.join(os.path.dirname(__file__), "data", "demo", filename)
    with open(path, "rb") as stream:
        tk.get_action("resource_create")(_context(), dict(
            resource, package_id=package_id,
            upload=FileStorage(stream, filename=filename, content_type="text/csv")))


def ensure_datasets() -> list[str]:
    created = []
    for sample in SAMPLE_DATASETS:
        try:
            tk.get_action("package_show")(_context(), {"id": sample["name"]})
            continue
        except tk.ObjectNotFound:
            pass
        filename, fmt, res_name = sample["resource"]
        # Public samples go public the portal's way: a private draft, then
        # the committee's review and a "publié" decision.
        public = not sample["fields"].get("private")
        resource = {"url": FILES[sample["owner"]] + filename, "format": fmt,
                    "name": res_name}
        if sample.get("size"):
            resource["size"] = sample["size"]
        created_pkg = tk.get_action("package_create")(
            _context(),
            dict(
                sample["fields"],
                private=True,
                name=sample["name"],
                title=sample["title"],
                notes=sample["notes"],
                owner_org=sample["owner"],
                tags=[{"name": t} for t in sample["tags"]],
                resources=[] if sample.get("upload") else [resource],
            ),
        )
        if sample.get("upload"):
            _upload(created_pkg["id"], sample["upload"], dict(resource, url=filename))
        if public:
            from ckanext.metropole.committee import demo as demo_committee

            demo_committee.review_and_publish(sample["name"], ADMIN_NAME)
        created.append(sample["name"])
    return created


# Agents (FTE) and partnership of some communes (fictitious demo figures):
# large communes obliged to open their data, smaller ones that are not, and
# communes whose staff is not filled in yet (obligation unknown).
COMMUNES: dict[str, dict[str, str]] = {
    "dijon": {"agents_fte": "2480", "partnership_status": "pilote",
              "partnership_cohort": "2024", "data_contact_name": "Mission open data",
              "data_contact_email": "opendata@ville-dijon.example"},
    "chenove": {"agents_fte": "265", "partnership_status": "pilote",
                "partnership_cohort": "2024", "data_contact_name": "Service informatique",
                "data_contact_email": "donnees@chenove.example"},
    "talant": {"agents_fte": "190", "partnership_status": "deuxieme_vague",
               "partnership_cohort": "2025"},
    "quetigny": {"agents_fte": "168", "partnership_status": "deuxieme_vague",
                 "partnership_cohort": "2025"},
    "longvic": {"agents_fte": "142"},
    "marsannay-la-cote": {"agents_fte": "72"},
    "neuilly-crimolois": {"agents_fte": "31"},  # 3,588 inhabitants, < 50 agents
    "ahuy": {"agents_fte": "14"},  # < 3,500 inhabitants
    "flavignerot": {"agents_fte": "3"},
}


def ensure_communes() -> int:
    """Fill the communes' agents and partnership where still empty; the
    number of organizations changed."""
    changed = 0
    for name, fields in COMMUNES.items():
        try:
            org = tk.get_action("organization_show")(_context(), {"id": name})
        except tk.ObjectNotFound:
            continue
        missing = {k: v for k, v in fields.items() if not org.get(k)}
        if missing:
            tk.get_action("organization_patch")(_context(), dict(missing, id=org["id"]))
            changed += 1
    return changed
