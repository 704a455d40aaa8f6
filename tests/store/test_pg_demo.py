"""`init --demo N` and `backup FILE.duckdb` on a PostgreSQL store: DuckDB's demo copied in (the same customers as a
DuckDB store's for the same N, added again only where missing), and a backup that is a DuckDB store equal to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main

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


def test_the_demo_on_postgresql_is_duckdbs_demo(db: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
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
