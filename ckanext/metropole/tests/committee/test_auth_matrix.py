"""The committee's authorization matrix: every role × every action, each cell."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckan.types import Context

from ckanext.metropole.tests.committee.conftest import act, draft

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ROLES = ("anonymous", "user", "editor", "admin", "other_editor", "other_admin",
         "member", "president", "secretary", "sysadmin")
ACTIONS = {
    "propose": "metropole_review_propose",
    "open": "metropole_review_open",
    "record_opinion": "metropole_opinion_record",
    "read_opinions": "metropole_opinion_list",
    "render_avis": "metropole_avis_render",
    "decide": "metropole_decision_record",
    "override": "metropole_review_override",
    "manage_membership": "metropole_committee_member_add",
    "read_queue": "metropole_review_list",
    "read_private_under_review": "package_show",
    "read_its_resources": "resource_show",
    "edit_it": "package_update",
}
Y, N = True, False
# columns in the order of ROLES
MATRIX = {
    "propose":                   (N, N, Y, Y, N, N, N, N, N, Y),
    "open":                      (N, N, N, N, N, N, N, N, Y, Y),
    "record_opinion":            (N, N, N, N, N, N, Y, Y, N, Y),
    "read_opinions":             (N, N, Y, Y, N, N, Y, Y, Y, Y),
    "render_avis":               (N, N, N, N, N, N, N, Y, N, Y),
    "decide":                    (N, N, N, Y, N, N, N, N, N, Y),
    "override":                  (N, N, N, N, N, N, N, N, N, Y),
    "manage_membership":         (N, N, N, N, N, N, N, N, Y, Y),
    "read_queue":                (N, N, N, N, N, N, Y, Y, Y, Y),
    "read_private_under_review": (N, N, Y, Y, N, N, Y, Y, Y, Y),
    "read_its_resources":        (N, N, Y, Y, N, N, Y, Y, Y, Y),
    "edit_it":                   (N, N, Y, Y, N, N, N, N, N, Y),
}
ROLE_USER = {"anonymous": None, "user": "user", "editor": "editor", "admin": "admin",
             "other_editor": "other_editor", "other_admin": "other_admin",
             "member": "member", "president": "president", "secretary": "secretary",
             "sysadmin": "sysadmin"}


@pytest.fixture
def setting(people):
    """One private dataset under review, people of every role."""
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    return people, pkg


def _granted(people, pkg, action, role) -> bool:
    who = ROLE_USER[role]
    context: Context = {"user": getattr(people, who)["name"] if who else ""}
    data = {"id": pkg["id"]}
    if action == "read_its_resources":
        data = {"id": pkg["resources"][0]["id"]}
    if action == "read_queue":
        data = {}
    try:
        tk.check_access(ACTIONS[action], context, data)
        return True
    except tk.NotAuthorized:
        return False


def test_every_cell_of_the_matrix(setting):
    """All cells in one database state; the failure lists every wrong cell."""
    people, pkg = setting
    wrong = [f"{action} × {role}: expected {'allowed' if expected else 'refused'}"
             for action, row in MATRIX.items()
             for role, expected in zip(ROLES, row, strict=True)
             if _granted(people, pkg, action, role) is not expected]
    assert wrong == []
    assert sum(len(row) for row in MATRIX.values()) == len(ACTIONS) * len(ROLES)


def test_the_matrix_detects_a_change(setting):
    """The same check sees the difference when a member leaves."""
    people, pkg = setting
    assert _granted(people, pkg, "read_private_under_review", "member")
    helpers.call_action("metropole_committee_member_remove", user="membre")
    assert not _granted(people, pkg, "read_private_under_review", "member")
    assert not _granted(people, pkg, "record_opinion", "member")


def test_read_queue_of_ones_own_proposals_is_for_any_logged_in_user(setting):
    people, _pkg = setting
    tk.check_access("metropole_review_list", {"user": "visiteur"}, {"mine": True})
    with pytest.raises(tk.NotAuthorized):
        tk.check_access("metropole_review_list", {"user": ""}, {"mine": True})


def test_removal_revokes_access_at_once_api_tokens_included(setting, app):
    people, pkg = setting
    member = factories.User(name="membre-sortant")
    helpers.call_action("metropole_committee_member_add", user=member["name"],
                        college="recherche")
    token = factories.APIToken(user=member["name"])["token"]
    url = f"/api/3/action/package_show?id={pkg['id']}"
    assert app.get(url, headers={"Authorization": token}).status_code == 200
    helpers.call_action("metropole_committee_member_remove", user=member["name"])
    assert app.get(url, headers={"Authorization": token}).status_code == 403
    queue = app.get("/api/3/action/metropole_review_list",
                    headers={"Authorization": token})
    assert queue.status_code == 403
