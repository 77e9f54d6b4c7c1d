"""Search index of metropole_search: one JSONB document and one weighted
tsvector per dataset, French (and English) stemming with accent folding.

The large stored-only fields (data_dict, validated_data_dict) live in
``payload`` so that filters and facets read small rows; ``terms`` holds every
short value of a string field as "field<US>value" (exact filters and facets
through one GIN index) and ``labels`` the permission labels.

Revision ID: 0001_search_document
Revises:
Create Date: 2026-11-22
"""
from alembic import op

revision = "0001_search_document"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # unaccent is a trusted extension: the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for name, base, stem in (
        ("metropole_fr", "french", "french_stem"),
        ("metropole_en", "english", "english_stem"),
    ):
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        op.execute(
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base})"
        )
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR "
            f"hword, hword_part, word WITH unaccent, {stem}"
        )
    op.execute(
        """
        CREATE TABLE metropole_search_document (
            index_id text PRIMARY KEY,
            id text NOT NULL,
            site_id text NOT NULL,
            name text,
            state text,
            capacity text,
            dataset_type text,
            title_string text,
            metadata_created timestamptz,
            metadata_modified timestamptz,
            doc jsonb NOT NULL,
            payload jsonb,
            terms text[] NOT NULL DEFAULT '{}',
            labels text[] NOT NULL DEFAULT '{}',
            tsv tsvector NOT NULL,
            indexed_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        "CREATE INDEX metropole_search_document_tsv_idx "
        "ON metropole_search_document USING gin (tsv)"
    )
    op.execute(
        "CREATE INDEX metropole_search_document_doc_idx "
        "ON metropole_search_document USING gin (doc jsonb_path_ops)"
    )
    op.execute(
        "CREATE INDEX metropole_search_document_terms_idx "
        "ON metropole_search_document USING gin (terms)"
    )
    op.execute(
        "CREATE INDEX metropole_search_document_labels_idx "
        "ON metropole_search_document USING gin (labels)"
    )
    op.execute(
        "CREATE INDEX metropole_search_document_visible_idx "
        "ON metropole_search_document (site_id, state, capacity, metadata_modified DESC)"
    )
    op.execute(
        "CREATE INDEX metropole_search_document_id_idx ON metropole_search_document (id)"
    )
    op.execute(
        "CREATE INDEX metropole_search_document_name_idx ON metropole_search_document (name)"
    )
    op.execute(
        "CREATE INDEX metropole_search_document_title_idx "
        "ON metropole_search_document (title_string)"
    )


def downgrade():
    op.execute("DROP TABLE IF EXISTS metropole_search_document")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS metropole_fr")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS metropole_en")
