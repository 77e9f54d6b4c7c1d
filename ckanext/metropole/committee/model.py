"""Tables of the Comité Métropolitain de la Donnée.

Plain SQLAlchemy ``Table`` objects on a metadata of their own: CKAN's
``create_all`` never sees them; the alembic migrations under
``migration/metropole/versions/`` create them. Queries go through
``model.Session`` so that they share the transaction of the CKAN action
that runs them.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()

# Colleges of the committee, in the order of the council's deliberation.
COLLEGES = ("recherche", "associations", "entreprises", "collectivites")
ROLES = ("member", "president")
# Review states: open ones, then the three decisions.
OPEN_STATES = ("propose", "en_examen", "avis_rendu")
DECISIONS = ("publie", "maintenu_ferme", "renvoye")
STATES = OPEN_STATES + DECISIONS
AVIS = ("favorable", "reserves", "defavorable")
# Activity type of the committee's events in CKAN's activity stream. CKAN
# filters activities by permission labels only for types ending in
# "package": this one does (migration 0002 renamed "metropole review").
REVIEW_ACTIVITY = "metropole review package"

committee_member = sa.Table(
    "metropole_committee_member", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.UnicodeText,
              sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
    sa.Column("college", sa.UnicodeText, nullable=False),
    sa.Column("role", sa.UnicodeText, nullable=False, server_default="member"),
    sa.Column("mandate_start", sa.Date, nullable=False),
    sa.Column("mandate_end", sa.Date),
    sa.Column("added_by", sa.UnicodeText),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    # Removing a member ends the row; it is never deleted (history).
    sa.Column("removed_by", sa.UnicodeText),
    sa.Column("removed_at", sa.DateTime(timezone=True)),
)

review = sa.Table(
    "metropole_review", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("proposed_by", sa.UnicodeText),
    sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("opened_at", sa.DateTime(timezone=True)),
    sa.Column("deadline", sa.DateTime(timezone=True)),
    sa.Column("avis", sa.UnicodeText),
    sa.Column("avis_motivation", sa.UnicodeText),
    sa.Column("avis_by", sa.UnicodeText),
    sa.Column("avis_at", sa.DateTime(timezone=True)),
    sa.Column("decision", sa.UnicodeText),
    sa.Column("decision_kind", sa.UnicodeText),  # committee / sans_avis / override / legacy
    sa.Column("decision_justification", sa.UnicodeText),
    sa.Column("decision_by", sa.UnicodeText),
    sa.Column("decision_at", sa.DateTime(timezone=True)),
    # What the committee examined: licence, screening, criteria, commune...
    sa.Column("snapshot", JSONB, nullable=False, server_default="{}"),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
)

opinion = sa.Table(
    "metropole_opinion", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("review_id", sa.Integer,
              sa.ForeignKey("metropole_review.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("member_id", sa.Integer,
              sa.ForeignKey("metropole_committee_member.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("value", sa.UnicodeText, nullable=False),
    sa.Column("comment", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.UniqueConstraint("review_id", "user_id", name="metropole_opinion_one_per_member"),
)

review_event = sa.Table(
    "metropole_review_event", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("review_id", sa.Integer, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("user_id", sa.UnicodeText),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("from_state", sa.UnicodeText),
    sa.Column("to_state", sa.UnicodeText),
    sa.Column("text", sa.UnicodeText, nullable=False, server_default=""),
    # Individual opinions are not public: their events are not either.
    sa.Column("public", sa.Boolean, nullable=False, server_default=sa.true()),
)
