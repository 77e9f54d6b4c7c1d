"""Is a dataset *published*, in the sense of the portal's feeds and APIs?

Public is not enough: a dataset of the métropole or a commune counts as
published only when it is public, active, open (opening status *ouvert*) and
its review ended with a *publié* decision. Feeds, the DataStore guard and the
pages all ask this module, never the fields directly, so the committee
workflow changes the rule in one place.

The rule is also indexed (``metropole_published``, see
:func:`index_field`) so that searches can be restricted to published
datasets with :func:`published_fq`. The feeds (and ckanext-dcat's API, the
inventory) hold the published datasets but the harvested ones
(:func:`in_feed`, :func:`feed_filters`).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.metropole import compat, vocab
from ckanext.metropole import config as metropole_config
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic import external, organizations
from ckanext.metropole.logic.values import as_text

INDEX_FIELD = "metropole_published"


def is_published(pkg_dict: dict[str, Any]) -> bool:
    """True when ``pkg_dict`` (a ``package_show`` dict) is published."""
    if pkg_dict.get("private") or pkg_dict.get("state", "active") != "active":
        return False
    if as_text(pkg_dict.get("opening_status")) != vocab.OPENING_OPEN:
        return False
    subject, latest = committee_state.status(pkg_dict)
    return latest == committee_state.CLEARED if subject else True


# Session.info key of the flags computed by index passes of this transaction
_MEMO = "metropole_published"
_MEMO_SIZE = 1000


def index_field(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the published flag to a dataset's search document.

    CKAN indexes a new dataset twice in the same commit (for itself, then
    for its resources). Nothing is written while CKAN indexes, so the flag
    computed for a version of the dataset is kept until the transaction
    ends instead of being asked from the database again.
    """
    memo = model.Session.info.setdefault(_MEMO, {})
    key = (pkg_dict.get("id"), pkg_dict.get("metadata_modified"), bool(pkg_dict.get("private")),
           pkg_dict.get("state"), as_text(pkg_dict.get("opening_status")))
    published = memo.get(key) if key[0] and key[1] else None
    if published is None:
        published = is_published(pkg_dict)
        if len(memo) >= _MEMO_SIZE:  # a rebuild indexes outside any commit
            memo.clear()
        memo[key] = published
    pkg_dict[INDEX_FIELD] = "true" if published else "false"
    return pkg_dict


def _forget(session: Any, *_: Any) -> None:
    session.info.pop(_MEMO, None)


for _event in ("after_commit", "after_rollback", "after_soft_rollback"):
    sa.event.listen(model.Session, _event, _forget)


def published_clause() -> Any:
    """:func:`is_published` as a condition on ``package`` rows, for queries
    over many datasets at once (the tags of published datasets)."""
    package = model.package_table
    kind = sa.func.coalesce(organizations.kind_of(package.c.owner_org), "")
    return sa.and_(
        package.c.state == "active", package.c.private.is_(False),
        sa.func.btrim(sa.func.coalesce(compat.package_extra("opening_status"), "")) == vocab.OPENING_OPEN,
        sa.or_(kind.notin_(committee_state.SUBJECT_KINDS),
               committee_state.latest_state(package.c.id) == committee_state.CLEARED))


def published_fq() -> str:
    """Search filter (``fq``) keeping published datasets only."""
    return f"+{INDEX_FIELD}:true"


def in_feed(pkg: dict[str, Any]) -> bool:
    """True when ``pkg`` (a package_show dict) belongs in the feeds: published,
    and not harvested unless ``ckanext.metropole.feeds.include_harvested``."""
    if not is_published(pkg):
        return False
    return metropole_config.feeds_include_harvested() or not external.is_harvested(pkg)


def feed_filters() -> list[str]:
    """Search filters (``fq_list``) equivalent to :func:`in_feed`."""
    filters = [published_fq(), "-dataset_type:harvest"]
    if not metropole_config.feeds_include_harvested():
        filters += external.not_harvested_fq()
    return filters
