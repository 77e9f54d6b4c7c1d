"""A resource checked against its dataset's schema, from upload to every page.

Uploads go through the actions, the checks through the job queue and a
worker, the pages through the HTTP stack (French, the site's language).
"""
from __future__ import annotations

import html
import json
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories, helpers
from rdflib import Graph, URIRef

from ckanext.metropole.dcat.terms import DCAT, DCT
from ckanext.metropole.logic import conformity
from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.validation.conftest import broken, example, run_jobs, upload

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_validation")

SCHEMA = "scdl/equipements"
GOOD = example("scdl__equipements.csv")
BAD = broken("scdl__equipements.csv", {"EQUIP_THEME": "Equipement de loisirs",
                                       "EQUIP_LAT": "48,808989"})


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(name="dijon", insee_code=DIJON, kind="commune")


def _dataset(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data = complete_dataset(org["id"], conforms_to=SCHEMA, resources=[], **fields)
    return helpers.call_action("package_create", **data)


def _state(package_id: str, resource_id: str) -> str | None:
    pkg = helpers.call_action("package_show", id=package_id)
    return conformity.resource_states(pkg).get(resource_id)


def _row(resource_id: str) -> Any:
    return conformity.rows_for([model.Resource.get(resource_id).package_id]).get(resource_id)


def test_valid_file_checked_in_the_background(app: Any, org: dict[str, Any]) -> None:
    pkg = _dataset(org)
    res = upload(pkg["id"], GOOD, "equipements.csv")
    assert _state(pkg["id"], res["id"]) == conformity.PENDING  # queued, not run
    run_jobs(app)
    assert _state(pkg["id"], res["id"]) == conformity.VALID
    row = _row(res["id"])
    assert (row.schema_id, row.schema_version, row.rows_checked) == (SCHEMA, "0.1.5", 1)

    page = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}").get_data(as_text=True)
    assert "Conformité au schéma" in page
    assert "Ce fichier suit le schéma Équipements (0.1.5)." in page
    dataset_page = app.get(f"/dataset/{pkg['name']}").get_data(as_text=True)
    assert "Conforme au schéma Équipements (0.1.5)" in dataset_page
    search_page = app.get("/dataset/").get_data(as_text=True)
    assert "Conforme au schéma Équipements (0.1.5)" in search_page
    assert "Conformité au schéma" in search_page  # the facet's title


def test_broken_file_report_grouped_with_row_column_value(app: Any,
                                                          org: dict[str, Any]) -> None:
    pkg = _dataset(org)
    res = upload(pkg["id"], BAD, "equipements.csv")
    run_jobs(app)
    assert _state(pkg["id"], res["id"]) == conformity.INVALID
    page = html.unescape(app.get(f"/dataset/{pkg['name']}/resource/{res['id']}")
                         .get_data(as_text=True))
    assert "Ce fichier ne suit pas le schéma Équipements (0.1.5) : 2 erreurs." in page
    assert "Valeur hors de la liste autorisée" in page
    assert "Valeur d'un type incorrect" in page
    assert "<code>48,808989</code>" in page and "EQUIP_LAT" in page
    assert "Does not" not in page and "Value of the wrong type" not in page
    assert "Non conforme au schéma Équipements (0.1.5)" in app.get(
        f"/dataset/{pkg['name']}").get_data(as_text=True)

    full = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}/validation.json")
    assert full.headers["Content-Disposition"].startswith("attachment")
    report = json.loads(full.get_data(as_text=True))
    assert (report["valid"], report["error_count"], report["current"]) == (False, 2, True)
    assert {(e["kind"], e["row"], e["field"], e["value"]) for e in report["errors"]} == {
        ("constraint-error:enum", 2, "EQUIP_THEME", "Equipement de loisirs"),
        ("type-error", 2, "EQUIP_LAT", "48,808989")}
    errors_csv = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}/validation.csv")
    lines = errors_csv.get_data(as_text=True).splitlines()
    assert lines[0] == "kind,label,row,column,field,location,value,detail"
    assert len(lines) == 3


def test_facet_values_and_filter(app: Any, org: dict[str, Any]) -> None:
    good, bad = _dataset(org), _dataset(org)
    upload(good["id"], GOOD, "a.csv")
    upload(bad["id"], BAD, "b.csv")
    plain = helpers.call_action("package_create", **complete_dataset(org["id"]))
    run_jobs(app)
    result = helpers.call_action("package_search", **{
        "facet.field": json.dumps([conformity.INDEX_FIELD]), "rows": 10})
    items = {i["name"]: i["count"] for i in
             result["search_facets"][conformity.INDEX_FIELD]["items"]}
    assert items == {"conforme": 1, "non_conforme": 1}
    found = helpers.call_action("package_search",
                                fq=f"{conformity.INDEX_FIELD}:conforme")["results"]
    assert [p["id"] for p in found] == [good["id"]]
    assert plain["id"] not in {p["id"] for p in helpers.call_action(
        "package_search", fq=f"{conformity.INDEX_FIELD}:*")["results"]}
    page = app.get("/dataset/", query_string={
        conformity.INDEX_FIELD: "non_conforme"}).get_data(as_text=True)
    assert "Non conforme" in page and bad["name"] in page and good["name"] not in page


def test_feed_states_conforms_to_only_for_the_valid_file(app: Any,
                                                         org: dict[str, Any]) -> None:
    pkg = _dataset(org)
    good = upload(pkg["id"], GOOD, "a.csv")
    bad = upload(pkg["id"], BAD, "b.csv")
    run_jobs(app)
    g = Graph().parse(data=app.get(f"/dataset/{pkg['name']}.ttl").get_data(as_text=True),
                      format="turtle")
    by_url = {str(o): d for d, o in g.subject_objects(DCAT.accessURL)}
    good_node = next(d for u, d in by_url.items() if u.endswith("/a.csv"))
    bad_node = next(d for u, d in by_url.items() if u.endswith("/b.csv"))
    assert list(g.objects(good_node, DCT.conformsTo)) == [URIRef(
        "https://schema.data.gouv.fr/schemas/scdl/equipements/0.1.5/schema.json")]
    assert list(g.objects(bad_node, DCT.conformsTo)) == []
    assert good["id"] != bad["id"]


def test_gate_refuses_publication_while_a_file_is_invalid(app: Any,
                                                          org: dict[str, Any]) -> None:
    pkg = _dataset(org, private=True)
    res = upload(pkg["id"], BAD, "equipements.csv")
    run_jobs(app)
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_patch", id=pkg["id"], private=False,
                            committee_override="Publication de test")
    assert "conforms_to" in err.value.error_dict
    assert "equipements.csv" in err.value.error_dict["conforms_to"][0]
    # an update that does not list the resources keeps them: they count too
    shown = helpers.call_action("package_show", id=pkg["id"])
    del shown["resources"]
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_update", **dict(
            shown, private=False, committee_override="Publication de test"))
    assert "conforms_to" in err.value.error_dict
    assert helpers.call_action("package_show", id=pkg["id"])["private"] is True

    upload(pkg["id"], GOOD, "equipements.csv", resource_id=res["id"])
    run_jobs(app)
    assert _state(pkg["id"], res["id"]) == conformity.VALID
    published = helpers.call_action("package_patch", id=pkg["id"], private=False,
                                    committee_override="Publication de test")
    assert published["private"] is False


@pytest.mark.ckan_config("ckanext.metropole.validation.gate", "warn")
def test_gate_warn_mode_lets_the_publication_through(app: Any, org: dict[str, Any]) -> None:
    pkg = _dataset(org, private=True)
    upload(pkg["id"], BAD, "equipements.csv")
    run_jobs(app)
    published = helpers.call_action("package_patch", id=pkg["id"], private=False,
                                    committee_override="Publication de test")
    assert published["private"] is False
    assert conformity.dataset_status(published) == conformity.NON_CONFORME


def test_public_dataset_stays_editable_when_its_file_turns_out_invalid(
        app: Any, org: dict[str, Any]) -> None:
    pkg = _dataset(org)
    upload(pkg["id"], BAD, "equipements.csv")
    run_jobs(app)
    edited = helpers.call_action("package_patch", id=pkg["id"], title="Équipements 2026")
    assert edited["title"] == "Équipements 2026"


def test_unreadable_file_keeps_the_previous_report(app: Any, org: dict[str, Any]) -> None:
    pkg = _dataset(org)
    res = upload(pkg["id"], GOOD, "equipements.csv")
    run_jobs(app)
    upload(pkg["id"], b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "equipements.csv",
           resource_id=res["id"])
    run_jobs(app)
    row = _row(res["id"])
    assert row.status == conformity.VALID and row.attempt_error["code"] == "unreadable"
    assert _state(pkg["id"], res["id"]) == conformity.FAILED
    page = html.unescape(app.get(f"/dataset/{pkg['name']}/resource/{res['id']}")
                         .get_data(as_text=True))
    assert "La dernière vérification n'a pas pu se faire." in page
    assert "Le rapport précédent est conservé ci-dessous." in page
    assert "Ce rapport porte sur une version précédente du fichier ou de son schéma." in page
    # the failure is not a conformity: no badge, no dct:conformsTo, no publication fact
    assert conformity.valid_schemas(helpers.call_action("package_show", id=pkg["id"])) == {}


def test_changing_the_url_or_the_version_checks_again(app: Any, org: dict[str, Any]) -> None:
    pkg = _dataset(org)
    res = upload(pkg["id"], GOOD, "equipements.csv")
    run_jobs(app)
    helpers.call_action("package_patch", id=pkg["id"], schema_version="0.1.5")
    assert _state(pkg["id"], res["id"]) == conformity.PENDING
    run_jobs(app)
    assert _state(pkg["id"], res["id"]) == conformity.VALID
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_patch", id=pkg["id"], schema_version="9.9")
    assert "schema_version" in err.value.error_dict


def test_other_formats_and_datasets_without_schema_are_not_checked(
        app: Any, org: dict[str, Any]) -> None:
    pkg = _dataset(org)
    pdf = helpers.call_action("resource_create", package_id=pkg["id"],
                              url="https://data.example.org/notice.pdf", format="PDF")
    plain = helpers.call_action("package_create", **complete_dataset(org["id"]))
    run_jobs(app)
    assert _row(pdf["id"]) is None
    assert conformity.resource_states(helpers.call_action("package_show", id=plain["id"])) \
        == {}
    assert conformity.dataset_status(plain) is None


def test_only_editors_may_check_again(app: Any, org: dict[str, Any]) -> None:
    editor = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=org["id"],
                        username=editor["name"], role="editor")
    stranger = factories.UserWithToken()
    pkg = _dataset(org)
    res = upload(pkg["id"], GOOD, "equipements.csv")
    run_jobs(app)
    url = f"/dataset/{pkg['name']}/resource/{res['id']}/validation"
    # anonymous: a form posted without its CSRF token is refused first (csrf.py)
    assert app.post(url, status=400).status_code == 400
    assert app.post(url, headers={"Authorization": stranger["token"]},
                    status=403).status_code == 403
    app.post(url, headers={"Authorization": editor["token"]}, follow_redirects=False,
             status=302)
    assert _row(res["id"]).queued_key
    run_jobs(app)
    assert _row(res["id"]).queued_key is None and _state(pkg["id"], res["id"]) == "valid"


def test_report_of_a_private_dataset_is_not_shown_to_anonymous(app: Any,
                                                                org: dict[str, Any]) -> None:
    pkg = _dataset(org, private=True)
    res = upload(pkg["id"], BAD, "equipements.csv")
    run_jobs(app)
    for suffix in ("validation.json", "validation.csv"):
        url = f"/dataset/{pkg['id']}/resource/{res['id']}/{suffix}"
        assert app.get(url, status=404).status_code == 404
