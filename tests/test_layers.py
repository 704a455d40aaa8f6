"""The layering of house style, enforced: store/ and formats/ never import textual (or rich), formats/ never
imports store/ or tui/, store/ never imports formats/ or tui/, tui/ never imports duckdb; SQL strings stay in
store/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "core": {"textual", "rich", "duckdb", "smtplib", "formats", "store", "services", "cli", "tui"},
    "formats": {"textual", "rich", "duckdb", "smtplib", "store", "services", "cli", "tui"},
    "store": {"textual", "rich", "smtplib", "formats", "services", "cli", "tui"},
    "services": {"textual", "rich", "cli", "tui"},
    "cli": {"textual", "tui"},
    "tui": {"duckdb", "cli"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    bad = {str(f.relative_to(ROOT)): sorted(_imports(f) & FORBIDDEN[package]) for f in files}
    assert {k: v for k, v in bad.items() if v} == {}


_SQL = re.compile(
    r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|DELETE\s+FROM|CREATE\s+(TEMP\s+)?TABLE|UPDATE\s+\w+\s+SET)\b", re.I
)


@pytest.mark.parametrize("package", ["core", "formats", "services", "cli", "tui"])
def test_sql_lives_only_in_store(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.search(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_layering_test_sees_a_violation(tmp_path: Path) -> None:
    """The checker itself must fail on a module that breaks the rule (guards against a test that cannot fail)."""
    bad = tmp_path / "bad.py"
    bad.write_text("import duckdb\nfrom textual.app import App\n")
    assert _imports(bad) >= {"duckdb", "textual"}
