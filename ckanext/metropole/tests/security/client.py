"""Requests of the matrix: who asks (a principal), what came back (a Reply).

Every request goes through the WSGI application with CKAN's test client and
is checked for the identity it carried: the anonymous one no cookie and no
``Authorization`` header, a token one its header and no cookie, a session one
its cookie and no header. Replies are kept: one reply serves every
assertion about it (all the states of a site-wide page, say).
"""
from __future__ import annotations

import dataclasses
import json
import time
from typing import Any
from urllib.parse import urlencode

IDENTITY_KINDS = ("anonymous", "token", "session")


@dataclasses.dataclass
class Principal:
    role: str
    kind: str  # one of IDENTITY_KINDS
    client: Any
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    csrf: str | None = None

    @property
    def key(self) -> str:
        return self.role if self.kind == "anonymous" else f"{self.role}/{self.kind}"


@dataclasses.dataclass
class Reply:
    principal: str
    method: str
    url: str
    status: int
    body: str
    error: str = ""  # the exception of a request that did not answer

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class IdentityError(AssertionError):
    pass


def _check_identity(principal: Principal, environ: dict[str, Any]) -> None:
    cookie = bool(environ.get("HTTP_COOKIE"))
    header = bool(environ.get("HTTP_AUTHORIZATION"))
    expected = {"anonymous": (False, False), "token": (False, True),
                "session": (True, False)}[principal.kind]
    if (cookie, header) != expected:
        raise IdentityError(f"{principal.key}: the request carried cookie={cookie}, "
                            f"Authorization={header}")


class Portal:
    def __init__(self, app: Any, world: Any, settings: dict[str, Any]) -> None:
        self.app = app
        self.world = world
        self.settings = settings
        self.principals: dict[str, Principal] = {}
        self._replies: dict[tuple[str, str, str, str], Reply] = {}
        self.requests = 0
        self.setup_seconds = (0.0, 0.0)
        self.cpu: dict[str, list[float]] = {}
        self.cpu_by_label: dict[str, float] = {}
        self.reads: list[Any] = []  # the matrix's probes (matrix.Matrix)

    def get(self, principal: Principal, url: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None, label: str = "") -> Reply:
        return self.request(principal, "GET", url, params=params, headers=headers,
                            label=label)

    def post(self, principal: Principal, url: str, data: dict[str, Any],
             label: str = "") -> Reply:
        return self.request(principal, "POST", url, json_body=data, label=label)

    def request(self, principal: Principal, method: str, url: str,
                params: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                json_body: dict[str, Any] | None = None, label: str = "") -> Reply:
        if params:
            url = f"{url}?{urlencode(params, doseq=True)}"
        extra = dict(headers or {})
        body = json.dumps(json_body) if json_body is not None else ""
        key = (principal.key, method, url, json.dumps(extra, sort_keys=True) + body)
        if key in self._replies:
            return self._replies[key]
        all_headers = dict(principal.headers, **extra)
        if method == "POST" and principal.kind == "session" and principal.csrf:
            all_headers["X-CSRFToken"] = principal.csrf
        self.requests += 1
        started = time.process_time()
        try:
            response = principal.client.open(
                url, method=method, headers=all_headers, follow_redirects=True,
                data=body if json_body is not None else None,
                content_type="application/json" if json_body is not None else None)
        except IdentityError:
            raise
        except Exception as error:  # noqa: BLE001  (the application raised: no reply)
            reply = Reply(principal.key, method, url, 0, "", error=repr(error))
        else:
            _check_identity(principal, response.request.environ)
            reply = Reply(principal.key, method, url, response.status_code,
                          response.get_data(as_text=True))
        spent = time.process_time() - started
        self.cpu.setdefault(principal.kind, []).append(spent)
        self.cpu_by_label[label or url.split("?")[0]] = \
            self.cpu_by_label.get(label or url.split("?")[0], 0.0) + spent
        self._replies[key] = reply
        return reply
