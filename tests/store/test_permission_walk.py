"""Issue 6, promise 5: permissions are enforced below the interface. Every command is walked with a user lacking
each permission: what needs that permission is refused (exit 3, one sentence naming it, the store unchanged),
the rest still works; private views and other users' jobs stay invisible through every command. On both stores:
a DuckDB file (the user named with --user), then a PostgreSQL store (each user connected as their own role, whose
grants are their permissions)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pg_server
import pytest
from csv_files import csv_bytes

from cli.main import main
from store.duck import DuckStore as Store
from store.opening import let_go_all

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


@dataclass(frozen=True)
class Walk:
    """The walk's store for one test: a DuckDB file, or a PostgreSQL database (alice's URL of it), and the folder
    of the files to import."""

    location: str
    folder: Path

    @property
    def on_postgresql(self) -> bool:
        return self.location.startswith("postgresql://")

    def as_user(self, user: str) -> list[str]:
        """The options that act as `user`: on PostgreSQL the acting user is the role connected as (cli.md), which
        logs in as the person would (the walk's users may, password `pw`); on a DuckDB file, --user."""
        if not self.on_postgresql:
            return ["--db", self.location, "--user", user]
        if user == "alice":
            return ["--db", self.location]
        return ["--db", f"postgresql://{user}:pw@" + self.location.split("@", 1)[1]]


def _run(walk: Walk, user: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*walk.as_user(user), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _steps(folder: Path) -> list[list[str]]:
    """alice (the first user, an administrator) with three customers, two batches (B1 created them, B2 updated
    C1), a private and a public view, a queued job J1; and one user lacking each permission."""
    first = folder / "first.csv"
    first.write_bytes(
        csv_bytes(
            [["CUSTOMERID", "NAME", "PRINTAS", "CITY"], ["C1", "Ann", "Ann", "Paris"], ["C2", "Bo", "Bo", "Lyon"]]
        )
    )
    second = folder / "second.csv"
    second.write_bytes(csv_bytes([["CUSTOMERID", "CITY"], ["C1", "Nice"]]))
    return [
        ["init"],
        ["import", str(first)],
        ["import", str(second)],
        ["views", "save", "Alice only", "--filter", "CITY~i"],
        ["views", "save", "Shared", "--columns", "CUSTOMERID,NAME", "--public"],
        ["import", str(second), "--offline"],
        *(["users", "add", name, "--perms", ",".join(p for p in LACKING.values() if p != lacks)]
          for name, lacks in LACKING.items()),
    ]  # fmt: skip


def _template(tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> Path:
    """The walk's DuckDB file, made once per test process; each test works on a copy."""
    if _TEMPLATE:
        return _TEMPLATE[0]
    folder = tmp_path_factory.mktemp("walk")
    db = folder / "store.duckdb"
    for argv in _steps(folder):
        code, _, err = _run(Walk(str(db), folder), "alice", argv, capsys)
        assert code == 0, (argv, err)
    _TEMPLATE.append(db)
    return db


@pytest.fixture(scope="module")
def pg_template(pg_alice_db_maker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The walk's PostgreSQL store, made once per module by alice in database D, then renamed D_walk and kept as
    the template each test's copy is made from, under D's own name (the store's roles are named after its
    database): (alice's URL of D, the superuser's URL of the server)."""
    import psycopg

    with pg_alice_db_maker() as url:
        folder = tmp_path_factory.mktemp("walk-pg")
        for argv in _steps(folder):
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
                assert main(["--db", url, *argv]) == 0, (argv, err.getvalue())
        server = pg_server.server_url()
        name = url.rpartition("/")[2]
        let_go_all()
        with psycopg.connect(server, autocommit=True) as con:
            for user in LACKING:
                con.execute(f"ALTER ROLE \"{user}\" LOGIN PASSWORD 'pw'")
            con.execute(f'ALTER DATABASE "{name}" RENAME TO "{name}_walk"')
        try:
            yield url, server
        finally:
            let_go_all()
            with psycopg.connect(server, autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}_walk" WITH (FORCE)')


def _pg_copy(url: str, server: str) -> None:
    """A fresh copy of the template under the store's own name (nobody may be connected to a template while it is
    copied: an autovacuum worker may be, for a moment)."""
    import psycopg

    name = url.rpartition("/")[2]
    with psycopg.connect(server, autocommit=True) as con:
        for attempt in range(50):
            try:
                con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_walk" OWNER alice')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 49:
                    raise
                time.sleep(0.1)


@pytest.fixture(params=["duckdb", "postgresql"])
def walk(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Walk]:
    """Each store in turn, as the template left it: a copy of the DuckDB file, then a copy of the PostgreSQL
    database (dropped after the test)."""
    for name, rows in (
        ("new.csv", [["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "New", "New"]]),
        ("update.csv", [["CUSTOMERID", "NAME"], ["C2", "Bob"]]),
    ):
        (tmp_path / name).write_bytes(csv_bytes(rows))
    if request.param == "duckdb":
        target = tmp_path / "store.duckdb"
        shutil.copyfile(_template(tmp_path_factory, capsys), target)
        yield Walk(str(target), tmp_path)
        return
    import psycopg

    url, server = request.getfixturevalue("pg_template")
    _pg_copy(url, server)
    try:
        yield Walk(url, tmp_path)
    finally:
        let_go_all()
        with psycopg.connect(server, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def contents(walk: Walk) -> dict[str, list[tuple]]:
    """Everything a command could change, table by table (job files and timestamps aside); on PostgreSQL also the
    grants on customers and the memberships of the store's roles, which are its users' permissions."""
    if walk.on_postgresql:
        return _pg_contents(walk)
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
    with Store(Path(walk.location)).read() as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


def _pg_contents(walk: Walk) -> dict[str, list[tuple]]:
    """`contents` read by the server's superuser (past every row-level policy), each table's rows sorted."""
    import psycopg

    database = walk.location.rpartition("/")[2]
    queries = {
        "customers": "SELECT * FROM customers",
        "batches": "SELECT id, kind, user_name, undone_by FROM batches",
        "changes": "SELECT * FROM changes",
        "views": "SELECT * FROM views",
        "mappings": "SELECT owner, name, public, definition FROM mappings",
        "jobs": "SELECT id, state, user_name FROM jobs",
        "users": "SELECT * FROM users",
        "fields": "SELECT * FROM custom_fields",
        "entities": "SELECT * FROM entities",
        "settings": "SELECT key, value, changed_by FROM settings",
        "grants": "SELECT grantee, privilege_type FROM information_schema.role_table_grants "
        "WHERE table_name = 'customers'",
        "memberships": "SELECT r.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
        f"JOIN pg_roles m ON m.oid = a.member WHERE r.rolname LIKE 'custbook\\_{database}\\_%'",
    }
    found = {}
    with psycopg.connect(pg_server.with_database(pg_server.server_url(), database)) as con:
        for name, sql in queries.items():
            cursor = con.execute(sql)
            columns = [c.name for c in cursor.description or ()]
            rows = [tuple(v for c, v in zip(columns, row) if c != "WHENMODIFIED") for row in cursor.fetchall()]
            found[name] = sorted(rows, key=repr)
    return found


def _argv(argv: list[str], folder: Path) -> list[str]:
    return [a.format(new=folder / "new.csv", update=folder / "update.csv") for a in argv]


@pytest.mark.parametrize("user", list(LACKING))
@pytest.mark.parametrize(("name", "argv", "needs", "refused_code"), CASES, ids=[c[0] for c in CASES])
def test_every_command_checks_the_acting_users_permission(
    walk: Walk,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    user: str,
    name: str,
    argv: list[str],
    needs: str | None,
    refused_code: int,
) -> None:
    if user == "nolist" and name in ("undo an update", "import a new customer", "import an update"):
        request.getfixturevalue("pg_gap_without_list")
    before = contents(walk)
    code, out, err = _run(walk, user, _argv(argv, walk.folder), capsys)
    refused = needs == ADMIN or needs == LACKING[user]
    if not refused:
        assert code == 0, err
        return
    assert code == refused_code, (code, out, err)
    assert contents(walk) == before  # refused, or its rows refused: nothing changed
    assert "Traceback" not in err
    if refused_code == 3:
        assert err.count("\n") == 1 and user in err, err  # one sentence naming who
        expected = "business users" if needs == ADMIN else f"{needs.capitalize()} permission"
        assert expected in err, err
    else:
        assert f"{needs.capitalize()} permission" in out + err


@pytest.mark.parametrize("user", list(LACKING))
def test_private_views_and_other_users_jobs_stay_invisible(walk: Walk, capsys, user: str) -> None:
    run: Callable[..., tuple[int, str, str]] = lambda *argv: _run(walk, user, list(argv), capsys)  # noqa: E731
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
    before = contents(walk)
    for argv in (["views", "delete", "Shared"], ["views", "delete", "Alice only"]):
        assert run(*argv)[0] in (1, 3)
    assert contents(walk) == before
    # alice, an administrator, sees the job; her private view is still hers.
    assert _run(walk, "alice", ["jobs", "show", "J1"], capsys)[0] == 0
    assert "Alice only" in _run(walk, "alice", ["views", "list"], capsys)[1]


@pytest.mark.usefixtures("pg_gap_without_list")
def test_an_import_preview_hides_stored_values_from_a_user_without_list(
    walk: Walk, capsys: pytest.CaptureFixture[str]
) -> None:
    """nolist may change customers (Add, Edit) but not see them: the dry run says which rows it applies to which
    customers, not what was stored, nor which fields change (issue 17, item 11: tests/services/test_edit_only_user.py
    shows a changed and an unchanged row read alike)."""
    moved = walk.folder / "moved.csv"
    moved.write_bytes(csv_bytes([["CUSTOMERID", "CITY"], ["C2", "Marseille"]]))
    code, out, err = _run(walk, "alice", ["import", str(moved), "--dry-run"], capsys)
    assert code == 0 and "Lyon -> Marseille" in out  # alice may see customers
    code, out, err = _run(walk, "nolist", ["import", str(moved), "--dry-run"], capsys)
    assert code == 0
    assert "1 to apply to existing customers" in out and "Rows to apply to existing customers (1):" in out
    assert "C2" in out and "Lyon" not in out + err
