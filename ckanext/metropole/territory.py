"""The territory of the portal: the métropole and its communes.

A territory is a JSON file (format described in ``data/SOURCES.md``): one of
the files shipped in ``data/territories/`` or a site's own file, chosen with
``ckanext.metropole.territory``. It is checked when read, and an error names
the file, the entry and the field, so a bad site file fails loudly at once.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from typing import Any

from ckanext.metropole import config as metropole_config

DATA_DIR = os.path.join(os.path.dirname(__file__), "data", "territories")
FORMAT = "ckanext-metropole-territory"
INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class TerritoryError(ValueError):
    """A territory file that cannot be used."""


@dataclasses.dataclass(frozen=True)
class Place:
    code: str  # INSEE code for a commune, SIREN for the métropole
    name: str
    siren: str
    kind: str  # "metropole" or "commune"
    population: int | None
    population_year: int | None
    bbox: tuple[float, float, float, float]
    centroid: tuple[float, float]
    contour: dict[str, Any] | None
    siret: str = ""  # head office, where the territory file knows it


@dataclasses.dataclass(frozen=True)
class Territory:
    id: str
    path: str
    metropole: Place
    communes: tuple[Place, ...]
    sources: dict[str, str]

    def commune(self, insee_code: str) -> Place | None:
        return self._by_code().get(insee_code)

    def place(self, code: str) -> Place | None:
        """A commune by INSEE code, or the métropole by its SIREN."""
        if code == self.metropole.code:
            return self.metropole
        return self.commune(code)

    def _by_code(self) -> dict[str, Place]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {c.code: c for c in self.communes}
            object.__setattr__(self, "_index", cached)
        return cached

    def bbox(self, codes: list[str]) -> tuple[float, float, float, float]:
        """Bounding box of the given places (the whole territory if none)."""
        places = [p for p in (self.place(c) for c in codes) if p] or [self.metropole]
        return (min(p.bbox[0] for p in places), min(p.bbox[1] for p in places),
                max(p.bbox[2] for p in places), max(p.bbox[3] for p in places))


def luhn_ok(digits: str) -> bool:
    """Luhn check used by INSEE for SIREN numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siren_problem(value: str) -> str | None:
    """Why ``value`` is not a SIREN, or None (English; callers translate)."""
    if not re.fullmatch(r"\d{9}", value or ""):
        return "must be 9 digits"
    if not luhn_ok(value):
        return "fails the Luhn check"
    return None


def _siret(entry: dict[str, Any], siren: str, where: str) -> str:
    """The optional SIRET of an entry: 14 digits, Luhn, starting with the SIREN."""
    value = str(entry.get("siret") or "").replace(" ", "")
    if not value:
        return ""
    if not re.fullmatch(r"\d{14}", value) or not luhn_ok(value):
        raise TerritoryError(f"{where}: siret {value!r} must be 14 digits passing the "
                             "Luhn check")
    if not value.startswith(siren):
        raise TerritoryError(f"{where}: siret {value!r} must start with the siren {siren}")
    return value


def _bbox(value: Any, where: str) -> tuple[float, float, float, float]:
    try:
        w, s, e, n = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TerritoryError(f"{where}: bbox must be [west, south, east, north]")
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise TerritoryError(f"{where}: bbox {value!r} is not a WGS84 box")
    return (w, s, e, n)


def _centroid(value: Any, bbox: tuple[float, ...], where: str) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TerritoryError(f"{where}: centroid must be [lon, lat]")
    if not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
        raise TerritoryError(f"{where}: centroid {value!r} is outside its bbox")
    return (lon, lat)


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TerritoryError(f"{where}: {key} is missing")
    return value.strip()


def _commune(entry: Any, index: int) -> Place:
    where = f"communes[{index}]"
    if not isinstance(entry, dict):
        raise TerritoryError(f"{where}: not an object")
    code = _text(entry, "insee_code", where)
    where = f"communes[{index}] (insee_code {code})"
    if not INSEE_RE.match(code):
        raise TerritoryError(f"{where}: insee_code must be 5 characters (e.g. 21231)")
    name = _text(entry, "name", where)
    siren = str(entry.get("siren", ""))
    problem = siren_problem(siren)
    if problem:
        raise TerritoryError(f"{where}: siren {siren!r} {problem}")
    population = entry.get("population")
    year = entry.get("population_year")
    if not isinstance(population, int) or population < 0:
        raise TerritoryError(f"{where}: population must be a whole number")
    if not isinstance(year, int) or not 1800 < year < 2200:
        raise TerritoryError(f"{where}: population_year must be a year")
    bbox = _bbox(entry.get("bbox"), where)
    contour = entry.get("contour")
    if contour is not None and (not isinstance(contour, dict)
                                or contour.get("type") not in ("Polygon", "MultiPolygon")):
        raise TerritoryError(f"{where}: contour must be a GeoJSON Polygon or MultiPolygon")
    return Place(code=code, name=name, siren=siren, kind="commune",
                 population=population, population_year=year, bbox=bbox,
                 centroid=_centroid(entry.get("centroid"), bbox, where), contour=contour,
                 siret=_siret(entry, siren, where))


def parse(doc: Any, path: str) -> Territory:
    try:
        return _parse(doc, path)
    except TerritoryError as e:
        raise TerritoryError(f"Territory file {path}: {e}") from None


def _parse(doc: Any, path: str) -> Territory:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise TerritoryError(f'"format" must be "{FORMAT}"')
    if doc.get("version") != 1:
        raise TerritoryError('"version" must be 1')
    tid = _text(doc, "id", "header")
    met = doc.get("metropole")
    if not isinstance(met, dict):
        raise TerritoryError("metropole: missing")
    siren = str(met.get("siren", ""))
    problem = siren_problem(siren)
    if problem:
        raise TerritoryError(f"metropole: siren {siren!r} {problem}")
    entries = doc.get("communes")
    if not isinstance(entries, list) or not entries:
        raise TerritoryError("communes: must be a non-empty list")
    communes = tuple(_commune(e, i) for i, e in enumerate(entries))
    seen: set[str] = set()
    for i, c in enumerate(communes):
        if c.code in seen:
            raise TerritoryError(f"communes[{i}] (insee_code {c.code}): duplicate insee_code")
        seen.add(c.code)
    bbox = _bbox(met.get("bbox"), "metropole")
    metropole = Place(
        code=siren, name=_text(met, "name", "metropole"), siren=siren, kind="metropole",
        population=sum(c.population or 0 for c in communes),
        population_year=max(c.population_year or 0 for c in communes),
        bbox=bbox, centroid=_centroid(met.get("centroid"), bbox, "metropole"), contour=None,
        siret=_siret(met, siren, "metropole"))
    return Territory(id=tid, path=path, metropole=metropole, communes=communes,
                     sources=dict(doc.get("sources") or {}))


def path_of(choice: str) -> str:
    """The file of a shipped territory id, or ``choice`` itself as a path."""
    shipped = os.path.join(DATA_DIR, f"{choice}.json")
    if os.path.isfile(shipped):
        return shipped
    if os.path.isfile(choice):
        return choice
    names = ", ".join(sorted(f[:-5] for f in os.listdir(DATA_DIR) if f.endswith(".json")))
    raise TerritoryError(
        f"ckanext.metropole.territory = {choice!r}: neither a shipped territory "
        f"({names}) nor an existing file")


def read(path: str) -> Territory:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except json.JSONDecodeError as e:
        raise TerritoryError(f"Territory file {path}: not valid JSON ({e})") from None
    return parse(doc, path)


# Keyed by path and modification time: a site editing its file is re-read.
_cache: dict[tuple[str, float], Territory] = {}


def current() -> Territory:
    """The territory chosen by ``ckanext.metropole.territory``."""
    path = path_of(metropole_config.territory())
    key = (os.path.abspath(path), os.path.getmtime(path))
    if key not in _cache:
        _cache.clear()
        _cache[key] = read(path)
    return _cache[key]
