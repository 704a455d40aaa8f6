"""The layering and the types, checked inside the test suite: import-linter's contracts and mypy, both configured
in pyproject.toml, must pass on the tree. Each checker is also run on a copy that breaks a rule, to show that it
fails there (a check that cannot fail proves nothing).

tests/test_layers.py checks much of the layering again with the AST alone, and that SQL stays in store/."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("core", "formats", "store", "services", "cli", "tui", "custbook.py", "pyproject.toml")
# import-linter has no `python -m` entry point: this runs the click command behind its `lint-imports` script, with
# the interpreter running the tests (so no PATH or virtualenv lookup).
LINT_IMPORTS = (sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()")
MYPY = (sys.executable, "-m", "mypy")


def _run(args: tuple[str, ...], cwd: Path) -> tuple[int, str]:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    return result.returncode, result.stdout + result.stderr


def _contract_names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_import_contracts_are_kept() -> None:
    # --no-cache: nothing left in the work tree, and no stale graph.
    code, output = _run((*LINT_IMPORTS, "--no-cache"), ROOT)
    if code != 0:
        pytest.fail(f"lint-imports exited {code}:\n{output}")


def test_types_check() -> None:
    code, output = _run(MYPY, ROOT)
    if code != 0:
        pytest.fail(f"mypy exited {code}:\n{output}")


@pytest.mark.parametrize(
    ("path", "line", "contract"),
    [
        ("core/values.py", "import duckdb", "pure-domain-and-formats"),
        ("formats/csv/plain.py", "import smtplib", "pure-domain-and-formats"),
        ("tui/session.py", "import duckdb", "tui-no-duckdb"),
        ("cli/main.py", "from rich.text import Text", "cli-no-textual"),
        ("core/errors.py", "import custbook", "entry-point-on-top"),
        ("store/db.py", "import services.imports", "layers"),
        ("cli/main.py", "import tui.app", "layers"),
        ("formats/reader.py", "import store.db", "layers"),
        ("services/undo.py", "import store.history", "store-interface-only"),
        ("cli/commands.py", "from store.db import Store", "store-interface-only"),
        ("store/records.py", "import duckdb", "store-interface-is-database-free"),
    ],
)
def test_import_linter_sees_a_breach(tmp_path: Path, path: str, line: str, contract: str) -> None:
    """A copy of the sources with one forbidden import breaks the contract that forbids it."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    with (tmp_path / path).open("a", encoding="utf-8") as f:
        f.write(f"\n{line}  # a breach planted by tests/test_checks.py\n")
    # The copy comes first on sys.path (lint-imports adds the working directory), before the editable install.
    code, output = _run((*LINT_IMPORTS, "--no-cache", "--contract", contract), tmp_path)
    assert code == 1, output
    assert re.search(rf"^{re.escape(_contract_names()[contract])} BROKEN", output, re.M), output
    module = path.removesuffix(".py").replace("/", ".")
    assert f"{module} -> " in output, output


def test_mypy_settings_reach_the_right_modules(tmp_path: Path) -> None:
    """Strict (here: bare generics) in core/ and services/ only; unannotated functions refused everywhere."""
    bare_generic = "def f(x: list) -> list:\n    return x\n"
    for package, text in [("core", bare_generic), ("store", bare_generic), ("tui", "def g(x):\n    return x\n")]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "planted.py").write_text(text)
    packages = ("-p", "core", "-p", "store", "-p", "tui")
    code, output = _run((*MYPY, "--config-file", str(ROOT / "pyproject.toml"), *packages), tmp_path)
    assert code == 1, output
    errors = sorted(set(re.findall(r"^(\w+)/planted\.py:\d+: error: .*\[([\w-]+)\]$", output, re.M)))
    assert errors == [("core", "type-arg"), ("tui", "no-untyped-def")], output
