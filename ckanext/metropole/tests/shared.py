"""Where the tests find ``../shared`` (official shapes, schemas, reference lists).

Beside the repository by default (``make test``, CI); ``METROPOLE_SHARED``
names it when the checkout lives elsewhere (a git worktree). Tests that need
it skip with a clear message when it is absent.
"""
from __future__ import annotations

import os
import pathlib

SHARED = pathlib.Path(os.environ.get("METROPOLE_SHARED")
                      or pathlib.Path(__file__).resolve().parents[3].parent / "shared")
