"""Territory files, their checks, and ``ckan metropole territory load``."""
from __future__ import annotations

import copy
import json

import pytest

from ckan import model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

from ckanext.metropole import territory, territory_load

pytestmark = pytest.mark.usefixtures("with_plugins")


def _lyon_doc() -> dict:
    with open(territory.path_of("metropole-de-lyon"), encoding="utf-8") as f:
        return json.load(f)


@pytest.mark.parametrize(("tid", "count", "siren", "population"), [
    ("dijon-metropole", 23, "242100410", 261178),
    ("metropole-rouen-normandie", 71, "200023414", 503000),
    ("metropole-de-lyon", 58, "200046977", 1436354),
])
def test_shipped_territories(tid, count, siren, population):
    terr = territory.read(territory.path_of(tid))
    assert terr.id == tid
    assert len(terr.communes) == count
    assert terr.metropole.siren == siren
    assert terr.metropole.population == population
    assert all(c.contour for c in terr.communes)


def test_facts_of_dijon_and_the_lyon_merger():
    dijon = territory.read(territory.path_of("dijon-metropole")).commune("21231")
    assert dijon.name == "Dijon"
    assert dijon.siren == "212102313"
    assert dijon.centroid == (5.03748, 47.32286)
    lyon = territory.read(territory.path_of("metropole-de-lyon"))
    assert lyon.commune("69149").name == "Oullins-Pierre-Bénite"
    assert lyon.commune("69152") is None


def test_luhn():
    assert territory.siren_problem("242100410") is None
    assert territory.siren_problem("242100411") == "fails the Luhn check"
    assert territory.siren_problem("24210041") == "must be 9 digits"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["communes"][3].update(siren="123456789"),
     "communes[3] (insee_code 69034): siren '123456789' fails the Luhn check"),
    (lambda d: d["communes"][5].update(insee_code="6904"),
     "communes[5] (insee_code 6904): insee_code must be 5 characters"),
    (lambda d: d["communes"][2].pop("population"),
     "communes[2] (insee_code 69033): population must be a whole number"),
    (lambda d: d["communes"][7].update(bbox=[1, 2, 3]), "communes[7]"),
    (lambda d: d["communes"].append(copy.deepcopy(d["communes"][0])),
     "communes[58] (insee_code 69003): duplicate insee_code"),
    (lambda d: d.update(format="geojson"), '"format" must be'),
    (lambda d: d["communes"][3].update(siret="21690034000010"),
     "communes[3] (insee_code 69034): siret '21690034000010' must be 14 digits passing"),
    (lambda d: d["metropole"].update(siret=_siret_for("216900340")),
     "metropole: siret '21690034000" ),
])
def test_bad_file_names_the_row(tmp_path, mutate, message):
    doc = _lyon_doc()
    mutate(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(territory.TerritoryError) as err:
        territory.read(str(path))
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_territory_choice():
    with pytest.raises(territory.TerritoryError, match="neither a shipped territory"):
        territory.path_of("paris-metropole")


def _orgs() -> dict[str, dict]:
    """The organizations as stored: read again from the database, never from
    objects of the session's identity map (the loader's own, kept or not
    depending on garbage collection)."""
    model.Session.expire_all()
    out = {}
    for group in model.Session.query(model.Group).filter_by(is_organization=True,
                                                            state="active"):
        out[group.name] = dict(group.extras, title=group.title)
    return out


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_load_creates_then_is_idempotent():
    terr = territory.current()
    changes = territory_load.load(terr, dry_run=True)
    assert [c.action for c in changes] == ["create"] * 24
    assert _orgs() == {}

    territory_load.load(terr)
    orgs = _orgs()
    assert len(orgs) == 24
    assert orgs["dijon-metropole"]["kind"] == "metropole"
    assert orgs["dijon-metropole"]["siren"] == "242100410"
    assert orgs["dijon"]["insee_code"] == "21231"
    assert str(orgs["dijon"]["population"]) == str(territory.current().commune("21231").population)
    assert json.loads(orgs["dijon"]["centroid"]) == [5.03748, 47.32286]
    assert json.loads(orgs["chenove"]["contour"])["type"] == "Polygon"
    assert orgs["fontaine-les-dijon"]["title"] == "Fontaine-lès-Dijon"

    again = territory_load.load(terr)
    assert {c.action for c in again} == {"unchanged"}
    after = _orgs()
    # what changed, field by field (a full run once saw a difference this
    # test alone never shows)
    assert after == orgs, {
        name: {key: (orgs[name].get(key), after.get(name, {}).get(key))
               for key in set(orgs[name]) | set(after.get(name, {}))
               if orgs[name].get(key) != after.get(name, {}).get(key)}
        for name in set(orgs) | set(after) if orgs.get(name) != after.get(name)}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_load_keeps_site_fields_and_fixes_drift():
    territory_load.load(territory.current())
    helpers.call_action("organization_patch", id="dijon", partnership_status="pilote",
                        population="1")
    changes = {c.name: c for c in territory_load.load(territory.current())}
    assert changes["dijon"].action == "update"
    assert changes["dijon"].fields == ["population"]
    extras = model.Group.get("dijon").extras
    assert extras["partnership_status"] == "pilote"
    assert str(extras["population"]) == str(territory.current().commune("21231").population)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_merger_updates_and_never_deletes(tmp_path, ckan_config, monkeypatch):
    """Lyon before 2024 (Oullins and Pierre-Bénite apart), then the merger."""
    merged = _lyon_doc()
    before = copy.deepcopy(merged)
    oullins = next(c for c in before["communes"] if c["insee_code"] == "69149")
    oullins["name"] = "Oullins"
    pierre_benite = dict(copy.deepcopy(oullins), insee_code="69152",
                         name="Pierre-Bénite", siren="216901520")
    assert territory.siren_problem("216901520") is None
    before["communes"].append(pierre_benite)
    old_path, new_path = tmp_path / "lyon-2023.json", tmp_path / "lyon-2024.json"
    old_path.write_text(json.dumps(before), encoding="utf-8")
    new_path.write_text(json.dumps(merged), encoding="utf-8")

    monkeypatch.setitem(ckan_config, "ckanext.metropole.territory", str(old_path))
    territory_load.load(territory.current())
    assert model.Group.get("oullins").extras["insee_code"] == "69149"
    dataset = factories.Dataset(owner_org=model.Group.get("pierre-benite").id,
                                private=True)

    monkeypatch.setitem(ckan_config, "ckanext.metropole.territory", str(new_path))
    changes = {c.name: c.action for c in territory_load.load(territory.current())}
    assert changes["oullins"] == "update"
    assert changes["pierre-benite"] == "retire"
    orgs = _orgs()
    assert orgs["oullins"]["title"] == "Oullins-Pierre-Bénite"
    assert orgs["pierre-benite"]["kind"] == "ancienne_commune"
    assert len(orgs) == 60  # 58 communes + the former one + the métropole
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["state"] == "active"
    assert shown["organization"]["name"] == "pierre-benite"
    # a third run has nothing left to do
    assert {c.action for c in territory_load.load(territory.current())} == {"unchanged"}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_cli_load_and_dry_run(cli):
    runner = cli
    result = runner.invoke(ckan_cli, ["metropole", "territory", "load", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing saved" in result.output
    assert "24 create" in result.output
    assert _orgs() == {}
    result = runner.invoke(ckan_cli, ["metropole", "territory", "load"])
    assert result.exit_code == 0, result.output
    assert "24 create" in result.output
    result = runner.invoke(ckan_cli, ["metropole", "territory", "load"])
    assert "24 unchanged" in result.output


@pytest.mark.usefixtures("clean_db")
def test_cli_bad_file_is_a_clear_error(cli, tmp_path, ckan_config, monkeypatch):
    doc = _lyon_doc()
    doc["communes"][1]["siren"] = "1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.metropole.territory", str(path))
    result = cli.invoke(ckan_cli, ["metropole", "territory", "load"])
    assert result.exit_code != 0
    assert "communes[1] (insee_code 69029): siren '1' must be 9 digits" in result.output
    assert _orgs() == {}


def _siret_for(siren: str) -> str:
    return next(siren + f"{nic:05d}" for nic in range(10, 100)
                if territory.luhn_ok(siren + f"{nic:05d}"))


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_siret_of_the_file_fills_an_organization_without_one(tmp_path, ckan_config,
                                                               monkeypatch):
    doc = _lyon_doc()
    first, second = doc["communes"][0], doc["communes"][1]
    first["siret"], second["siret"] = _siret_for(first["siren"]), _siret_for(second["siren"])
    doc["metropole"]["siret"] = _siret_for(doc["metropole"]["siren"])
    path = tmp_path / "lyon.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.metropole.territory", str(path))
    assert territory.current().communes[0].siret == first["siret"]
    territory_load.load(territory.current())
    orgs = {o["name"]: o for o in (helpers.call_action("organization_show", id=g.name)
                                   for g in model.Session.query(model.Group))}
    by_insee = {o.get("insee_code"): o for o in orgs.values()}
    assert by_insee[first["insee_code"]]["siret"] == first["siret"]
    assert not by_insee[doc["communes"][2]["insee_code"]].get("siret")
    metropole = next(o for o in orgs.values() if o.get("kind") == "metropole")
    assert metropole["siret"] == doc["metropole"]["siret"]

    # the site's own SIRET stays; one the site never gave is filled later
    site_siret = next(first["siren"] + f"{nic:05d}" for nic in range(200, 300)
                      if territory.luhn_ok(first["siren"] + f"{nic:05d}"))
    helpers.call_action("organization_patch", id=by_insee[first["insee_code"]]["id"],
                        siret=site_siret)
    helpers.call_action("organization_patch", id=by_insee[second["insee_code"]]["id"],
                        siret="")
    changes = {c.name: c for c in territory_load.load(territory.current())}
    assert helpers.call_action("organization_show", id=by_insee[first["insee_code"]]["id"])[
        "siret"] == site_siret
    assert changes[by_insee[second["insee_code"]]["name"]].fields == ["siret"]
    assert helpers.call_action("organization_show", id=by_insee[second["insee_code"]]["id"])[
        "siret"] == second["siret"]
