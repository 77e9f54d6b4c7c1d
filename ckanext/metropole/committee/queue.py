"""The review queue: reviews with their dataset, filtered and paged."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.metropole.committee import reviews
from ckanext.metropole.committee.model import OPEN_STATES, STATES, opinion, review


def search(state: str = "open", commune: str | None = None, criterion: str | None = None,
           late: bool = False, proposed_by: str | None = None, limit: int = 50,
           offset: int = 0) -> dict[str, Any]:
    package = model.Package.__table__
    group = model.Group.__table__
    opinions = (sa.select(sa.func.count()).where(opinion.c.review_id == review.c.id)
                .scalar_subquery())
    query = (sa.select(review, package.c.name.label("package_name"),
                       package.c.title.label("package_title"),
                       package.c.private.label("package_private"),
                       group.c.title.label("organization_title"),
                       group.c.name.label("organization_name"),
                       opinions.label("opinion_count"))
             .join(package, package.c.id == review.c.package_id)
             .outerjoin(group, group.c.id == package.c.owner_org)
             .where(package.c.state == "active",
                    sa.or_(review.c.decision_kind.is_(None),
                           review.c.decision_kind.notin_(["legacy"]))))
    if state == "open":
        query = query.where(review.c.state.in_(OPEN_STATES))
    elif state in STATES:
        query = query.where(review.c.state == state)
    if commune:
        query = query.where(review.c.snapshot["producing_commune"].astext == commune)
    if criterion:
        query = query.where(review.c.snapshot["criteria"].contains([criterion]))
    if late:
        query = query.where(review.c.state.in_(("propose", "en_examen")),
                            review.c.deadline < sa.func.now())
    if proposed_by is not None:  # "" (anonymous) matches nobody, never everybody
        query = query.where(review.c.proposed_by == proposed_by)
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = model.Session.execute(
        query.order_by(review.c.deadline.asc().nulls_last(), review.c.id)
        .limit(limit).offset(offset)).mappings().all()
    results = []
    for row in rows:
        item = dict(row)
        item["late"] = reviews.is_late(item)
        item["state_label"] = reviews.state_label(item["state"])
        results.append(item)
    return {"count": count, "results": results}
