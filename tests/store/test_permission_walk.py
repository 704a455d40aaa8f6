"""Issue 6, promise 5: permissions are enforced below the interface. Every command is walked with a user lacking
each permission: what needs that permission is refused (exit 3, one sentence naming it, the store unchanged),
the rest still works; private views and other users' jobs stay invisible through every command."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from csv_files import csv_bytes

from cli.main import main
from store.duck import DuckStore as Store

ADMIN = "ADMIN"  # the case needs an administrator: a business user with every permission
LACKING = {"nolist": "list", "noadd": "add", "noedit": "edit"}  # each user has the other two permissions

# (name, command, what it needs: "list" | "add" | "edit" | ADMIN | None, exit code when refused)
# Imports refuse rows, not the command: a user with Edit but not Add gets the new row as a failed row (exit 1).
CASES: list[tuple[str, list[str], str | None, int]] = [
    ("export", ["export", "--format", "import-csv"], "list", 3),
    ("export a public view", ["export", "--view", "Shared", "--format", "csv"], "list", 3),
    ("views list", ["views", "list"], "list", 3),
    ("views show", ["views", "show", "Shared"], "list", 3),
    ("views save", ["views", "save", "Mine", "--filter", "CITY~a"], "list", 3),
    ("history", ["history"], "list", 3),
    ("history of a customer", ["history", "C1"], "list", 3),
    ("history of a batch", ["history", "--batch", "B2"], "list", 3),
    ("undo an update", ["undo", "B2"], "edit", 3),
    ("import a new customer", ["import", "{new}"], "add", 1),
    ("import an update", ["import", "{update}"], "edit", 1),
    ("queue an import", ["import", "{update}", "--offline"], None, 0),
    ("jobs list", ["jobs", "list"], None, 0),
    # Mappings: anyone lists them; saving needs Add or Edit, which each user here has one of.
    ("mappings list", ["mappings", "list"], None, 0),
    ("mappings save", ["mappings", "save", "Mine", "--map", "Town=CITY"], None, 0),
    ("demo data", ["init", "--demo", "5"], ADMIN, 3),
    ("users add", ["users", "add", "eve", "--perms", "list"], ADMIN, 3),
    ("users remove", ["users", "remove", "noadd"], ADMIN, 3),
    ("fields add", ["fields", "add", "HACK", "--type", "text"], ADMIN, 3),
    ("entities add", ["entities", "add", "XX", "--name", "X"], ADMIN, 3),
    ("entities list", ["entities", "list"], "list", 3),
    ("settings list", ["settings", "list"], ADMIN, 3),
    ("settings set", ["settings", "set", "max-rows", "100000"], ADMIN, 3),
]

_TEMPLATE: list[Path] = []


def _run(db: Path, user: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(db), "--user", user, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _template(tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> Path:
    """alice (the first user, an administrator) with three customers, two batches (B1 created them, B2 updated
    C1), a private and a public view, a queued job J1; and one user lacking each permission."""
    if _TEMPLATE:
        return _TEMPLATE[0]
    folder = tmp_path_factory.mktemp("walk")
    db = folder / "store.duckdb"
    first = folder / "first.csv"
    first.write_bytes(
        csv_bytes(
            [["CUSTOMERID", "NAME", "PRINTAS", "CITY"], ["C1", "Ann", "Ann", "Paris"], ["C2", "Bo", "Bo", "Lyon"]]
        )
    )
    second = folder / "second.csv"
    second.write_bytes(csv_bytes([["CUSTOMERID", "CITY"], ["C1", "Nice"]]))
    steps = [
        ["init"],
        ["import", str(first)],
        ["import", str(second)],
        ["views", "save", "Alice only", "--filter", "CITY~i"],
        ["views", "save", "Shared", "--columns", "CUSTOMERID,NAME", "--public"],
        ["import", str(second), "--offline"],
        *(["users", "add", name, "--perms", ",".join(p for p in LACKING.values() if p != lacks)]
          for name, lacks in LACKING.items()),
    ]  # fmt: skip
    for argv in steps:
        code, _, err = _run(db, "alice", argv, capsys)
        assert code == 0, (argv, err)
    _TEMPLATE.append(db)
    return db


@pytest.fixture
def walk_db(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "store.duckdb"
    shutil.copyfile(_template(tmp_path_factory, capsys), target)
    for name, rows in (
        ("new.csv", [["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "New", "New"]]),
        ("update.csv", [["CUSTOMERID", "NAME"], ["C2", "Bob"]]),
    ):
        (tmp_path / name).write_bytes(csv_bytes(rows))
    return target


def contents(db: Path) -> dict[str, list[tuple]]:
    """Everything a command could change, table by table (job files and timestamps aside)."""
    queries = {
        "customers": 'SELECT * EXCLUDE ("WHENMODIFIED") FROM customers ORDER BY "CUSTOMERID"',
        "batches": "SELECT id, kind, user_name, undone_by FROM batches ORDER BY id",
        "changes": "SELECT * FROM changes ORDER BY ALL",
        "views": "SELECT * FROM views ORDER BY ALL",
        "mappings": "SELECT owner, name, public, definition FROM mappings ORDER BY ALL",
        "jobs": "SELECT id, state, user_name FROM jobs ORDER BY id",
        "users": "SELECT * FROM users ORDER BY ALL",
        "fields": "SELECT * FROM custom_fields ORDER BY ALL",
        "entities": "SELECT * FROM entities ORDER BY ALL",
        "settings": "SELECT key, value, changed_by FROM settings ORDER BY ALL",
    }
    with Store(db).read() as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


def _argv(argv: list[str], folder: Path) -> list[str]:
    return [a.format(new=folder / "new.csv", update=folder / "update.csv") for a in argv]


@pytest.mark.parametrize("user", list(LACKING))
@pytest.mark.parametrize(("name", "argv", "needs", "refused_code"), CASES, ids=[c[0] for c in CASES])
def test_every_command_checks_the_acting_users_permission(
    walk_db: Path,
    capsys: pytest.CaptureFixture[str],
    user: str,
    name: str,
    argv: list[str],
    needs: str | None,
    refused_code: int,
) -> None:
    before = contents(walk_db)
    code, out, err = _run(walk_db, user, _argv(argv, walk_db.parent), capsys)
    refused = needs == ADMIN or needs == LACKING[user]
    if not refused:
        assert code == 0, err
        return
    assert code == refused_code, (code, out, err)
    assert contents(walk_db) == before  # refused, or its rows refused: nothing changed
    assert "Traceback" not in err
    if refused_code == 3:
        assert err.count("\n") == 1 and user in err, err  # one sentence naming who
        expected = "business users" if needs == ADMIN else f"{needs.capitalize()} permission"
        assert expected in err, err
    else:
        assert f"{needs.capitalize()} permission" in out + err


@pytest.mark.parametrize("user", list(LACKING))
def test_private_views_and_other_users_jobs_stay_invisible(walk_db: Path, capsys, user: str) -> None:
    run: Callable[..., tuple[int, str, str]] = lambda *argv: _run(walk_db, user, list(argv), capsys)  # noqa: E731
    jobs = run("jobs", "list", "--json")
    assert jobs[0] == 0 and json.loads(jobs[1]) == []  # alice's J1 is hers
    shown = run("jobs", "show", "J1")
    assert shown[0] == 1 and "There is no job J1" in shown[2]  # not "forbidden": its existence does not leak
    if user == "nolist":
        return  # sees no view at all (the walk above)
    listed = run("views", "list")
    assert "Shared" in listed[1] and "Alice only" not in listed[1]
    for argv in (["views", "show", "Alice only"], ["export", "--view", "Alice only"]):
        code, _, err = run(*argv)
        assert code == 1 and "Alice only" in err, err
    before = contents(walk_db)
    for argv in (["views", "delete", "Shared"], ["views", "delete", "Alice only"]):
        assert run(*argv)[0] in (1, 3)
    assert contents(walk_db) == before
    # alice, an administrator, sees the job; her private view is still hers.
    assert _run(walk_db, "alice", ["jobs", "show", "J1"], capsys)[0] == 0
    assert "Alice only" in _run(walk_db, "alice", ["views", "list"], capsys)[1]


def test_an_import_preview_hides_stored_values_from_a_user_without_list(
    walk_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """nolist may change customers (Add, Edit) but not see them: the dry run says which rows it applies to which
    customers, not what was stored, nor which fields change (issue 17, item 11: tests/services/test_edit_only_user.py
    shows a changed and an unchanged row read alike)."""
    moved = walk_db.parent / "moved.csv"
    moved.write_bytes(csv_bytes([["CUSTOMERID", "CITY"], ["C2", "Marseille"]]))
    code, out, err = _run(walk_db, "alice", ["import", str(moved), "--dry-run"], capsys)
    assert code == 0 and "Lyon -> Marseille" in out  # alice may see customers
    code, out, err = _run(walk_db, "nolist", ["import", str(moved), "--dry-run"], capsys)
    assert code == 0
    assert "1 to apply to existing customers" in out and "Rows to apply to existing customers (1):" in out
    assert "C2" in out and "Lyon" not in out + err
