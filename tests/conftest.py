"""Shared fixtures: a throwaway store per test, a helper running the real `custbook` entry point in-process, and
a helper writing CSV files the way spreadsheet programs do."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pg_server
import pytest
from csv_files import csv_bytes

from cli.main import main
from core.users import User
from store.base import CustomerStore
from store.duck import DuckStore as Store
from store.opening import let_go_all, open_store
from store.pg import PgStore
from store.users import resolve_user

# Every test speaks English unless it asks for French (set_language / --lang / monkeypatch): the machine's locale
# (a French CI runner, a developer's LANG=fr_FR.UTF-8) must not change what the tests read. Subprocesses inherit it.
os.environ["CUSTBOOK_LANG"] = "en"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)


_EMPTY: list[Path] = []  # one new store per test process, copied for each test (a copy is ~1 ms, a creation ~30)


@pytest.fixture
def db(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty store (no users yet): what `custbook init` makes. Only init creates a store (cli.md), so the
    commands a test runs find one here, as they would after the user's init."""
    if not _EMPTY:
        made = tmp_path_factory.mktemp("empty") / "store.duckdb"
        with Store(made).write():
            pass
        _EMPTY.append(made)
    path = tmp_path / "store.duckdb"
    shutil.copyfile(_EMPTY[0], path)
    os.chmod(path, 0o600)  # as init leaves it
    return path


@pytest.fixture
def store(db: Path) -> Store:
    return Store(db)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database on the tests' server (tests/pg_server.py), dropped after the test; the
    superuser's URL."""
    url = pg_server.new_database()
    yield url
    let_go_all()
    pg_server.drop_database(url)


@pytest.fixture
def pg_db(pg_url: str) -> str:
    """A new, empty custbook store (no users yet) in a PostgreSQL database, as `custbook init` makes it: its URL."""
    with PgStore(pg_url, create=True).write():
        pass
    return pg_url


ALICE_PASSWORD = "alice-pw"


@pytest.fixture
def pg_alice_db(pg_url: str) -> str:
    """A new, empty PostgreSQL store made by the role `alice` (who may log in and create roles, and owns the
    database), as a team's owner role would make it: alice becomes its first user, as on the DuckDB `db`. Her URL."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(
            "DO $x$ BEGIN CREATE ROLE alice LOGIN CREATEROLE PASSWORD 'alice-pw'; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $x$"
        )
        con.execute(f'ALTER DATABASE "{pg_url.rpartition("/")[2]}" OWNER TO alice')
    parts = pg_url.split("@", 1)[1]
    url = f"postgresql://alice:{ALICE_PASSWORD}@{parts}"
    with PgStore(url, create=True).write():
        pass
    return url


@pytest.fixture(params=["duckdb", "postgresql"])
def cli_any(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """`cli` on each store in turn: a DuckDB file as alice, then a PostgreSQL store connected as the role alice."""
    monkeypatch.delenv("CUSTBOOK_DB", raising=False)
    if request.param == "duckdb":
        monkeypatch.setenv("CUSTBOOK_USER", "alice")
        location = str(request.getfixturevalue("db"))
    else:
        monkeypatch.delenv("CUSTBOOK_USER", raising=False)
        location = request.getfixturevalue("pg_alice_db")
        superuser = request.getfixturevalue("pg_url")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        words, where = list(args), location
        named = os.environ.pop("CUSTBOOK_USER", None) if request.param == "postgresql" else None
        if request.param == "postgresql" and ("--user" in words or named):
            # On PostgreSQL a user acts by connecting as their role (--user or CUSTBOOK_USER naming another is
            # refused): the test logs in as that role, as the person would, once the server lets it (LOGIN and a
            # password).
            role = named or ""
            if "--user" in words:
                at = words.index("--user")
                role = words[at + 1]
                del words[at : at + 2]
            if role != "alice":
                import psycopg

                with psycopg.connect(superuser, autocommit=True) as con:
                    if con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                        con.execute(f"ALTER ROLE \"{role}\" LOGIN PASSWORD 'pw'")
                where = f"postgresql://{role}:pw@" + location.split("@", 1)[1]
        try:
            code = main(["--db", where, *words])
        finally:
            if named is not None:
                os.environ["CUSTBOOK_USER"] = named
        let_go_all()
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(params=["duckdb", "postgresql"])
def location(request: pytest.FixtureRequest) -> str:
    """Each store in turn, new and empty (no users yet): a DuckDB file's path, then a PostgreSQL database's URL.
    The tests of what every store must do take this one fixture."""
    if request.param == "duckdb":
        return str(request.getfixturevalue("db"))
    return str(request.getfixturevalue("pg_db"))


@pytest.fixture
def any_store(location: str) -> CustomerStore:
    """The store at `location`, through the interface the services and front ends see."""
    return open_store(location)


@pytest.fixture(params=["duckdb", "postgresql"])
def both_stores(request: pytest.FixtureRequest) -> Store:
    """Each store in turn for a service test: a DuckDB file, then a PostgreSQL database made by the role alice (the
    services do not know which they talk to). A module takes it as its `store` fixture."""
    if request.param == "duckdb":
        return Store(request.getfixturevalue("db"))
    return open_store(request.getfixturevalue("pg_alice_db"))  # type: ignore[return-value]


@pytest.fixture
def both_stores_alice(both_stores: Store) -> User:
    """The store's first user, its administrator: alice (on PostgreSQL, the role the store's URL connects as)."""
    return both_stores.users.resolve("alice" if isinstance(both_stores, Store) else "")


@pytest.fixture
def alice(store: Store) -> User:
    """The first user of a new store: a business user with every permission."""
    return resolve_user(store, "alice")


@pytest.fixture
def cli(db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    monkeypatch.setenv("CUSTBOOK_USER", "alice")
    monkeypatch.delenv("CUSTBOOK_DB", raising=False)

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(["--db", str(db), *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1, 10_000))

    def write(rows: Sequence[Sequence[str]], name: str | None = None, **kw: str) -> Path:
        path = tmp_path / (name or f"file{next(counter)}.csv")
        path.write_bytes(csv_bytes(rows, **kw))
        return path

    return write


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `soffice` open files in LibreOffice: skipped where it is not installed, except in CI (the
    environment variable CI set, as CI services do), which installs it: there its absence fails the run."""
    if item.get_closest_marker("soffice") is None or shutil.which("soffice") is not None:
        return
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail("soffice is missing in CI: .ci/run must install LibreOffice", pytrace=False)
    pytest.skip("LibreOffice's soffice is not on the PATH: install LibreOffice to run this test")


# Figures some tests measure (the reliability tests' kills, concurrent runs) are attached to their reports as the user
# property "figures" and printed at the end of the run. It is done here, in the top conftest, because under
# pytest-xdist only the controller prints, and it loads no conftest below tests/ unless given that folder.
_FIGURES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _FIGURES.extend(str(value) for name, value in report.user_properties if name == "figures")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _FIGURES:
        terminalreporter.section("measured figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
