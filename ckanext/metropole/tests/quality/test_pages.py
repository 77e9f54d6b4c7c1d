"""The score where producers and readers see it: the dataset page, the form's
last step, the organization page, and the API the committee's pages call."""
from __future__ import annotations

import html

import pytest

from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

COMPLETE = dict(tag_string="sport", temporal_start="2020-01-01",
                contact_name="Service des sports", contact_email="sports@metropole-dijon.fr")


@pytest.fixture
def dijon():
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    editor = factories.User()
    helpers.call_action("organization_member_create", id=org["id"],
                        username=editor["name"], role="editor")
    token = factories.APIToken(user=editor["name"])["token"]
    return org, {"Authorization": token}


def _size_and_dates(pkg):
    # a resource created through the API has its dates; its size is given here
    for res in pkg["resources"]:
        helpers.call_action("resource_patch", id=res["id"], size=2048)
    return helpers.call_action("package_show", id=pkg["id"])


def _text(response) -> str:
    return html.unescape(response.body)


def test_dataset_page_shows_the_score_and_what_to_add_to_its_editors(app, dijon):
    org, editor = dijon
    # no keywords, temporal coverage, contact point or size: 405 - 30 - 20 - 20 - 5
    pkg = helpers.call_action("package_create", **complete_dataset(org["id"]))
    anonymous = _text(app.get(f"/dataset/{pkg['name']}"))
    assert "Qualité des métadonnées" in anonymous
    assert "330 points sur 405" in anonymous
    assert "metropole-quality-good\">Bon<" in anonymous
    assert "Repérabilité : 50 / 100" in anonymous
    assert "Pour gagner des points" not in anonymous  # advice is for the editors

    page = _text(app.get(f"/dataset/{pkg['name']}", headers=editor))
    assert "Pour gagner des points" in page
    assert "Ajoutez des mots-clés" in page
    assert "Indiquez la couverture temporelle" in page
    assert "Donnez l'adresse électronique d'un point de contact" in page
    assert "Ressource « Équipements » : indiquez la taille de son fichier en octets" in page
    assert "Metadata quality" not in page
    assert "To gain points" not in page


def test_a_complete_dataset_is_excellent_on_its_page(app, dijon):
    org, editor = dijon
    pkg = _size_and_dates(helpers.call_action("package_create",
                                              **complete_dataset(org["id"], **COMPLETE)))
    page = _text(app.get(f"/dataset/{pkg['name']}", headers=editor))
    assert "405 points sur 405" in page
    assert "Excellent" in page
    assert "Pour gagner des points" not in page
    # the link is counted, not tested: said to the editor
    assert "La réponse des liens externes n'est pas vérifiée" in page


def test_the_form_last_step_shows_the_score(app, dijon):
    org, editor = dijon
    draft = helpers.call_action("package_create", **complete_dataset(
        org["id"], private=True, state="draft", resources=[], **COMPLETE))
    page = _text(app.get(f"/dataset/{draft['name']}/resource/new", headers=editor))
    assert "Qualité des métadonnées" in page
    assert "Ajoutez une ressource : un fichier ou un lien vers les données." in page


def test_organization_page_shows_mean_and_excellent_count(app, dijon):
    org, _editor = dijon
    _size_and_dates(helpers.call_action("package_create",
                                        **complete_dataset(org["id"], **COMPLETE)))
    helpers.call_action("package_create", **complete_dataset(org["id"]))  # 330
    # a private dataset is not counted
    helpers.call_action("package_create", **complete_dataset(org["id"], private=True,
                                                             **COMPLETE))
    page = _text(app.get("/organization/dijon"))
    assert "Note moyenne des jeux de données publiés" in page
    assert f"{round((405 + 330) / 2)} points sur 405" in page
    assert "1 jeux de données sur 2" in page


def test_quality_show_follows_the_dataset_s_visibility(app, dijon):
    org, editor = dijon
    public = helpers.call_action("package_create", **complete_dataset(org["id"]))
    result = app.get("/api/3/action/metropole_quality_show", params={"id": public["name"]},
                     status=200).json["result"]
    assert (result["points"], result["maximum"], result["rating"]) == (330, 405, "good")
    missing = {i["id"] for i in result["indicators"] if not i["met"]}
    assert missing == {"keywords", "temporal", "contact_point", "byte_size"}
    assert sum(d["maximum"] for d in result["dimensions"]) == 405

    private = helpers.call_action("package_create", **complete_dataset(org["id"],
                                                                       private=True))
    url = "/api/3/action/metropole_quality_show"
    app.get(url, params={"id": private["name"]}, status=403)
    assert app.get(url, params={"id": private["name"]}, headers=editor,
                   status=200).json["result"]["id"] == private["id"]
    app.get(url, params={"id": "nothing-here"}, status=404)
    assert "id" in app.get(url, status=409).json["error"]


def test_quality_summary_counts_published_datasets(app, dijon):
    org, _editor = dijon
    other = factories.Organization()
    helpers.call_action("package_create", **complete_dataset(org["id"]))
    helpers.call_action("package_create", **complete_dataset(other["id"]))
    helpers.call_action("package_create", **complete_dataset(org["id"], private=True))
    url = "/api/3/action/metropole_quality_summary"
    mine = app.get(url, params={"organization": "dijon"}).json["result"]
    assert mine == {"count": 1, "mean": 330,
                    "ratings": {"excellent": 0, "good": 1, "sufficient": 0, "bad": 0}}
    assert app.get(url).json["result"]["count"] == 2
    app.get(url, params={"organization": "nowhere"}, status=404)
