"""Membership: colleges, seats, one president never from local authorities, history."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.committee.model import committee_member

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _count() -> int:
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(committee_member)).scalar_one()


@pytest.fixture
def users():
    return [factories.User()["name"] for _ in range(3)]


@pytest.mark.parametrize("data, field, words", [
    ({"college": "parlement"}, "college", "unknown college parlement"),
    ({"college": "collectivites", "role": "president"}, "role", "local authorities"),
    ({"college": "recherche", "mandate_start": "2026-05-01",
      "mandate_end": "2026-01-01"}, "mandate_end", "before its start"),
    ({"college": "recherche", "role": "tresorier"}, "role", "member or president"),
])
def test_bad_input_is_refused_and_changes_nothing(users, data, field, words):
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("metropole_committee_member_add", user=users[0], **data)
    assert field in err.value.error_dict
    assert words in str(err.value.error_dict[field])
    assert _count() == 0


def test_unknown_user(users):
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("metropole_committee_member_add", user="personne",
                            college="recherche")
    assert "personne" in err.value.error_dict["user"][0]


def test_one_president_at_a_time(users):
    helpers.call_action("metropole_committee_member_add", user=users[0],
                        college="associations", role="president")
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("metropole_committee_member_add", user=users[1],
                            college="recherche", role="president")
    assert "already has a president" in err.value.error_dict["role"][0]
    helpers.call_action("metropole_committee_member_remove", user=users[0])
    helpers.call_action("metropole_committee_member_add", user=users[1],
                        college="recherche", role="president")


def test_seat_limits_follow_the_configuration(users, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.seats.entreprises", 2)
    for name in users[:2]:
        helpers.call_action("metropole_committee_member_add", user=name,
                            college="entreprises")
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("metropole_committee_member_add", user=users[2],
                            college="entreprises")
    assert "all 2 seats" in err.value.error_dict["college"][0]
    assert _count() == 2


def test_past_members_keep_their_history(users):
    helpers.call_action("metropole_committee_member_add", user=users[0],
                        college="recherche", mandate_start="2024-01-01")
    helpers.call_action("metropole_committee_member_remove", user=users[0])
    assert helpers.call_action("metropole_committee_member_list") == []
    past = helpers.call_action("metropole_committee_member_list", include_past=True)
    assert [m["user_name"] for m in past] == [users[0]]
    assert past[0]["removed_at"] and past[0]["mandate_start"] == "2024-01-01"
    # a new mandate later is a new row; the old one stays
    helpers.call_action("metropole_committee_member_add", user=users[0],
                        college="entreprises")
    assert len(helpers.call_action("metropole_committee_member_list",
                                   include_past=True)) == 2


def test_database_refuses_a_president_from_local_authorities(users):
    user = model.User.get(users[0])
    with pytest.raises(sa.exc.IntegrityError):
        model.Session.execute(committee_member.insert().values(
            user_id=user.id, college="collectivites", role="president",
            mandate_start=sa.func.current_date()))
    model.Session.rollback()


def test_the_list_is_public_without_emails(users):
    helpers.call_action("metropole_committee_member_add", user=users[0],
                        college="recherche")
    listed = helpers.call_action("metropole_committee_member_list",
                                 context={"user": "", "ignore_auth": False})
    assert listed[0]["user_name"] == users[0] and "email" not in listed[0]
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("metropole_committee_member_list", include_past=True,
                            context={"user": "", "ignore_auth": False})
