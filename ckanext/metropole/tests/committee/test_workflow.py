"""The review of a dataset, from the proposal to the decision."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import helpers

from ckanext.metropole.committee import reviews
from ckanext.metropole.committee.model import review, review_event
from ckanext.metropole.logic import publication
from ckanext.metropole.tests.committee.conftest import act, draft
from ckanext.metropole.tests.data import complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _show(name):
    return helpers.call_action("package_show", id=name)


def _searched_published():
    found = helpers.call_action("package_search", fq=publication.published_fq(),
                                include_private=True)
    return [d["name"] for d in found["results"]]


def _to_avis(people, pkg, avis="favorable"):
    act(people, "editor", "metropole_review_propose", id=pkg["id"], comment="Prêt")
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis=avis,
        motivation="Données utiles, sans risque identifié.")


def test_full_review_publishes_through_the_decision(people):
    pkg = draft(people, name="piscines")
    proposed = act(people, "editor", "metropole_review_propose", id="piscines")
    assert proposed["state"] == "propose"
    assert _show("piscines")["opening_status"] == "en_examen"
    act(people, "secretary", "metropole_review_open", id="piscines")
    act(people, "member", "metropole_opinion_record", id="piscines", value="favorable",
        comment="Très attendu")
    act(people, "member2", "metropole_opinion_record", id="piscines",
        value="defavorable", comment="Première idée")
    # editable until the avis: the second save replaces the first
    act(people, "member2", "metropole_opinion_record", id="piscines", value="reserves",
        comment="Préciser la fréquence")
    shown = act(people, "president", "metropole_review_show", id="piscines")
    assert shown["tally"] == {"favorable": 1, "reserves": 1, "defavorable": 0}
    assert [o["value"] for o in shown["opinions"]] == ["favorable", "reserves"]
    act(people, "president", "metropole_avis_render", id="piscines", avis="reserves",
        motivation="Favorable sous réserve de préciser la fréquence.",
        version=shown["review"]["version"])
    with pytest.raises(tk.ValidationError) as err:
        act(people, "member", "metropole_opinion_record", id="piscines",
            value="defavorable")
    assert "until the avis is rendered" in err.value.error_dict["state"][0]
    assert _searched_published() == []

    act(people, "admin", "metropole_decision_record", id="piscines", decision="publie")
    shown_pkg = _show("piscines")
    assert shown_pkg["private"] is False and shown_pkg["opening_status"] == "ouvert"
    assert publication.is_published(shown_pkg)
    assert _searched_published() == ["piscines"]  # the index follows the decision

    kinds = [e["kind"] for e in act(people, None, "metropole_review_show",
                                    id=pkg["id"])["events"]]
    # anonymous readers see the public trail, not individual opinions
    assert kinds == ["proposed", "opened", "avis", "decision"]
    producer_view = act(people, "editor", "metropole_review_show", id=pkg["id"])
    assert [e["kind"] for e in producer_view["events"]].count("opinion") == 3
    assert "opinions" not in act(people, "user", "metropole_review_show", id=pkg["id"])


def test_editing_a_published_dataset_keeps_it_published(people):
    pkg = draft(people)
    _to_avis(people, pkg)
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    helpers.call_action("package_patch", context={"user": "editrice-dijon"},
                        id=pkg["id"], title="Nouveau titre", notes="Mis à jour")
    assert publication.is_published(_show(pkg["id"]))


def test_changing_licence_or_screening_reopens_a_review(people):
    pkg = draft(people)
    _to_avis(people, pkg)
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    helpers.call_action("package_patch", context={"user": "editrice-dijon"},
                        id=pkg["id"], license_id="odc-odbl",
                        license_justification="Partage à l'identique.")
    shown = _show(pkg["id"])
    assert shown["private"] is True and not publication.is_published(shown)
    file = act(people, "member", "metropole_review_show", id=pkg["id"])
    assert file["state"] == "en_examen"
    assert "license_id" in file["events"][-1]["text"]
    assert pkg["name"] not in _searched_published()


def test_returned_to_the_producer_then_proposed_again(people):
    pkg = draft(people, opening_status="planifie", planned_opening_date="2027-01-01")
    _to_avis(people, pkg, avis="defavorable")
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="renvoye",
        justification="Anonymiser la colonne adresse")
    assert _show(pkg["id"])["opening_status"] == "planifie"  # restored
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    file = act(people, "editor", "metropole_review_show", id=pkg["id"])
    assert [r["state"] for r in file["history"]] == ["propose", "renvoye"]


def test_publishing_against_an_unfavorable_avis_needs_a_justification(people):
    pkg = draft(people)
    _to_avis(people, pkg, avis="defavorable")
    with pytest.raises(tk.ValidationError) as err:
        act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    assert "Justification" in err.value.error_dict["justification"][0]
    assert _show(pkg["id"])["private"] is True
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie",
        justification="Le conseil a voté l'ouverture.")
    assert _show(pkg["id"])["private"] is False


def test_decision_before_the_deadline_needs_the_avis_after_it_is_sans_avis(people):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    with pytest.raises(tk.ValidationError) as err:
        act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    assert "has until" in err.value.error_dict["state"][0]
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    model.Session.execute(review.update().values(deadline=past))
    model.Session.commit()
    late = act(people, "member", "metropole_review_list", late=True)
    assert [r["package_name"] for r in late["results"]] == [pkg["name"]]
    decided = act(people, "admin", "metropole_decision_record", id=pkg["id"],
                  decision="publie")
    assert decided["decision_kind"] == "sans_avis"
    events = act(people, None, "metropole_review_show", id=pkg["id"])["events"]
    assert "sans avis du comité" in events[-1]["text"]


def test_proposal_needs_the_gate_but_the_review(people):
    pkg = draft(people, criteria=[], screening_secret="yes")
    with pytest.raises(tk.ValidationError) as err:
        act(people, "editor", "metropole_review_propose", id=pkg["id"])
    assert set(err.value.error_dict) == {"criteria", "screening_secret"}
    assert act(people, "member", "metropole_review_list")["count"] == 0


def test_decision_on_a_deleted_dataset_fails_cleanly(people):
    pkg = draft(people)
    _to_avis(people, pkg)
    helpers.call_action("package_delete", id=pkg["id"])
    with pytest.raises(tk.ValidationError) as err:
        act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    assert "deleted" in err.value.error_dict["id"][0]
    state = model.Session.execute(sa.select(review.c.state)).scalar_one()
    assert state == "avis_rendu"


def test_stale_version_is_a_conflict(people):
    pkg = draft(people)
    _to_avis(people, pkg)
    version = act(people, "admin", "metropole_review_show", id=pkg["id"])["review"]["version"]
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie",
        version=version)
    with pytest.raises(tk.ValidationError) as err:
        act(people, "sysadmin", "metropole_decision_record", id=pkg["id"],
            decision="maintenu_ferme", version=version)
    assert "Conflict" in err.value.error_dict["version"][0]


@pytest.mark.parametrize("action, data, field, words", [
    ("metropole_avis_render", {"avis": "favorable", "motivation": ""}, "motivation",
     "required"),
    ("metropole_avis_render", {"avis": "bof", "motivation": "x"}, "avis", ""),
    ("metropole_avis_render", {"avis": "favorable", "motivation": "x" * 100_000},
     "motivation", "too long"),
    ("metropole_avis_render", {"avis": "favorable",
                               "motivation": "<script>alert(1)</script>"},
     "motivation", "HTML"),
])
def test_bad_avis_changes_nothing(people, action, data, field, words):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    with pytest.raises(tk.ValidationError) as err:
        act(people, "president", action, id=pkg["id"], **data)
    assert words in err.value.error_dict[field][0]
    assert model.Session.execute(sa.select(review.c.state)).scalar_one() == "en_examen"


def test_html_comment_is_refused_and_changes_nothing(people):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    before = model.Session.execute(sa.select(sa.func.count()).select_from(
        review_event)).scalar_one()
    with pytest.raises(tk.ValidationError) as err:
        act(people, "member", "metropole_opinion_record", id=pkg["id"],
            value="favorable", comment='<img src=x onerror="alert(1)">')
    assert "HTML" in err.value.error_dict["comment"][0]
    assert model.Session.execute(sa.select(sa.func.count()).select_from(
        review_event)).scalar_one() == before


def test_audit_rows_are_immutable(people):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    with pytest.raises(sa.exc.DBAPIError):
        model.Session.execute(review_event.update().values(text="réécrit"))
    model.Session.rollback()
    with pytest.raises(sa.exc.DBAPIError):
        model.Session.execute(review_event.delete())
    model.Session.rollback()


def test_override_is_recorded(people):
    pkg = draft(people)
    with pytest.raises(tk.NotAuthorized):
        act(people, "admin", "metropole_review_override", id=pkg["id"],
            justification="Urgence")
    with pytest.raises(tk.ValidationError):
        act(people, "sysadmin", "metropole_review_override", id=pkg["id"],
            justification="")
    act(people, "sysadmin", "metropole_review_override", id=pkg["id"],
        justification="Arrêté préfectoral : publication immédiate")
    assert publication.is_published(_show(pkg["id"]))
    events = act(people, None, "metropole_review_show", id=pkg["id"])["events"]
    assert events[-1]["kind"] == "override"
    assert events[-1]["user_name"] == "sysadmin"


def test_override_at_creation_records_what_was_published(people):
    created = helpers.call_action(
        "package_create", context=people.ctx("sysadmin"),
        **complete_dataset(people.dijon["id"], name="budget-urgent", private=False,
                           committee_override="Reprise du catalogue existant"))
    assert publication.is_published(_show(created["id"]))
    (row,) = reviews.history(created["id"])
    assert row["decision_kind"] == "override"
    assert row["decision_justification"] == "Reprise du catalogue existant"
    # the override is signed by the sysadmin who created the dataset
    assert row["decision_by"] == model.User.get(people.ctx("sysadmin")["user"]).id
    # the committee's record of the dataset is the dataset as shown
    assert row["snapshot"] == reviews.snapshot(_show(created["id"]))
    assert row["snapshot"]["criteria"] and row["snapshot"]["theme"]


def test_only_sysadmins_override_through_package_update(people):
    pkg = draft(people)
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_patch", context={"user": "admin-dijon",
                                                      "ignore_auth": False},
                            id=pkg["id"], private=False, committee_override="Parce que")
    assert "only sysadmins" in err.value.error_dict["committee_override"][0]
    assert _show(pkg["id"])["private"] is True
