"""The metropole_search migration goes down and up again cleanly."""
import pytest
import sqlalchemy as sa

from ckan import model

from ckanext.metropole import migration

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def tables() -> set[str]:
    # sqlalchemy2-stubs type inspect(engine) as an InstanceState; it is an Inspector
    inspector = sa.inspect(model.meta.engine)
    return set(inspector.get_table_names())  # pyright: ignore[reportAttributeAccessIssue]


def test_downgrade_then_upgrade():
    assert {"metropole_search_document", "metropole_search_facet_count"} <= tables()
    migration.downgrade("metropole_search")
    assert not {"metropole_search_document", "metropole_search_facet_count"} & tables()
    migration.upgrade("metropole_search")
    assert {"metropole_search_document", "metropole_search_facet_count"} <= tables()
    with model.meta.engine.connect() as conn:
        folded = conn.execute(sa.text(
            "SELECT to_tsvector('metropole_fr', 'Écoles') @@ plainto_tsquery('metropole_fr', 'ecole')"
        )).scalar()
    assert folded is True
