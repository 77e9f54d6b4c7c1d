"""Visitors' DataStore queries are bounded in time and in number (issue 15, item 9).

Every request goes through the site served on a loopback port (a threaded
WSGI server, as a worker of a multi-worker server is) to the real DataStore
database. Queries are held open deterministically: the test takes an ACCESS
EXCLUSIVE lock on the table from its own connection, and a query reading the
table waits for it (the statement timeout counts the wait) until the test
lets go. The slots of other web processes are advisory locks the test takes
from its own connection, as another process would.
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from ckan.tests import factories, helpers

from ckanext.metropole.datastore.limits import LOCK_KEY
from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.datastore.conftest import datastore_marks

pytestmark = [pytest.mark.usefixtures("with_plugins", "site")]

TIMEOUT_MS = 500
SLOTS = 2
# a query of the kind that held the demo: minutes of work, no table at all
ENDLESS = "SELECT count(*) AS n FROM generate_series(1, 100000000000) AS i"
CANCELLED = "La requête a été arrêtée au bout de 0,5 s"
BUSY = "2 requêtes SQL de visiteurs sont déjà en cours"


def limits(timeout_ms: int = TIMEOUT_MS) -> Callable[[Any], Any]:
    def marks(func: Any) -> Any:
        func = pytest.mark.ckan_config(
            "ckanext.metropole.datastore.public_statement_timeout", str(timeout_ms))(func)
        func = pytest.mark.ckan_config(
            "ckanext.metropole.datastore.public_sql_concurrency", str(SLOTS))(func)
        return datastore_marks(func)
    return marks


class Site:
    """The served site, its published table and tokens of its people."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.editor = factories.User(name="editrice-dijon")
        self.user = factories.User(name="visiteur")
        self.sysadmin = factories.Sysadmin(name="sysadmin")
        org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune",
                                     users=[{"name": "editrice-dijon", "capacity": "editor"}])
        dataset = helpers.call_action("package_create",
                                      **complete_dataset(org["id"], resources=[]))
        # the table the tests hold queries on, and another one
        self.table, self.other = (helpers.call_action(
            "datastore_create", resource={"package_id": dataset["id"], "name": name},
            fields=[{"id": "commune", "type": "text"}, {"id": "n", "type": "int"}],
            records=[{"commune": "Dijon", "n": 12}, {"commune": "Chenôve", "n": 3}],
        )["resource_id"] for name in ("Équipements", "Gymnases"))

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None:
            return {}
        name = getattr(self, who)["name"]
        return {"Authorization": helpers.call_action(
            "api_token_create", context={"user": name, "ignore_auth": True},
            user=name, name="t")["token"]}

    def post(self, action: str, who: str | None = None, **data: Any) -> requests.Response:
        return requests.post(f"{self.url}/api/3/action/{action}", json=data,
                             headers=self.headers(who), timeout=120)

    def sql(self, sql: str, who: str | None = None) -> requests.Response:
        return self.post("datastore_search_sql", who, sql=sql)

    def count(self) -> str:
        return f'SELECT count(*) AS n FROM "{self.table}"'


@pytest.fixture
def served(site: str) -> Site:
    return Site(site)


def engine() -> sa.engine.Engine:
    from ckanext.datastore.backend.postgres import get_write_engine

    return get_write_engine()


@contextlib.contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Every query reading ``table`` waits while the block runs."""
    with engine().connect() as conn:
        transaction = conn.begin()
        conn.execute(sa.text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
        try:
            yield
        finally:
            transaction.rollback()


# pg_locks shows the locks of the whole cluster: only this DataStore's count
# (the other CKAN series runs the same test on its own DataStore, side by side)
HERE = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"


def held_slots() -> int:
    with engine().connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :key "
            f"AND granted AND {HERE}"), {"key": LOCK_KEY}).scalar() or 0


def waiting_queries(table: str) -> int:
    """Queries waiting for the test's lock on ``table``."""
    with engine().connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM pg_locks WHERE relation = CAST(:t AS regclass) "
            f"AND NOT granted AND {HERE}"), {"t": f'"{table}"'}).scalar() or 0


def until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting for {what}")
        time.sleep(0.02)


def in_threads(calls: list[Callable[[], requests.Response]]) -> tuple[
        list[threading.Thread], list[Any]]:
    """Start the calls, each in its thread; their answers in the calls' order."""
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    return threads, answers


def error_text(response: requests.Response) -> str:
    error = response.json()["error"]
    return " ".join(str(m) for k, v in error.items() if k != "__type"
                    for m in (v if isinstance(v, list) else [v]))


@limits()
def test_visitors_queries_stop_at_the_public_timeout(served: Site) -> None:
    an_endless_sql_query_is_cancelled(served)
    a_long_datastore_search_is_cancelled(served)
    editors_and_sysadmins_keep_ckans_timeout(served)


def an_endless_sql_query_is_cancelled(served: Site) -> None:
    for who in (None, "user"):
        answer = served.sql(ENDLESS, who)
        assert answer.status_code == 409, (who, answer.text)
        # in French, saying how long a visitor's query may run
        assert CANCELLED in error_text(answer), answer.text
    # nothing stays running
    with engine().connect() as conn:
        assert not conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%generate_series(1, 1000%' "
            "AND state = 'active' AND pid <> pg_backend_pid()")).scalar()


def a_long_datastore_search_is_cancelled(served: Site) -> None:
    with table_locked(served.table):
        for who in (None, "user"):
            answer = served.post("datastore_search", who, resource_id=served.table,
                                 q="Dijon")
            assert answer.status_code == 409, (who, answer.text)
            assert CANCELLED in error_text(answer), answer.text


def editors_and_sysadmins_keep_ckans_timeout(served: Site) -> None:
    """The dataset's editor and a sysadmin wait longer than a visitor may."""
    with table_locked(served.table):
        threads, answers = in_threads([
            lambda: served.sql(served.count(), "editor"),
            lambda: served.sql(served.count(), "sysadmin"),
            lambda: served.post("datastore_search", "editor", resource_id=served.table),
        ])
        until(lambda: waiting_queries(served.table) == 3, "the three queries to wait")
        # longer than a visitor's query may run, then let them through
        time.sleep(3 * TIMEOUT_MS / 1000)
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200] * 3, [a.text for a in answers]
    sql_editor, sql_sysadmin, search_editor = (a.json()["result"] for a in answers)
    assert sql_editor["records"] == sql_sysadmin["records"] == [{"n": 2}]
    assert search_editor["total"] == 2


@limits(timeout_ms=30_000)  # the held queries wait for the test, not for a timeout
def test_visitors_sql_queries_are_bounded_in_number(served: Site) -> None:
    the_next_query_is_refused_while_the_slots_run(served)
    slots_held_by_other_processes_count(served)


def the_next_query_is_refused_while_the_slots_run(served: Site) -> None:
    with table_locked(served.table):
        threads, answers = in_threads([lambda: served.sql(served.count())] * SLOTS)
        until(lambda: held_slots() == SLOTS and waiting_queries(served.table) == SLOTS,
              "the visitors' queries to hold the slots")
        # (the plain user's query reads no table: on CKAN 2.11 finding the tables of
        # a logged-in user's query plans it, and the plan waits for the test's lock)
        for who, sql in ((None, served.count()), ("user", "SELECT 1 AS un")):
            refused = served.sql(sql, who)
            assert refused.status_code == 429, (who, refused.text)
            assert refused.headers["Retry-After"] == "30"  # a slot is free by then
            assert refused.json()["error"]["__type"] == "Too Many Requests"
            # names the limit, in French
            assert BUSY in error_text(refused), refused.text
        # the limit is the visitors': the dataset's editor still queries their
        # own table, and a sysadmin anything
        other = f'SELECT count(*) AS n FROM "{served.other}"'
        for who, sql in (("editor", other), ("sysadmin", "SELECT 1 AS un")):
            assert served.sql(sql, who).status_code == 200, who
        # (the editor's query of no table of theirs is a visitor's)
        assert served.sql("SELECT 1 AS un", "editor").status_code == 429
    for thread in threads:
        thread.join()
    # the held queries finish normally, and free their slots
    assert [a.status_code for a in answers] == [200] * SLOTS
    assert [a.json()["result"]["records"] for a in answers] == [[{"n": 2}]] * SLOTS
    assert held_slots() == 0
    assert served.sql(served.count()).status_code == 200


def slots_held_by_other_processes_count(served: Site) -> None:
    """The limit holds across web processes: slots are PostgreSQL's advisory
    locks, here held by another session as another worker would."""
    with engine().connect() as other_worker:
        transaction = other_worker.begin()
        for slot in range(1, SLOTS + 1):
            assert other_worker.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k, :s)"),
                                        {"k": LOCK_KEY, "s": slot}).scalar()
        refused = served.sql(served.count())
        assert refused.status_code == 429, refused.text
        assert BUSY in error_text(refused)
        transaction.rollback()  # the other worker's queries end
    answer = served.sql(served.count())
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["records"] == [{"n": 2}]
