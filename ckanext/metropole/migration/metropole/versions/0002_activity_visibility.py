"""The committee's activities under CKAN's permission labels; no editor-only
field in the activity stream.

CKAN filters activities by permission labels only for activity types ending
in ``package``: the committee's ``metropole review`` activities reached
everyone. They become ``metropole review package`` with the labels of their
dataset as it is now (CKAN's default labels; the next index pass of each
dataset gives the exact ones, collaborators included). Opinion events, the
committee's own, leave the stream. The screening note leaves the dataset
dicts stored in ``new/changed/deleted package`` activities (not restored by
the downgrade).

Nothing to do where the activity plugin never ran (no ``activity`` table,
or CKAN's former one without the plugin's ``permission_labels`` column).

Revision ID: 0002_activity_visibility
Revises: 0001_committee
Create Date: 2026-12-07
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0002_activity_visibility"
down_revision = "0001_committee"
branch_labels = None
depends_on = None

OLD_TYPE = "metropole review"
NEW_TYPE = "metropole review package"
EDITOR_ONLY = ("screening_note",)


def _without_editor_only(pkg):
    out = {k: v for k, v in pkg.items() if k not in EDITOR_ONLY}
    if isinstance(out.get("extras"), list):
        out["extras"] = [e for e in out["extras"]
                         if not (isinstance(e, dict) and e.get("key") in EDITOR_ONLY)]
    return out


def _activity_plugin_tables(bind):
    inspector = sa.inspect(bind)
    return inspector.has_table("activity") and "permission_labels" in {
        c["name"] for c in inspector.get_columns("activity")}


def upgrade():
    bind = op.get_bind()
    if not _activity_plugin_tables(bind):
        return
    bind.execute(sa.text(
        "UPDATE activity SET activity_type = :new WHERE activity_type = :old"),
        {"new": NEW_TYPE, "old": OLD_TYPE})
    bind.execute(sa.text(
        "DELETE FROM activity WHERE activity_type = :new "
        "AND data::jsonb ->> 'kind' = 'opinion'"), {"new": NEW_TYPE})
    bind.execute(sa.text(
        """
        UPDATE activity a SET permission_labels = CASE
            WHEN p.state = 'active' AND NOT p.private THEN ARRAY['public']
            WHEN p.owner_org IS NOT NULL THEN ARRAY['member-' || p.owner_org]
            ELSE ARRAY['creator-' || p.creator_user_id] END
        FROM package p
        WHERE p.id = a.object_id AND a.activity_type = :new
        """), {"new": NEW_TYPE})
    rows = bind.execute(sa.text(
        "SELECT id, data FROM activity WHERE activity_type LIKE '%package' "
        "AND data LIKE :pattern"), {"pattern": '%"screening_note"%'}).all()
    for activity_id, text in rows:
        data = json.loads(text)
        if not isinstance(data.get("package"), dict):
            continue
        data["package"] = _without_editor_only(data["package"])
        bind.execute(sa.text("UPDATE activity SET data = :data WHERE id = :id"),
                     {"data": json.dumps(data), "id": activity_id})


def downgrade():
    bind = op.get_bind()
    if not _activity_plugin_tables(bind):
        return
    bind.execute(sa.text(
        "UPDATE activity SET activity_type = :old WHERE activity_type = :new"),
        {"new": NEW_TYPE, "old": OLD_TYPE})
