"""The three ways a request reaches the portal, for authorization tests.

CKAN 2.11+ hands actions flask-login's ``AnonymousUser`` (id ``""``) for a
request without credentials, a ``model.User`` for an API token or a session
cookie: an authorization is proven by real requests through the WSGI app
with each of them, never by calling actions with ``user=None`` only.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from ckan.tests import factories

PASSWORD = "Comite-Donnee-2026"  # the password of the committee tests' People
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
WAYS = ("anonymous", "token", "session")


def token_headers(name: str) -> dict[str, str]:
    """An API token of ``name`` in the ``Authorization`` header."""
    return {"Authorization": factories.APIToken(user=name)["token"]}


def session(app: Any, name: str, password: str = PASSWORD) -> Any:
    """A client holding the cookie of a browser session opened on /user/login."""
    client = app.test_client()
    page = client.get("/user/login")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    done = client.post("/user/login", data={"login": name, "password": password,
                                            "_csrf_token": token})
    # the test client follows the redirection to the dashboard
    assert 'data-me="' in done.get_data(as_text=True), f"login of {name} refused"
    return client


class Client:
    """``get``/``post`` of one identity (``who`` None: anonymous), one way."""

    def __init__(self, app: Any, way: str, who: str | None) -> None:
        self.way, self.who = way, who
        self.headers: dict[str, str] = {}
        self.client = app
        if who is None:
            self.way = "anonymous"
        elif way == "token":
            self.headers = token_headers(who)
        elif way == "session":
            self.client = session(app, who)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers, **kwargs)

    def __repr__(self) -> str:
        return f"{self.who or 'anonymous'} ({self.way})"


def clients(app: Any, who: str | None) -> Iterator[Client]:
    """``who`` by API token and by session cookie; anonymous once."""
    if who is None:
        yield Client(app, "anonymous", None)
        return
    for way in ("token", "session"):
        yield Client(app, way, who)


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))
