"""The portal's licence for a source's licence, when it is one of ours.

Producers name Licence Ouverte and ODbL in many ways (Etalab's pages, the
PDF, SPDX, data.gouv.fr's ids, titles); any of them maps to the portal's
id. Other licences are kept as the source gave them (URI or title) and
shown as the source's licence; our forms never offer them.
"""
from __future__ import annotations

import csv
import os
import re

from ckanext.metropole import vocab

_KNOWN = {
    vocab.LICENCE_ETALAB: (
        "etalab.gouv.fr/licence-ouverte-open-licence",
        "etalab.gouv.fr/wp-content/uploads/2017/04/etalab-licence-ouverte-v2.0.pdf",
        "spdx.org/licenses/etalab-2.0", "etalab-2.0", "lov2", "licence ouverte v2.0",
        "licence ouverte / open licence version 2.0", "licence ouverte 2.0",
        "open licence 2.0", "open licence version 2.0", "licence ouverte version 2.0"),
    vocab.LICENCE_ODBL: (
        "opendatacommons.org/licenses/odbl", "opendatacommons.org/licenses/odbl/1-0",
        "opendatacommons.org/licenses/odbl/summary", "spdx.org/licenses/odbl-1.0",
        "odc-odbl", "odbl", "odbl-1.0", "open database license (odbl)",
        "open data commons open database license (odbl)"),
    vocab.LICENCE_LEGACY: (
        "etalab.gouv.fr/wp-content/uploads/2014/05/licence_ouverte.pdf", "fr-lo",
        "licence ouverte / open licence", "licence ouverte 1.0"),
}


def _key(value: str) -> str:
    text = re.sub(r"^https?://(www\.)?", "", value.strip().lower())
    return text.rstrip("/")


def _index() -> dict[str, str]:
    index = {_key(name): licence for licence, names in _KNOWN.items() for name in names}
    # and every URI, title and SPDX id of the shipped licence list
    with open(os.path.join(vocab.DATA_DIR, "licences.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            licence = {"lov2": vocab.LICENCE_ETALAB}.get(row["id"], row["id"])
            names = [row["uri"], row["title_fr"], row["title_en"], row["spdx"]]
            names += row["alternate_uris"].split("|")
            index.update({_key(n): licence for n in names if n.strip()})
    return index


_INDEX = _index()


def portal_licence(value: str) -> str | None:
    """``etalab-2.0``, ``odc-odbl`` or ``fr-lo`` for a source licence, or None."""
    return _INDEX.get(_key(value)) if value else None
