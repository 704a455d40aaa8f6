"""Interface fixtures: a small deterministic demo store, and waiting for the list to show its rows (workers are
waited for, never slept on)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.demo import seed_demo
from store.duck import DuckStore as Store
from store.users import resolve_user

_TEMPLATE: list[Path] = []


@pytest.fixture
def demo_db(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A copy of a 300-customer demo store (built once per test process)."""
    if not _TEMPLATE:
        path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
        store = Store(path)
        seed_demo(store, 300, user=resolve_user(store, "alice"))
        _TEMPLATE.append(path)
    target = tmp_path / "demo.duckdb"
    shutil.copyfile(_TEMPLATE[0], target)
    return target
