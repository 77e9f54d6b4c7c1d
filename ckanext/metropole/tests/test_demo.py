"""``ckan metropole demo seed``: the Dijon territory and sample datasets."""
from __future__ import annotations

import pytest
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import helpers

from ckanext.metropole import demo, quality, territory
from ckanext.metropole.committee import demo as demo_committee
from ckanext.metropole.communes import figures
from ckanext.metropole.logic import conformity, publication, resource_urls
from ckanext.metropole.logic.gate import check_publication
from ckanext.metropole.tests.validation.conftest import clean_validation, run_jobs  # noqa: F401

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index",
                                     "clean_validation")


def test_seed_is_idempotent_and_its_public_datasets_pass_the_gate(cli, tmp_path, app):
    token = tmp_path / "token"
    first = cli.invoke(ckan_cli, ["metropole", "demo", "seed", "--token-file", str(token)])
    assert first.exit_code == 0, first.output
    assert "Territory: 24 organizations, 24 created or updated" in first.output
    assert f"Communes: agents and partnership of {len(demo.COMMUNES)} filled in" \
        in first.output
    assert f"Sample datasets: {len(demo.SAMPLE_DATASETS)} created" in first.output

    orgs = helpers.call_action("organization_list", all_fields=True, limit=100)
    assert len(orgs) == 24
    found = helpers.call_action("package_search", include_private=True, rows=100)
    public = [d for d in found["results"] if not d["private"]]
    drafts = [d for d in found["results"] if d["private"]]
    assert len(public) == 7 and len(drafts) == 2 + len(demo_committee.REVIEWS)
    for pkg in public:  # public through the committee's decision
        assert publication.is_published(pkg), pkg["name"]
    # the budget's CSV is an upload (the demo's xloader worker loads it)
    (budget,) = helpers.call_action("package_show", id="budget-primitif-2026")["resources"]
    assert budget["url_type"] == "upload" and budget["url"].endswith("/budget-primitif-2026.csv")
    assert budget["format"] == "CSV" and budget["size"] > 500
    members = helpers.call_action("metropole_committee_member_list")
    assert len(members) == 26
    assert {m["college"] for m in members if m["role"] == "president"} == {"associations"}
    seats = {c: sum(m["college"] == c for m in members)
             for c in ("recherche", "associations", "entreprises", "collectivites")}
    assert seats == {"recherche": 7, "associations": 8, "entreprises": 6, "collectivites": 5}
    states = {r["state"] for r in helpers.call_action(
        "metropole_review_list", state="all", limit=100)["results"]}
    assert states == {"propose", "en_examen", "avis_rendu", "publie", "maintenu_ferme",
                      "renvoye"}
    assert helpers.call_action("metropole_review_list", late=True)["count"] == 1
    for pkg in public:
        assert check_publication(pkg) == {}, pkg["name"]
    assert all(check_publication(dict(d, private=False)) for d in drafts)
    owners = {d["name"]: d["organization"]["name"] for d in found["results"]}
    assert owners["arbres-chenove"] == "chenove"
    shown = helpers.call_action("package_show", id="arbres-chenove")
    assert shown["producing_commune"] == "21166"

    # every public dataset scores Excellent by the portal's own score, every
    # link is one data.gouv.fr accepts
    for pkg in public:
        score = quality.score(helpers.call_action("package_show", id=pkg["name"]))
        assert (score.rating, score.missing) == ("excellent", []), pkg["name"]
    for pkg in found["results"]:
        for res in pkg["resources"]:
            assert res["url_type"] == "upload" or not resource_urls.refused(res["url"])
    for name in demo.SIRET_ORGANIZATIONS:
        org = helpers.call_action("organization_show", id=name)
        assert len(org["siret"]) == 14 and territory.luhn_ok(org["siret"]), name
        assert org["siret"].startswith(org["siren"])

    second = cli.invoke(ckan_cli, ["metropole", "demo", "seed", "--token-file", str(token)])
    assert second.exit_code == 0, second.output
    assert "24 organizations, 0 created or updated" in second.output
    assert "0 created" in second.output
    assert "26 members, 0 added" in second.output
    assert "Communes: agents and partnership of 0 filled in" in second.output

    # the demo's worker checks the SCDL files: one valid, one invalid
    run_jobs(app)
    for name, expected in (("equipements-publics-dijon", conformity.CONFORME),
                           ("deliberations-chenove", conformity.NON_CONFORME)):
        assert conformity.dataset_status(helpers.call_action("package_show", id=name)) \
            == expected, name
    # communes with and without the obligation, and some still unknown
    obligation = {r["organization"]: r["obligation"] for r in figures.rows()}
    assert (obligation["dijon"], obligation["chenove"], obligation["neuilly-crimolois"],
            obligation["ahuy"], obligation["fontaine-les-dijon"]) == (
        "oui", "oui", "non", "non", "inconnu")


def test_the_demo_s_scdl_catalogue_is_valid_against_its_schema(cli, app, tmp_path):
    """frictionless, the official schema, and the SIRET's Luhn check (the
    schema's custom check): no empty SIRET, no invented coverage."""
    import csv
    import io
    import json

    from frictionless import Resource, Schema

    from ckanext.metropole.tests.shared import SHARED

    schema = SHARED / "refdata" / "scdl-catalogue-schema.json"
    if not schema.exists():
        pytest.skip(f"SCDL schema not found at {schema} (../shared is absent)")
    seeded = cli.invoke(ckan_cli, ["metropole", "demo", "seed", "--token-file",
                                   str(tmp_path / "token")])
    assert seeded.exit_code == 0, seeded.output
    body = app.get("/catalogue-scdl.csv").body
    descriptor = json.loads(schema.read_text(encoding="utf-8"))
    descriptor.pop("custom_checks", None)
    (tmp_path / "scdl.csv").write_text(body, encoding="utf-8")
    report = Resource(path="scdl.csv", basepath=str(tmp_path),
                      schema=Schema.from_descriptor(descriptor)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) >= 5
    for row in rows:
        assert territory.luhn_ok(row["COLL_SIRET"]) and territory.luhn_ok(
            row["PRODUCTEUR_SIRET"]), row["ID"]
