"""The portal's feeds read by the code of those who harvest them.

- ckanext-dcat 2.4.4's ``RDFParser`` (every other CKAN portal), each of its
  DCAT-AP profiles alone, on the default feed and on the DCAT-AP 2 one, with
  CKAN's default licence register and with the portal's licence list;
- data.gouv.fr's reading (udata 17.18.0), through ``udata_reading``, which
  follows its functions rule by rule: spatial coverage, licence guess, URLs.
The DCAT-AP 3.0.0 and 2.1.1 shapes are in ``test_profile``.
"""
from __future__ import annotations

import json

import pytest
from rdflib.namespace import RDF

import ckan.plugins.toolkit as tk

from ckanext.dcat.processors import RDFParser

from ckanext.metropole import territory
from ckanext.metropole.dcat import places
from ckanext.metropole.dcat.terms import DCAT, DCT
from ckanext.metropole.tests.data import CHENOVE, DIJON
from ckanext.metropole.tests.dcat import udata_reading
from ckanext.metropole.tests.dcat.graphs import dataset_ref, get
from ckanext.metropole.tests.shared import SHARED

pytestmark = pytest.mark.usefixtures("seeded")

FEEDS = {"dcat_ap_3": "/catalog.ttl", "dcat_ap_2": "/catalog.ttl?profiles=euro_dcat_ap_2"}
LICENCE_LABELS = {"Licence Ouverte / Open Licence version 2.0", "Open Licence version 2.0",
                  "Open Data Commons Open Database License (ODbL)"}


@pytest.fixture
def stock_register(seeded, app, monkeypatch):
    """A CKAN with its default licence register (no licenses_group_url; set
    once the plugins are loaded: the portal's plugin gives its own list)."""
    monkeypatch.setitem(tk.config, "licenses_group_url", "")


def _parse(app, url: str, profile: str) -> dict[str, dict]:
    parser = RDFParser(profiles=[profile])
    response = app.get(url)
    assert response.status_code == 200, response.body
    parser.parse(response.body, _format="ttl")
    return {d["title"]: d for d in parser.datasets()}  # raises on what it cannot read


def _extras(pkg: dict) -> dict[str, str]:
    return {e["key"]: e["value"] for e in pkg.get("extras", [])}


@pytest.mark.usefixtures("stock_register")
@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("profile", ["euro_dcat_ap_2", "euro_dcat_ap_3"])
def test_ckanext_dcat_reads_every_dataset_with_its_geometry(app, seeded, feed, profile):
    parsed = _parse(app, FEEDS[feed], profile)
    assert set(parsed) == {p["title"] for p in seeded["published"].values()}
    pkg = parsed["Aménagements cyclables"]
    velo = _extras(pkg)
    if pkg.get("spatial"):  # euro_dcat_ap_3 puts it at the top
        velo["spatial"] = pkg["spatial"]
    assert velo["spatial_uri"] in {f"https://geo.api.gouv.fr/communes/{c}"
                                   for c in (DIJON, CHENOVE)}
    assert velo["spatial_text"] in ("Dijon", "Chenôve")
    boxes = [places.bbox_polygon(territory.current().commune(c).bbox) for c in (DIJON, CHENOVE)]
    if feed == "dcat_ap_3":  # the box of one of the two communes (the parser keeps one)
        assert json.loads(velo["spatial_bbox"]) in boxes
        assert "spatial" not in velo
        assert "spatial_centroid" not in velo
    else:
        contour = json.loads(velo["spatial"])
        assert contour["type"] in ("Polygon", "MultiPolygon")
        assert contour not in boxes
        assert "spatial_bbox" not in velo
        assert "spatial_centroid" not in velo


@pytest.mark.usefixtures("stock_register")
@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("profile", ["euro_dcat_ap_2", "euro_dcat_ap_3"])
def test_ckanext_dcat_with_ckan_default_licence_register(app, feed, profile):
    """ODbL maps by its title; CKAN's default register has no Licence
    Ouverte, which stays unmapped rather than published under a wrong title,
    its title kept on every resource (README, "Licences")."""
    parsed = _parse(app, FEEDS[feed], profile)
    assert parsed["Adresses de Chenôve"]["license_id"] == "odc-odbl"
    for title in ("Aménagements cyclables", "Budget de la métropole"):
        assert parsed[title]["license_id"] == ""
        for res in parsed[title]["resources"]:
            assert res["license"] in LICENCE_LABELS
            assert "Licence Ouverte" in res["license"] or "Open Licence" in res["license"]


@pytest.mark.parametrize("profile", ["euro_dcat_ap_2", "euro_dcat_ap_3"])
def test_ckanext_dcat_with_the_portal_licence_list(app, monkeypatch, tmp_path, profile):
    """A harvesting CKAN that adds /licences.json to its licence file maps
    every licence (by the URI the feeds write)."""
    path = tmp_path / "licences.json"
    path.write_text(app.get("/licences.json").body, encoding="utf-8")
    monkeypatch.setitem(tk.config, "licenses_group_url", f"file://{path}")
    parsed = _parse(app, FEEDS["dcat_ap_3"], profile)
    assert parsed["Adresses de Chenôve"]["license_id"] == "odc-odbl"
    assert parsed["Aménagements cyclables"]["license_id"] == "etalab-2.0"
    assert parsed["Budget de la métropole"]["license_id"] == "etalab-2.0"


def test_the_portal_licence_list_names_the_feed_uris(app):
    entries = {e["id"]: e for e in app.get("/licences.json").json}
    assert entries["etalab-2.0"]["url"] == \
        "http://publications.europa.eu/resource/authority/licence/ETALAB_2_0"
    assert entries["odc-odbl"]["url"] == \
        "http://publications.europa.eu/resource/authority/licence/ODC_BL"
    assert entries["etalab-2.0"]["title"] == "Licence Ouverte / Open Licence version 2.0"


# ---------------------------------------------------------------- data.gouv.fr

@pytest.fixture(scope="module")
def datagouv_licences():
    path = SHARED / "refdata" / "datagouv-licences.json"
    if not path.exists():
        pytest.skip(f"data.gouv.fr's licence list not found at {path} (../shared is absent)")
    return udata_reading.Licences(path)


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_udata_reads_licence_spatial_and_urls(app, seeded, datagouv_licences, feed, lang):
    g = get(app, FEEDS[feed])
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(seeded["published"])
    expected = {"pub-dijon-velo": "lov2", "pub-chenove-odbl": "odc-odbl",
                "pub-metropole": "lov2"}
    for name, licence in expected.items():
        ref = dataset_ref(g, seeded["published"][name]["id"])
        assert udata_reading.dataset_licence(g, ref, datagouv_licences, lang) == licence
        assert udata_reading.refused_urls(g, ref) == []
        coverage = udata_reading.spatial(g, ref)
        assert coverage is not None
        assert coverage["type"] == "MultiPolygon"
        assert len(coverage["coordinates"]) == len(list(g.objects(ref, DCT.spatial)))
        if feed == "dcat_ap_3":  # the bounding box of each place
            assert all(len(p[0]) == 5 for p in coverage["coordinates"])
        elif name == "pub-dijon-velo":  # the contour of each commune
            assert all(len(p[0]) > 5 for p in coverage["coordinates"])


def test_rights_statements_do_not_change_the_licence_udata_guesses(app, datagouv_licences):
    """udata tries the rights before the distributions' licences: none of
    them may read as a licence (Licence Ouverte 1.0 by its title, say)."""
    g = get(app, FEEDS["dcat_ap_3"])
    texts = {str(o) for d in g.subjects(RDF.type, DCAT.Distribution)
             for r in g.objects(d, DCT.rights) for o in g.objects(r, None)
             if not isinstance(o, type(d))}
    assert len(texts) >= 4
    for text in texts:
        assert datagouv_licences.guess(text) is None, text


def test_the_reading_fails_where_udata_fails(datagouv_licences):
    """The equivalent can fail: the old forms are read as udata reads them."""
    guess = datagouv_licences.guess
    assert guess("Etalab Open License 2.0") is None  # our former English label
    assert guess("http://publications.europa.eu/resource/authority/licence/ETALAB_2_0") is None
    assert guess("Licence Ouverte / Open Licence") == "fr-lo"
    assert guess("https://www.etalab.gouv.fr/licence-ouverte-open-licence/") == "lov2"
    assert guess("http://opendatacommons.org/licenses/odbl/summary/") == "odc-odbl"
