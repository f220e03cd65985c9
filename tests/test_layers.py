"""The architecture's rules, checked on the source: core has no Qt and no SQL; only store does SQL."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "station_app"
SQL = re.compile(r"^\s*(SELECT |INSERT INTO |UPDATE \w+ SET |DELETE FROM |CREATE (TABLE|INDEX|TRIGGER) |ALTER TABLE |"
                 r"DROP |PRAGMA \w+|BEGIN\b|COMMIT\b)")


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def sql_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and SQL.match(n.value)]


def test_core_imports_neither_qt_nor_sqlite():
    for path in (PACKAGE / "core").glob("*.py"):
        assert not imports(path) & {"PySide6", "shiboken6", "qtawesome", "sqlite3", "sqlite_utils"}, path.name


def test_store_and_forms_do_not_import_qt():
    for folder in ("store", "forms"):
        for path in (PACKAGE / folder).glob("*.py"):
            assert not imports(path) & {"PySide6", "shiboken6", "qtawesome"}, path.name


def test_no_sql_outside_the_store():
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "store":
            continue
        assert "sqlite3" not in imports(path) and not sql_strings(path), path.relative_to(PACKAGE)
