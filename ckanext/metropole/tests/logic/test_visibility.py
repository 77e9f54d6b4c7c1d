"""An editor-only field never leaves but towards the dataset's editors.

Through the HTTP stack (anonymous, API token, session cookie): dataset
pages and API, search results whatever ``fl``/``q``/``fq``, the activity
stream (stored dataset dicts, diffs), feeds, exports and e-mails.
"""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import helpers

from ckanext.metropole.tests.committee.conftest import People, act, draft
from ckanext.metropole.tests.data import complete_dataset
from ckanext.metropole.tests.identities import clients, text, token_headers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "metropole_search metropole scheming_datasets "
                            "scheming_organizations activity dcat dcat_json_interface"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]
NOTE = "Vu avec Zorglubien du service juridique"
NOTE_BEFORE = "Premier examen Xylophonique"
NOTE_PLANNED = "Annonce Quetzalcoatlique"
NOTE_PROPOSED = "Proposition Ornithorynque"
NOTES = (NOTE, NOTE_BEFORE, NOTE_PLANNED, NOTE_PROPOSED)
WORDS = ("Zorglubien", "Xylophonique", "Quetzalcoatlique", "Ornithorynque")


@pytest.fixture(autouse=True)
def activity_tables(with_plugins, clean_db):
    from ckan.cli.db import _run_migrations

    _run_migrations("activity")


@pytest.fixture
def people(ckan_config: Any, monkeypatch: Any, mail_server: Any) -> People:
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries", "secretaire")
    return People()


@pytest.fixture
def datasets(app: Any, people: People) -> dict[str, Any]:
    """A published dataset whose note changed, a private one announced for
    opening, one proposed to the committee (its e-mails sent)."""
    published = helpers.call_action(
        "package_create", context={"user": "sysadmin"},
        **complete_dataset(people.dijon["id"], name="publie", screening_note=NOTE_BEFORE))
    helpers.call_action("package_patch", context={"user": "editrice-dijon"},
                        id=published["id"], screening_note=NOTE)
    helpers.call_action(
        "package_create", context={"user": "editrice-dijon"},
        **complete_dataset(people.dijon["id"], name="annonce", private=True,
                           opening_status="planifie", planned_opening_date="2027-06-30",
                           screening_note=NOTE_PLANNED))
    proposed = draft(people, name="propose", screening_note=NOTE_PROPOSED)
    with app.flask_app.test_request_context():  # the e-mails are translated
        act(people, "editor", "metropole_review_propose", id=proposed["id"])
    activities = helpers.call_action("package_activity_list", id=published["id"])
    return {"published": published, "activities": [a["id"] for a in activities]}


def _urls(datasets: dict[str, Any]) -> list[str]:
    search = "/api/3/action/package_search?"
    urls = [search + "fl=" + fl for fl in (
        "data_dict", "validated_data_dict", "screening_note", "extras_screening_note",
        "data_dict,validated_data_dict,screening_note,extras_screening_note,text", "*")]
    urls += [search + "q=" + word for word in WORDS]
    urls += [search + "q=screening_note:" + w + "&fl=data_dict" for w in WORDS]
    urls += [search + "fq=extras_screening_note:*&fl=validated_data_dict",
             search + 'facet.field=["screening_note","extras_screening_note"]&rows=0',
             search + "include_private=true&fl=data_dict",
             "/api/3/action/current_package_list_with_resources",
             "/api/3/action/package_show?id=publie", "/dataset/publie",
             "/api/3/action/package_show?id=publie&use_default_schema=true",
             search + "use_default_schema=true",
             "/api/3/action/package_activity_list?id=publie", "/dataset/activity/publie",
             "/catalog.ttl", "/catalog.jsonld", "/dataset/publie.ttl", "/dcat.json",
             "/calendrier", "/calendrier.csv", "/calendrier.ics", "/catalogue-scdl.csv"]
    for activity_id in datasets["activities"]:
        urls += [f"/api/3/action/activity_show?id={activity_id}",
                 f"/api/3/action/activity_data_show?id={activity_id}",
                 f"/api/3/action/activity_diff?id={activity_id}&object_type=package",
                 f"/dataset/changes/{activity_id}",
                 f"/dataset/publie/history/{activity_id}"]
    return urls


@pytest.mark.parametrize("who", [None, "visiteur", "membre", "editeur-chenove"])
def test_no_path_carries_the_screening_note(app, people, datasets, who):
    for client in clients(app, who):
        for url in _urls(datasets):
            response = client.get(url)
            assert response.status_code < 500, (client, url)
            leaked = [n for n in NOTES if n in text(response)]
            assert not leaked, (client, url, leaked)


def test_the_editors_still_read_and_keep_it(app, people, datasets):
    for client in clients(app, "editrice-dijon"):
        shown = client.get("/api/3/action/package_show?id=publie").json["result"]
        assert shown["screening_note"] == NOTE, client
        # search results never carry it, not even for the editors
        found = client.get("/api/3/action/package_search?fl=data_dict").json["result"]
        assert all(NOTE not in r["data_dict"] for r in found["results"]), client
        for activity_id in datasets["activities"]:
            page = client.get(f"/dataset/publie/history/{activity_id}")
            assert page.status_code == 200, client
            assert NOTE not in text(page), client
    # a patch by another field keeps it (package_patch reads it with the editor's rights)
    app.post("/api/3/action/package_patch", headers=token_headers("editrice-dijon"),
             json={"id": "publie", "notes": "Nouvelle description"})
    assert helpers.call_action("package_show", id="publie")["screening_note"] == NOTE


def test_committee_emails_do_not_carry_it(people, datasets, mail_server):
    messages = [raw for *_, raw in mail_server.get_smtp_messages()]
    assert messages  # the proposal was announced to the committee
    assert not [n for n in NOTES if any(n in m for m in messages)]


def test_every_internal_field_of_the_schema_is_editor_only():
    """A field the form calls internal is an editor-only field (one list to keep)."""
    import importlib.resources

    import yaml

    from ckanext.metropole.logic.visibility import EDITOR_ONLY

    schema = yaml.safe_load(importlib.resources.files("ckanext.metropole.schemas")
                            .joinpath("dataset.yaml").read_text(encoding="utf-8"))
    internal = {f["field_name"] for f in schema["dataset_fields"]
                if "internal" in str(f.get("label", {}).get("en", "")).lower()
                or "interne" in str(f.get("label", {}).get("fr", "")).lower()}
    assert internal == set(EDITOR_ONLY)
