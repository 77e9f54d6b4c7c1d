"""Fetching a page of a remote catalogue, safely.

The harvester fetches URLs an administrator typed, and the pages they link
to (``hydra:next``) or redirect to: each of them could point at the portal's
own network. Every request here

- goes to ``http``/``https`` only, redirects included (followed by hand,
  each target checked);
- connects only to public addresses: the host name is resolved once, every
  address checked (private, loopback, link-local, metadata, unique-local…
  refused), and the connection made to the checked address, so a DNS
  answer that changes between the check and the connection gains nothing;
  ``ckanext.metropole.harvest.allow_loopback`` lets tests and the demo use
  127.0.0.1, nothing else;
- has connect and read timeouts, a deadline for the whole document, and a
  size limit counted on the bytes received (compressed bodies decoded in
  bounded steps), whatever ``Content-Length`` says;
- ignores proxies and ``.netrc`` from the environment.

Errors are :class:`FetchError` whose message is safe to show in a job
report: URLs in it lose their user, password and query string. The message
is kept as its English text and its values, so that the job report gets it
in the site's language (:mod:`ckanext.metropole.harvest.messages`) and the
log in English.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import socket
import time
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ckanext.metropole.harvest.messages import N_, site_text

ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.9, "
          "application/n-triples;q=0.8, */*;q=0.1")
USER_AGENT = "ckanext-metropole harvester"
CHUNK = 64 * 1024
MAX_REDIRECTS = 5

# Always refused, even with allow_loopback: the portal's own networks and the
# cloud metadata services (169.254.169.254, fd00:ec2::254).
_FORBIDDEN = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
    "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8"))
_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


class FetchError(Exception):
    """The page could not be fetched; the message is safe to show.

    ``msgid`` is the English message with ``{placeholders}`` for ``params``:
    ``str()`` gives it in English, :meth:`in_site_language` translated."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params))
        self.msgid = msgid
        self.params = params

    def in_site_language(self) -> str:
        return site_text(self.msgid, **self.params)


class ForbiddenAddress(FetchError):
    """The URL (or a redirect, or its DNS answer) leads to a refused address."""


@dataclasses.dataclass(frozen=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_seconds: float = 120.0
    max_bytes: int = 50 * 1024 * 1024
    allow_loopback: bool = False


@dataclasses.dataclass(frozen=True)
class Page:
    url: str  # after redirects
    content: bytes
    content_type: str


def redact(url: str) -> str:
    """The URL without user, password, query string or fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))[:300]
    except ValueError:
        return "(unreadable URL)"


def address_allowed(address: str, allow_loopback: bool = False) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_loopback and any(ip in net for net in _LOOPBACK):
        return True
    return not any(ip in net for net in _FORBIDDEN)


def check_url(url: str, allow_loopback: bool = False) -> None:
    """Refuse anything but an http(s) URL with a host; literal addresses checked."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise FetchError(N_("Not a valid URL: {url}"), url=redact(url)) from None
    if not parts.scheme:
        raise FetchError(N_("Only http and https URLs are harvested, not a path"))
    if parts.scheme not in ("http", "https"):
        raise FetchError(N_("Only http and https URLs are harvested, not {scheme}:"),
                         scheme=parts.scheme[:20])
    if not host:
        raise FetchError(N_("URL without a host: {url}"), url=redact(url))
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address_allowed(str(literal), allow_loopback):
        raise ForbiddenAddress(N_("Refused address {host} (private, loopback, link-local "
                                  "or metadata network): {url}"), host=host, url=redact(url))


def resolve(host: str, port: int, allow_loopback: bool) -> str:
    """The first address of ``host``, once every address it has was checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(N_("Unknown host {host}"), host=host) from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(N_("Unknown host {host}"), host=host)
    refused = [a for a in addresses if not address_allowed(a, allow_loopback)]
    if refused:
        raise ForbiddenAddress(N_("Refused address: {host} resolves to {address} (private, "
                                  "loopback, link-local or metadata network)"),
                               host=host, address=refused[0])
    return addresses[0]


class _Guarded:
    """Mixin for urllib3 connections: connect to a checked address only."""

    allow_loopback = False
    # set by urllib3's HTTPConnection, the class this mixin goes with
    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        self._dns_host = resolve(name.rstrip("."), self.port, self.allow_loopback)
        try:
            sock = super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name
        peer = sock.getpeername()[0]
        if not address_allowed(peer, self.allow_loopback):
            sock.close()
            raise ForbiddenAddress(N_("Refused address {address}"), address=peer)
        return sock


def _pools(allow_loopback: bool) -> dict[str, type]:
    attrs = {"allow_loopback": allow_loopback}
    http_conn = type("GuardedHTTPConnection", (_Guarded, urllib3.connection.HTTPConnection),
                     attrs)
    https_conn = type("GuardedHTTPSConnection",
                      (_Guarded, urllib3.connection.HTTPSConnection), attrs)
    return {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,),
                      {"ConnectionCls": https_conn}),
    }


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, allow_loopback: bool) -> None:
        self._allow_loopback = allow_loopback
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pools(self._allow_loopback)


def session(limits: Limits) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # no proxy, no .netrc from the environment
    s.mount("http://", _GuardedAdapter(limits.allow_loopback))
    s.mount("https://", _GuardedAdapter(limits.allow_loopback))
    s.headers.update({"Accept": ACCEPT, "User-Agent": USER_AGENT})
    return s


def fetch(url: str, limits: Limits) -> Page:
    """GET ``url`` within ``limits``; redirects followed and checked."""
    deadline = time.monotonic() + limits.total_seconds
    with session(limits) as s:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(url, limits.allow_loopback)
            try:
                response = s.get(url, stream=True, allow_redirects=False,
                                 timeout=(limits.connect_timeout, limits.read_timeout))
            except requests.exceptions.ConnectTimeout:
                raise FetchError(N_("Connection timed out: {url}"), url=redact(url)) from None
            except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError) as e:
                if isinstance(e.__context__, FetchError):
                    raise e.__context__ from None
                if isinstance(e, requests.exceptions.ReadTimeout):
                    raise FetchError(N_("No answer in time: {url}"), url=redact(url)) from None
                raise FetchError(N_("Connection failed: {url}"), url=redact(url)) from None
            except requests.exceptions.RequestException:
                raise FetchError(N_("Request failed: {url}"), url=redact(url)) from None
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location") or ""
                    url = urljoin(url, location)
                    continue
                if response.status_code != 200:
                    # the reason phrase is the server's own (HTTP's English)
                    raise FetchError(N_("The server answered {status}: {url}"),
                                     status=f"{response.status_code} {response.reason or ''}"
                                     .strip()[:80], url=redact(url))
                content = _read(response, limits, deadline, url)
                return Page(url=url, content=content,
                            content_type=response.headers.get("Content-Type") or "")
        raise FetchError(N_("More than {count} redirects: {url}"), count=MAX_REDIRECTS,
                         url=redact(url))


def _read(response: requests.Response, limits: Limits, deadline: float, url: str) -> bytes:
    declared = response.headers.get("Content-Length") or ""
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_big(limits, url)
    chunks, size = [], 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise FetchError(N_("The document took more than {seconds} s to arrive: {url}"),
                                 seconds=f"{limits.total_seconds:g}", url=redact(url))
            # read1 returns what has arrived (a slow server cannot hold a
            # whole chunk past the deadline) and decodes in bounded steps
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_bytes:
                raise _too_big(limits, url)
            chunks.append(chunk)
    except (TimeoutError, urllib3.exceptions.ReadTimeoutError):
        raise FetchError(N_("No answer in time: {url}"), url=redact(url)) from None
    except (urllib3.exceptions.HTTPError, OSError):
        raise FetchError(N_("The download was interrupted: {url}"), url=redact(url)) from None
    return b"".join(chunks)


def _too_big(limits: Limits, url: str) -> FetchError:
    return FetchError(N_("The document is larger than the limit of {size} MB: {url}"),
                      size=f"{limits.max_bytes / 1024 / 1024:g}", url=redact(url))
