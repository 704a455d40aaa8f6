"""No output of custbook lands on the open store, its write-ahead log or the file being imported (issue 12): the
failed rows of `custbook import --errors-out`, of `custbook jobs show --errors-out` and of the interface's preview
(tests/tui/test_import_flow.py) are refused by one rule, `services.outputs.check_output`, with one sentence, exit 2,
and nothing touched. The sentence is written only there, so a caller that refuses with it uses the service."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from core.plan import ImportOptions
from services import jobs as job_service
from store.duck import DuckStore as Store
from store.users import resolve_user

ROOT = Path(__file__).resolve().parents[2]
ROWS = [["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1"], ["C1", "Ann", "Ann", "a@x.org"], ["C2", "Bo", "Bo", "bo@"]]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_errors_out_onto_the_file_being_imported_is_refused_and_the_file_kept(
    cli_any, cli_any_store, cli_any_alice, write_csv
):
    assert cli_any("init").code == 0
    source = write_csv(ROWS, name="in.csv")
    before = _digest(source)
    result = cli_any("import", str(source), "--errors-out", str(source))
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"custbook: {source} is the file being imported: writing the failed rows there would replace it. "
        "Choose another file name."
    ]
    assert _digest(source) == before
    assert cli_any_store.history.batches(user=cli_any_alice) == []  # refused before anything ran


# About file paths alone (a link to the file being imported): whichever the store, so on the DuckDB file only.
def test_the_same_file_by_another_name_is_refused_too(cli, db, write_csv, tmp_path):
    assert cli("init").code == 0
    source = write_csv(ROWS, name="in.csv")
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    result = cli("import", str(source), "--errors-out", str(tmp_path / "." / "link.csv"))
    assert result.code == 2 and "is the file being imported" in result.err


# DuckDB only: a PostgreSQL store has no file or log on this machine to write over.
def test_import_errors_out_onto_the_store_or_its_log_is_refused(cli, db, write_csv):
    assert cli("init").code == 0
    source = write_csv(ROWS, name="in.csv")
    before = _digest(db)
    for target in (db, db.with_name(db.name + ".wal")):
        result = cli("import", str(source), "--errors-out", str(target))
        assert result.code == 2, result.err
        assert "is the store custbook is working on" in result.err
    assert _digest(db) == before


def test_a_good_target_still_gets_the_failed_rows(cli_any, write_csv, tmp_path):
    assert cli_any("init").code == 0
    source = write_csv(ROWS, name="in.csv")
    result = cli_any("import", str(source), "--errors-out", str(tmp_path / "fix-me.csv"))
    assert result.code == 1 and "Saved 1 failed row" in result.err
    assert b"bo@" in (tmp_path / "fix-me.csv").read_bytes()


# DuckDB only: a PostgreSQL store has no file on this machine to write over.
def test_jobs_show_errors_out_onto_the_store_is_refused(cli, db, write_csv, tmp_path):
    assert cli("init").code == 0
    store = Store(db)
    alice = resolve_user(store, "alice")
    job_service.submit(store, write_csv(ROWS, name="in.csv"), user=alice, entity=None, options=ImportOptions())
    assert cli("jobs", "run", "--once").code == 0
    before = _digest(db)
    result = cli("jobs", "show", "J1", "--errors-out", str(db))
    assert result.code == 2 and "is the store custbook is working on" in result.err
    assert _digest(db) == before
    assert cli("jobs", "show", "J1", "--errors-out", str(tmp_path / "J1.csv")).code == 0
    assert b"bo@" in (tmp_path / "J1.csv").read_bytes()


def test_the_refusals_are_written_once_in_the_service():
    """The sentences exist in one module: the command line, the interface and the worker cannot refuse with them
    unless they go through it."""
    sentences = ("is the file being imported", "is the store custbook is working on")
    found = {
        str(path.relative_to(ROOT))
        for package in ("core", "formats", "store", "services", "cli", "tui")
        for path in (ROOT / package).rglob("*.py")
        if any(s in path.read_text(encoding="utf-8") for s in sentences)
    }
    assert found == {"services/outputs.py"}


def test_a_folder_is_refused_before_the_import_runs(cli_any, cli_any_store, cli_any_alice, write_csv, tmp_path):
    """Before, the import was committed and then reported as failed because its failed rows could not be saved."""
    assert cli_any("init").code == 0
    source = write_csv(ROWS, name="in.csv")
    folder = tmp_path / "out"
    folder.mkdir()
    result = cli_any("import", str(source), "--errors-out", str(folder), "--json")
    assert result.code == 2 and f"{folder} is a folder" in result.err
    assert cli_any_store.history.batches(user=cli_any_alice) == []
    export = cli_any("export", "-o", str(folder))
    assert export.code == 2 and f"{folder} is a folder" in export.err


def test_failed_rows_that_cannot_be_saved_after_the_commit_leave_the_outcome_reported(cli_any, write_csv):
    """A target that fails only when written (here: inside a file, as a full disk would) does not hide the commit:
    the outcome is printed first, then why the failed rows were not saved."""
    assert cli_any("init").code == 0
    source = write_csv(ROWS, name="in.csv")
    result = cli_any("import", str(source), "--errors-out", str(source / "fix.csv"), "--json")
    assert result.code == 1 and result.json["status"] == "committed" and result.json["batch"] == "B1"
    assert f"The folder {source} does not exist" in result.err  # said after the outcome, which stands


def test_jobs_show_refuses_a_target_named_as_the_jobs_own_file(
    cli_any, cli_any_store, cli_any_alice, write_csv, tmp_path, monkeypatch
):
    assert cli_any("init").code == 0
    source = write_csv(ROWS, name="in.csv")
    job_service.submit(cli_any_store, source, user=cli_any_alice, entity=None, options=ImportOptions())
    assert cli_any("jobs", "run", "--once").code == 0
    before = _digest(source)
    monkeypatch.chdir(tmp_path)
    result = cli_any("jobs", "show", "J1", "--errors-out", "in.csv")
    assert result.code == 2 and "has the name of the file J1 imported" in result.err
    assert "in-failed-rows.csv" in result.err and _digest(source) == before


def test_failed_rows_neutralise_formulas_and_import_back_unchanged(cli_any, write_csv, tmp_path):
    """Issue 17, item 8: failed-rows files (saved, and attached to e-mails) kept live formulas, so
    `=HYPERLINK(...)` reached every recipient's spreadsheet. They get the apostrophe the plain CSV export puts, and
    the import takes it off again in every column of a file with the error column."""
    assert cli_any("init").code == 0
    hyperlink = '=HYPERLINK("http://evil.example","click")'
    rows = [
        ["CUSTOMERID", "NAME", "PRINTAS", "PHONE1", "COMMENTS", "EMAIL1"],
        ["C1", hyperlink, "C1", "+1 206-555-0109", "-5% if paid early", "bad@"],  # fails on its e-mail
    ]
    fix = tmp_path / "fix.csv"
    assert cli_any("import", str(write_csv(rows)), "--errors-out", str(fix)).code == 1
    saved = list(csv.reader(io.StringIO(fix.read_text(encoding="utf-8-sig"))))
    assert saved[1][:5] == ["C1", "'" + hyperlink, "C1", "'+1 206-555-0109", "'-5% if paid early"]
    saved[1][5] = "ok@example.com"  # the user fixes the cell the error column names
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(saved)
    fix.write_text(out.getvalue(), encoding="utf-8")
    assert cli_any("import", str(fix), "--json").json["created"] == 1
    record = cli_any("export", "--format", "import-csv").out.splitlines()
    row = next(csv.DictReader(io.StringIO("\n".join(record))))
    assert (row["NAME"], row["PHONE1"], row["COMMENTS"]) == (hyperlink, "+1 206-555-0109", "-5% if paid early")
