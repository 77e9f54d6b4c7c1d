"""Typed accessors for the committee's options (``ckanext.metropole.committee.*``).

Declared, with their defaults, in ``config_declaration.yaml``.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.metropole.committee.model import COLLEGES


def seats() -> dict[str, int]:
    """Seats of each college of the committee."""
    return {college: tk.asint(tk.config.get(f"ckanext.metropole.committee.seats.{college}"))
            for college in COLLEGES}


def secretaries() -> list[str]:
    """User names acting as the committee's secretary."""
    return tk.aslist(tk.config.get("ckanext.metropole.committee.secretaries") or "")


def deadline_days() -> int:
    """Days the committee has to render its avis once a review is open."""
    return tk.asint(tk.config.get("ckanext.metropole.committee.deadline_days"))


def comment_max_length() -> int:
    """Longest comment, motivation or justification (characters)."""
    return tk.asint(tk.config.get("ckanext.metropole.committee.comment_max_length"))


def auto_open() -> bool:
    """Open a review as soon as a dataset is proposed (no secretary step)."""
    return tk.asbool(tk.config.get("ckanext.metropole.committee.auto_open"))
