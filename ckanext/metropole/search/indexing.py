"""Indexing: the rows of ``metropole_search_document`` built from CKAN's documents.

CKAN's own indexing code builds the documents (plugins' ``before_dataset_index``
included) and hands them to :meth:`connection.PostgresSearchConnection.add`;
:func:`document_rows` turns them into rows (weighted text, terms, labels) and
:func:`upsert` is the statement that writes them.
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Iterable, Optional

import pysolr
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from .compiler import field_kind
from .table import (COLUMN_FIELDS, MAX_TERM_LENGTH, PAYLOAD_FIELDS, TEXT_CONFIG_EN,
                    TEXT_CONFIG_FR, document, term)

# Text given each weight of the tsvector: title first, then tags, notes and
# organization, then resources, then everything else Solr copies to ``text``.
WEIGHTS = {
    "A": ("title", "name"),
    "B": ("tags", "groups", "organization", "notes"),
    "H": ("tags", "groups", "organization"),  # the head's B part, without notes
    "C": ("res_name", "res_description", "res_format"),
    "D": ("text", "urls", "url", "res_url", "license", "license_id", "author",
          "maintainer", "version"),
}
D_PREFIXES = ("extras_", "res_extras_", "vocab_")


def _flatten(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_flatten(v) for v in value)
    return str(value)


def weighted_text(doc: dict[str, Any]) -> dict[str, str]:
    parts = {w: [_flatten(doc.get(f)) for f in fields] for w, fields in WEIGHTS.items()}
    parts["A"][1] = parts["A"][1].replace("-", " ").replace("_", " ")
    parts["D"].extend(_flatten(v) for k, v in doc.items() if k.startswith(D_PREFIXES))
    return {w: " ".join(p for p in texts if p) for w, texts in parts.items()}


def _tsvector_sql(part: str, weight: Optional[str] = None) -> Any:
    param = sa.bindparam(f"text_{part}", type_=sa.Text)
    return sa.func.setweight(
        sa.func.to_tsvector(TEXT_CONFIG_FR, param).op("||")(
            sa.func.to_tsvector(TEXT_CONFIG_EN, param)),
        weight or part,
    )


def _timestamp(value: Any) -> Optional[datetime.datetime]:
    if not value:
        return None
    text = str(value).rstrip("Z")
    try:
        stamp = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=datetime.timezone.utc)


def _term_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def terms_of(doc: dict[str, Any]) -> list[str]:
    """Short values of the document's string fields, as "field<US>value"."""
    found = set()
    for field, value in doc.items():
        if field in COLUMN_FIELDS or field == "permission_labels" or \
                field_kind(field) != "string":
            continue
        for item in value if isinstance(value, list) else [value]:
            if item is None or isinstance(item, (dict, list)):
                continue
            text = _term_text(item)
            if text and len(text) <= MAX_TERM_LENGTH:
                found.add(term(field, text))
    return sorted(found)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "")]
    return [value] if value != "" else []



def document_rows(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (and weighted texts) of CKAN's documents."""
    rows = []
    for doc in docs:
        if "index_id" not in doc or "id" not in doc:
            raise pysolr.SolrError("Document without index_id or id")
        payload = json.loads(json.dumps(doc, default=_json_default))
        stored = {k: payload.pop(k) for k in PAYLOAD_FIELDS if k in payload}
        row = {
            "index_id": payload["index_id"],
            "id": payload["id"],
            "site_id": payload.get("site_id") or "",
            "name": payload.get("name"),
            "state": payload.get("state"),
            "capacity": payload.get("capacity"),
            "dataset_type": payload.get("dataset_type"),
            "title_string": payload.get("title_string"),
            "metadata_created": _timestamp(payload.get("metadata_created")),
            "metadata_modified": _timestamp(payload.get("metadata_modified")),
            "doc": payload,
            "payload": stored,
            "terms": terms_of(payload),
            "labels": [str(v) for v in _as_list(payload.get("permission_labels"))],
        }
        row.update({f"text_{w}": t for w, t in weighted_text(payload).items()})
        rows.append(row)
    return rows


def upsert() -> Any:
    """Insert or replace rows of :func:`document_rows` (executed with them as parameters)."""
    tsv = _tsvector_sql("A").op("||")(_tsvector_sql("B")).op("||")(
        _tsvector_sql("C")).op("||")(_tsvector_sql("D"))
    head = _tsvector_sql("A").op("||")(_tsvector_sql("H", weight="B"))
    plain = ["index_id", "id", "site_id", "name", "state", "capacity", "dataset_type",
             "title_string", "metadata_created", "metadata_modified", "doc", "payload",
             "terms", "labels"]
    values = {c: sa.bindparam(c, type_=document.c[c].type) for c in plain}
    values["tsv"] = tsv
    values["tsv_head"] = head
    values["indexed_at"] = sa.func.now()
    stmt = pg_insert(document).values(values)
    return stmt.on_conflict_do_update(
        index_elements=[document.c.index_id],
        set_={c: stmt.excluded[c] for c in plain[1:] + ["tsv", "tsv_head", "indexed_at"]},
    )
