"""Demo data of ``make demo``: a sysadmin, its API token, sample datasets.

Every step is idempotent: a second ``make demo`` finds what the first made.
"""
from __future__ import annotations

import os
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "metropole-demo"  # printed by `make demo`; demo only
ADMIN_EMAIL = "admin@metropole.localhost"

SAMPLE_DATASETS: list[dict[str, Any]] = [
    {
        "name": "equipements-scolaires-dijon",
        "title": "Équipements scolaires",
        "notes": "Écoles maternelles et élémentaires publiques de la métropole, "
                 "avec leur adresse et leur nombre de classes.",
        "tags": ["éducation", "écoles"],
        "resource": ("ecoles.csv", "CSV", "Liste des écoles"),
    },
    {
        "name": "stationnement-velos",
        "title": "Stationnements vélos",
        "notes": "Arceaux et abris à vélos installés sur l'espace public.",
        "tags": ["mobilité", "vélo"],
        "resource": ("stationnements-velos.geojson", "GeoJSON", "Stationnements vélos"),
    },
    {
        "name": "budget-primitif-2026",
        "title": "Budget primitif 2026",
        "notes": "Budget primitif voté par le conseil métropolitain, par fonction.",
        "tags": ["finances", "budget"],
        "resource": ("budget-primitif-2026.csv", "CSV", "Budget primitif 2026"),
    },
    {
        "name": "qualite-de-l-air",
        "title": "Qualité de l'air",
        "notes": "Indices quotidiens de qualité de l'air mesurés dans la métropole.",
        "tags": ["environnement", "air"],
        "resource": ("qualite-air.csv", "CSV", "Indices quotidiens"),
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


def ensure_organization(name: str, title: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(_context(), {"id": name})
    except tk.ObjectNotFound:
        return tk.get_action("organization_create")(
            _context(), {"name": name, "title": title}
        )


def ensure_datasets(owner_org: str) -> list[str]:
    created = []
    for sample in SAMPLE_DATASETS:
        try:
            tk.get_action("package_show")(_context(), {"id": sample["name"]})
            continue
        except tk.ObjectNotFound:
            pass
        filename, fmt, res_name = sample["resource"]
        tk.get_action("package_create")(
            _context(),
            {
                "name": sample["name"],
                "title": sample["title"],
                "notes": sample["notes"],
                "owner_org": owner_org,
                "license_id": "etalab-2.0",
                "tags": [{"name": t} for t in sample["tags"]],
                "resources": [{
                    "url": f"https://data.example.invalid/{filename}",
                    "format": fmt,
                    "name": res_name,
                }],
            },
        )
        created.append(sample["name"])
    return created
