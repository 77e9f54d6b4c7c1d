"""The metadata quality score, indicator by indicator (data.europa.eu's MQA)."""
from __future__ import annotations

import copy
import os

import pytest

import ckan.plugins.toolkit as tk

from ckanext.metropole import quality
from ckanext.metropole.quality import indicators


def _full(**overrides):
    """What the feeds publish complete: every indicator met (405 points)."""
    pkg = {
        "name": "amenagements-cyclables", "title": "Aménagements cyclables",
        "license_id": "etalab-2.0", "tags": [{"name": "vélo"}], "theme": ["TRAN"],
        "temporal_start": "2020-01-01", "temporal_end": "2025-12-31",
        "contact_name": "Direction des mobilités", "contact_email": "mobilites@example.org",
        "spatial_coverage": "territoire",
        "resources": [{
            "id": "0b8f3c1e-7a0e-4a57-9f3a-5d7c0a1b2c3d", "name": "Tronçons",
            "url": "https://data.example.org/velo.csv", "format": "CSV", "size": 2048,
            "created": "2024-01-01T10:00:00", "metadata_modified": "2024-02-01T10:00:00"}],
    }
    pkg.update(copy.deepcopy(overrides))
    return pkg


def _res(**changes):
    res = copy.deepcopy(_full()["resources"][0])
    res.update(changes)
    return res


def test_the_table_is_the_official_405_points():
    assert quality.MAXIMUM == 405 == sum(i.points for i in quality.INDICATORS)
    per_dimension = {d: sum(i.points for i in quality.INDICATORS if i.dimension == d)
                     for d in quality.DIMENSIONS}
    assert per_dimension == {"findability": 100, "accessibility": 100,
                             "interoperability": 110, "reusability": 75, "contextuality": 20}


def test_complete_dataset_scores_405_excellent():
    score = quality.score(_full())
    assert (score.points, score.rating) == (405, "excellent")
    assert score.missing == []
    assert quality.points(_full()) == 405
    # the link's answer is counted, not checked
    assert {r.indicator.id for r in score.unchecked} == {"access_url_status",
                                                         "download_url_status"}


@pytest.mark.parametrize(("points", "rating"), [
    (405, "excellent"), (351, "excellent"), (350, "good"), (221, "good"),
    (220, "sufficient"), (120, "sufficient"), (119, "bad"), (0, "bad")])
def test_ratings(points, rating):
    assert quality.rating(points) == rating


# indicator -> (what the producer left out, every indicator that loses its points)
CASES = {
    "keywords": (dict(tags=[]), {"keywords"}),
    "themes": (dict(theme=["NOPE"]), {"themes"}),
    "temporal": (dict(temporal_start="", temporal_end="pas une date"), {"temporal"}),
    "access_url_status": (dict(resources=[_res(url="https://data.example.invalid/v.csv")]),
                          {"access_url_status", "download_url_status"}),
    "download_url": (dict(resources=[_res(url="")]),
                     {"access_url_status", "download_url", "download_url_status", "dcat_ap"}),
    "download_url_status": (dict(resources=[_res(url="http://10.0.0.4/v.csv")]),
                            {"access_url_status", "download_url_status"}),
    "format": (dict(resources=[_res(format="")]),
               {"format", "media_type", "vocabulary", "non_proprietary", "machine_readable"}),
    "media_type": (dict(resources=[_res(format="OP_DATPRO")]),
                   {"media_type", "vocabulary", "non_proprietary", "machine_readable"}),
    "vocabulary": (dict(resources=[_res(format="texte brut")]),
                   {"format", "media_type", "vocabulary", "non_proprietary",
                    "machine_readable"}),
    "non_proprietary": (dict(resources=[_res(format="XLSX")]), {"non_proprietary"}),
    "machine_readable": (dict(resources=[_res(format="PDF")]),
                         {"non_proprietary", "machine_readable"}),
    "dcat_ap": (dict(resources=[_res(url="donnees/velo.csv")]),
                {"access_url_status", "download_url", "download_url_status", "dcat_ap"}),
    "licence": (dict(license_id="cc-by"), {"licence", "known_licence", "rights"}),
    "known_licence": (dict(license_id="fr-lo"), {"known_licence"}),
    "contact_point": (dict(contact_email=""), {"contact_point"}),
    "rights": (dict(license_id=""), {"licence", "known_licence", "rights"}),
    "byte_size": (dict(resources=[_res(size=None)]), {"byte_size"}),
    "issued": (dict(resources=[_res(created=None)]), {"issued"}),
    "modified": (dict(resources=[_res(metadata_modified=None, created=None)]),
                 {"issued", "modified"}),
}


@pytest.mark.parametrize("indicator", sorted(CASES))
def test_each_indicator(indicator):
    overrides, lost = CASES[indicator]
    score = quality.score(_full(**overrides))
    assert {r.indicator.id for r in score.missing} == lost
    assert score.points == 405 - sum(indicators.BY_ID[i].points for i in lost)
    assert quality.points(_full(**overrides)) == score.points
    for result in score.missing:
        assert result.advice, result.indicator.id


def test_every_indicator_has_a_case_or_is_always_written():
    assert set(CASES) | set(quality.score.__globals__["ALWAYS"]) == \
        {i.id for i in quality.INDICATORS}


@pytest.mark.parametrize("coverage", [dict(spatial_coverage="territoire"),
                                      dict(spatial_coverage="communes",
                                           spatial_communes=["21231"])])
def test_always_written_indicators(coverage):
    """Spatial coverage (communes or the territory), public access rights of
    the EU vocabulary and the publisher: the feeds always write them."""
    score = quality.score(_full(**coverage))
    met = {r.indicator.id for r in score.results if r.met}
    assert {"spatial", "access_rights", "access_rights_vocabulary", "publisher"} <= met


def test_every_resource_must_meet_a_distribution_indicator():
    pkg = _full(resources=[_res(), _res(id="x2", name="Tronçons (PDF)", format="PDF")])
    score = quality.score(pkg)
    assert {r.indicator.id for r in score.missing} == {"non_proprietary", "machine_readable"}
    advice = [a for r in score.missing for a in r.advice]
    assert all("Tronçons (PDF)" in a for a in advice)
    assert len(advice) == 2


def test_no_resource_loses_the_distribution_indicators():
    score = quality.score(_full(resources=[]))
    lost = {r.indicator.id for r in score.missing}
    assert lost == {i.id for i in quality.INDICATORS if i.level == "distribution"}
    assert score.missing[0].advice == ("Add a resource: a file or a link to the data.",)


def _lost(pkg):
    score = quality.score(pkg)
    assert quality.points(pkg) == score.points
    return score, {r.indicator.id for r in score.missing}


def test_a_loaded_table_s_api_is_a_distribution_without_file_size():
    """The feeds write a DataStore API distribution per loaded table (JSON, the
    portal's datastore_search as access URL, no byteSize): MQA counts it."""
    score, lost = _lost(_full(resources=[_res(datastore_active=True)]))
    assert lost == {"byte_size"}
    assert score.points == 405 - indicators.BY_ID["byte_size"].points
    assert score.missing[0].advice == (
        'Resource "Tronçons (DataStore API)": an API has no file size: data.europa.eu '
        "counts this point missing on its distribution",)


def test_an_api_is_reached_by_its_access_url_not_a_download():
    api = _res(id="api-1", name="API Tronçons", url="https://api.example.org/velo",
               format="JSON", size=None, access_kind="api")
    # only an API: no download address anywhere
    score, lost = _lost(_full(resources=[api]))
    assert lost == {"download_url", "download_url_status", "byte_size"}
    download = next(r for r in score.missing if r.indicator.id == "download_url")
    assert download.advice == (
        "Add a file for bulk download: an API has no download address.",)
    # a file beside it: the downloads are the file's
    _, lost = _lost(_full(resources=[_res(), api]))
    assert lost == {"byte_size"}
    # an API whose address the platforms refuse loses the access points only
    _, lost = _lost(_full(resources=[_res(), dict(api, url="http://10.0.0.4/api")]))
    assert lost == {"access_url_status", "byte_size"}


def test_uploads_are_checked_in_the_storage(tmp_path, monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.storage_path", str(tmp_path))
    res = _res(url="http://portail.example.org/dataset/x/resource/r/download/velo.csv",
               url_type="upload")
    missing = quality.score(_full(resources=[res]))
    assert {r.indicator.id for r in missing.missing} == {"access_url_status",
                                                         "download_url_status"}
    assert "upload it again" in missing.missing[0].advice[0]
    rid = res["id"]
    folder = tmp_path / "resources" / rid[0:3] / rid[3:6]
    os.makedirs(folder)
    (folder / rid[6:]).write_text("a;b\n1;2\n", encoding="utf-8")
    stored = quality.score(_full(resources=[res]))
    assert stored.points == 405
    assert stored.unchecked == []


def test_summary_for_a_report():
    pkgs = [_full(), _full(contact_email=""), _full(resources=[], tags=[])]
    summary = quality.summary(pkgs)
    assert summary["count"] == 3
    assert summary["ratings"] == {"excellent": 2, "good": 0, "sufficient": 1, "bad": 0}
    assert summary["mean"] == round((405 + 385 + quality.points(pkgs[2])) / 3)
    assert quality.summary([])["mean"] is None


def test_the_report_s_fast_path_agrees_with_the_page_s_score(tmp_path, monkeypatch):
    """``points``/``many`` (reports) and ``score`` (pages) decide alike, on
    datasets mixing every way of missing or meeting each indicator."""
    import random

    monkeypatch.setitem(tk.config, "ckan.storage_path", str(tmp_path))
    rnd = random.Random(405)
    pkgs = []
    for n in range(300):
        resources = []
        for i in range(rnd.randint(0, 3)):
            res = _res(id=f"{n:04d}{i:02d}-aaaa-bbbb-cccc", name=f"R{i}",
                       url=rnd.choice(["https://data.metropole-dijon.fr/f.csv",
                                       "https://x.invalid/f", "http://10.0.0.1/f",
                                       "donnees/f.csv", ""]),
                       url_type=rnd.choice(["", "", "upload"]),
                       format=rnd.choice(["CSV", "csv", "PDF", "XLSX", "", "texte brut",
                                          "OP_DATPRO"]),
                       size=rnd.choice([2048, None, "x", "0"]),
                       created=rnd.choice(["2024-01-01", None]),
                       metadata_modified=rnd.choice(["2024-01-02", None]),
                       state=rnd.choice(["active", "active", "deleted"]),
                       access_kind=rnd.choice(["", "", "api"]),
                       datastore_active=rnd.choice([None, False, True, "true"]))
            if res["url_type"] == "upload" and rnd.random() < 0.5:
                rid = res["id"]
                os.makedirs(tmp_path / "resources" / rid[0:3] / rid[3:6], exist_ok=True)
                (tmp_path / "resources" / rid[0:3] / rid[3:6] / rid[6:]).write_text("x")
            resources.append(res)
        pkgs.append(_full(
            resources=resources, license_id=rnd.choice(["etalab-2.0", "odc-odbl", "fr-lo",
                                                        "", "cc-by"]),
            tags=rnd.choice([[], [{"name": "vélo"}]]), theme=[rnd.choice(["TRAN", "NOPE"])],
            temporal_start=rnd.choice(["", "2020-01-01"]),
            contact_email=rnd.choice(["", "sig@metropole-dijon.fr"])))
    scores = [quality.score(pkg).points for pkg in pkgs]
    assert quality.many(pkgs) == scores
    assert len(set(scores)) > 20  # the cases really vary
