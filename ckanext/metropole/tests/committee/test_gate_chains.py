"""Chains an attacker tries against the committee's gate, through the HTTP stack.

Issue 15, items 5 and 6. The rule (README, "The Comité Métropolitain de la
Donnée"): whenever a dataset of the métropole or a commune becomes public on
the strength of a *publié* decision, what the committee examined (the
review's snapshot: licence, screening, criteria, producing commune, owner)
must still be what is published; a dataset moved into a commune needs the
committee exactly like a new one. Each attack is made with a real API token
(or the web form with it) against CKAN's WSGI app.
"""
from __future__ import annotations

import html
from typing import Any

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers
from werkzeug.datastructures import MultiDict

from ckanext.metropole.committee.model import review
from ckanext.metropole.logic import publication
from ckanext.metropole.tests.committee.conftest import act, draft
from ckanext.metropole.tests.data import CHENOVE, DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


class Api:
    """Calls of the action API with each user's own token."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.tokens: dict[str, str] = {}

    def headers(self, name: str) -> dict[str, str]:
        if name not in self.tokens:
            self.tokens[name] = factories.APIToken(user=name)["token"]
        return {"Authorization": self.tokens[name]}

    def __call__(self, _who: str, _action: str, **data: Any) -> tuple[int, dict[str, Any]]:
        response = self.app.post(f"/api/3/action/{_action}", json=data,
                                 headers=self.headers(_who))
        return response.status_code, response.json


@pytest.fixture
def api(app):
    return Api(app)


def _show(ref: str) -> dict[str, Any]:
    return helpers.call_action("package_show", id=ref)


def _state(ref: str) -> str | None:
    return helpers.call_action("metropole_review_show", id=ref)["state"]


def _published(people, **overrides) -> dict[str, Any]:
    """A dataset of Dijon published through the whole review."""
    pkg = draft(people, **overrides)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="favorable",
        motivation="Aucune donnée personnelle, intérêt général.")
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    assert publication.is_published(_show(pkg["id"]))
    return pkg


def _refused(status: int, body: dict[str, Any], *words: str) -> str:
    """A 409 naming the committee; returns its message."""
    assert status == 409, body
    message = " ".join(body["error"].get("committee_review", []))
    for word in words:
        assert word in message, message
    return message


# ------------------------------------------------------------- item 5: re-review

CHANGES = {
    "licence": {"license_id": "odc-odbl",
                "license_justification": "Partage à l'identique des améliorations."},
    "screening": {"screening_personal_data": "aggregated"},
    "criteria": {"criteria": ["valorisation"]},
    "producing commune": {"producing_commune": CHENOVE},
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=list(CHANGES))
def test_private_edit_public_needs_a_new_review(api, people, change):
    pkg = _published(people)
    assert api("editrice-dijon", "package_patch", id=pkg["id"], private=True)[0] == 200
    assert api("editrice-dijon", "package_patch", id=pkg["id"], **change)[0] == 200
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"], private=False)
    message = _refused(status, body, "proposez-le à un nouvel examen")
    field = next(iter(change))
    label = {"license_id": "licence", "screening_personal_data": "données personnelles",
             "criteria": "critères de priorité", "producing_commune": "commune productrice"}
    assert label[field] in message
    shown = _show(pkg["id"])
    assert shown["private"] is True and not publication.is_published(shown)
    # the way out: a new review of what is now there
    assert api("editrice-dijon", "metropole_review_propose", id=pkg["id"])[0] == 200
    assert _state(pkg["id"]) == "propose"


def test_private_then_public_unchanged_stays_published(api, people):
    pkg = _published(people)
    api("editrice-dijon", "package_patch", id=pkg["id"], private=True)
    # edits outside what the committee examined are free
    api("editrice-dijon", "package_patch", id=pkg["id"], notes="Description revue",
        title="Nouveau titre")
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"], private=False)
    assert status == 200, body
    assert publication.is_published(_show(pkg["id"]))
    assert _state(pkg["id"]) == "publie"


def test_edit_and_publish_in_one_update(api, people):
    pkg = _published(people)
    api("editrice-dijon", "package_patch", id=pkg["id"], private=True)
    shown = _show(pkg["id"])
    shown.update(private=False, screening_personal_data="anonymised")
    status, body = api("editrice-dijon", "package_update", **shown)
    _refused(status, body, "données personnelles")
    assert _show(pkg["id"])["screening_personal_data"] == "none"  # nothing saved


def test_bulk_private_edit_bulk_public(api, people):
    pkg = _published(people)
    org = people.dijon["id"]
    assert api("admin-dijon", "bulk_update_private", datasets=[pkg["id"]], org_id=org)[0] == 200
    api("admin-dijon", "package_patch", id=pkg["id"], criteria=["disponibilite"])
    status, body = api("admin-dijon", "bulk_update_public", datasets=[pkg["id"]], org_id=org)
    assert status == 409, body
    assert "critères de priorité" in str(body["error"])
    assert _show(pkg["id"])["private"] is True
    assert pkg["name"] not in [d["name"] for d in helpers.call_action(
        "package_search", fq=publication.published_fq())["results"]]


def test_editing_what_was_examined_on_a_public_dataset_reopens_a_review(api, people):
    pkg = _published(people)
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"],
                       criteria=["valorisation"])
    assert status == 200, body
    assert body["result"]["private"] is True
    assert _state(pkg["id"]) == "en_examen"
    events = helpers.call_action("metropole_review_show", id=pkg["id"])["events"]
    assert "criteria" in events[-1]["text"]


def test_the_edit_form_private_edit_public(api, people):
    pkg = _published(people)
    api("editrice-dijon", "package_patch", id=pkg["id"], private=True,
        license_id="odc-odbl", license_justification="Partage à l'identique.")
    response = api.app.post(f"/dataset/edit/{pkg['name']}", data=_form(_show(pkg["id"]),
                            private="False"), headers=api.headers("editrice-dijon"))
    page = html.unescape(response.body)
    assert "Examen du comité" in page and "licence" in page
    assert _show(pkg["id"])["private"] is True


def _legacy(people) -> dict[str, Any]:
    """Public before the committee existed: its row says so, and holds no snapshot."""
    pkg = helpers.call_action("package_create", context=people.ctx("sysadmin"),
                              **complete_dataset(people.dijon["id"]))
    model.Session.execute(review.update().where(review.c.package_id == pkg["id"]).values(
        decision_kind="legacy", snapshot=None))
    model.Session.commit()
    return pkg


def test_legacy_dataset_made_private_goes_public_again_only_through_a_review(api, people):
    pkg = _legacy(people)
    api("editrice-dijon", "package_patch", id=pkg["id"], private=True)
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"], private=False)
    _refused(status, body, "public avant la création du comité")
    assert _show(pkg["id"])["private"] is True


def test_legacy_dataset_edited_while_public_reopens_a_review(api, people):
    pkg = _legacy(people)
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"],
                       screening_third_party="no", screening_personal_data="aggregated")
    assert status == 200 and body["result"]["private"] is True
    assert _state(pkg["id"]) == "en_examen"


def test_override_covers_what_was_published_then(api, people):
    pkg = helpers.call_action("package_create", context=people.ctx("sysadmin"),
                              **complete_dataset(people.dijon["id"]))
    api("editrice-dijon", "package_patch", id=pkg["id"], private=True)
    api("editrice-dijon", "package_patch", id=pkg["id"], license_id="odc-odbl",
        license_justification="Partage à l'identique.")
    _refused(*api("editrice-dijon", "package_patch", id=pkg["id"], private=False),
             "licence")
    # a sysadmin may publish the new version, and the override records it
    status, body = api("sysadmin", "package_patch", id=pkg["id"], private=False,
                       committee_override="Licence validée par le bureau")
    assert status == 200, body
    assert publication.is_published(_show(pkg["id"]))
    rows = helpers.call_action("metropole_review_show", id=pkg["id"])["history"]
    assert [r["decision_kind"] for r in rows] == ["override", "override"]
    assert rows[0]["snapshot"]["license_id"] == "odc-odbl"
    # and that version may go private and come back
    api("editrice-dijon", "package_patch", id=pkg["id"], private=True)
    assert api("editrice-dijon", "package_patch", id=pkg["id"], private=False)[0] == 200


def test_changed_during_the_review_cannot_be_published_by_the_decision(api, people):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="favorable",
        motivation="Rien à signaler.")
    api("editrice-dijon", "package_patch", id=pkg["id"], screening_personal_data="anonymised")
    status, body = api("admin-dijon", "metropole_decision_record", id=pkg["id"],
                       decision="publie")
    assert status == 409, body
    assert "modifié depuis la proposition : données personnelles" in body["error"]["decision"][0]
    assert _state(pkg["id"]) == "avis_rendu"
    assert _show(pkg["id"])["private"] is True
    # returned to the producer, proposed again: the committee sees the new version
    assert api("admin-dijon", "metropole_decision_record", id=pkg["id"],
               decision="renvoye")[0] == 200
    assert api("editrice-dijon", "metropole_review_propose", id=pkg["id"])[0] == 200


# ------------------------------------------------------------- item 6: moving in

@pytest.fixture(params=["producteur", "none"])
def outside(request, people):
    """An organization outside the committee, where Dijon's people also work."""
    kind = {"kind": request.param} if request.param != "none" else {}
    return factories.Organization(
        name=f"hors-comite-{request.param}", users=[
            {"name": "editrice-dijon", "capacity": "editor"},
            {"name": "admin-dijon", "capacity": "admin"}], **kind)


def _public_outside(outside) -> dict[str, Any]:
    return helpers.call_action("package_create", context={"user": "editrice-dijon"},
                               **complete_dataset(outside["id"], committee_override=None))


def test_moving_a_public_dataset_into_a_commune_needs_the_committee(api, people, outside):
    pkg = _public_outside(outside)
    assert _show(pkg["id"])["private"] is False
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"],
                       owner_org=people.dijon["id"])
    _refused(status, body, "proposez-le à l'examen")
    shown = _show(pkg["id"])
    assert shown["owner_org"] == outside["id"] and shown["private"] is False
    # nothing half-written: no review row for the refused move
    assert model.Session.execute(sa.select(sa.func.count()).select_from(review)).scalar() == 0
    # moved as a private draft, it goes through the review like any other
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"],
                       owner_org=people.dijon["id"], private=True)
    assert status == 200, body
    assert api("editrice-dijon", "metropole_review_propose", id=pkg["id"])[0] == 200


def test_moving_through_the_form(api, people, outside):
    pkg = _public_outside(outside)
    response = api.app.post(f"/dataset/edit/{pkg['name']}",
                            data=_form(_show(pkg["id"]), owner_org=people.dijon["id"]),
                            headers=api.headers("editrice-dijon"))
    assert "Examen du comité" in html.unescape(response.body)
    assert _show(pkg["id"])["owner_org"] == outside["id"]


def test_a_sysadmin_moving_with_package_owner_org_update(api, people, outside):
    pkg = _public_outside(outside)
    status, body = api("sysadmin", "package_owner_org_update", id=pkg["id"],
                       organization_id="dijon")
    _refused(status, body)
    assert _show(pkg["id"])["owner_org"] == outside["id"]
    # a private one moves
    api("editrice-dijon", "package_patch", id=pkg["id"], private=True)
    status, body = api("sysadmin", "package_owner_org_update", id=pkg["id"],
                       organization_id="dijon")
    assert status == 200, body
    assert _show(pkg["id"])["owner_org"] == people.dijon["id"]


def test_moving_a_published_dataset_to_another_commune_reopens_its_review(api, people):
    pkg = _published(people)
    helpers.call_action("organization_member_create", id="chenove",
                        username="editrice-dijon", role="editor")
    status, body = api("editrice-dijon", "package_patch", id=pkg["id"],
                       owner_org=people.chenove["id"])
    assert status == 200, body
    assert body["result"]["private"] is True
    assert _state(pkg["id"]) == "en_examen"


def test_a_commune_cannot_leave_the_committee_by_changing_its_kind(api, people):
    status, body = api("admin-dijon", "organization_patch", id="dijon", kind="producteur")
    assert status == 409, body
    assert "seul un administrateur du site change le type" in body["error"]["kind"][0]
    org = helpers.call_action("organization_show", id="dijon")
    assert org["kind"] == "commune"


def test_an_organization_with_public_datasets_joins_the_committee_only_once_reviewed(
        api, people, outside):
    pkg = _public_outside(outside)
    status, body = api("sysadmin", "organization_patch", id=outside["id"], kind="commune",
                       insee_code=CHENOVE)
    assert status == 409, body
    assert pkg["name"] in str(body["error"])
    helpers.call_action("package_patch", id=pkg["id"], private=True)
    status, body = api("sysadmin", "organization_patch", id=outside["id"], kind="commune",
                       insee_code=CHENOVE)
    assert status == 200, body


def _form(pkg: dict[str, Any], **overrides: str) -> MultiDict:
    """The dataset edit form, filled with ``pkg`` as the page shows it."""
    fields = {
        "title": pkg["title"], "name": pkg["name"], "notes": pkg.get("notes") or "",
        "owner_org": pkg["owner_org"], "private": str(pkg["private"]),
        "license_id": pkg["license_id"],
        "license_justification": pkg.get("license_justification") or "",
        "frequency": pkg.get("frequency") or "",
        "screening_personal_data": pkg["screening_personal_data"],
        "screening_secret": pkg["screening_secret"],
        "screening_third_party": pkg["screening_third_party"],
        "producing_commune": pkg.get("producing_commune") or DIJON,
        "spatial_coverage": pkg.get("spatial_coverage") or "territoire",
        "opening_status": pkg["opening_status"], "tag_string": "",
        "save": "",
    }
    fields.update(overrides)
    form = list(fields.items())
    form += [("theme", t) for t in pkg.get("theme") or []]
    form += [("criteria", c) for c in pkg.get("criteria") or []]
    return MultiDict(form)

