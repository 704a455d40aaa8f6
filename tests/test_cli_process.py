"""The real `custbook` program, run as a separate process, meeting bad input (cli.md, import-export.md).

What a user or a script sees is the exit code, standard output and standard error of the process: bad input gets
one clear sentence starting with "custbook:", the right exit code, and the store is left unchanged. No traceback
ever reaches the user. The store is seeded and compared in-process (the `cli` fixture), the command under test runs
in its own process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SUMMARY_KEYS = {"status", "batch", "job", "rows", "created", "updated", "unchanged", "blanked", "failed", "errors",
                "warnings"}  # fmt: skip
ERROR_KEYS = {"row", "column", "value", "message"}
WARNING_KEYS = {"row", "column", "message"}

SEED = [
    ["CUSTOMERID", "NAME", "PRINTAS", "ZIP", "CREDITLIMIT", "ONHOLD", "COMMENTS"],
    ["C1", "Société Générale", "Société Générale SA", "02138", "1234.50", "TRUE", "Livraison le matin\nQuai n° 3"],
    ["C2", "Zoë Lefèvre", "Mme Zoë Lefèvre", "75009", "", "FALSE", ""],
]


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def json(self) -> dict:
        """The one JSON object on standard output (fails if there is anything else)."""
        obj, end = json.JSONDecoder().raw_decode(self.out)
        assert not self.out[end:].strip(), f"more than one JSON object on stdout: {self.out!r}"
        assert isinstance(obj, dict)
        return obj


def custbook(db: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run `custbook --db DB ARGS...` as its own process, as a script or an SSH session would."""
    environ = {k: v for k, v in os.environ.items() if k not in ("CUSTBOOK_DB", "CUSTBOOK_DEBUG")}
    environ |= {"CUSTBOOK_USER": "alice", **(env or {})}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "custbook", "--db", str(db), *args],
        capture_output=True, env=environ, timeout=timeout, cwd=db.parent,
    )  # fmt: skip
    run = Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"), time.monotonic() - start)
    assert "Traceback" not in run.err, run.err
    return run


def assert_one_sentence(err: str, *needles: str) -> None:
    """Standard error holds one line: "custbook: " and a sentence for people, naming what went wrong."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("custbook: "), line
    assert line.endswith("."), line
    assert "unexpected problem" not in line, line
    for needle in needles:
        assert needle.lower() in line.lower(), (needle, line)


def snapshot(cli) -> str:
    """The whole store as the CSV for import shows it."""
    result = cli("export", "--format", "import-csv")
    assert result.code == 0, result.err
    return result.out


def records(export_text: str) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(export_text, newline="")))
    return {r["CUSTOMERID"]: r for r in rows}


@pytest.fixture
def seeded(cli, write_csv) -> str:
    """A store holding two customers; returns its export, to compare with after the command."""
    result = cli("import", str(write_csv(SEED, name="seed.csv")), "--json")
    assert result.code == 0 and result.json["created"] == 2, result.out + result.err
    return snapshot(cli)


def assert_rejected(run: Run, *needles: str) -> None:
    """A file-level rejection: exit 1, one sentence naming the problem, and with --json the "rejected" object."""
    assert run.code == 1, run
    assert_one_sentence(run.err, *needles)
    summary = run.json
    assert summary["status"] == "rejected"
    assert summary["batch"] is None and summary["failed"] == 0
    assert [e["column"] for e in summary["errors"]] == [None]
    assert summary["errors"][0]["message"] in run.err


# --- files that cannot be imported at all -----------------------------------------------------------------------


def test_empty_file_is_rejected_in_one_sentence_and_changes_nothing(cli, seeded, db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(b"")
    run = custbook(db, "import", str(path), "--json")
    assert_rejected(run, "customers.csv", "empty")
    assert snapshot(cli) == seeded


def test_png_renamed_csv_is_named_as_an_image_and_changes_nothing(cli, seeded, db, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 40)
    run = custbook(db, "import", str(path), "--json")
    assert_rejected(run, "photo.csv", "PNG image")
    assert snapshot(cli) == seeded


def test_missing_file_is_named_and_changes_nothing(cli, seeded, db, tmp_path):
    run = custbook(db, "import", str(tmp_path / "no-such-file.csv"), "--json")
    assert_rejected(run, "no-such-file.csv")
    assert snapshot(cli) == seeded


def _rows_file(tmp_path: Path, count: int) -> Path:
    """A header and `count` rows: the first updates seeded customer C1, the others are new customers."""
    lines = ["CUSTOMERID,NAME,PRINTAS", "C1,Renamed,Renamed"]
    lines += [f"N{i},Name {i},Print {i}" for i in range(1, count)]
    path = tmp_path / f"rows{count}.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_25001_rows_are_rejected_whole_and_nothing_changes(cli, seeded, db, tmp_path):
    run = custbook(db, "import", str(_rows_file(tmp_path, 25_001)), "--json")
    assert_rejected(run, "25,001", "25,000")
    assert snapshot(cli) == seeded


def test_25000_rows_are_accepted_by_a_dry_run_that_changes_nothing(cli, seeded, db, tmp_path):
    run = custbook(db, "import", str(_rows_file(tmp_path, 25_000)), "--dry-run", "--json")
    assert run.code == 0, run.err
    assert run.err == ""
    summary = run.json
    assert summary["status"] == "dry-run" and summary["batch"] is None
    assert (summary["rows"], summary["created"], summary["updated"], summary["failed"]) == (25_000, 24_999, 1, 0)
    assert run.seconds < 60
    assert snapshot(cli) == seeded


def test_unknown_column_is_rejected_naming_it_and_the_closest_field(cli, seeded, db, write_csv):
    path = write_csv([["Customer ID", "Custmer nme", "Print as"], ["C1", "Renamed", "Renamed"]])
    run = custbook(db, "import", str(path), "--json")
    # The one exception to one line (issue 14): the unknown columns, one per line with what each probably is, then
    # what to do. Still no traceback, and the JSON's message is the same text.
    lines = run.err.strip().splitlines()
    assert run.code == 1 and lines[0] == "custbook: 1 column of the file names no field:"
    assert lines[1] == "  'Custmer nme': NAME (Customer name)?" and "--map" in lines[2] and len(lines) == 3
    assert run.json["status"] == "rejected" and run.json["errors"][0]["message"].startswith(lines[0][10:])
    assert snapshot(cli) == seeded


def test_two_columns_for_one_field_are_rejected_naming_both(cli, seeded, db, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "Nom de client", "PRINTAS"], ["C1", "Renamed", "Autre", "Renamed"]])
    run = custbook(db, "import", str(path), "--json")
    assert_rejected(run, "'NAME'", "'Nom de client'")
    assert snapshot(cli) == seeded


def test_bytes_invalid_in_the_forced_encoding_reject_the_file_naming_the_row(cli, seeded, db, tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes("CUSTOMERID,NAME,PRINTAS\r\nC1,Renamed,Renamed\r\nN1,Café,Café\r\n".encode("cp1252"))
    run = custbook(db, "import", str(path), "--encoding", "utf-8", "--json")
    assert_rejected(run, "windows.csv", "UTF-8", "row 3")
    assert snapshot(cli) == seeded
    # Without --json: the same sentence, nothing on standard output.
    plain = custbook(db, "import", str(path), "--encoding", "utf-8")
    assert plain.code == 1 and plain.out == ""
    assert_one_sentence(plain.err, "row 3")


# --- row errors and warnings ------------------------------------------------------------------------------------


def test_a_row_longer_than_the_header_fails_and_a_shorter_one_is_imported_with_a_warning(cli, seeded, db, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("CUSTOMERID,NAME,PRINTAS,CITY\r\nN1,Long,Long,Paris,extra\r\nN2,Short,Short\r\n", encoding="utf-8")
    run = custbook(db, "import", str(path), "--json")
    assert run.code == 1  # a row failed
    assert run.err == ""
    summary = run.json
    assert summary["status"] == "committed"
    assert (summary["rows"], summary["created"], summary["failed"]) == (2, 1, 1)
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(2, None)]
    assert [(w["row"], w["column"]) for w in summary["warnings"]] == [(3, None)]
    assert "3" in summary["warnings"][0]["message"]
    after = records(snapshot(cli))
    assert "N1" not in after
    assert (after["N2"]["NAME"], after["N2"]["CITY"]) == ("Short", "")


def test_a_20_mb_comment_is_a_row_error_about_its_length_not_a_crash(cli, seeded, db, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        f'CUSTOMERID,NAME,PRINTAS,COMMENTS\r\nC1,Renamed,Renamed,"{"x" * 20_000_000}"\r\n', encoding="ascii"
    )
    run = custbook(db, "import", str(path), "--json")
    assert run.code == 1
    assert run.err == ""
    summary = run.json
    assert (summary["rows"], summary["failed"], summary["updated"]) == (1, 1, 0)
    (error,) = summary["errors"]
    assert (error["row"], error["column"]) == (2, "COMMENTS")
    assert "1000" in error["message"].replace(",", "")
    assert len(run.out) < 100_000  # the 20 MB value is not echoed back
    assert run.seconds < 60
    assert snapshot(cli) == seeded


# --- the store itself -------------------------------------------------------------------------------------------


def _json_rejected_or_silent(run, args) -> None:
    """`import --json` always prints one object (scripts parse it), here a rejection; other commands print nothing."""
    if "--json" in args:
        summary = json.loads(run.out)
        assert summary["status"] == "rejected" and summary["errors"][0]["message"]
        assert run.out.count("\n") == 1
    else:
        assert run.out == ""


@pytest.mark.parametrize("args", [["import", "{file}", "--json"], ["export", "--format", "import-csv"], ["init"]])
def test_a_store_file_that_is_not_a_database_exits_4_and_is_left_alone(db, write_csv, args):
    garbage = b"This is not a database.\n" + bytes(range(256)) * 64
    db.write_bytes(garbage)
    file = write_csv(SEED)
    run = custbook(db, *(a.replace("{file}", str(file)) for a in args))
    assert run.code == 4
    _json_rejected_or_silent(run, args)
    assert_one_sentence(run.err, db.name)
    assert db.read_bytes() == garbage


def _line_within(stream, seconds: float) -> str:
    """The next line of `stream`, waiting at most `seconds` (a thread, since pipes have no portable timeout)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=seconds)
    except queue.Empty:
        return ""


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()  # hold the store until the test closes our standard input
con.close()
"""


@pytest.mark.parametrize("args", [["import", "{file}", "--json"], ["export", "--format", "import-csv"]])
@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
def test_store_held_by_another_program_exits_4_quickly_and_changes_nothing(cli, seeded, db, write_csv, args):
    file = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Renamed", "Renamed"]])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert _line_within(holder.stdout, 30).strip() == "ready"
        run = custbook(db, *(a.replace("{file}", str(file)) for a in args), env={"CUSTBOOK_BUSY_SECONDS": "1"})
    finally:
        holder.stdin.close()
        try:
            holder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()
    assert run.code == 4
    _json_rejected_or_silent(run, args)
    assert_one_sentence(run.err, db.name, "in use")
    assert run.seconds < 15
    assert snapshot(cli) == seeded


# --- wrong usage ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["import", "{file}", "--frobnicate"], "--frobnicate"),
        (["frobnicate"], "frobnicate"),
        (["import", "{file}", "--date-format", "XX/YY"], "XX/YY"),
        (["export", "--format", "import-csv", "--date-format", "31/12"], "31/12"),
        (["import", "{file}", "--encoding", "klingon"], "klingon"),
        (["import"], "file"),
    ],
)
def test_wrong_usage_exits_2_with_one_sentence_and_changes_nothing(cli, seeded, db, write_csv, args, needle):
    file = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Renamed", "Renamed"]])
    run = custbook(db, *(a.replace("{file}", str(file)) for a in args))
    assert run.code == 2
    assert run.out == ""
    assert_one_sentence(run.err, needle)
    assert snapshot(cli) == seeded


def test_offline_import_is_queued_and_changes_nothing_yet(cli, seeded, db, write_csv):
    file = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Renamed", "Renamed"]])
    run = custbook(db, "import", str(file), "--offline", "--json")
    assert run.code == 0
    summary = json.loads(run.out)
    assert (summary["status"], summary["job"], summary["batch"]) == ("queued", "J1", None)
    assert snapshot(cli) == seeded


# --- what scripts read ------------------------------------------------------------------------------------------


def _summary_shape(summary: dict) -> None:
    # cli.md: `fields` for every status but rejected, per field ID its created, updated and blanked counts.
    rejected = summary["status"] == "rejected"
    assert set(summary) == SUMMARY_KEYS | (set() if rejected else {"fields"})
    for counts in summary.get("fields", {}).values():
        assert set(counts) == {"created", "updated", "blanked"}
    assert summary["job"] is None
    for error in summary["errors"]:
        assert set(error) == ERROR_KEYS
    for warning in summary["warnings"]:
        assert set(warning) == WARNING_KEYS


@pytest.mark.parametrize("mode", ["committed", "dry-run", "rejected"])
def test_import_json_is_exactly_one_object_with_the_documented_keys(cli, seeded, db, write_csv, tmp_path, mode):
    good = write_csv(
        [["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1", "Total due"],
         ["C1", "Renamed", "Renamed", "", "12"], ["N1", "New", "New", "bob@", ""]]
    )  # fmt: skip
    args = {
        "committed": ["import", str(good), "--json"],
        "dry-run": ["import", str(good), "--json", "--dry-run"],
        "rejected": ["import", str(tmp_path / "missing.csv"), "--json"],
    }[mode]
    run = custbook(db, *args)
    assert run.out.count("\n") == 1 and run.out.endswith("\n")
    summary = run.json
    _summary_shape(summary)
    assert summary["status"] == mode
    if mode == "rejected":
        assert run.code == 1
        assert summary["rows"] == 0 and summary["batch"] is None
        assert snapshot(cli) == seeded
        return
    assert run.code == 1  # N1's e-mail fails
    assert summary["rows"] == 2
    assert summary["created"] + summary["updated"] + summary["unchanged"] + summary["failed"] == 2
    assert [(e["row"], e["column"], e["value"]) for e in summary["errors"]] == [(3, "EMAIL1", "bob@")]
    assert [w["column"] for w in summary["warnings"]] == ["TOTALDUE"]
    if mode == "committed":
        assert isinstance(summary["batch"], str) and summary["batch"]
        assert summary["updated"] == 1
        assert records(snapshot(cli))["C1"]["NAME"] == "Renamed"
    else:
        assert summary["batch"] is None
        assert snapshot(cli) == seeded


def test_help_exits_0_and_lists_the_sub_commands(db):
    run = custbook(db, "--help")
    assert run.code == 0
    assert run.out.startswith("usage: custbook")
    for command in ("init", "import", "export", "history", "undo", "users"):
        assert command in run.out


def test_export_import_csv_to_standard_output(cli, seeded, db):
    run = custbook(db, "export", "--format", "import-csv")
    assert run.code == 0 and run.err == ""
    assert run.out == seeded
    exported = records(run.out)
    assert exported["C1"]["NAME"] == "Société Générale"
    assert exported["C1"]["ZIP"] == "02138"
    assert exported["C1"]["COMMENTS"] == "Livraison le matin\nQuai n° 3"
    assert exported["C2"]["PRINTAS"] == "Mme Zoë Lefèvre"


def test_export_to_a_file_writes_it_and_json_names_path_format_and_rows(cli, seeded, db, tmp_path):
    target = tmp_path / "customers for import.csv"
    run = custbook(db, "export", "--format", "import-csv", "-o", str(target), "--json")
    assert run.code == 0, run.err
    assert run.json == {"path": str(target.resolve()), "format": "import-csv", "rows": 2, "warnings": []}
    assert target.read_bytes().decode("utf-8") == seeded
    # Without --json: the file is written and one line for people goes to standard error.
    again = tmp_path / "again.csv"
    plain = custbook(db, "export", "--format", "import-csv", "-o", str(again))
    assert plain.code == 0 and plain.out == ""
    assert again.read_bytes() == target.read_bytes()
    assert str(again.resolve()) in plain.err


def test_exporting_onto_the_store_is_refused_in_one_sentence_and_changes_nothing(cli, seeded, db):
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    run = custbook(db, "export", "--format", "csv", "-o", db.name)  # the store, by the name it was opened with
    assert run.code == 2 and run.out == ""
    assert_one_sentence(run.err, f"{db.name} is the store custbook is working on", "Choose another file name")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert snapshot(cli) == seeded


def test_sub_commands_do_not_load_the_terminal_interface(tmp_path):
    code = (
        "import sys; from cli.main import main; "
        f"code = main(['--db', {str(tmp_path / 'store.duckdb')!r}, 'init']); "
        "print(code, 'textual' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "CUSTBOOK_DB"} | {"CUSTBOOK_USER": "alice"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.splitlines()[-1] == "0 False"


def test_a_mistyped_store_is_refused_naming_the_path_and_nothing_is_created(tmp_path):
    """Only init creates a store (cli.md): before, `--db typo.duckdb export` exported 0 customers from a new, empty
    store it had just created, and `--db nosuchdir/x.duckdb` even created the folder."""
    typo = tmp_path / "typo.duckdb"
    run = custbook(typo, "export", "-o", str(tmp_path / "out.csv"))
    assert run.code == 4
    assert_one_sentence(run.err, f"There is no store at {typo}", f"custbook --db {typo} init")
    assert not typo.exists() and not (tmp_path / "out.csv").exists()
    deep = tmp_path / "nosuchdir" / "x.duckdb"
    for args in (("history",), ("import", str(tmp_path / "in.csv")), ("jobs", "run", "--once"), ("views", "list")):
        assert custbook(typo, "--db", str(deep), *args).code == 4, args  # the last --db counts
    assert not (tmp_path / "nosuchdir").exists()
    # The interface asks before creating one; with no terminal to ask on, it refuses the same way.
    assert custbook(typo).code == 4 and not typo.exists()
    assert custbook(typo, "init").code == 0 and typo.exists()
    assert custbook(typo, "export", "--format", "csv").code == 0
