"""The committee migration goes down and up again; legacy public datasets kept."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole import migration
from ckanext.metropole.logic import publication
from ckanext.metropole.tests.data import DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
TABLES = {"metropole_committee_member", "metropole_review", "metropole_opinion",
          "metropole_review_event"}


def tables() -> set[str]:
    # sqlalchemy2-stubs type inspect(engine) as an InstanceState; it is an Inspector
    inspector = sa.inspect(model.meta.engine)
    return set(inspector.get_table_names())  # pyright: ignore[reportAttributeAccessIssue]


def test_downgrade_then_upgrade_keeps_public_datasets_published():
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    factories.Organization(name="ign")
    pkg = helpers.call_action("package_create", **complete_dataset(org["id"]))
    model.Session.remove()
    assert tables() >= TABLES
    migration.downgrade("metropole")
    assert not TABLES & tables()
    with model.meta.engine.connect() as conn:
        functions = conn.execute(sa.text(
            "SELECT count(*) FROM pg_proc WHERE proname = "
            "'metropole_review_event_immutable'")).scalar()
    assert functions == 0
    migration.upgrade("metropole")
    assert tables() >= TABLES
    # public before the committee existed: a legacy publié review
    assert publication.is_published(helpers.call_action("package_show", id=pkg["id"]))
    rows = model.Session.execute(sa.text(
        "SELECT decision_kind FROM metropole_review")).scalars().all()
    assert rows == ["legacy"]
