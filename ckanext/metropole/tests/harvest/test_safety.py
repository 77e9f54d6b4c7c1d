"""What the harvester refuses to fetch or parse: each ends as a job error
within seconds, says why without echoing secrets, and changes no dataset."""
from __future__ import annotations

import json
import time

import pytest

from ckan.tests import factories

from ckanext.metropole.harvest import fetch
from ckanext.metropole.tests.harvest import feeds as f
from ckanext.metropole.tests.harvest.conftest import make_source, patch_source
from ckanext.metropole.tests.harvest.jobs import gather_errors, harvested, run_job
from ckanext.metropole.tests.harvest.server import Reply

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://x.example/d"><dct:title>&e;</dct:title></rdf:Description>
</rdf:RDF>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://x.example/d"><dct:title>&secret;</dct:title></rdf:Description>
</rdf:RDF>
"""


def _json_ld(context_url: str) -> bytes:
    return json.dumps({
        "@context": context_url,
        "@graph": [{"@id": "https://x.example/d", "@type": "dcat:Dataset",
                    "title": "Dijon", "spatial": f.DIJON_URI}]}).encode()


@pytest.fixture
def harvested_before(server, producer):
    """A source already harvested once: its datasets must survive what follows."""
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    source = make_source(server.url("/catalog.ttl"), producer["id"])
    run_job(source["id"])
    before = {k: (v["metadata_modified"], v["state"]) for k, v in harvested().items()}
    assert len(before) == 3
    return source, before


def _unchanged(before):
    after = harvested()
    assert {k: (v["metadata_modified"], v["state"]) for k, v in after.items()} == before


@pytest.mark.parametrize(("name", "reply", "message"), [
    ("billion laughs", Reply(BILLION_LAUGHS, content_type="application/rdf+xml"), "DOCTYPE"),
    ("external entity", Reply(EXTERNAL_ENTITY, content_type="application/rdf+xml"),
     "DOCTYPE"),
    ("malformed turtle", Reply(b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:x ;;; ."),
     "Error parsing the RDF file"),
    ("not found", Reply(b"gone", status=404, content_type="text/plain"), "404"),
    # rdflib errors ckanext-dcat does not catch: still a job error
    ("malformed n-triples", Reply(b"<a> <b> .", content_type="application/n-triples"),
     "Erreur à la lecture du catalogue"),
    ("json-ld with a bad @base", Reply(b'{"@context": {"@base": 5}, "@id": "x"}',
                                       content_type="application/ld+json"),
     "Erreur à la lecture du catalogue"),
    ("empty catalogue", Reply(f.catalog([])), "ne liste aucun jeu de données"),
    ("html page", Reply(b"<html><body>Maintenance</body></html>", content_type="text/html"),
     "pas un document RDF"),
])
def test_hostile_or_failing_pages_change_nothing(server, harvested_before, name, reply,
                                                 message):
    source, before = harvested_before
    server.routes["/catalog.ttl"] = reply
    started = time.monotonic()
    report = run_job(source["id"])
    assert time.monotonic() - started < 10
    errors = gather_errors(report)
    assert errors, errors
    assert message in errors[0], errors
    _unchanged(before)


def test_remote_json_ld_context_is_never_fetched(server, harvested_before):
    source, before = harvested_before
    server.routes["/catalog.ttl"] = Reply(_json_ld(server.url("/context.jsonld")),
                                          content_type="application/ld+json")
    server.routes["/context.jsonld"] = Reply(b'{"@context": {}}',
                                             content_type="application/ld+json")
    report = run_job(source["id"])
    assert "@context ou un @import distant" in gather_errors(report)[0]
    assert "/context.jsonld" not in server.requests
    _unchanged(before)


def test_a_server_that_never_answers(server, harvested_before):
    source, before = harvested_before
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED), delay=30)
    started = time.monotonic()
    report = run_job(source["id"])
    assert time.monotonic() - started < 10
    assert "Pas de réponse dans le délai" in gather_errors(report)[0]
    _unchanged(before)


@pytest.mark.ckan_config("ckanext.metropole.harvest.total_timeout", "2")
def test_a_server_that_answers_byte_by_byte(server, harvested_before):
    """Each byte comes before the read timeout: the document's deadline stops it."""
    source, before = harvested_before
    body = f.catalog(f.MIXED)
    server.routes["/catalog.ttl"] = Reply(chunks=[body[i:i + 1] for i in range(len(body))],
                                          delay=0.2)
    started = time.monotonic()
    report = run_job(source["id"])
    assert time.monotonic() - started < 10
    assert "a mis plus de 2 s à arriver" in gather_errors(report)[0]
    _unchanged(before)


@pytest.mark.ckan_config("ckanext.metropole.harvest.max_document_size", "1")
@pytest.mark.parametrize("declared", [True, False])
def test_documents_over_the_size_limit(server, harvested_before, declared):
    source, before = harvested_before
    big = f.catalog(f.MIXED) + b"# " + b"x" * (1024 * 1024 + 1) + b"\n"
    server.routes["/catalog.ttl"] = Reply(big) if declared else \
        Reply(chunks=[big[i:i + 65536] for i in range(0, len(big), 65536)])
    report = run_job(source["id"])
    assert "dépasse la taille maximale de 1 Mo" in gather_errors(report)[0]
    _unchanged(before)


def test_errors_do_not_echo_secrets(server, harvested_before):
    source, before = harvested_before
    url = server.url("/missing.ttl?apikey=S3CRET-TOKEN").replace(
        "http://", "http://agent:pa55word@")
    patch_source(source["id"], url=url)
    report = run_job(source["id"])
    message = gather_errors(report)[0]
    assert "404" in message
    assert "/missing.ttl" in message
    assert "S3CRET" not in message
    assert "pa55word" not in message
    assert "agent" not in message
    _unchanged(before)


# ---------------------------------------------------------------- addresses

@pytest.mark.ckan_config("ckanext.metropole.harvest.allow_loopback", "false")
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.1", "2130706433",
                                  "[::ffff:127.0.0.1]"])
def test_loopback_refused_unless_allowed(server, producer, host):
    """A literal address, and a name that resolves to it (checked after DNS)."""
    server.routes["/catalog.ttl"] = Reply(f.catalog(f.MIXED))
    url = server.url("/catalog.ttl").replace("127.0.0.1", host)
    report = run_job(make_source(url, producer["id"])["id"])
    assert "Adresse refusée" in gather_errors(report)[0]
    assert server.requests == []
    assert harvested() == {}


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://10.1.2.3/catalog.ttl",
    "http://192.168.1.1/catalog.ttl",
    "http://172.16.0.1/catalog.ttl",
    "http://[fd00:ec2::254]/latest/",
    "file:///etc/passwd",
])
def test_redirects_are_checked(server, producer, target):
    server.routes["/catalog.ttl"] = Reply(status=302, headers={"Location": target})
    report = run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    errors = gather_errors(report)
    assert errors, errors
    assert ("Adresse refusée" in errors[0]
            or "Seules les adresses http et https" in errors[0]), errors
    assert harvested() == {}


@pytest.mark.usefixtures("clean_db")
def test_file_paths_are_not_sources(producer):
    report = run_job(make_source("file:///etc/passwd", producer["id"])["id"])
    assert "Seules les adresses http et https" in gather_errors(report)[0]


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "172.31.255.255",
    "192.168.0.10", "169.254.169.254", "::1", "fc00::1", "fd00:ec2::254", "fe80::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "0.0.0.0",
])
def test_forbidden_networks(address):
    assert not fetch.address_allowed(address)


def test_loopback_switch_allows_loopback_only():
    assert fetch.address_allowed("127.0.0.1", allow_loopback=True)
    assert fetch.address_allowed("::1", allow_loopback=True)
    assert not fetch.address_allowed("10.0.0.1", allow_loopback=True)
    assert not fetch.address_allowed("169.254.169.254", allow_loopback=True)
    assert fetch.address_allowed("193.51.24.1")
    assert fetch.address_allowed("2a01:e0a::1")


# ------------------------------------------------------------- job report

@pytest.mark.ckan_config("ckanext.metropole.harvest.max_document_size", "1")
@pytest.mark.parametrize(("case", "french", "english"), [
    ("forbidden", "Adresse refusée 10.1.2.3 (réseau privé, de bouclage, lien local ou de "
                  "métadonnées) : http://10.1.2.3/catalog.ttl", "Refused address"),
    ("oversized", "Le document dépasse la taille maximale de 1 Mo : http://127.0.0.1:",
     "larger than the limit"),
])
def test_the_job_report_page_shows_the_error_in_french(server, producer, app, case, french,
                                                       english):
    """Issue 7: ckanext-harvest shows a job's errors as they were stored: they
    are stored in the site's language (French), whoever ran the job."""
    if case == "forbidden":
        server.routes["/catalog.ttl"] = Reply(status=302, headers={
            "Location": "http://10.1.2.3/catalog.ttl"})
    else:
        big = f.catalog(f.MIXED) + b"# " + b"x" * (1024 * 1024 + 1) + b"\n"
        server.routes["/catalog.ttl"] = Reply(chunks=[big[i:i + 65536]
                                                      for i in range(0, len(big), 65536)])
    report = run_job(make_source(server.url("/catalog.ttl"), producer["id"])["id"])
    sysadmin = {"Authorization": factories.APIToken(user=factories.Sysadmin()["name"])["token"]}
    page = app.get(f"/harvest/insee-dcat/job/{report['job']['id']}", headers=sysadmin)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert french in body
    assert english not in body


def test_errors_in_english_for_the_log_in_the_sites_language_for_the_report(ckan_config,
                                                                            monkeypatch):
    error = fetch.FetchError("Connection failed: {url}", url="https://x.example/c.ttl")
    assert str(error) == "Connection failed: https://x.example/c.ttl"
    assert error.in_site_language() == "Échec de la connexion : https://x.example/c.ttl"
    monkeypatch.setitem(ckan_config, "ckan.locale_default", "en")
    assert error.in_site_language() == str(error)
