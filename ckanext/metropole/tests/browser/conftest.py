"""Fixtures of the real-browser tests (``pytest -m browser``).

One portal (``portal.start``) and one headless Debian chromium for all the
browser tests (stopped after the last of them); a fresh browser context
(cookies, French locale) per test. Every request the browser makes is
recorded: anything not addressed to the portal on 127.0.0.1 fails the test
(no CDN, no third party), and the browser sends nothing beyond 127.0.0.1:
every other address goes to a proxy that is not there (``bypass``: 127.0.0.1
is reached directly). The requests are watched, not intercepted:
an intercepting route sends each request through this process and turns the
browser's HTTP cache off, so that every page would download its scripts and
styles again, which no visitor's browser does.
Screenshots of each step go to ``build/browser/<series>/<test>/``; a failing
test leaves the page's HTML and a screenshot in ``build/browser/<series>/failures/``.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ckanext.metropole.tests.browser import axe
from ckanext.metropole.tests.browser import catalogue as catalogue_mod
from ckanext.metropole.tests.browser import portal as portal_mod

CHROMIUM = os.environ.get("METROPOLE_CHROMIUM", "/usr/bin/chromium")
LOCAL_SCHEMES = ("data", "blob", "about")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"metropole_rep_{report.when}", report)


@pytest.fixture(scope="package")
def portal() -> Iterator[portal_mod.Portal]:
    # failures of an earlier run would be mistaken for this one's
    shutil.rmtree(portal_mod.OUT / "failures", ignore_errors=True)
    running = portal_mod.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="package")
def catalogue(portal: portal_mod.Portal) -> dict[str, Any]:
    """Published and under-review datasets every visitor page can show."""
    return catalogue_mod.seed(portal)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no chromium at {CHROMIUM}: run scripts/browser.sh deps", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright's own browser builds cannot be downloaded here: Debian's.
        # a port nothing listens on: a request sent to this proxy is refused
        nowhere = f"http://127.0.0.1:{portal_mod.free_port()}"
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=["--no-sandbox", "--disable-dev-shm-usage"],
                                      proxy={"server": nowhere, "bypass": "127.0.0.1"})
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def axe_results() -> Iterator[axe.Results]:
    results = axe.Results(portal_mod.OUT)
    yield results
    results.write()


class Shots:
    """Numbered screenshots of one test's steps."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.taken: list[Path] = []
        # only this run's steps: a journey that changed leaves no stale shots
        shutil.rmtree(folder, ignore_errors=True)

    def __call__(self, step: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{len(self.taken) + 1:02d}-{_slug(step)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture
def page(request: Any, browser: Any, portal: portal_mod.Portal) -> Iterator[Any]:
    """A French browser tab on the portal; foreign requests fail the test."""
    context = browser.new_context(locale="fr-FR", base_url=portal.url,
                                  viewport={"width": 1280, "height": 900},
                                  extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
                                  accept_downloads=True)
    context.set_default_timeout(30_000)
    foreign: list[str] = []
    requested: list[str] = []
    # a test may open other local servers it started (a tile server, a sibling portal)
    allowed = {portal.host}

    def record(request: Any) -> None:
        requested.append(request.url)
        url = urlsplit(request.url)
        if url.scheme not in LOCAL_SCHEMES and url.netloc not in allowed:
            foreign.append(request.url)

    context.on("request", record)
    tab = context.new_page()
    tab.requested = requested
    tab.allow = allowed.add
    # uncaught script errors of the pages (a map that throws draws nothing)
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(f"{tab.url}: {error}"))
    tab.shots = Shots(tab, portal_mod.OUT / _slug(request.node.name))
    yield tab
    failed = any(getattr(request.node, f"metropole_rep_{when}", None) is not None
                 and getattr(request.node, f"metropole_rep_{when}").failed
                 for when in ("setup", "call"))
    if failed:
        folder = portal_mod.OUT / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        name = _slug(request.node.name)
        try:
            (folder / f"{name}.html").write_text(tab.content())
            tab.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        except Exception as error:  # the page itself may be what broke
            (folder / f"{name}.txt").write_text(f"{tab.url}\n{error}\n")
    context.close()
    assert not foreign, f"requests to other hosts than {portal.host}: {foreign}"


@pytest.fixture(scope="package")
def sessions() -> dict[str, tuple[list[dict[str, Any]], str]]:
    """Each user's session opened through the login form: its cookies, the page
    the login led to."""
    return {}


@pytest.fixture
def login(portal: portal_mod.Portal,
          sessions: dict[str, tuple[list[dict[str, Any]], str]]) -> Callable[[Any, str], None]:
    """Log ``page`` in as ``name``, on the page the login leads to.

    The first login of each user in the session goes through the login form
    (its CSRF token, the password check, the redirection); later ones open the
    same session again with its cookies, as a returning visitor's browser
    does, which spares two page loads and a password hash each time.
    """
    def do(page: Any, name: str) -> None:
        if name in sessions:
            cookies, landing = sessions[name]
            page.context.clear_cookies()
            page.context.add_cookies(cookies)
            page.goto(landing)
            assert "/user/login" not in page.url, f"the session of {name} was refused"
            return
        page.goto("/user/login")
        page.fill("#field-login", name)
        page.fill("#field-password", portal.users[name])
        with page.expect_navigation():
            page.press("#field-password", "Enter")
        assert "/user/login" not in page.url, f"login of {name} refused"
        sessions[name] = (page.context.cookies(), page.url)
    return do
