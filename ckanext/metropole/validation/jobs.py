"""Background checks of resources against their declared schema.

When a dataset is saved (a resource uploaded, its URL changed, the declared
schema or version changed), each resource whose current file and schema have
no report and no check waiting gets one queued, on the same job queue as its
DataStore load (ckanext-xloader's queue for the dataset when xloader runs,
CKAN's default queue otherwise). The job is enqueued once the transaction is
committed, so that the worker, another process, sees what it checks.

Any worker may run a job: the job reads the resource from the database,
checks the file in a forked process with a deadline
(:func:`engine.check_isolated`) and writes the report only if the resource
still has the file and schema it was queued for (a later upload or edit
queued its own check). A check that cannot run (unreadable file, schema not
loadable, timeout) is stored as a failed attempt beside the previous report,
which is kept; nothing else changes.
"""
from __future__ import annotations

import datetime
import logging
import os
import shutil
import tempfile
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.logic import conformity
from ckanext.metropole.logic.values import as_text
from ckanext.metropole.model.validation import schema_validation
from ckanext.metropole.validation import engine, settings

log = logging.getLogger(__name__)
_PENDING = "metropole_validation_jobs"  # Session.info: jobs to enqueue on commit
JOB_TITLE = "metropole schema validation"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def queue_name(package_id: str) -> str:
    """The queue of the dataset's DataStore loads."""
    if p.plugin_loaded("xloader"):
        from ckanext.xloader import jobs as xloader_jobs

        return xloader_jobs.get_default_queue_name(package_id)
    from ckan.lib.jobs import DEFAULT_QUEUE_NAME

    return DEFAULT_QUEUE_NAME


def _model_dataset(package_id: str) -> dict[str, Any] | None:
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state == "deleted":
        return None
    extras = pkg.extras
    return {"id": pkg.id, "name": pkg.name, "conforms_to": extras.get("conforms_to"),
            "schema_version": extras.get("schema_version"),
            "resources": [conformity.stored_resource(r) for r in pkg.resources
                          if r.state == "active"]}


def _upsert(values: dict[str, Any], update: dict[str, Any] | None = None) -> Any:
    statement = insert(schema_validation).values(**values)
    return statement.on_conflict_do_update(
        index_elements=[schema_validation.c.resource_id],
        set_=update if update is not None else
        {k: v for k, v in values.items() if k != "resource_id"})


def schedule(package_id: str, force: bool = False) -> list[str]:
    """Queue a check for each resource of the dataset that needs one (at
    commit); the ids of the resources queued. ``force``: even when the
    current file already has a report or a failed attempt."""
    model.Session.flush()
    pkg = _model_dataset(package_id)
    if pkg is None:
        return []
    rows = conformity.rows_for([pkg["id"]])
    queued = []
    for res in pkg["resources"]:
        found = conformity.subject(res, pkg)
        if found is None or not conformity.checkable(found):
            continue
        key = conformity.resource_key(res, found)
        row = rows.get(res["id"])
        if row is not None and not force and key in (row.resource_key, row.queued_key,
                                                       row.attempt_key):
            continue
        model.Session.execute(_upsert(
            {"resource_id": res["id"], "package_id": pkg["id"], "queued_key": key,
             "queued_at": _now()},
            {"package_id": pkg["id"], "queued_key": key, "queued_at": _now()}))
        model.Session.info.setdefault(_PENDING, {})[res["id"]] = (pkg["id"], key)
        queued.append(res["id"])
    return queued


def _enqueue_pending(session: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    for resource_id, (package_id, key) in (pending or {}).items():
        try:
            tk.enqueue_job(run, [resource_id, key], title=JOB_TITLE,
                           queue=queue_name(package_id),
                           rq_kwargs={"timeout": settings.job_timeout()})
        except Exception:  # noqa: BLE001 - Redis down: the row says "queued", logged
            log.exception("Could not queue the schema check of resource %s", resource_id)


def _forget_pending(session: Any, *_: Any) -> None:
    session.info.pop(_PENDING, None)


sa_event.listen(model.Session, "after_commit", _enqueue_pending)
for _event in ("after_rollback", "after_soft_rollback"):
    sa_event.listen(model.Session, _event, _forget_pending)


# ---------------------------------------------------------------- the job

def _local_file(res: dict[str, Any]) -> str | None:
    """The stored file of an upload, when this worker sees the storage."""
    from ckan.lib import uploader

    if res.get("url_type") != "upload":
        return None
    try:
        path = uploader.get_resource_uploader(res).get_path(res["id"])
    except (AttributeError, TypeError):
        return None
    return path if path and os.path.isfile(path) else None


def _download(res: dict[str, Any], folder: str) -> str:
    from ckanext.metropole.harvest import fetch

    url = as_text(res.get("url"))
    if res.get("url_type") == "upload":
        url = tk.h.url_for("resource.download", id=res["package_id"],
                           resource_id=res["id"], filename=url.rsplit("/", 1)[-1],
                           _external=True)
    limits = fetch.Limits(total_seconds=settings.download_timeout(),
                          max_bytes=settings.max_size(),
                          allow_loopback=settings.allow_loopback())
    try:
        page = fetch.fetch(url, limits)
    except fetch.FetchError as e:
        raise engine.CheckFailed("download", str(e), url=fetch.redact(url)) from None
    path = os.path.join(folder, "file")
    with open(path, "wb") as f:
        f.write(page.content)
    return path


def _copy_or_download(res: dict[str, Any], folder: str) -> str:
    local = _local_file(res)
    if local is None:
        return _download(res, folder)
    if os.path.getsize(local) > settings.max_size():
        raise engine.CheckFailed("too_big", "", size=settings.max_size() // (1024 * 1024))
    return local


def _still_current(resource_id: str, key: str) -> tuple[dict[str, Any], Any] | None:
    res_obj = model.Resource.get(resource_id)
    if res_obj is None or res_obj.state != "active":
        return None
    pkg = _model_dataset(res_obj.package_id or "")
    if pkg is None:
        return None
    res = next((r for r in pkg["resources"] if r["id"] == resource_id), None)
    found = conformity.subject(res, pkg) if res else None
    if res is None or found is None or conformity.resource_key(res, found) != key:
        return None
    return pkg, res


def _reindex(package_id: str) -> None:
    from ckan.lib import search

    try:
        search.rebuild(package_id)
    except Exception:  # noqa: BLE001 - the report is stored; the index catches up later
        log.exception("Could not index dataset %s after its schema check", package_id)


def run(resource_id: str, key: str) -> str:
    """The job: check the resource's file, store the report (or the failure)."""
    current = _still_current(resource_id, key)
    if current is None:
        log.info("Schema check of %s skipped: the resource changed since it was queued",
                 resource_id)
        return "skipped"
    pkg, res = current
    found = conformity.subject(res, pkg)
    assert found is not None
    schema = found.schema()
    start = time.perf_counter()
    folder = tempfile.mkdtemp(prefix="metropole-validation-")
    try:
        if schema is None or not schema.checked:
            raise engine.CheckFailed("schema", f"{found.schema_id} {found.version or ''}",
                                     schema=found.schema_id, version=found.version)
        path = _copy_or_download(res, folder)
        report = engine.check_isolated(path, schema, settings.limit_errors(),
                                       settings.timeout())
    except engine.CheckFailed as failure:
        _store_failure(pkg, res, key, failure)
        return "failed"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    seconds = time.perf_counter() - start
    report["schema"] = {"id": schema.id, "version": schema.version, "title": schema.title}
    stored = _store_report(pkg, res, key, schema, report, seconds)
    log.info("Schema check of %s against %s %s: %s in %.2f s", resource_id, schema.id,
             schema.version, "valid" if report["valid"] else "invalid", seconds,
             extra={"metropole_step": "schema_validation", "metropole_seconds": seconds})
    return ("valid" if report["valid"] else "invalid") if stored else "skipped"


def _store_report(pkg: dict[str, Any], res: dict[str, Any], key: str,
                  schema: Any, report: dict[str, Any], seconds: float) -> bool:
    if _still_current(res["id"], key) is None:
        model.Session.rollback()
        return False
    now = _now()
    values = {"resource_id": res["id"], "package_id": pkg["id"], "schema_id": schema.id,
              "schema_version": schema.version, "resource_key": key,
              "status": conformity.VALID if report["valid"] else conformity.INVALID,
              "checked_at": now, "seconds": seconds, "rows_checked": report.get("rows"),
              "error_count": report["error_count"], "report": report,
              "attempt_key": key, "attempt_at": now, "attempt_error": None}
    update = {k: v for k, v in values.items() if k != "resource_id"}
    # the queue mark goes only if no later check was queued meanwhile
    update["queued_key"] = sa.case(
        (schema_validation.c.queued_key == key, None), else_=schema_validation.c.queued_key)
    model.Session.execute(_upsert(values, update))
    model.Session.commit()
    _reindex(pkg["id"])
    return True


def _store_failure(pkg: dict[str, Any], res: dict[str, Any], key: str,
                   failure: engine.CheckFailed) -> None:
    log.warning("Schema check of %s could not run: %s", res["id"], failure)
    if _still_current(res["id"], key) is None:
        model.Session.rollback()
        return
    now = _now()
    values = {"resource_id": res["id"], "package_id": pkg["id"], "attempt_key": key,
              "attempt_at": now, "attempt_error": failure.as_dict()}
    update = {k: v for k, v in values.items() if k != "resource_id"}
    update["queued_key"] = sa.case(
        (schema_validation.c.queued_key == key, None), else_=schema_validation.c.queued_key)
    model.Session.execute(_upsert(values, update))
    model.Session.commit()
    _reindex(pkg["id"])


def _declares_schema(pkg_dict: dict[str, Any]) -> bool:
    """Whether the saved dataset (or one of its resources) names a schema:
    most datasets do not, and skip every query."""
    if as_text(pkg_dict.get("conforms_to")):
        return True
    if any(e.get("key") == "conforms_to" and as_text(e.get("value"))
           for e in pkg_dict.get("extras") or [] if isinstance(e, dict)):
        return True
    return any(as_text(r.get("conforms_to")) for r in pkg_dict.get("resources") or []
               if isinstance(r, dict))


def after_dataset_saved(pkg_dict: dict[str, Any]) -> None:
    """``IPackageController.after_dataset_create/update``: queue what needs a check."""
    if pkg_dict.get("id") and _declares_schema(pkg_dict):
        schedule(pkg_dict["id"])
