"""The table of schema validation reports (migration ``0003_schema_validation``).

One row per resource that was checked or queued:

- ``status``, ``report``, ``schema_*``, ``resource_key``: the last report,
  for the file and schema named by ``resource_key`` (see
  :func:`ckanext.metropole.logic.conformity.resource_key`);
- ``attempt_*``: the last check that could not run (unreadable file,
  schema not loadable, timeout); the report above is kept;
- ``queued_*``: the check waiting in the job queue.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckanext.metropole.model import metadata

STATUSES = ("valid", "invalid")

schema_validation = sa.Table(
    "metropole_schema_validation", metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("schema_id", sa.UnicodeText),
    sa.Column("schema_version", sa.UnicodeText),
    sa.Column("resource_key", sa.UnicodeText),
    sa.Column("status", sa.UnicodeText),
    sa.Column("checked_at", sa.DateTime(timezone=True)),
    sa.Column("seconds", sa.Float),
    sa.Column("rows_checked", sa.Integer),
    sa.Column("error_count", sa.Integer),
    sa.Column("report", JSONB),
    sa.Column("attempt_key", sa.UnicodeText),
    sa.Column("attempt_at", sa.DateTime(timezone=True)),
    sa.Column("attempt_error", JSONB),
    sa.Column("queued_key", sa.UnicodeText),
    sa.Column("queued_at", sa.DateTime(timezone=True)),
)
