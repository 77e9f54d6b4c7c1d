"""The SCDL "Catalogue simplifié" of the portal (schema of OpenDataFrance).

One row per published dataset and per announced opening (status
*planifié*) that already describes at least one resource: the schema
requires a publication date and at least one resource, which an opening
without any file cannot give (those appear on the opening calendar only).

No cell is invented: a producer without a SIRET (organization form, or the
administrators' list ``/ckan-admin/siret``) or a dataset without a temporal
coverage leaves its cells empty, which the schema reports.
"""
from __future__ import annotations

import io
import unicodedata
from typing import Any, Iterable

from ckanext.dcat.utils import catalog_uri

from ckanext.metropole import spreadsheet, territory, vocab
from ckanext.metropole.catalogue import inventory
from ckanext.metropole.logic.values import as_list, as_text

FIELDS = ("COLL_NOM", "COLL_SIRET", "ID", "TITRE", "DESCRIPTION", "THEME",
          "PRODUCTEUR_NOM", "PRODUCTEUR_SIRET", "COUV_SPAT_MAILLE", "COUV_SPAT_NOM",
          "COUV_TEMP_DEBUT", "COUV_TEMP_FIN", "DATE_PUBL", "FREQ_MAJ", "DATE_MAJ",
          "MOTS_CLES", "LICENCE", "NOMBRE_RESSOURCES", "FORMAT_RESSOURCES", "URL")
MAX_TEXT = 140

# EU frequency codes -> the schema's list
FREQUENCIES = {
    "UNKNOWN": "Inconnue", "NEVER": "Ponctuelle", "NOT_PLANNED": "Ponctuelle",
    "IRREG": "Irrégulière", "AS_NEEDED": "Irrégulière", "OTHER": "Irrégulière",
    "CONT": "Continuelle", "UPDATE_CONT": "Continuelle", "1MIN": "Continuelle",
    "5MIN": "Continuelle", "10MIN": "Continuelle", "15MIN": "Continuelle",
    "30MIN": "Continuelle", "HOURLY": "Toutes les heures", "BIHOURLY": "Toutes les heures",
    "TRIHOURLY": "Toutes les heures", "12HRS": "Quotidienne ou plusieurs fois par jour",
    "DAILY": "Quotidienne ou plusieurs fois par jour",
    "DAILY_2": "Quotidienne ou plusieurs fois par jour",
    "WEEKLY": "Hebdomadaire ou plusieurs fois par semaine",
    "WEEKLY_2": "Hebdomadaire ou plusieurs fois par semaine",
    "WEEKLY_3": "Hebdomadaire ou plusieurs fois par semaine",
    "BIWEEKLY": "Mensuelle ou plusieurs fois par mois",
    "MONTHLY": "Mensuelle ou plusieurs fois par mois",
    "MONTHLY_2": "Mensuelle ou plusieurs fois par mois",
    "MONTHLY_3": "Mensuelle ou plusieurs fois par mois",
    "BIMONTHLY": "Bimestrielle", "QUARTERLY": "Trimestrielle", "ANNUAL_3": "Trimestrielle",
    "ANNUAL_2": "Semestrielle", "ANNUAL": "Annuelle", "BIENNIAL": "Biennale",
    "TRIENNIAL": "Triennale", "QUADRENNIAL": "Triennale", "QUINQUENNIAL": "Quinquennale",
    "DECENNIAL": "Quinquennale", "BIDECENNIAL": "Quinquennale",
    "TRIDECENNIAL": "Quinquennale",
}
LICENCES = {vocab.LICENCE_ETALAB: "Licence Ouverte-LO",
            vocab.LICENCE_LEGACY: "Licence Ouverte-LO",
            vocab.LICENCE_ODBL: "Open Database License-ODBL"}


def _plain(text: str) -> str:
    """Lower case without accents (the schema's keywords and formats)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _day(value: Any) -> str:
    return as_text(value)[:10]


def _coverage(pkg: dict[str, Any]) -> tuple[str, str]:
    current = territory.current()
    if as_text(pkg.get("spatial_coverage")) == "communes":
        names = [p.name for p in (current.commune(c) for c in as_list(pkg.get("spatial_communes")))
                 if p is not None]
        if len(names) == 1:
            return "Communale", names[0]
        if names:
            joined = ", ".join(names)
            if len(joined) > MAX_TEXT:
                joined = f"{len(names)} communes de {current.metropole.name}"
            return "Intercommunale", joined
    return "Intercommunale", current.metropole.name


def _formats(resources: list[dict[str, Any]]) -> str:
    seen: list[str] = []
    for res in resources:
        fmt = _plain(as_text(res.get("format")))
        if not fmt:
            path = as_text(res.get("url")).rsplit("/", 1)[-1]
            fmt = _plain(path.rsplit(".", 1)[1]) if "." in path else "autre"
        if fmt not in seen:
            seen.append(fmt)
    return ";".join(seen)


def row(pkg: dict[str, Any], producers: dict[str, inventory.Producer]) -> dict[str, Any]:
    current = territory.current()
    planned = as_text(pkg.get("opening_status")) == vocab.OPENING_PLANNED
    collectivity = producers[current.metropole.code]
    producer = inventory.producer_of(pkg, producers)
    themes = [vocab.themes()[c]["fr"] for c in as_list(pkg.get("theme")) if c in vocab.themes()]
    keywords = [_plain(t["name"]) for t in pkg.get("tags", [])] or [_plain(t) for t in themes]
    published = _day(pkg.get("planned_opening_date")) if planned \
        else _day(pkg.get("metadata_created"))
    updated = published if planned else _day(pkg.get("metadata_modified"))
    scale, place = _coverage(pkg)
    return {
        "COLL_NOM": current.metropole.name,
        "COLL_SIRET": collectivity.siret,
        "ID": pkg["name"],
        "TITRE": pkg["title"],
        "DESCRIPTION": as_text(pkg.get("notes")) or pkg["title"],
        "THEME": _short(", ".join(themes)) or "Autre",
        "PRODUCTEUR_NOM": producer.name,
        "PRODUCTEUR_SIRET": producer.siret,
        "COUV_SPAT_MAILLE": scale,
        "COUV_SPAT_NOM": place,
        # never invented: an unknown coverage stays empty (the schema then
        # flags the row, and the dataset's quality panel asks for it)
        "COUV_TEMP_DEBUT": _day(pkg.get("temporal_start")),
        "COUV_TEMP_FIN": _day(pkg.get("temporal_end")),
        "DATE_PUBL": published,
        "FREQ_MAJ": FREQUENCIES.get(as_text(pkg.get("frequency")), "Inconnue"),
        "DATE_MAJ": updated,
        "MOTS_CLES": ";".join(dict.fromkeys(k for k in keywords if k)) or "donnees",
        "LICENCE": LICENCES.get(as_text(pkg.get("license_id")), "Spécifique ou autre"),
        "NOMBRE_RESSOURCES": len(pkg.get("resources", [])),
        "FORMAT_RESSOURCES": _formats(pkg.get("resources", [])),
        "URL": "{}/dataset/{}".format(catalog_uri().rstrip("/"), pkg["name"]),
    }


def rows() -> Iterable[dict[str, Any]]:
    known = inventory.producers()
    for pkg in inventory.published(sort="name asc"):
        yield row(pkg, known)
    for pkg in inventory.planned():
        if pkg.get("resources") and as_text(pkg.get("planned_opening_date")):
            yield row(pkg, known)


def to_csv(items: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = spreadsheet.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(items)
    return out.getvalue()
