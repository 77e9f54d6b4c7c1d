"""Reports of the resources checked against their declared schema.

One row per resource: the last report (kept when a later check could not
run: the failed attempt is stored beside it), and the check waiting in the
job queue. See ``ckanext/metropole/model/validation.py``.

Revision ID: 0003_schema_validation
Revises: 0002_activity_visibility
Create Date: 2026-12-08
"""
from alembic import op

revision = "0003_schema_validation"
down_revision = "0002_activity_visibility"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE TABLE metropole_schema_validation (
            resource_id text PRIMARY KEY,
            package_id text NOT NULL,
            schema_id text,
            schema_version text,
            resource_key text,
            status text CHECK (status IN ('valid', 'invalid')),
            checked_at timestamptz,
            seconds double precision,
            rows_checked integer,
            error_count integer,
            report jsonb,
            attempt_key text,
            attempt_at timestamptz,
            attempt_error jsonb,
            queued_key text,
            queued_at timestamptz
        )
        """)
    op.execute("CREATE INDEX metropole_schema_validation_package "
               "ON metropole_schema_validation (package_id)")


def downgrade():
    op.execute("DROP TABLE IF EXISTS metropole_schema_validation")
