"""`init --demo N` and `backup FILE.duckdb` on a PostgreSQL store: DuckDB's demo copied in (the same customers as a
DuckDB store's for the same N, added again only where missing), and a backup that is a DuckDB store equal to it."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from cli.main import main
from store import pg_copy
from store.opening import let_go_all

ROLE = "postgres"  # the tests' server role: the PostgreSQL store's acting user


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def _role(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTBOOK_USER", ROLE)
    monkeypatch.delenv("CUSTBOOK_DB", raising=False)


def _export(capsys: pytest.CaptureFixture[str], location: str, *more: str) -> str:
    code, out, err = run(capsys, "--db", location, "export", "--format", "import-csv", *more)
    assert code == 0, err
    return out


def _indexes(url: str) -> list[str]:
    with psycopg.connect(url) as con:
        found = con.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'customers' ORDER BY indexname")
        return [row[0] for row in found.fetchall()]


@pytest.mark.parametrize("after", [False, True], ids=["through the indexes", "indexes built after"])
def test_the_demo_on_postgresql_is_duckdbs_demo(
    db: Path, pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, after: bool
) -> None:
    """Both ways of adding them (a big demo goes in without the customers' indexes, built after it): the same rows
    and the same indexes."""
    assert run(capsys, "--db", pg_url, "init")[0] == 0
    made = _indexes(pg_url)
    assert len(made) > 5  # the trigram and collation indexes among them
    monkeypatch.setattr(pg_copy, "INDEXES_AFTER", 0 if after else 1_000_000)
    code, out, err = run(capsys, "--db", pg_url, "init", "--demo", "300")
    assert code == 0, err
    assert "(300 demo customers added)" in out
    assert run(capsys, "--db", str(db), "init", "--demo", "300")[0] == 0
    assert _export(capsys, pg_url) == _export(capsys, str(db))
    assert _export(capsys, pg_url, "--entity", "EU") == _export(capsys, str(db), "--entity", "EU")
    # Again with more: only the missing customers are added, numbered on from the existing ones.
    code, out, err = run(capsys, "--db", pg_url, "init", "--demo", "450")
    assert code == 0, err
    assert "(150 demo customers added)" in out
    assert run(capsys, "--db", str(db), "init", "--demo", "450")[0] == 0
    assert _export(capsys, pg_url) == _export(capsys, str(db))
    assert run(capsys, "--db", pg_url, "fields", "list")[1] == run(capsys, "--db", str(db), "fields", "list")[1]
    assert "(0 demo customers added)" in run(capsys, "--db", pg_url, "init", "--demo", "450")[1]
    assert _indexes(pg_url) == made


def test_a_field_that_does_not_fit_the_demo_is_refused(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", pg_url, "init")[0] == 0
    assert run(capsys, "--db", pg_url, "fields", "add", "VIP", "--type", "text")[0] == 0
    code, _out, err = run(capsys, "--db", pg_url, "init", "--demo", "10")
    assert code == 2
    assert "does not fit the demo data" in err
    assert _export(capsys, pg_url).count("\n") == 1  # nothing added: no customers, no entities


def test_a_backup_of_postgresql_is_a_duckdb_store_equal_to_it(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", pg_url, "init", "--demo", "120")[0] == 0
    target = tmp_path / "saved.duckdb"
    code, _out, err = run(capsys, "--db", pg_url, "backup", str(target))
    assert code == 0, err
    assert err.startswith("Backed up the store (120 customers, ")
    first = _export(capsys, str(target))
    assert first == _export(capsys, pg_url)
    assert [p.name for p in tmp_path.iterdir()] == ["saved.duckdb"]  # no part file, no .wal left
    assert (target.stat().st_mode & 0o777) == 0o600
    # Again over the first backup: replaced whole.
    assert run(capsys, "--db", pg_url, "init", "--demo", "130")[0] == 0
    assert run(capsys, "--db", pg_url, "backup", str(target))[0] == 0
    assert _export(capsys, str(target)) == _export(capsys, pg_url) != first
    code, _out, err = run(capsys, "--db", pg_url, "backup", str(tmp_path / "no" / "such.duckdb"))
    assert code == 2 and "does not exist" in err


def test_another_administrator_adds_a_big_demo_and_the_indexes_are_made_again(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the role that made the store: an administrator acts through the admin role, which owns the tables and so
    may drop and make again their indexes around many new rows."""
    assert run(capsys, "--db", pg_url, "init", "--demo", "50")[0] == 0
    made = _indexes(pg_url)
    boss = f"boss_{uuid.uuid4().hex[:8]}"
    assert run(capsys, "--db", pg_url, "users", "add", boss, "--type", "business", "--perms", "list,add,edit")[0] == 0
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(f"ALTER ROLE \"{boss}\" LOGIN PASSWORD 'boss-pw-1'")
    parts = urlsplit(pg_url)
    as_boss = f"postgresql://{boss}:boss-pw-1@{parts.hostname}:{parts.port}{parts.path}"
    monkeypatch.setattr(pg_copy, "INDEXES_AFTER", 0)
    monkeypatch.setenv("CUSTBOOK_USER", boss)
    code, out, err = run(capsys, "--db", as_boss, "init", "--demo", "80")
    let_go_all()
    assert code == 0, err
    assert "(30 demo customers added)" in out
    assert _indexes(pg_url) == made
