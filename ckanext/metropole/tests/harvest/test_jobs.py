"""Nothing lost: re-harvests, withdrawals, pagination, the Redis queues."""
from __future__ import annotations

from typing import Any

import pytest

from ckan import model
from ckan.tests import helpers

from ckanext.harvest import queue

from ckanext.metropole.tests.harvest import feeds as f
from ckanext.metropole.tests.harvest.conftest import make_source, patch_source
from ckanext.metropole.tests.harvest.jobs import gather_errors, harvested, run_job
from ckanext.metropole.tests.harvest.server import Reply


def _activities(package_id: str) -> int:
    return len(helpers.call_action("package_activity_list", id=package_id, limit=100))


def test_same_feed_twice_changes_nothing(server, producer):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    run_job(source["id"])
    first = harvested()
    activities = {k: _activities(v["id"]) for k, v in first.items()}
    report = run_job(source["id"])
    assert gather_errors(report) == []
    assert report["job"]["stats"]["not modified"] == 3
    assert report["job"]["stats"]["added"] == report["job"]["stats"]["updated"] == 0
    second = harvested()
    assert {k: v["id"] for k, v in second.items()} == {k: v["id"] for k, v in first.items()}
    assert {k: v["metadata_modified"] for k, v in second.items()} == \
        {k: v["metadata_modified"] for k, v in first.items()}
    assert {k: _activities(v["id"]) for k, v in second.items()} == activities
    assert model.Session.query(model.Package).filter_by(type="dataset").count() == 3


def test_a_change_at_the_source_updates_the_dataset(server, producer):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    run_job(source["id"])
    before = harvested()["pop-dijon"]
    changed = f.Remote(f.ABOUT_DIJON.key, "Population légale 2024",
                       spatial_uri=f.DIJON_URI)
    server.routes["/catalog.ttl"] = Reply(f.catalog([changed, f.IN_THE_BOX, f.NAMED]))
    report = run_job(source["id"])
    assert report["job"]["stats"]["updated"] == 1
    assert report["job"]["stats"]["not modified"] == 2
    after = harvested()["pop-dijon"]
    assert after["id"] == before["id"]
    assert after["title"] == "Population légale 2024"


def test_removed_at_the_source_is_withdrawn_not_purged(server, producer):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    run_job(source["id"])
    gone = harvested()["bruit"]
    server.routes["/catalog.ttl"] = Reply(f.catalog([f.ABOUT_DIJON, f.NAMED, f.LYON]))
    report = run_job(source["id"])
    assert report["job"]["stats"]["deleted"] == 1
    assert set(harvested()) == {"pop-dijon", "chenove-ecoles"}
    assert set(harvested(state="deleted")) == {"bruit"}
    # recoverable: still there, and back when the source lists it again
    assert model.Package.get(gone["id"]).state == "deleted"
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    report = run_job(source["id"])
    assert set(harvested()) == {"pop-dijon", "bruit", "chenove-ecoles"}
    assert harvested()["bruit"]["id"] == gone["id"]  # the same dataset, back
    assert report["job"]["stats"]["updated"] == 1
    assert harvested(state="deleted") == {}


def test_an_empty_catalogue_withdraws_only_when_configured(server, producer):
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    run_job(source["id"])
    server.routes["/catalog.ttl"] = Reply(f.catalog([]))
    assert "ne liste aucun jeu de données" in gather_errors(run_job(source["id"]))[0]
    assert len(harvested()) == 3
    patch_source(source["id"], config='{"allow_empty": true}')
    report = run_job(source["id"])
    assert gather_errors(report) == []
    assert report["job"]["stats"]["deleted"] == 3
    assert harvested() == {}
    assert len(harvested(state="deleted")) == 3


def test_pages_are_followed(server, producer):
    server.routes["/p1"] = Reply(f.catalog([f.ABOUT_DIJON, f.LYON],
                                           next_page=server.url("/p2?page=2")))
    server.routes["/p2"] = Reply(f.catalog([f.IN_THE_BOX, f.ELSEWHERE],
                                           next_page=server.url("/p3"),
                                           this_page=server.url("/p2?page=2")))
    server.routes["/p3"] = Reply(f.catalog([f.NAMED]))
    report = run_job(make_source(server.url("/p1"), producer["id"])["id"])
    assert gather_errors(report) == []
    assert set(harvested()) == {"pop-dijon", "bruit", "chenove-ecoles"}
    assert report["job"]["stats"]["skipped"] == 2
    assert [r.split("?")[0] for r in server.requests] == ["/p1", "/p2", "/p3"]


def test_two_pages_with_the_same_content(server, producer):
    page = f.catalog([f.ABOUT_DIJON, f.NAMED], next_page=server.url("/p2"))
    server.routes["/p1"] = server.routes["/p2"] = Reply(page)
    report = run_job(make_source(server.url("/p1"), producer["id"])["id"])
    assert gather_errors(report) == []
    assert set(harvested()) == {"pop-dijon", "chenove-ecoles"}
    assert report["job"]["stats"]["added"] == 2
    assert server.requests == ["/p1", "/p2"]


@pytest.mark.ckan_config("ckanext.metropole.harvest.max_pages", "2")
def test_too_many_pages_change_nothing(server, producer):
    server.routes["/p1"] = Reply(f.catalog([f.ABOUT_DIJON], next_page=server.url("/p2")))
    server.routes["/p2"] = Reply(f.catalog([f.IN_THE_BOX], next_page=server.url("/p3"),
                                           this_page=server.url("/p2")))
    server.routes["/p3"] = Reply(f.catalog([f.NAMED]))
    report = run_job(make_source(server.url("/p1"), producer["id"])["id"])
    assert "Plus de 2 pages : le moissonnage s'est arrêté" in gather_errors(report)[0]
    assert harvested() == {}
    assert report["job"]["status"] == "Finished"


def test_through_the_redis_queues(server, producer):
    """As `ckan harvester gather-consumer` and `fetch-consumer` run it."""
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    queue.purge_queues()
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=True)
    gather = queue.get_gather_consumer()
    for method, header, body in gather.consume(queue=queue.get_gather_queue_name()):
        queue.gather_callback(gather, method, header, body)
        break
    fetch = queue.get_fetch_consumer()
    # ckanext-harvest's Redis backend: a RedisConsumer, not the pika channel it is typed as
    redis: Any = fetch.redis  # pyright: ignore[reportAttributeAccessIssue]
    for _ in range(3):
        key = queue.get_fetch_routing_key()
        assert redis.llen(key) > 0
        for method, header, body in fetch.consume(queue=queue.get_fetch_queue_name()):
            queue.fetch_callback(fetch, method, header, body)
            break
    helpers.call_action("harvest_jobs_run", source_id=source["id"])
    shown = helpers.call_action("harvest_job_show", id=job["id"])
    assert shown["status"] == "Finished"
    assert shown["stats"]["added"] == 3
    assert set(harvested()) == {"pop-dijon", "bruit", "chenove-ecoles"}
