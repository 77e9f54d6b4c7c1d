"""Imports go down, never back up or sideways (the house rules of the README).

Every module of the package is read (its syntax tree, imports inside
functions included) and each import of another part of ckanext-metropole
is checked against the arrows allowed below.
"""
from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "ckanext.metropole"
CAPABILITIES = {"logic", "committee", "dcat", "harvest", "search", "datastore", "catalogue",
                "communes", "quality", "validation", "hvd"}
# Shared, at the bottom: they import no capability package.
BASE = {"config", "vocab", "territory", "territory_load", "compat", "spreadsheet", "model",
        "schema_registry", "csv_export"}
# Capability package -> capability packages it may import (and, for the
# committee, which of its modules: None for any).
ALLOWED = {
    "logic": {"committee": {"model", "state"}},
    # a proposal needs the quality score's minimum (issue 20)
    "committee": {"logic": None, "quality": {"gate"}},
    "dcat": {"logic": None, "committee": {"state"}},
    "harvest": {"logic": None, "dcat": {"read"}},
    "datastore": {"logic": None},
    "catalogue": {"logic": None},
    "search": {},
    "communes": {"logic": None},
    "quality": {"logic": None},
    "validation": {"logic": None, "harvest": {"fetch"}},
    # the HVD list and counts (issue 21); the committee's report asks them
    # through the action, not the module
    "hvd": {"logic": None},
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
                yield getattr(node, "lineno", 0), tuple(name.split(".")[2:])


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


def test_the_arrows_make_no_cycle():
    # Arrows to a whole package (None) make no loop; those to named modules
    # (committee.model and .state, dcat.read, harvest.fetch, quality.gate) go
    # to modules at the bottom of their package. logic <-> quality was a loop
    # (logic/gate asked the quality minimum): the committee asks it now.
    whole = {source: {head for head, parts in heads.items() if parts is None}
             for source, heads in ALLOWED.items()}

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(head == goal or (head not in seen and reaches(head, goal, seen | {head}))
                   for head in whole.get(start, set()))
    assert [p for p in ALLOWED if reaches(p, p)] == []
    assert "quality" not in ALLOWED["logic"]


def test_the_rules_see_every_module():
    # the walk reads the package itself, and finds the committee's read side
    seen = {parts for parts, _ in modules()}
    assert ("committee", "state") in seen
    assert ("logic", "publication") in seen
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
