"""`ckan metropole harvest-sources sync`: the sources file, applied idempotently."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ckan.tests import helpers

from ckanext.metropole.harvest import settings, sources
from ckanext.metropole.harvest.cli import harvest_sources

SOURCES = """
version: 1
producers:
  insee: {title: INSEE, description: Statistiques}
  ign: {title: IGN}
sources:
  - name: insee-dcat
    title: INSEE (data.gouv.fr)
    producer: insee
    url: https://www.data.gouv.fr/api/1/organizations/insee/catalog.ttl
    frequency: weekly
    rdf_format: turtle
  - name: ign-dcat
    title: IGN (data.gouv.fr)
    producer: ign
    url: https://www.data.gouv.fr/api/1/organizations/ign/catalog.ttl
    keep_all: true
"""


def _sync(path):
    # the command itself, in the test's app (`ckan` would reload test.ini's
    # plugins, without ckanext-harvest)
    result = CliRunner().invoke(harvest_sources, ["sync", "--file", str(path)])
    return result.exit_code, result.output


@pytest.mark.usefixtures("clean_db")
def test_sync_creates_then_changes_nothing(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    code, output = _sync(path)
    assert code == 0, output
    assert output.splitlines() == [
        "organization insee: created", "organization ign: created",
        "source insee-dcat: created", "source ign-dcat: created"]
    org = helpers.call_action("organization_show", id="insee")
    assert org["kind"] == "producteur_national"
    assert org["title"] == "INSEE"
    source = helpers.call_action("harvest_source_show", id="insee-dcat")
    assert source["source_type"] == "metropole_dcat_rdf"
    assert source["frequency"] == "WEEKLY"
    assert source["owner_org"] == org["id"]
    assert helpers.call_action("harvest_source_show", id="ign-dcat")["config"] == \
        '{"keep_all": true}'

    code, output = _sync(path)
    assert code == 0, output
    assert output.count(": unchanged") == 4, output

    path.write_text(SOURCES.replace("frequency: weekly", "frequency: daily"),
                    encoding="utf-8")
    code, output = _sync(path)
    assert "source insee-dcat: updated" in output
    assert output.count(": unchanged") == 3
    assert helpers.call_action("harvest_source_show", id="insee-dcat")["frequency"] == "DAILY"
    assert len(helpers.call_action("harvest_source_list")) == 2


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize(("change", "message"), [
    (("https://www.data.gouv.fr/api/1/organizations/insee/catalog.ttl", "file:///etc/passwd"),
     "sources[0] (insee-dcat): url: Only http and https"),
    (("https://www.data.gouv.fr/api/1/organizations/ign/catalog.ttl", "http://169.254.169.254/"),
     "sources[1] (ign-dcat): url: Refused address"),
    (("producer: ign", "producer: cnil"), "producer 'cnil' is not in producers"),
    (("frequency: weekly", "frequency: hourly"), "frequency must be one of"),
    (("keep_all: true", "keep_all: yes please"), "keep_all must be true or false"),
])
def test_a_bad_file_is_refused_naming_the_entry(tmp_path, change, message):
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES.replace(*change), encoding="utf-8")
    code, output = _sync(path)
    assert code != 0, output
    assert message in output, output
    assert helpers.call_action("harvest_source_list") == []


def test_the_shipped_file_is_valid():
    producers, entries = sources.load(settings.SOURCES_FILE)
    assert {p.name for p in producers} >= {"insee", "ign"}
    assert all(s.url.startswith("https://") for s in entries)
