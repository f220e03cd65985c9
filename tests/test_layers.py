"""The architecture's rules, checked on the source: every import edge out of a `station_app` module,
with its full dotted name (`import a.b`, `from a.b import c`, relative imports, imports inside
functions), against what each layer may never import; and no SQL text outside the stores."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "station_app"
QT = ("PySide6", "shiboken6", "qtawesome")
SQLITE = ("sqlite3", "sqlite_utils", "sqlcipher3")


def _app(*layers: str) -> tuple[str, ...]:
    return tuple(f"station_app.{layer}" for layer in layers)


# What each layer must never import (a name and everything under it). DESIGN.md: core is the
# Qt-free, SQL-free domain under everything; forms print core types; store is the only station
# code with SQL; jobs is the application layer over store and forms; sync's protocol is shared,
# so the server imports sync and never the reverse; the server keeps its own storage; ui talks to
# store, jobs and sync but writes no SQL.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "station_app.core": (*_app("store", "ui", "forms", "sync", "server", "jobs", "cli"), *QT, *SQLITE),
    "station_app.forms": (*_app("store", "ui", "sync", "server", "jobs", "cli"), *QT, *SQLITE),
    "station_app.store": (*_app("ui", "forms", "sync", "server", "jobs", "cli"), *QT),
    "station_app.jobs": (*_app("ui", "server", "cli"), *QT, *SQLITE),
    "station_app.sync": (*_app("ui", "forms", "server", "jobs", "cli"), *QT, *SQLITE),
    "station_app.server": (*_app("ui", "forms", "store", "jobs", "cli"), *QT),
    "station_app.ui": (*_app("server", "cli"), *SQLITE),
}
# Edges the rules would refuse that are meant, each with its reason.
ALLOWED = {
    # The county's escrow unseal (command line and console): a station's escrowed database key is
    # sealed in the key ring's format.
    ("station_app.server.escrow", "station_app.store.keyring"),
    # The county prints the 临时救助申请审批表 with its opinion from the station's own form engine
    # (forms take core types only: the server hands it the case as core.relief_views.CaseDetails).
    ("station_app.server.console.relief", "station_app.forms.relief_application"),
    # One reader of numbered migration files (numbering without gaps, statements split as SQLite
    # does) for the station's schema and the county server's.
    ("station_app.server.store.migrations", "station_app.store.migrations"),
    # The county database is SQLCipher through the station's driver: one place knows how to key a
    # connection, tell a plaintext file and convert it.
    ("station_app.server.config", "station_app.store.driver"),
    ("station_app.server.store.backend", "station_app.store.driver"),
    # A station rebuilt from the county gets its head account and recovery code exactly as the
    # first-run set-up makes them (one piece for both: jobs.admin), before it enrolls and pulls.
    ("station_app.sync.rebuild", "station_app.jobs.admin"),
}
SQL = re.compile(r"^\s*(SELECT |INSERT INTO |UPDATE \w+ SET |DELETE FROM |CREATE (TABLE|INDEX|TRIGGER) |ALTER TABLE |"
                 r"DROP |PRAGMA \w+|BEGIN\b|COMMIT\b)")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(module: str, source: str, is_package: bool = False) -> set[str]:
    """The full dotted names `module` imports: `from a.b import c` names a.b.c when c is a module
    of ours, else a.b; relative imports are resolved against the module's package."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
    return found


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """Each import of `module` that its layer forbids, as "module → name"."""
    out = []
    for layer, never in FORBIDDEN.items():
        if module != layer and not module.startswith(layer + "."):
            continue
        for name in sorted(imported(module, source, is_package)):
            if (module, name) not in ALLOWED and any(name == n or name.startswith(n + ".") for n in never):
                out.append(f"{module} → {name}")
    return out


def sql_strings(source: str) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and SQL.match(n.value)]


def test_every_import_edge_keeps_the_layers():
    found = [v for module, path in sorted(MODULES.items())
             for v in violations(module, path.read_text(encoding="utf-8"), path.name == "__init__.py")]
    assert found == []


@pytest.mark.parametrize("source", [
    "from station_app.store.records import RecordStore",
    "import station_app.store.database",
    "from station_app import store",
    "from station_app.store import people",
    "from ..store import records",
    "from .. import store",
    "def later():\n    from station_app.store.database import StationDatabase",
])
def test_a_core_module_importing_the_store_is_caught_however_it_is_written(source):
    found = violations("station_app.core.injected", source)
    assert len(found) == 1 and found[0].startswith("station_app.core.injected → station_app.store"), found


def test_imports_within_the_layer_and_down_the_layers_pass():
    source = "from . import ids\nfrom station_app.core.roles import Actor\nfrom station_app import paths\nimport json"
    assert violations("station_app.core.injected", source) == []
    assert violations("station_app.jobs.injected", "from station_app.store import people\nfrom ..forms import layout") == []


def test_forms_take_core_types_and_ui_runs_no_sqlite():
    assert violations("station_app.forms.injected", "from station_app.store.relief import CaseDetails") == [
        "station_app.forms.injected → station_app.store.relief"]
    assert violations("station_app.ui.injected", "import sqlite3") == ["station_app.ui.injected → sqlite3"]
    assert violations("station_app.core.injected", "from PySide6.QtCore import QObject") == [
        "station_app.core.injected → PySide6.QtCore"]


def test_no_sql_outside_the_stores():
    for module, path in MODULES.items():
        if ".store" in module:  # the station's store and the server's own
            continue
        assert not sql_strings(path.read_text(encoding="utf-8")), module
