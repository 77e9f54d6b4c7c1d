"""Search index of metropole_search: one JSONB document and one weighted
tsvector per dataset, French (and English) stemming with accent folding.

The large stored-only fields (data_dict, validated_data_dict) live in
``payload`` so that filters and facets read small rows; ``terms`` holds every
short value of a string field as "field<US>value" (exact filters and facets
through one GIN index) and ``labels`` the permission labels. ``tsv`` holds
every searchable text (matched through its GIN index); ``tsv_head``, small
enough to stay in the row, the heavy-weight part (title, name, tags, groups,
organization) that scores the matches.

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
            tsv_head tsvector NOT NULL,
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
        """
        CREATE TABLE metropole_search_facet_count (
            site_id text NOT NULL,
            state text NOT NULL,
            capacity text NOT NULL,
            dataset_type text NOT NULL,
            labels text[] NOT NULL,
            field text NOT NULL,
            value text NOT NULL,
            n integer NOT NULL,
            PRIMARY KEY (site_id, field, state, capacity, dataset_type, labels, value)
        )
        """
    )
    # A hand-made TRUNCATE of the index must not leave stale counts behind.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION metropole_search_truncate_counts() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE metropole_search_facet_count;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER metropole_search_document_truncate AFTER TRUNCATE "
        "ON metropole_search_document FOR EACH STATEMENT "
        "EXECUTE FUNCTION metropole_search_truncate_counts()"
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
        "ON metropole_search_document (metadata_modified DESC NULLS LAST, index_id)"
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
    op.execute("DROP TABLE IF EXISTS metropole_search_facet_count")
    op.execute("DROP TABLE IF EXISTS metropole_search_document")
    op.execute("DROP FUNCTION IF EXISTS metropole_search_truncate_counts()")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS metropole_fr")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS metropole_en")
