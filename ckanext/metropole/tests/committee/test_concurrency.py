"""Simultaneous opinions both land; racing decisions: one wins, one conflicts."""
from __future__ import annotations

import threading
from typing import Any, Callable

import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan import model

from ckanext.metropole.committee.model import opinion, review
from ckanext.metropole.tests.committee.conftest import act, draft

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _together(app: Any, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads (own database sessions) released at once."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        with app.flask_app.test_request_context():
            barrier.wait()
            try:
                results[i] = calls[i]()
            except Exception as e:  # noqa: BLE001 - reported to the test
                results[i] = e
            finally:
                model.Session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_members_saving_at_the_same_moment_both_land(people, app):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    results = _together(app, [
        lambda: act(people, "member", "metropole_opinion_record", id=pkg["id"],
                    value="favorable", comment="Oui"),
        lambda: act(people, "member2", "metropole_opinion_record", id=pkg["id"],
                    value="defavorable", comment="Non"),
    ])
    assert not [r for r in results if isinstance(r, Exception)], results
    values = model.Session.execute(
        sa.select(opinion.c.value).order_by(opinion.c.value)).scalars().all()
    assert values == ["defavorable", "favorable"]


def test_racing_decisions_one_wins_the_other_gets_a_conflict(people, app):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="favorable",
        motivation="Rien à redire")
    results = _together(app, [
        lambda: act(people, "admin", "metropole_decision_record", id=pkg["id"],
                    decision="publie"),
        lambda: act(people, "sysadmin", "metropole_decision_record", id=pkg["id"],
                    decision="maintenu_ferme"),
    ])
    errors = [r for r in results if isinstance(r, Exception)]
    wins = [r for r in results if not isinstance(r, Exception)]
    assert len(wins) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], tk.ValidationError)
    assert "Conflit" in errors[0].error_dict["version"][0]  # French: the request locale
    model.Session.remove()
    decided = model.Session.execute(sa.select(review.c.state)).scalars().all()
    assert decided == [wins[0]["decision"]]
