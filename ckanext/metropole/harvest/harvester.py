"""What the ``metropole_dcat_rdf`` harvester adds to ckanext-dcat's.

ckanext-dcat's :class:`DCATRDFHarvester` does the harvesting; this module
holds the portal's rules, called from its hooks (``plugin.py``):

- :func:`filtered`: the territory filter, counting kept and skipped
  datasets, and the provenance of each kept one;
- :func:`prepare`: flag, provenance, licence and "nothing changed" check
  before a dataset is created or updated;
- :func:`record_skipped` / :func:`job_counts`: the filter's counts in the
  job report.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from ckanext.dcat.processors import RDFParser
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.metropole import vocab
from ckanext.metropole.harvest import licences, territory_filter
from ckanext.metropole.harvest.messages import N_, site_text
from ckanext.metropole.logic import external

SKIPPED = "skipped"  # report_status of the job's records of skipped datasets


@dataclasses.dataclass
class Run:
    """One gather stage of a job."""
    source_name: str
    keep_all: bool = False
    allow_empty: bool = False
    rdf_format: str | None = None
    pages: int = 0
    seen_urls: set[str] = dataclasses.field(default_factory=set)
    datasets: int = 0
    skipped: list[str] = dataclasses.field(default_factory=list)
    failed: bool = False


def source_config(raw: str | None) -> dict[str, Any]:
    try:
        config = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def validate_config(raw: str | None) -> None:
    """Raise ValueError for a source configuration the harvester cannot honour."""
    config = source_config(raw)
    # checked in the request of the source's form: the user's language
    if raw and not config and raw.strip() not in ("{}", ""):
        raise ValueError(tk._("The configuration must be a JSON object"))
    for key in ("keep_all", "allow_empty"):
        if key in config and not isinstance(config[key], bool):
            raise ValueError(tk._("{key} must be true or false").format(key=key))


def _identifier(g: Any, ref: Any) -> str:
    for value in g.objects(ref, DCTERMS.identifier):
        return str(value)
    return str(ref) if isinstance(ref, URIRef) else ""


def _landing_page(g: Any, ref: Any) -> str:
    for value in g.objects(ref, DCAT.landingPage):
        return str(value)
    return str(ref) if str(ref).startswith(("http://", "https://")) else ""


def _source_licence(g: Any, ref: Any) -> str:
    """The dataset's licence, or its first distribution's: a URI or a title."""
    holders = [ref] + list(g.objects(ref, DCAT.distribution))
    for holder in holders:
        for licence in g.objects(holder, DCTERMS.license):
            if isinstance(licence, URIRef):
                return str(licence)
            if isinstance(licence, Literal):
                return str(licence)
            if isinstance(licence, BNode):
                for title in g.objects(licence, DCTERMS.title):
                    return str(title)
    return ""


def set_extra(pkg: dict[str, Any], key: str, value: str) -> None:
    extras = [e for e in pkg.get("extras") or [] if e.get("key") != key]
    if value:
        extras.append({"key": key, "value": value})
    pkg["extras"] = extras


class FilteredParser(RDFParser):
    """The parsed page, giving only the datasets about the territory."""

    def __init__(self, parsed: RDFParser, kept: list[Any], run: Run) -> None:
        # no RDFParser.__init__: the graph and profiles are the parsed page's
        self.__dict__.update(parsed.__dict__)
        self._kept = kept
        self._run = run

    def _datasets(self) -> Iterator[Any]:
        yield from self._kept

    def datasets(self) -> Iterator[dict[str, Any]]:
        for ref, pkg in zip(self._kept, super().datasets(), strict=True):
            yield provenance(self.g, ref, pkg, self._run.source_name)

    def next_page(self) -> str | None:
        url = super().next_page()
        # a page linking back to one already read ends the catalogue
        return None if url in self._run.seen_urls else url


def provenance(g: Any, ref: Any, pkg: dict[str, Any], source_name: str) -> dict[str, Any]:
    """Flag the dataset as external, note where it comes from, map its licence."""
    set_extra(pkg, external.MARKER, source_name)
    set_extra(pkg, external.URL, _landing_page(g, ref))
    set_extra(pkg, external.IDENTIFIER, _identifier(g, ref))
    source_licence = _source_licence(g, ref)
    mapped = licences.portal_licence(source_licence) \
        or licences.portal_licence(pkg.get("license_id") or "")
    if mapped:
        pkg["license_id"] = mapped
        set_extra(pkg, external.LICENCE, "")
    else:
        pkg["license_id"] = source_licence
        set_extra(pkg, external.LICENCE, source_licence)
    pkg["opening_status"] = vocab.OPENING_OPEN
    pkg.pop("producing_commune", None)
    return pkg


def filtered(parsed: RDFParser, run: Run) -> tuple[RDFParser | None, list[str]]:
    """The page's datasets about the territory (all with ``keep_all``)."""
    g = parsed.g
    refs = list(parsed._datasets())
    run.datasets += len(refs)
    if run.keep_all:
        kept = refs
    else:
        where = territory_filter.area()
        kept = []
        for ref in refs:
            if territory_filter.concerns(g, ref, where):
                kept.append(ref)
            else:
                run.skipped.append(_identifier(g, ref) or str(ref))
    last_page = parsed.next_page() in (None, *run.seen_urls)
    if last_page and run.datasets == 0 and not run.allow_empty:
        run.failed = True
        return None, [site_text(N_(
            "The catalogue lists no dataset: nothing was changed (set \"allow_empty\": "
            "true in the source's configuration if it may be empty)"))]
    return FilteredParser(parsed, kept, run), []


def content_hash(pkg: dict[str, Any]) -> str:
    """Fingerprint of what the source says about a dataset."""
    copy = {k: v for k, v in pkg.items() if k not in ("id", "name")}
    copy["extras"] = sorted(
        (e for e in pkg.get("extras") or []
         if e.get("key") not in (external.DATE, external.HASH)),
        key=lambda e: str(e.get("key")))
    copy["resources"] = [{k: v for k, v in r.items() if k != "id"}
                         for r in pkg.get("resources") or []]
    text = json.dumps(copy, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare(pkg: dict[str, Any], existing: dict[str, Any] | None) -> bool:
    """Date and fingerprint the dataset; False when the source changed nothing."""
    digest = content_hash(pkg)
    if existing is not None and existing.get("state") == "active" \
            and external.field(existing, external.HASH) == digest:
        return False
    set_extra(pkg, external.HASH, digest)
    set_extra(pkg, external.DATE, datetime.datetime.now(datetime.timezone.utc)
              .replace(microsecond=0).isoformat())
    return True


def record_skipped(job: Any, identifiers: list[str]) -> None:
    """One finished record per skipped dataset: the job's stats count them."""
    if not identifiers:
        return
    now = datetime.datetime.utcnow()
    model.Session.execute(sa.insert(HarvestObject.__table__), [
        {"id": _uuid(), "guid": guid[:2000], "current": False, "state": "COMPLETE",
         "report_status": SKIPPED, "harvest_job_id": job.id,
         "harvest_source_id": job.source_id, "gathered": now, "retry_times": 0,
         "fetch_started": now, "fetch_finished": now}
        for guid in identifiers])
    model.Session.commit()


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def discard_job_objects(job: Any) -> None:
    """A failed gather leaves nothing to import (and no job stuck waiting)."""
    ids = sa.select(HarvestObject.id).where(HarvestObject.harvest_job_id == job.id)
    model.Session.execute(sa.delete(HarvestObjectExtra.__table__)
                          .where(HarvestObjectExtra.harvest_object_id.in_(ids)))
    model.Session.execute(sa.delete(HarvestObject.__table__)
                          .where(HarvestObject.harvest_job_id == job.id))
    model.Session.commit()


def job_counts(job_id: str) -> dict[str, int] | None:
    """Datasets the territory filter kept and skipped in a job (None: not a
    job of a ``metropole_dcat_rdf`` source)."""
    from ckanext.harvest.model import HarvestJob

    job = HarvestJob.get(job_id)
    if job is None or job.source is None or job.source.type != "metropole_dcat_rdf":
        return None
    deletion = sa.select(HarvestObjectExtra.harvest_object_id).where(
        HarvestObjectExtra.key == "status", HarvestObjectExtra.value == "delete")
    rows = model.Session.execute(
        sa.select(HarvestObject.report_status == SKIPPED, sa.func.count())
        .where(HarvestObject.harvest_job_id == job_id,
               HarvestObject.id.not_in(deletion))
        .group_by(HarvestObject.report_status == SKIPPED)).all()
    counts = {"kept": 0, "skipped": 0}
    for skipped, count in rows:
        counts["skipped" if skipped else "kept"] += count
    return counts
