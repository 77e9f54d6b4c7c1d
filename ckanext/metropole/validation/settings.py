"""Options of the schema validation (declared in ``config_declaration.yaml``)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

MB = 1024 * 1024


def _number(key: str, default: float) -> float:
    try:
        value = float(tk.config.get(key) or default)
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def timeout() -> float:
    """Seconds a check may take before it is stopped."""
    return _number("ckanext.metropole.validation.timeout", 300)


def download_timeout() -> float:
    return _number("ckanext.metropole.validation.download_timeout", 120)


def max_size() -> int:
    """Largest file checked, in bytes."""
    return int(_number("ckanext.metropole.validation.max_size", 50) * MB)


def limit_errors() -> int:
    return int(_number("ckanext.metropole.validation.limit_errors", 1000))


def allow_loopback() -> bool:
    """Tests and the demo only: fetch files and schemas from 127.0.0.1."""
    return tk.asbool(tk.config.get("ckanext.metropole.validation.allow_loopback"))


def job_timeout() -> int:
    """The job queue's limit: the check's and the download's, and a margin."""
    return int(timeout() + download_timeout() + 60)


def catalog_url() -> str:
    return (tk.config.get("ckanext.metropole.schemas.catalog_url")
            or "https://schema.data.gouv.fr/schemas.json").strip()
