"""Every shipped schema: its valid example passes, a broken copy fails as expected.

The examples under ``examples/`` were written for these tests from each
schema's own field definitions (and the examples its fields give); the
aménagements cyclables one is the schema's published valid example (Licence
Ouverte 2.0, see ``data/SOURCES.md``). No CKAN needed: the engine works on
files.
"""
from __future__ import annotations

import csv
import io
import json
import os
from typing import Any

import pytest

from ckanext.metropole import schema_registry
from ckanext.metropole.validation import engine

EXAMPLES = os.path.join(os.path.dirname(__file__), "examples")

# schema id -> (example file, the cells broken in its first data row:
# (column, bad value, expected kind))
TABLES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "atlasante/schema-dae": ("atlasante__schema-dae.csv", [
        ("tel1", "0102030405", "constraint-error:pattern"),
        ("acc", "Dehors", "constraint-error:enum"),
        ("lat_coor1", "quarante-huit", "type-error")]),
    "etalab/schema-irve-statique": ("etalab__schema-irve-statique.csv", [
        ("id_station_itinerance", "station 12", "constraint-error:pattern"),
        ("implantation_station", "Sur le trottoir", "constraint-error:enum"),
        ("nom_station", "", "constraint-error:required")]),
    "etalab/schema-irve-dynamique": ("etalab__schema-irve-dynamique.csv", [
        ("etat_pdc", "en panne", "constraint-error:enum"),
        ("horodatage", "hier", "type-error")]),
    "etalab/schema-irve": ("etalab__schema-irve-statique.csv", [
        ("implantation_station", "Sur le trottoir", "constraint-error:enum"),
        ("nbre_pdc", "-1", "constraint-error:minimum")]),
    "scdl/budget": ("scdl__budget.csv", [
        ("BGT_SIRET", "2121023130", "constraint-error:pattern"),
        ("BGT_SECTION", "exploitation", "constraint-error:enum"),
        ("BGT_MTPREV", "1 250 000,50", "type-error")]),
    "scdl/catalogue": ("scdl__catalogue.csv", [
        ("COLL_SIRET", "243500139", "constraint-error:pattern"),
        ("COUV_SPAT_MAILLE", "Métropolitaine", "constraint-error:enum"),
        ("DATE_PUBL", "01/06/2017", "type-error")]),
    "scdl/deliberations": ("scdl__deliberations.csv", [
        ("DELIB_MATIERE_CODE", "8-4", "constraint-error:pattern"),
        ("DELIB_DATE", "15 octobre 2017", "type-error"),
        ("DELIB_OBJET", "", "constraint-error:required")]),
    "scdl/equipements": ("scdl__equipements.csv", [
        ("EQUIP_THEME", "Equipement de loisirs", "constraint-error:enum"),
        ("EQUIP_LAT", "48,808989", "type-error")]),
    "scdl/menus-collectifs": ("scdl__menus-collectifs.csv", [
        ("menuRestaurantType", "cantine", "constraint-error:enum"),
        ("menuDate", "02/03/2026", "type-error")]),
    "scdl/plats-menus-collectifs": ("scdl__plats-menus-collectifs.csv", [
        ("platCollSiret", "212102313", "constraint-error:pattern"),
        ("platProduitOGM", "peut-être", "type-error")]),
    "scdl/prenoms": ("scdl__prenoms.csv", [
        ("ENFANT_SEXE", "X", "constraint-error:enum"),
        ("NOMBRE_OCCURRENCES", "0", "constraint-error:minimum"),
        ("COLL_INSEE", "2123", "constraint-error:pattern")]),
    "scdl/subventions": ("scdl__subventions.csv", [
        ("idAttribuant", "123", "constraint-error:pattern"),
        ("montant", "quarante-sept mille", "type-error"),
        ("nature", "prêt", "constraint-error:enum")]),
}
JSON_SCHEMAS = {"etalab/schema-amenagements-cyclables": "etalab__schema-amenagements-cyclables.json"}
UNCHECKABLE = {"etalab/schema-bal"}


def _schema(schema_id: str) -> schema_registry.Schema:
    schema = schema_registry.get(schema_id)
    assert schema is not None, schema_id
    return schema


def test_every_shipped_schema_has_its_test() -> None:
    shipped = set(schema_registry.entries())
    assert shipped == set(TABLES) | set(JSON_SCHEMAS) | UNCHECKABLE
    for schema_id in shipped:
        schema = _schema(schema_id)
        assert schema is not None
        assert schema.version == schema_registry.entries()[
            schema_id].latest
        assert schema.checked == (schema_id not in UNCHECKABLE), schema_id


@pytest.mark.parametrize("schema_id", sorted(TABLES))
def test_valid_example_passes(schema_id: str) -> None:
    schema = _schema(schema_id)
    report = engine.check(os.path.join(EXAMPLES, TABLES[schema_id][0]), schema)
    assert report["errors"] == []
    assert report["valid"] is True
    assert report["rows"] >= 1


def _broken(example: str, cells: list[tuple[str, str, str]], tmp_path: Any) -> str:
    with open(os.path.join(EXAMPLES, example), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for column, value, _kind in cells:
        rows[1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / f"casse-{example}"
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("schema_id", sorted(TABLES))
def test_broken_copy_fails_with_the_expected_errors(schema_id: str, tmp_path: Any) -> None:
    example, cells = TABLES[schema_id]
    report = engine.check(_broken(example, cells, tmp_path), _schema(schema_id))
    assert report["valid"] is False
    found = {(e["kind"], e["row"], e["field"], e["value"]) for e in report["errors"]}
    expected = {(kind, 2, column, value) for column, value, kind in cells}
    assert found == expected
    assert report["error_count"] == len(cells)


def test_data_package_picks_the_table_of_the_file() -> None:
    schema = _schema("etalab/schema-irve")
    static = engine.check(os.path.join(EXAMPLES, "etalab__schema-irve-statique.csv"), schema)
    dynamic = engine.check(os.path.join(EXAMPLES, "etalab__schema-irve-dynamique.csv"),
                           schema)
    assert (static["table"], static["valid"]) == ("irve-statique", True)
    assert (dynamic["table"], dynamic["valid"]) == ("irve-dynamique", True)


def test_missing_column_is_named(tmp_path: Any) -> None:
    with open(os.path.join(EXAMPLES, "scdl__prenoms.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    index = rows[0].index("ANNEE")
    path = tmp_path / "sans-annee.csv"
    path.write_text("\n".join(",".join(r[:index] + r[index + 1:]) for r in rows) + "\n",
                    encoding="utf-8")
    report = engine.check(str(path), _schema("scdl/prenoms"))
    assert report["valid"] is False
    assert ("missing-label", "ANNEE") in {(e["kind"], e["field"]) for e in report["errors"]}


# ---------------------------------------------------------------- JSON Schema

def test_json_example_passes() -> None:
    schema = _schema("etalab/schema-amenagements-cyclables")
    report = engine.check(os.path.join(EXAMPLES, JSON_SCHEMAS[schema.id]), schema)
    assert (report["valid"], report["errors"], report["rows"]) == (True, [], 1)


def test_json_broken_copy_fails_with_the_expected_errors(tmp_path: Any) -> None:
    schema = _schema("etalab/schema-amenagements-cyclables")
    with open(os.path.join(EXAMPLES, JSON_SCHEMAS[schema.id]), encoding="utf-8") as f:
        document = json.load(f)
    feature = document["features"][0]
    feature["properties"]["ame_d"] = "AUTOROUTE"
    feature["properties"]["date_maj"] = "15/08/2020"
    del feature["properties"]["code_com_d"]
    feature["geometry"]["coordinates"] = [[2.30]]  # a line of one incomplete position
    path = tmp_path / "casse.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = engine.check(str(path), schema)
    assert report["valid"] is False
    found = {(e["kind"], e["row"], e["field"], e["value"]) for e in report["errors"]}
    assert found == {("json-enum", 1, "ame_d", "AUTOROUTE"),
                     ("json-format", 1, "date_maj", "15/08/2020"),
                     ("json-required", 1, "code_com_d", None),
                     ("json-oneOf", 1, "geometry", None)}


# ---------------------------------------------------------------- no report

@pytest.mark.parametrize(("content", "code"), [
    (b"", "unreadable"),
    (bytes(range(256)) * 40, "unreadable"),
])
def test_unreadable_file_is_not_a_report(content: bytes, code: str, tmp_path: Any) -> None:
    path = tmp_path / "fichier.csv"
    path.write_bytes(content)
    with pytest.raises(engine.CheckFailed) as failed:
        engine.check(str(path), _schema("scdl/subventions"))
    assert failed.value.code == code


def test_not_json_is_unreadable(tmp_path: Any) -> None:
    path = tmp_path / "fichier.json"
    path.write_text("COLL_NOM;COLL_SIRET\nDijon;1\n", encoding="utf-8")
    with pytest.raises(engine.CheckFailed) as failed:
        engine.check(str(path), _schema("etalab/schema-amenagements-cyclables"))
    assert failed.value.code == "unreadable"


def test_unloadable_schema(tmp_path: Any) -> None:
    bad = tmp_path / "schema.json"
    bad.write_text('{"fields": [{"name": "a", "type": "nombre"}]}', encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    schema = schema_registry.Schema(id="x/y", title="Y", version="1.0", schema_type="tableschema",
                                    url="", homepage="", path=str(bad))
    with pytest.raises(engine.CheckFailed) as failed:
        engine.check(str(data), schema)
    assert failed.value.code == "schema"


def test_bal_cannot_be_checked(tmp_path: Any) -> None:
    data = tmp_path / "bal.csv"
    data.write_text("cle_interop\n21231_0001_00001\n", encoding="utf-8")
    with pytest.raises(engine.CheckFailed) as failed:
        engine.check(str(data), _schema("etalab/schema-bal"))
    assert failed.value.code == "schema"


def test_isolated_check_returns_the_report_and_stops_at_the_deadline(tmp_path: Any) -> None:
    schema = _schema("scdl/prenoms")
    report = engine.check_isolated(os.path.join(EXAMPLES, "scdl__prenoms.csv"), schema,
                                   timeout=120)
    assert report["valid"] is True
    big = tmp_path / "gros.csv"
    with open(os.path.join(EXAMPLES, "scdl__prenoms.csv"), encoding="utf-8") as f:
        header, line = f.readline(), f.readline()
    big.write_text(header + line * 400_000, encoding="utf-8")
    with pytest.raises(engine.CheckFailed) as failed:
        engine.check_isolated(str(big), schema, timeout=0.01)
    assert (failed.value.code, failed.value.params) == ("timeout", {"seconds": "0.01"})
