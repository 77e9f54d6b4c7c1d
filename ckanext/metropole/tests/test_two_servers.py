"""Two production server processes on one database see each other's writes at once.

A production site runs several gunicorn workers (and several hosts): nothing
the portal keeps in a process may hide a write made in another one. Two
gunicorn servers are started with ``deploy/gunicorn.conf.py`` (one worker
each) on the test database, and the requests alternate between them: what
one server writes (a dataset, a proposal, a committee membership and its
end, an opinion, the avis and the publication decision, a licence change),
the other serves at the next request — on its pages, in its search, in
its DCAT feed and in the home's figures (the last two kept in Redis until
the index changes), to anonymous visitors (no header) and to users with an
API token. A browser session opened on one server (its cookie, its CSRF tokens)
is honoured by the other, as behind a load balancer, and its logout too.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.tests.committee.conftest import PASSWORD, TABLES, People, act, draft
from ckanext.metropole.tests.data import complete_dataset

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index",
                                     "clean_committee")
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def clean_committee(clean_db: Any) -> None:
    """``clean_db`` empties CKAN's tables only: empty the committee's too."""
    model.Session.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    model.Session.commit()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, name: str, ini: Path, log_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        self.log = self.log_path.open("w")
        env = dict(os.environ, CKAN_INI=str(ini), METROPOLE_BIND=f"127.0.0.1:{self.port}",
                   WEB_CONCURRENCY="1", METROPOLE_ACCESS_LOG="")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}): "
                                   + self.log_path.read_text()[-3000:])
            try:
                if requests.get(self.url + "/api/3/action/status_show", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer, see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own process group
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": token} if token else {}
        return requests.get(self.url + path, headers=headers, timeout=60, **kwargs)

    def call(self, action: str, token: str | None, **data: Any) -> requests.Response:
        headers = {"Authorization": token} if token else {}
        return requests.post(f"{self.url}/api/3/action/{action}", json=data,
                             headers=headers, timeout=60)

    def ok(self, action: str, token: str | None, **data: Any) -> Any:
        response = self.call(action, token, **data)
        assert response.status_code == 200, (action, response.status_code, response.text)
        return response.json()["result"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: Any) -> Iterator[tuple[Server, Server]]:
    """Two gunicorn servers (the test database, CKAN's test configuration)."""
    work = tmp_path_factory.mktemp("two-servers")
    ini = work / "portal.ini"
    # the suite's configuration (databases and Redis come from the environment
    # scripts/test.sh sets), with the committee's secretary of the fixtures
    text = (ROOT / "test.ini").read_text(encoding="utf-8").replace(
        "[app:main]\n", "[app:main]\nckanext.metropole.committee.secretaries = secretaire\n", 1)
    text = text.replace("%(here)s/.local/test-storage", str(work / "storage"))
    ini.write_text(text, encoding="utf-8")
    pair = (Server("a", ini, work), Server("b", ini, work))
    try:
        for server in pair:
            server.wait_ready()
        yield pair
    finally:
        for server in pair:
            server.stop()


def _token(user: str) -> str:
    return helpers.call_action("api_token_create", context={"user": user},
                               user=user, name="two-servers")["token"]


def _published_names(server: Server) -> list[str]:
    found = server.ok("package_search", None, fq="+metropole_published:true", rows=100)
    return [d["name"] for d in found["results"]]


OPENED = re.compile(r'metropole-figure-opened">\s*<span class="figure">(\d+)</span>')


def _visible(server: Server, name: str, dataset_id: str) -> dict[str, bool]:
    """What an anonymous visitor gets from ``server``: page, search, API, feed, home.

    The feed page and the home's figures are kept in Redis until the index
    changes (``page_cache``): both servers ask for them before and after each
    write, so what one kept must not outlive a write made on the other.
    """
    feed = server.get("/catalog.ttl")
    assert feed.status_code == 200, feed.text[:500]
    opened = OPENED.search(server.get("/").text)
    assert opened, "no figures on the home page"
    return {
        "page": server.get(f"/dataset/{name}").status_code == 200,
        "search page": f'href="/dataset/{name}"' in server.get("/dataset?q=piscines").text,
        "package_search": name in _published_names(server),
        "feed": f"/dataset/{dataset_id}>" in feed.text,
        "home figures": opened.group(1) == "1",
    }


def test_writes_on_one_server_are_seen_on_the_other(servers: tuple[Server, Server],
                                                    ckan_config: Any, monkeypatch: Any,
                                                    mail_server: Any) -> None:
    a, b = servers
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries", "secretaire")
    people = People()
    newcomer = factories.User(name="nouveau-membre", email="nouveau@example.org")
    token = {name: _token(name) for name in (
        "sysadmin", "editrice-dijon", "admin-dijon", "secretaire", "presidente",
        "nouveau-membre")}
    nobody = {name: False for name in ("page", "search page", "package_search", "feed",
                                       "home figures")}

    # a draft written on A: B's editor sees it, B's anonymous visitor does not
    pkg = a.ok("package_create", token["editrice-dijon"], **complete_dataset(
        people.dijon["id"], name="piscines-municipales", title="Piscines municipales",
        private=True))
    name, dataset_id = pkg["name"], pkg["id"]
    assert b.ok("package_show", token["editrice-dijon"], id=name)["private"] is True
    assert _visible(b, name, dataset_id) == nobody

    # proposed on B, opened on A
    b.ok("metropole_review_propose", token["editrice-dijon"], id=name, comment="Prêt")
    a.ok("metropole_review_open", token["secretaire"], id=name)
    assert b.ok("metropole_review_show", token["secretaire"], id=name)["state"] == "en_examen"

    # a committee membership given on A is honoured by B at once
    refused = b.call("metropole_opinion_record", token["nouveau-membre"], id=name,
                     value="favorable")
    assert refused.status_code == 403
    a.ok("metropole_committee_member_add", token["sysadmin"], user=newcomer["name"],
         college="entreprises", role="member")
    b.ok("metropole_opinion_record", token["nouveau-membre"], id=name, value="reserves",
         comment="Préciser la fréquence")
    # the opinion written on B is in A's review file
    shown = a.ok("metropole_review_show", token["presidente"], id=name)
    assert shown["tally"]["reserves"] == 1
    assert [o["value"] for o in shown["opinions"]] == ["reserves"]

    # the membership ended on B is over on A at once
    b.ok("metropole_committee_member_remove", token["sysadmin"], user=newcomer["name"])
    refused = a.call("metropole_opinion_record", token["nouveau-membre"], id=name,
                     value="favorable")
    assert refused.status_code == 403, refused.text
    assert b.ok("metropole_review_show", token["presidente"], id=name)["tally"]["favorable"] == 0

    # avis on A, decision on B: published, and both servers serve it to anyone
    a.ok("metropole_avis_render", token["presidente"], id=name, avis="reserves",
         motivation="Favorable sous réserve de préciser la fréquence.")
    b.ok("metropole_decision_record", token["admin-dijon"], id=name, decision="publie")
    everywhere = {k: True for k in nobody}
    assert _visible(a, name, dataset_id) == everywhere
    assert _visible(b, name, dataset_id) == everywhere

    # a licence change on A makes it private again: gone from B's page, search and feed
    a.ok("package_patch", token["editrice-dijon"], id=name, license_id="odc-odbl",
         license_justification="Partage à l'identique des améliorations.")
    assert _visible(b, name, dataset_id) == nobody
    assert b.ok("metropole_review_show", token["presidente"], id=name)["state"] == "en_examen"
    assert _visible(a, name, dataset_id) == nobody


def _csrf(response: requests.Response) -> str:
    assert response.status_code == 200, (response.url, response.status_code)
    found = CSRF_RE.search(response.text)
    assert found, f"no CSRF token on {response.url}"
    return found.group(1)


def test_a_browser_session_opened_on_one_server_is_honoured_by_the_other(
        servers: tuple[Server, Server], ckan_config: Any, monkeypatch: Any,
        mail_server: Any) -> None:
    a, b = servers
    monkeypatch.setitem(ckan_config, "ckanext.metropole.committee.secretaries", "secretaire")
    people = People()
    pkg = draft(people, name="bancs-publics")
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    secretary = _token("secretaire")
    page, form = "/dataset/bancs-publics/comite", "/dataset/bancs-publics/comite/avis-individuel"

    def opinions() -> list[str]:
        shown = a.ok("metropole_review_show", secretary, id="bancs-publics")
        return [o["value"] for o in shown["opinions"]]

    # one browser, one cookie jar, the two servers on the same host (cookies
    # ignore the port): what a load balancer sending each request anywhere gives
    browser = requests.Session()
    login = browser.post(a.url + "/user/login", allow_redirects=False, timeout=60, data={
        "login": "membre", "password": PASSWORD,
        "_csrf_token": _csrf(browser.get(a.url + "/user/login", timeout=60))})
    assert login.status_code == 302, login.text[:500]
    assert "/user/login" not in login.headers["Location"]

    # B knows the member logged in on A and shows the member's form
    on_b = browser.get(b.url + page, timeout=60)
    assert "Enregistrer mon avis" in on_b.text
    token_b = _csrf(on_b)
    token_a = _csrf(browser.get(a.url + page, timeout=60))

    # CSRF protection holds on B, and a token A gave is accepted by B
    refused = browser.post(b.url + form, data={"value": "favorable"}, timeout=60,
                           allow_redirects=False)
    assert refused.status_code == 400
    assert opinions() == []
    saved = browser.post(b.url + form, allow_redirects=False, timeout=60, data={
        "value": "reserves", "comment": "Préciser la source", "_csrf_token": token_a})
    assert saved.status_code == 302, saved.text[:500]
    assert opinions() == ["reserves"]
    # ... and the other way round; the message flashed by A is shown by B
    saved = browser.post(a.url + form, allow_redirects=False, timeout=60, data={
        "value": "favorable", "comment": "Source précisée", "_csrf_token": token_b})
    assert saved.status_code == 302, saved.text[:500]
    assert opinions() == ["favorable"]
    assert "Enregistré." in browser.get(b.url + page, timeout=60).text

    # logged out on B: A no longer knows the browser
    out = browser.get(b.url + "/user/_logout", allow_redirects=False, timeout=60)
    assert out.status_code == 302
    # (the review of a dataset under examination is not public)
    assert browser.get(a.url + page, timeout=60).status_code == 403
    assert browser.get(a.url + "/comite/examens", timeout=60).status_code == 403
