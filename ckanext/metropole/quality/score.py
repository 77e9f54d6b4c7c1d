"""A dataset's score, from the dataset as the portal's feeds publish it.

Each indicator is decided from the fields the ``metropole_dcat_ap`` profile
turns into the property MQA checks (``dcat/build.py``): keywords from the
tags, themes, temporal coverage, each resource's address (``dcat:accessURL``
and ``dcat:downloadURL``), format and media type, size, dates, the licence
and the rights statement written from it, the contact point. What the feeds
always write (spatial coverage: the communes or the whole territory; public
access rights from the EU vocabulary; the producing commune as publisher)
always counts.

APIs are distributions too, as the feeds write them and MQA reads them
(``dcat/services.py``): a loaded table's DataStore API is one more
distribution (JSON, its ``datastore_search`` call as access URL, answered by
the portal itself), a resource declared as the producer's API is one without
download link. An API is reached by its access URL (``dcat:accessService``):
it counts for the access address, format, licence and dates, and the
download indicators are those of the files; it has no file size (MQA counts
that point missing on it).

Distribution indicators count only when *every* resource meets them: how
MQA combines several distributions is not documented, and the portal would
rather announce "Good" than have data.europa.eu turn its "Excellent" into
"Good". Reachability (the 50 + 30 points of the addresses that answer) is
checked where the portal can know it, its own uploads (the file is in its
storage); an external link is counted when data.gouv.fr would accept its
address, and marked as not checked.

``points`` is the fast path (a report over every dataset), ``score`` the
same rules with a sentence for each missing point (the dataset page).
"""
from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Iterable
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.metropole import vocab
from ckanext.metropole.logic import hvd, resource_urls
from ckanext.metropole.logic.values import as_list, as_text
from ckanext.metropole.quality.indicators import (
    BY_ID,
    DIMENSIONS,
    INDICATORS,
    MACHINE_READABLE,
    MAXIMUM,
    NON_PROPRIETARY,
    Indicator,
    rating,
)

LINK_SCHEMES = ("http://", "https://", "ftp://", "ftps://")
# what the feeds always write for a dataset of the portal (see above)
ALWAYS = ("spatial", "access_rights", "access_rights_vocabulary", "publisher")


@dataclasses.dataclass(frozen=True)
class Result:
    indicator: Indicator
    met: bool
    # False: counted without the portal being able to check it (an external
    # link's answer)
    checked: bool = True
    advice: tuple[str, ...] = ()

    @property
    def points(self) -> int:
        return self.indicator.points if self.met else 0


@dataclasses.dataclass(frozen=True)
class Score:
    points: int
    rating: str
    results: tuple[Result, ...]
    maximum: int = MAXIMUM

    def dimensions(self) -> list[tuple[str, int, int]]:
        """(dimension, points, maximum) in the methodology's order."""
        out = []
        for name in DIMENSIONS:
            mine = [r for r in self.results if r.indicator.dimension == name]
            out.append((name, sum(r.points for r in mine),
                        sum(r.indicator.points for r in mine)))
        return out

    @property
    def missing(self) -> list[Result]:
        return [r for r in self.results if not r.met]

    @property
    def unchecked(self) -> list[Result]:
        return [r for r in self.results if r.met and not r.checked]


class _Files:
    """Whether an uploaded resource's file is in the portal's storage.

    Known only with CKAN's own file storage; with another uploader (an
    ``IUploader`` plugin: S3…) the portal cannot tell and counts it."""

    def __init__(self) -> None:
        local = not list(p.PluginImplementations(p.IUploader))
        path = tk.config.get("ckan.storage_path") if local else None
        self.root = os.path.join(path, "resources") if path else None

    def stored(self, res: dict[str, Any]) -> bool | None:
        rid = as_text(res.get("id"))
        if self.root is None or not rid:
            return None  # unknown
        return os.path.isfile(f"{self.root}/{rid[0:3]}/{rid[3:6]}/{rid[6:]}")


def _date(value: Any) -> bool:
    text = as_text(value)[:10]
    try:
        datetime.date.fromisoformat(text)
        return True
    except ValueError:
        return False


def _keywords(pkg: dict[str, Any]) -> bool:
    tags = pkg.get("tags")
    if tags:
        return any(as_text(t.get("name") if isinstance(t, dict) else t) for t in tags)
    return bool(as_list(pkg.get("tag_string")))


def _themes(pkg: dict[str, Any]) -> bool:
    themes = vocab.themes()
    return any(code in themes for code in as_list(pkg.get("theme")))


@dataclasses.dataclass
class _Resource:
    """What the feed writes for one resource, as the indicators read it."""

    name: str
    url: str
    linked: bool  # an absolute address: dcat:accessURL and dcat:downloadURL
    answers: bool  # that address answers (or would, for a link)
    checked: bool
    refused: bool  # data.gouv.fr would refuse the link (resource_urls)
    file_type: str | None
    media_type: bool
    size: bool
    issued: bool
    modified: bool
    api: bool = False  # reached by its access URL, no download link


# the format of a DataStore API's distribution (dcat/services.py)
API_FORMAT = "JSON"


def _datastore_api(res: dict[str, Any], name: str) -> _Resource:
    """The distribution of a loaded table's DataStore API: the portal serves it."""
    entry = vocab.file_types().get(API_FORMAT) or {}
    return _Resource(
        name=tk._("{name} (DataStore API)").format(name=name), url="", linked=True,
        answers=True, checked=True, refused=False, file_type=API_FORMAT,
        media_type=bool(entry.get("media_type")), size=False,
        issued=bool(res.get("issued") or res.get("created")),
        modified=bool(res.get("modified") or res.get("metadata_modified")
                      or res.get("last_modified") or res.get("created")), api=True)


def _resources(pkg: dict[str, Any], files: _Files) -> list[_Resource]:
    out = []
    file_types = vocab.file_types()
    for index, res in enumerate(pkg.get("resources") or []):
        if as_text(res.get("state")) == "deleted":
            continue
        url = as_text(res.get("url"))
        upload = as_text(res.get("url_type")) == "upload"
        refused = False
        if upload:
            linked = bool(url)
            stored = files.stored(res)
            answers, checked = (True, False) if stored is None else (stored, True)
        else:
            linked = url.startswith(LINK_SCHEMES)
            refused = linked and resource_urls.refused(url)
            answers, checked = linked and not refused, False
        code = vocab.file_type_code(as_text(res.get("format")))
        try:
            size = int(as_text(res.get("size")) or 0) > 0
        except ValueError:
            size = False
        name = as_text(res.get("name")) or url.rsplit("/", 1)[-1] or f"#{index + 1}"
        out.append(_Resource(
            name=name, url=url, linked=linked, answers=answers, checked=checked,
            refused=refused, file_type=code,
            media_type=bool(code and file_types[code]["media_type"]),
            size=size, issued=bool(res.get("issued") or res.get("created")),
            modified=bool(res.get("modified") or res.get("metadata_modified")
                          or res.get("last_modified") or res.get("created")),
            api=hvd.is_declared_api(res)))
        if hvd.has_datastore_api(res):
            out.append(_datastore_api(res, name))
    return out


def _decide(pkg: dict[str, Any], resources: list[_Resource]) -> dict[str, bool]:
    licence = vocab.licences().get(as_text(pkg.get("license_id")))
    some = bool(resources)

    def every(flag: str) -> bool:
        return some and all(getattr(r, flag) for r in resources)

    # the download indicators are the files' (an API has no download link)
    files = [r for r in resources if not r.api]

    return {
        "keywords": _keywords(pkg),
        "themes": _themes(pkg),
        "spatial": True,
        "temporal": _date(pkg.get("temporal_start")) or _date(pkg.get("temporal_end")),
        "access_url_status": every("answers"),
        "download_url": bool(files) and all(r.linked for r in files),
        "download_url_status": bool(files) and all(r.answers for r in files),
        "format": some and all(r.file_type for r in resources),
        "media_type": every("media_type"),
        "vocabulary": every("media_type"),
        "non_proprietary": some and all(r.file_type in NON_PROPRIETARY for r in resources),
        "machine_readable": some and all(r.file_type in MACHINE_READABLE for r in resources),
        # DCAT-AP requires an access address on every distribution; the rest
        # of the feed conforms by construction (tests/dcat/test_profile.py
        # validates it against the 3.0.0 shapes)
        "dcat_ap": all(r.linked for r in resources),
        "licence": some and licence is not None,
        "known_licence": some and licence is not None
        and licence["uri"].startswith(vocab.EU_LICENCE),
        "access_rights": True,
        "access_rights_vocabulary": True,
        # MQA counts any contact point; the portal wants one data.gouv.fr
        # keeps (it drops a contact point without an email address or a URL)
        "contact_point": bool(as_text(pkg.get("contact_email"))
                              or as_text(pkg.get("contact_uri"))),
        "publisher": True,
        # the feeds write the rights statement of the dataset's licence
        "rights": some and licence is not None,
        "byte_size": every("size"),
        "issued": every("issued"),
        "modified": every("modified"),
    }


_P = {i.id: i.points for i in INDICATORS}
_ALWAYS_POINTS = sum(_P[k] for k in ALWAYS)
# points of the distribution indicators decided by one flag each
_BY_FLAG = (("answers", _P["access_url_status"]),
            ("downloads", _P["download_url_status"]),
            ("linked", _P["download_url"]),
            ("typed", _P["format"]),
            ("media", _P["media_type"] + _P["vocabulary"]),
            ("open", _P["non_proprietary"]),
            ("readable", _P["machine_readable"]),
            ("size", _P["byte_size"]),
            ("issued", _P["issued"]),
            ("modified", _P["modified"]))


# rule by rule the twin of _decide (the tests check they agree): split, the two would drift
def _fast(pkg: dict[str, Any], files: _Files, formats: dict[str, str | None]) -> int:  # noqa: C901
    """``_decide`` for a report: the same rules, no object per resource.

    tests/quality/test_score.py checks that both agree on every case."""
    total = _ALWAYS_POINTS
    if _keywords(pkg):
        total += _P["keywords"]
    if _themes(pkg):
        total += _P["themes"]
    if _date(pkg.get("temporal_start")) or _date(pkg.get("temporal_end")):
        total += _P["temporal"]
    if as_text(pkg.get("contact_email")) or as_text(pkg.get("contact_uri")):
        total += _P["contact_point"]
    answers = linked = typed = media = open_ = readable = size = issued = modified = True
    downloads = True  # every file answers (the APIs' access URLs are in ``answers``)
    count = files_count = 0
    dcat_ap = True  # every API has its access address (the files': ``linked``)
    file_types = vocab.file_types()
    api_code = vocab.file_type_code(API_FORMAT)
    api_media = bool(api_code and file_types[api_code]["media_type"])
    for res in pkg.get("resources") or ():
        get = res.get
        if get("state") == "deleted":
            continue
        count += 1
        api = get("access_kind") == hvd.API
        files_count += not api
        url = as_text(get("url"))
        if get("url_type") == "upload":
            link = bool(url)
            answered = files.stored(res) is not False
        else:
            link = url.startswith(LINK_SCHEMES)
            answered = link and not resource_urls.refused(url)
        answers = answers and answered
        if api:
            dcat_ap = dcat_ap and link
        else:
            linked = linked and link
            downloads = downloads and answered
        raw = get("format") or ""
        if raw not in formats:
            formats[raw] = vocab.file_type_code(as_text(raw))
        code = formats[raw]
        typed = typed and code is not None
        media = media and bool(code and file_types[code]["media_type"])
        open_ = open_ and code in NON_PROPRIETARY
        readable = readable and code in MACHINE_READABLE
        if size:
            try:
                size = int(as_text(get("size")) or 0) > 0
            except ValueError:
                size = False
        issued = issued and bool(get("issued") or get("created"))
        modified = modified and bool(get("modified") or get("metadata_modified")
                                     or get("last_modified") or get("created"))
        if get("datastore_active") and tk.asbool(get("datastore_active")):
            # its DataStore API's distribution: JSON, answered by the portal, no size
            count += 1
            typed, open_ = typed and api_code is not None, open_ and api_code in NON_PROPRIETARY
            media = media and api_media
            readable = readable and api_code in MACHINE_READABLE
            size = False
    flags = {"answers": answers, "linked": linked and files_count > 0, "typed": typed,
             "media": media, "open": open_, "readable": readable, "size": size,
             "issued": issued, "modified": modified,
             "downloads": downloads and files_count > 0}
    if linked and dcat_ap:
        total += _P["dcat_ap"]  # also with no resource, as _decide
    if count:
        total += sum(points for flag, points in _BY_FLAG if flags[flag])
        licence = vocab.licences().get(as_text(pkg.get("license_id")))
        if licence is not None:
            total += _P["licence"] + _P["rights"]
            if licence["uri"].startswith(vocab.EU_LICENCE):
                total += _P["known_licence"]
    return total


def points(pkg: dict[str, Any], files: _Files | None = None) -> int:
    """The dataset's points out of 405 (no explanations: the fast path)."""
    return _fast(pkg, files or _Files(), {})


def many(pkgs: Iterable[dict[str, Any]]) -> list[int]:
    """``points`` of each dataset (one look at the configuration for all)."""
    files, formats = _Files(), {}
    return [_fast(pkg, files, formats) for pkg in pkgs]


def summary(pkgs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Count, mean and the number of datasets in each rating."""
    scores = many(pkgs)
    by_rating = {name: 0 for name in ("excellent", "good", "sufficient", "bad")}
    for value in scores:
        by_rating[rating(value)] += 1
    return {"count": len(scores),
            "mean": round(sum(scores) / len(scores)) if scores else None,
            "ratings": by_rating}


# one branch per indicator: a table of sentences, read top to bottom
def _advice(ind: str, pkg: dict[str, Any], resources: list[_Resource]) -> list[str]:  # noqa: C901
    """What to add for the points of ``ind`` (translated sentences)."""
    named = tk._('Resource "{name}": {what}')

    def each(test: Any, what: str) -> list[str]:
        return [named.format(name=r.name, what=what.format(
            format=r.file_type or "?")) for r in resources if not test(r)]

    if not resources and BY_ID[ind].level == "distribution":
        return [tk._("Add a resource: a file or a link to the data.")]
    if ind == "keywords":
        return [tk._("Add keywords: the words a reuser would search for.")]
    if ind == "themes":
        return [tk._("Choose at least one theme of the EU list.")]
    if ind == "temporal":
        return [tk._("Give the temporal coverage: the period the data describes "
                     "(start date, end date).")]
    if ind in ("access_url_status", "download_url_status"):
        out = []
        for r in resources:
            if r.answers:
                continue
            if not r.linked:
                out.append(named.format(name=r.name, what=tk._("give it a file or a link")))
            elif r.refused:
                out.append(named.format(name=r.name, what=tk._(
                    "its address will not answer the platforms: {reason}").format(
                        reason=resource_urls.problem(r.url))))
            else:
                out.append(named.format(name=r.name, what=tk._(
                    "its file is missing from the portal's storage: upload it again")))
        return out
    if ind == "download_url" and resources and all(r.api for r in resources):
        return [tk._("Add a file for bulk download: an API has no download address.")]
    if ind in ("download_url", "dcat_ap"):
        return each(lambda r: r.linked, tk._("give it a file or a link (the feeds "
                                             "describe a resource by its address)"))
    if ind == "format":
        return each(lambda r: r.file_type, tk._("choose its format in the EU "
                                                "file-type list"))
    if ind in ("media_type", "vocabulary"):
        return each(lambda r: r.media_type, tk._(
            "its format {format} has no media type: choose the format of the file"))
    if ind == "non_proprietary":
        return each(lambda r: r.file_type in NON_PROPRIETARY, tk._(
            "{format} is not an open format: publish the data in an open one too "
            "(CSV, JSON, GeoJSON, ODS…)"))
    if ind == "machine_readable":
        return each(lambda r: r.file_type in MACHINE_READABLE, tk._(
            "{format} cannot be read by a program: publish the data as CSV, JSON, "
            "GeoJSON or XML too"))
    if ind in ("licence", "rights"):
        return [tk._("Choose the licence: Licence Ouverte 2.0 (recommended) or ODbL.")]
    if ind == "known_licence":
        return [tk._("Licence Ouverte 1.0 is not in the EU licence vocabulary: move "
                     "the dataset to Licence Ouverte 2.0.")]
    if ind == "contact_point":
        return [tk._("Give a contact point's email address (a service's, not a "
                     "person's).")]
    if ind == "byte_size":
        return [named.format(name=r.name, what=tk._(
            "an API has no file size: data.europa.eu counts this point missing on "
            "its distribution") if r.api else tk._("give the size of its file in bytes"))
            for r in resources if not r.size]
    if ind in ("issued", "modified"):
        return each(lambda r: getattr(r, ind), tk._("save it again to date it"))
    return []


def score(pkg: dict[str, Any]) -> Score:
    """The dataset's score, each missing point with what to add."""
    resources = _resources(pkg, _Files())
    met = _decide(pkg, resources)
    unchecked = {"access_url_status", "download_url_status"} \
        if any(not r.checked for r in resources) else set()
    results = tuple(
        Result(ind, met[ind.id], checked=ind.id not in unchecked,
               advice=() if met[ind.id] else tuple(_advice(ind.id, pkg, resources)))
        for ind in INDICATORS)
    total = sum(r.points for r in results)
    return Score(points=total, rating=rating(total), results=results)
