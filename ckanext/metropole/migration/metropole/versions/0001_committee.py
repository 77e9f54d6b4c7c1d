"""Tables of the Comité Métropolitain de la Donnée.

Members (history kept: removal ends a row), reviews of datasets with their
optimistic-locking version, one opinion per member and review, and the
immutable audit trail (a trigger refuses UPDATE and DELETE on it).

Datasets of the métropole and its communes that were already public before
the committee existed get a *publié* review of kind ``legacy``, so that the
upgrade does not withdraw them from the feeds.

Revision ID: 0001_committee
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_committee"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE TABLE metropole_committee_member (
            id serial PRIMARY KEY,
            user_id text NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
            college text NOT NULL CHECK (college IN
                ('recherche', 'associations', 'entreprises', 'collectivites')),
            role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'president')),
            mandate_start date NOT NULL,
            mandate_end date CHECK (mandate_end IS NULL OR mandate_end >= mandate_start),
            added_by text,
            added_at timestamptz NOT NULL DEFAULT now(),
            removed_by text,
            removed_at timestamptz,
            CHECK (NOT (role = 'president' AND college = 'collectivites'))
        )
        """
    )
    # One current seat per user, one current president.
    op.execute(
        "CREATE UNIQUE INDEX metropole_committee_member_current_user "
        "ON metropole_committee_member (user_id) WHERE removed_at IS NULL"
    )
    op.execute(
        "CREATE UNIQUE INDEX metropole_committee_member_one_president "
        "ON metropole_committee_member (role) "
        "WHERE removed_at IS NULL AND role = 'president'"
    )
    op.execute(
        """
        CREATE TABLE metropole_review (
            id serial PRIMARY KEY,
            package_id text NOT NULL,
            state text NOT NULL CHECK (state IN ('propose', 'en_examen', 'avis_rendu',
                                                 'publie', 'maintenu_ferme', 'renvoye')),
            proposed_by text,
            proposed_at timestamptz NOT NULL DEFAULT now(),
            opened_at timestamptz,
            deadline timestamptz,
            avis text CHECK (avis IN ('favorable', 'reserves', 'defavorable')),
            avis_motivation text,
            avis_by text,
            avis_at timestamptz,
            decision text CHECK (decision IN ('publie', 'maintenu_ferme', 'renvoye')),
            decision_kind text,
            decision_justification text,
            decision_by text,
            decision_at timestamptz,
            snapshot jsonb NOT NULL DEFAULT '{}',
            version integer NOT NULL DEFAULT 1
        )
        """
    )
    op.execute("CREATE INDEX metropole_review_package ON metropole_review (package_id, id)")
    op.execute("CREATE INDEX metropole_review_state ON metropole_review (state)")
    op.execute("CREATE INDEX metropole_review_proposed_at ON metropole_review (proposed_at)")
    # At most one review in progress per dataset.
    op.execute(
        "CREATE UNIQUE INDEX metropole_review_one_open ON metropole_review (package_id) "
        "WHERE state IN ('propose', 'en_examen', 'avis_rendu')"
    )
    op.execute(
        """
        CREATE TABLE metropole_opinion (
            id serial PRIMARY KEY,
            review_id integer NOT NULL REFERENCES metropole_review (id) ON DELETE CASCADE,
            user_id text NOT NULL,
            member_id integer NOT NULL
                REFERENCES metropole_committee_member (id) ON DELETE CASCADE,
            value text NOT NULL CHECK (value IN ('favorable', 'reserves', 'defavorable')),
            comment text NOT NULL DEFAULT '',
            created timestamptz NOT NULL DEFAULT now(),
            modified timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT metropole_opinion_one_per_member UNIQUE (review_id, user_id)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE metropole_review_event (
            id serial PRIMARY KEY,
            review_id integer NOT NULL,
            package_id text NOT NULL,
            user_id text,
            created timestamptz NOT NULL DEFAULT now(),
            kind text NOT NULL,
            from_state text,
            to_state text,
            text text NOT NULL DEFAULT '',
            public boolean NOT NULL DEFAULT true
        )
        """
    )
    op.execute(
        "CREATE INDEX metropole_review_event_package ON metropole_review_event "
        "(package_id, id)"
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION metropole_review_event_immutable() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'metropole_review_event rows are immutable';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER metropole_review_event_immutable BEFORE UPDATE OR DELETE "
        "ON metropole_review_event FOR EACH ROW "
        "EXECUTE FUNCTION metropole_review_event_immutable()"
    )
    # Datasets of the métropole and its communes public before the committee.
    # CKAN 2.11 keeps organization extras in group_extra, 2.12 in group.extras.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("group")}
    if "extras" in columns:
        kind_join = "JOIN \"group\" g ON g.id = p.owner_org AND g.extras->>'kind' IN " \
                    "('metropole', 'commune')"
    else:
        kind_join = "JOIN group_extra k ON k.group_id = p.owner_org AND k.key = 'kind' " \
                    "AND k.state = 'active' AND k.value IN ('metropole', 'commune')"
    op.execute(
        f"""
        WITH legacy AS (
            INSERT INTO metropole_review
                (package_id, state, proposed_at, decision, decision_kind,
                 decision_justification, decision_at)
            SELECT p.id, 'publie', now(), 'publie', 'legacy',
                   'Public before the committee existed', now()
            FROM package p {kind_join}
            WHERE p.state = 'active' AND NOT p.private
            RETURNING id, package_id
        )
        INSERT INTO metropole_review_event
            (review_id, package_id, kind, from_state, to_state, text)
        SELECT id, package_id, 'legacy', NULL, 'publie',
               'Public before the committee existed'
        FROM legacy
        """
    )


def downgrade():
    op.execute("DROP TABLE IF EXISTS metropole_review_event")
    op.execute("DROP FUNCTION IF EXISTS metropole_review_event_immutable()")
    op.execute("DROP TABLE IF EXISTS metropole_opinion")
    op.execute("DROP TABLE IF EXISTS metropole_review")
    op.execute("DROP TABLE IF EXISTS metropole_committee_member")
