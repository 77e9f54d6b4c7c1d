"""Fixtures of the committee tests: a commune, its people, a committee."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import DIJON, complete_dataset

PASSWORD = "Comite-Donnee-2026"
TABLES = ("metropole_review_event", "metropole_opinion", "metropole_review",
          "metropole_committee_member")


@pytest.fixture(autouse=True)
def clean_committee(clean_db: Any) -> None:
    """``clean_db`` empties CKAN's tables only: empty the committee's too."""
    model.Session.execute(sa.text(
        f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    model.Session.commit()


class People:
    """Users of every role of the authorization matrix."""

    def __init__(self) -> None:
        self.sysadmin = factories.Sysadmin(name="sysadmin", password=PASSWORD)
        self.user = factories.User(name="visiteur", password=PASSWORD)
        self.editor = factories.User(name="editrice-dijon", password=PASSWORD)
        self.admin = factories.User(name="admin-dijon", password=PASSWORD)
        self.other_editor = factories.User(name="editeur-chenove", password=PASSWORD)
        self.other_admin = factories.User(name="admin-chenove", password=PASSWORD)
        self.member = factories.User(name="membre", email="membre@example.org", password=PASSWORD)
        self.member2 = factories.User(name="membre2", email="membre2@example.org", password=PASSWORD)
        self.president = factories.User(name="presidente", email="presidente@example.org", password=PASSWORD)
        self.secretary = factories.User(name="secretaire", email="secretaire@example.org", password=PASSWORD)
        self.dijon = factories.Organization(
            name="dijon", insee_code=DIJON, kind="commune",
            users=[{"name": "editrice-dijon", "capacity": "editor"},
                   {"name": "admin-dijon", "capacity": "admin"}])
        self.chenove = factories.Organization(
            name="chenove", insee_code="21166", kind="commune",
            users=[{"name": "editeur-chenove", "capacity": "editor"},
                   {"name": "admin-chenove", "capacity": "admin"}])
        for name, college, role in (("membre", "recherche", "member"),
                                    ("membre2", "entreprises", "member"),
                                    ("presidente", "associations", "president")):
            helpers.call_action("metropole_committee_member_add", user=name,
                                college=college, role=role)

    def ctx(self, who: str | None) -> dict[str, Any]:
        """Context of a call made by ``who`` (None: anonymous), auth checked."""
        return {"user": getattr(self, who)["name"] if who else "", "ignore_auth": False}


@pytest.fixture
def people(ckan_config: Any, monkeypatch: Any, mail_server: Any) -> People:
    """People of every role; emails go to CKAN's ``mail_server`` catcher."""
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries",
                        "secretaire")
    return People()


def draft(people: People, **overrides: Any) -> dict[str, Any]:
    """A complete private draft of Dijon, ready to be proposed."""
    return helpers.call_action("package_create", context={"user": "editrice-dijon"},
                               **complete_dataset(people.dijon["id"], private=True,
                                                  **overrides))


def act(people: People, who: str | None, action: str, **data: Any) -> Any:
    return helpers.call_action(action, context=people.ctx(who), **data)
