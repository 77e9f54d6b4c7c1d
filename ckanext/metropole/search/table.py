"""The search index table (created by the ``metropole_search`` migration).

It is declared on CKAN's metadata so that ``model.repo.delete_all`` (the
``clean_db`` test fixture) empties it along with the datasets it indexes.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from ckan.model import meta

TEXT_CONFIG_FR = "metropole_fr"
TEXT_CONFIG_EN = "metropole_en"

document = sa.Table(
    "metropole_search_document",
    meta.metadata,
    sa.Column("index_id", sa.Text, primary_key=True),
    sa.Column("id", sa.Text, nullable=False),
    sa.Column("site_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("state", sa.Text),
    sa.Column("capacity", sa.Text),
    sa.Column("dataset_type", sa.Text),
    sa.Column("title_string", sa.Text),
    sa.Column("metadata_created", sa.DateTime(timezone=True)),
    sa.Column("metadata_modified", sa.DateTime(timezone=True)),
    sa.Column("doc", JSONB, nullable=False),
    sa.Column("payload", JSONB),
    sa.Column("terms", ARRAY(sa.Text), nullable=False),
    sa.Column("labels", ARRAY(sa.Text), nullable=False),
    sa.Column("tsv", TSVECTOR, nullable=False),
    sa.Column("tsv_head", TSVECTOR, nullable=False),
    sa.Column("indexed_at", sa.DateTime(timezone=True)),
)

# Documents per visibility scope and term: facet counts and totals of broad
# queries (match-all plus visibility filters) read here instead of counting
# every row. Kept in step with ``document`` by connection.add/delete (rows from indexing.py).
facet_count = sa.Table(
    "metropole_search_facet_count",
    meta.metadata,
    sa.Column("site_id", sa.Text, primary_key=True),
    sa.Column("state", sa.Text, primary_key=True),
    sa.Column("capacity", sa.Text, primary_key=True),
    sa.Column("dataset_type", sa.Text, primary_key=True),
    sa.Column("labels", ARRAY(sa.Text), primary_key=True),
    sa.Column("field", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

# Stored-only fields, kept apart so filters and facets read small rows.
PAYLOAD_FIELDS = ("data_dict", "validated_data_dict")

# Separator of field and value in ``terms`` (ASCII unit separator).
TERM_SEPARATOR = "\x1f"
MAX_TERM_LENGTH = 200


def term(field: str, value: str) -> str:
    return f"{field}{TERM_SEPARATOR}{value}"


# Columns that mirror a document field, usable directly in filters and sorts.
COLUMN_FIELDS = {
    "index_id", "id", "site_id", "name", "state", "capacity", "dataset_type",
    "title_string",
}
TIMESTAMP_COLUMNS = {"metadata_created", "metadata_modified"}
