"""The territory filter and the harvested datasets' flag and provenance."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

import ckan.plugins.toolkit as tk

from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.harvest import harvester
from ckanext.metropole.logic import external, publication
from ckanext.metropole.tests.harvest import feeds as f
from ckanext.metropole.tests.harvest.conftest import make_source
from ckanext.metropole.tests.harvest.jobs import gather_errors, harvested, run_job
from ckanext.metropole.tests.harvest.server import Reply


def _as(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_keeps_the_datasets_about_the_territory(server, producer):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    report = run_job(source["id"])
    assert gather_errors(report) == []
    assert set(harvested()) == {"pop-dijon", "bruit", "chenove-ecoles"}
    assert harvester.job_counts(report["job"]["id"]) == {"kept": 3, "skipped": 2}
    stats = report["job"]["stats"]
    assert stats["added"] == 3 and stats["skipped"] == 2 and stats["errored"] == 0


@pytest.mark.parametrize("remote", [f.ABOUT_DIJON, f.IN_THE_BOX, f.NAMED])
def test_each_way_of_naming_the_territory(server, producer, remote):
    server.routes["/one.ttl"] = Reply(f.catalog([remote, f.ELSEWHERE]))
    run_job(make_source(server.url("/one.ttl"), producer["id"])["id"])
    assert set(harvested()) == {remote.key}


def test_keep_all_sources(server, producer):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"],
                         config='{"keep_all": true}')
    report = run_job(source["id"])
    assert len(harvested()) == 5
    assert harvester.job_counts(report["job"]["id"]) == {"kept": 5, "skipped": 0}


def test_harvested_dataset_is_external_with_provenance(server, producer, app):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    run_job(source["id"])
    pkgs = harvested()
    dijon, noise = pkgs["pop-dijon"], pkgs["bruit"]
    for pkg in (dijon, noise):
        assert external.is_external(pkg)
        assert external.field(pkg, external.MARKER) == "insee-dcat"
        assert external.field(pkg, external.DATE)
        assert not committee_state.subject(pkg)
        # published as the source published it, but never in our feeds
        assert publication.is_published(pkg)
        assert external.is_harvested(pkg) and not publication.in_feed(pkg)
    assert external.field(dijon, external.URL) == "https://www.example.org/page/pop-dijon"
    assert external.field(dijon, external.IDENTIFIER) == "pop-dijon"
    assert dijon["license_id"] == "etalab-2.0"  # Etalab's URI, mapped
    assert noise["license_id"] == f.CC_BY  # kept as the source's
    assert external.field(noise, external.LICENCE) == f.CC_BY
    assert dijon["organization"]["name"] == "insee"

    page = app.get(f"/dataset/{dijon['name']}").body
    assert "https://www.example.org/page/pop-dijon" in page
    assert "INSEE (DCAT)" in page and "Jeu de données moissonné" in page
    page = app.get(f"/dataset/{noise['name']}").body
    assert f.CC_BY in page and "Licence de la source" in page
    # our forms never offer the source's licence
    sysadmin = factories.Sysadmin()
    form = app.get("/dataset/new", headers=_as(sysadmin)).body
    assert f.CC_BY not in form


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_only_the_harvester_sets_the_flag():
    org = factories.Organization(kind="producteur_national")
    editor = factories.User()
    helpers.call_action("organization_member_create", id=org["id"],
                        username=editor["name"], role="editor")
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action(
            "package_create", context={"user": editor["name"], "ignore_auth": False},
            name="faux", title="Faux", owner_org=org["id"], license_id=f.CC_BY,
            extras=[{"key": external.MARKER, "value": "insee-dcat"}])
    assert external.MARKER in err.value.error_dict


def test_harvested_datasets_never_enter_the_committee_workflow(server, producer):
    server.routes["/catalog.ttl"] = Reply(f.catalog([f.ABOUT_DIJON]))
    run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    pkg = harvested()["pop-dijon"]
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("metropole_review_propose",
                            context={"user": factories.Sysadmin()["name"]}, id=pkg["id"])
    assert "harvested dataset" in err.value.error_dict["state"][0]


def test_the_flag_is_indexed_and_the_feeds_leave_them_out(server, producer, app):
    server.routes["/catalog.ttl"] = Reply(f.catalog([f.ABOUT_DIJON, f.NAMED]))
    run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    found = helpers.call_action("package_search", fq="metropole_harvest_source:insee-dcat")
    assert found["count"] == 2
    assert helpers.call_action("package_search",
                               fq=f"-{external.MARKER}:* +dataset_type:dataset")["count"] == 0
    feed = app.get("/catalog.ttl").body
    assert "pop-dijon" not in feed and "Écoles de Chenôve" not in feed


@pytest.mark.ckan_config("ckanext.metropole.feeds.include_harvested", "true")
def test_the_feeds_include_them_on_demand(server, producer, app):
    server.routes["/catalog.ttl"] = Reply(f.catalog([f.NAMED]))
    run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    assert "Écoles de Chenôve" in app.get("/catalog.ttl").body


def test_the_job_report_page_shows_the_counts(server, producer, app):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    report = run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    sysadmin = factories.Sysadmin()
    page = app.get(f"/harvest/insee-dcat/job/{report['job']['id']}",
                   headers=_as(sysadmin)).body
    assert "Filtre territorial : 3 jeux de données retenus, 2 écartés" in page


def test_home_figures_count_the_portals_own_datasets_only(server, producer, app):
    from ckanext.metropole import home

    server.routes["/catalog.ttl"] = Reply(f.catalog([f.ABOUT_DIJON, f.NAMED]))
    run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    assert home.figures()["opened"] == 0
    page = app.get(f"/dataset/{harvested()['pop-dijon']['name']}").body
    assert "Avis du comité" not in page
