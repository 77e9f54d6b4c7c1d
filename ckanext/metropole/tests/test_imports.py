"""Imports go down, never back up or sideways (the house rules of the README).

Every module of the package is read (its syntax tree, imports inside
functions included) and each import of another part of ckanext-metropole
is checked against the arrows allowed below.
"""
from __future__ import annotations

import ast
import pathlib
from typing import Iterator

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "ckanext.metropole"
CAPABILITIES = {"logic", "committee", "dcat", "harvest", "search", "datastore", "catalogue",
                "communes", "quality", "validation"}
# Shared, at the bottom: they import no capability package.
BASE = {"config", "vocab", "territory", "territory_load", "compat", "spreadsheet", "model",
        "schema_registry", "csv_export"}
# Capability package -> capability packages it may import (and, for the
# committee, which of its modules: None for any).
ALLOWED = {
    # the gate asks the quality score's minimum (issue 20); quality reads logic
    # too: a cycle to break by moving the minimum into logic
    "logic": {"committee": {"model", "state"}, "quality": None},
    "committee": {"logic": None},
    "dcat": {"logic": None, "committee": {"state"}},
    "harvest": {"logic": None, "dcat": {"read"}},
    "datastore": {"logic": None},
    "catalogue": {"logic": None},
    "search": {},
    "communes": {"logic": None},
    "quality": {"logic": None},
    "validation": {"logic": None, "harvest": {"fetch"}},
}


def modules(root: pathlib.Path = ROOT) -> Iterator[tuple[tuple[str, ...], pathlib.Path]]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in ("tests", "migration"):
            continue
        yield rel.with_suffix("").parts, path


def imported(path: pathlib.Path) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The parts of ckanext-metropole a module imports: ``("committee", "state")``…"""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == PACKAGE:
                names = [f"{PACKAGE}.{alias.name}" for alias in node.names]
            elif node.module.startswith(PACKAGE + "."):
                # from ckanext.metropole.committee import state: the module state
                names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith(PACKAGE + "."):
                yield node.lineno, tuple(name.split(".")[2:])


def violations(root: pathlib.Path = ROOT) -> list[str]:
    found = []
    for parts, path in modules(root):
        source = parts[0]
        where = "/".join(parts) + ".py"
        for line, target in imported(path):
            head = target[0]
            if "plugin" in target[:2]:
                found.append(f"{where}:{line} imports {'.'.join(target[:2])}: plugins only wire")
                continue
            if head == source:
                continue
            if source in BASE and head in CAPABILITIES:
                found.append(f"{where}:{line} imports {head}: shared modules import no package")
            if source in CAPABILITIES and head in CAPABILITIES:
                allowed = ALLOWED[source]
                if head not in allowed:
                    found.append(f"{where}:{line} imports {head}: no arrow {source} -> {head}")
                elif allowed[head] is not None and (len(target) < 2
                                                    or target[1] not in allowed[head]):
                    found.append(f"{where}:{line} imports {'.'.join(target)}: {source} may "
                                 f"import only {sorted(allowed[head])} from {head}")
    return found


def test_imports_follow_the_arrows():
    assert violations() == []


def test_the_rules_see_every_module():
    # the walk reads the package itself, and finds the committee's read side
    seen = {parts for parts, _ in modules()}
    assert ("committee", "state") in seen and ("logic", "publication") in seen
    gate = ROOT / "logic" / "gate.py"
    assert ("committee", "state") in {t for _, t in imported(gate)}


def test_the_rules_catch_an_arrow_back_up(tmp_path):
    (tmp_path / "logic").mkdir()
    (tmp_path / "config.py").write_text("from ckanext.metropole.committee.model import COLLEGES\n")
    (tmp_path / "logic" / "action.py").write_text(
        "def actions():\n    from ckanext.metropole.dcat import api\n"
        "    from ckanext.metropole.committee import reviews\n"
        "    from ckanext.metropole import plugin\n")
    assert sorted(violations(tmp_path)) == [
        "config.py:1 imports committee: shared modules import no package",
        "logic/action.py:2 imports dcat: no arrow logic -> dcat",
        "logic/action.py:3 imports committee.reviews: logic may import only "
        "['model', 'state'] from committee",
        "logic/action.py:4 imports plugin: plugins only wire",
    ]
