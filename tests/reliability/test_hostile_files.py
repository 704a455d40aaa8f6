"""Hostile files (issue 6, promise 3): whatever bytes an import is given, the reader and the planner end in a plan
or a clear file error (a `CustbookError` with a message and a fix), never another exception, and planning never
changes the store. Also the size guards: a file over the byte limit is refused from its size before it is read,
a cell longer than its field is a row error, and refusing a 1 GB file costs little memory.

The fuzz tests run a fixed, derandomized set of cases (the same every run, no example database) so that CI is
repeatable; `CUSTBOOK_FUZZ_SCALE=10 pytest tests/reliability/test_hostile_files.py` runs ten times as many.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hostile_inputs import BASE_WORKBOOK, ENCODINGS, csv_file, damaged_part, mutated, workbook_bytes, xlsx_file
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import CustbookError, FileRejected, InvalidValue
from core.plan import ImportPlan
from core.users import User
from core.values import DateFormat, ParseOptions
from formats.reader import read_bytes
from services.planning import plan_import
from store.demo import seed_demo
from store.duck import DuckStore as Store
from store.users import resolve_user

SCALE = float(os.environ.get("CUSTBOOK_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """CI settings: derandomized (the same cases every run), no example database, no per-case deadline."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- a real small store, shared by every case of this module ----------------------------------------------------


class Fixture:
    def __init__(self, store: Store, user: User) -> None:
        self.store, self.user = store, user
        self.outcomes: Counter[str] = Counter()

    def file_state(self) -> tuple[int, int, str]:
        """The store file exactly: planning opens it read-only, so not one byte may change."""
        data = self.store.path.read_bytes()
        info = self.store.path.stat()
        return info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest()

    def contents(self) -> list[tuple[str, list[tuple]]]:
        """Every table's rows (customers with their ROWVERSIONs, history, views, users...)."""
        with self.store.read() as con:
            names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
            return [(n, con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall()) for n in names]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    store = Store(tmp_path_factory.mktemp("hostile") / "store.duckdb")
    user = resolve_user(store, "alice")
    seed_demo(store, 40, user=user)  # demo custom fields (SEGMENT required, CONTRACT_START, VIP), parents
    fixture = Fixture(store, user)
    before = fixture.contents()
    state = fixture.file_state()
    yield fixture
    assert fixture.file_state() == state
    assert fixture.contents() == before


def check_clear(exc: CustbookError) -> None:
    """A file error the user can act on: a sentence and a fix, no Python internals."""
    assert isinstance(exc, (FileRejected, InvalidValue)), type(exc)
    assert exc.message.strip() and exc.fix.strip(), repr(exc)
    assert "Traceback" not in str(exc) and "Error(" not in str(exc)


def check_plan(plan: ImportPlan) -> None:
    numbers = {r.row for r in plan.records} | set(plan.failed_rows)
    assert plan.created + plan.updated + plan.unchanged + plan.failed == plan.rows == len(numbers)
    assert all(i.row is None or i.row >= 2 for i in plan.errors)
    assert {i.row for i in plan.errors if i.row is not None} <= set(plan.failed_rows)
    assert all(i.message.strip() for i in (*plan.errors, *plan.warnings))


def read_and_plan(hostile: Fixture, data: bytes, name: str, encoding: str = "auto") -> str:
    """Read then plan against the store; returns the outcome. Any exception but a CustbookError fails the test."""
    before = hostile.file_state()
    try:
        raw = read_bytes(data, name=name, encoding=encoding)
        options = ParseOptions.for_file(DateFormat.DMY_SLASH, raw.delimiter)
        plan = plan_import(hostile.store, raw, user=hostile.user, options=options)
    except CustbookError as exc:
        check_clear(exc)
        outcome = "rejected"
    else:
        check_plan(plan)
        outcome = "planned"
    assert hostile.file_state() == before, "planning changed the store file"
    hostile.outcomes[outcome] += 1
    return outcome


NAMES = st.sampled_from(("customers.csv", "customers.xlsx", "export.txt", "noname", "sheet.XLSM"))


# --- the fuzz tests ------------------------------------------------------------------------------------------
# Each test runs its cases, then checks that they reached the planner often enough to be worth their time.


def reached(hostile: Fixture, planned: float, rejected: float) -> None:
    outcomes = dict(hostile.outcomes)
    hostile.outcomes.clear()
    total = sum(outcomes.values())
    shares = {k: v / total for k, v in outcomes.items()}
    print(f"{total} cases: {outcomes}")
    assert shares.get("planned", 0) >= planned and shares.get("rejected", 0) >= rejected, outcomes


@pytest.mark.slow
def test_arbitrary_bytes(hostile: Fixture) -> None:
    @fuzz(400)
    @given(data=st.binary(max_size=4096), name=NAMES)
    @example(data=b"", name="a.xlsx")
    @example(data=b"PK\x03\x04", name="a.csv")
    @example(data=b"\xff\xfe", name="a.csv")
    @example(data=b"\x00" * 10, name="a.csv")
    def case(data: bytes, name: str) -> None:
        read_and_plan(hostile, data, name)

    case()
    reached(hostile, 0, 0.5)  # random bytes are rarely a table with a Customer ID column


@pytest.mark.slow
def test_valid_and_damaged_csv_files(hostile: Fixture) -> None:
    @fuzz(500)
    @given(data=csv_file() | mutated(csv_file()), name=NAMES, encoding=st.sampled_from(("auto",) * 16 + ENCODINGS))
    def case(data: bytes, name: str, encoding: str) -> None:
        read_and_plan(hostile, data, name, encoding)

    case()
    reached(hostile, 0.1, 0.1)  # about 1 in 6 is planned: most damage rejects the file


@pytest.mark.slow
def test_workbooks_with_odd_cells(hostile: Fixture) -> None:
    @fuzz(100)
    @given(data=xlsx_file(), name=NAMES)
    def case(data: bytes, name: str) -> None:
        read_and_plan(hostile, data, name)

    case()
    reached(hostile, 0.3, 0.05)


@pytest.mark.slow
def test_truncated_and_flipped_workbooks(hostile: Fixture) -> None:
    @fuzz(300)
    @given(data=mutated(st.just(BASE_WORKBOOK) | xlsx_file()), name=NAMES)
    def case(data: bytes, name: str) -> None:
        read_and_plan(hostile, data, name)

    case()
    reached(hostile, 0, 0.5)  # nearly any change to a ZIP breaks a checksum: the next test goes deeper


@pytest.mark.slow
def test_workbooks_with_a_damaged_part(hostile: Fixture) -> None:
    @fuzz(300)
    @given(data=damaged_part(), name=st.sampled_from(("customers.xlsx", "customers.csv")))
    def case(data: bytes, name: str) -> None:
        read_and_plan(hostile, data, name)

    case()
    reached(hostile, 0.05, 0.3)


# --- formulas saved without their result ---------------------------------------------------------------------


def _with_cached_results(data: bytes, results: dict[str, bytes]) -> bytes:
    """The workbook as Excel or LibreOffice would save it: each formula cell given its result (`<v>`), `t="str"`
    for a text result, so `<v></v>` with t="str" is the empty text."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for ref, value in results.items():
                    kind = b"" if value[:1].isdigit() else b' t="str"'
                    cell = rb'<c r="' + ref.encode() + rb'"'
                    body = re.sub(cell + rb"(?: [^>]*)?>(<f>.*?</f>)<v\s*/?>(</v>)?",
                                  cell + kind + rb">\1<v>" + value + b"</v>", body)  # fmt: skip
            dst.writestr(info, body)
    return out.getvalue()


def test_a_formula_without_its_result_is_refused_naming_the_cell_and_the_fix(hostile: Fixture) -> None:
    """openpyxl reads such a cell as empty, and an empty cell erases the field: the whole file is refused."""
    data = workbook_bytes(["CUSTOMERID", "NAME", "PRINTAS"], [["C0000001", "Zoë", "=B2"], ["C0000002", "Ana", "Ana"]])
    with pytest.raises(FileRejected) as info:
        read_bytes(data, name="script.xlsx")
    assert "cell C2 holds a formula whose result was not saved" in info.value.message
    assert "erase that field" in info.value.message
    assert "save it again so that the values are stored" in info.value.fix
    assert read_and_plan(hostile, data, "script.xlsx") == "rejected"


def test_many_formulas_without_results_are_counted() -> None:
    data = workbook_bytes(["CUSTOMERID", "NAME"], [[f"C{n}", f"=A{n}"] for n in range(2, 12)])
    with pytest.raises(FileRejected, match=r"cells B2, B3, B4 and 7 more hold formulas whose result was not saved"):
        read_bytes(data, name="script.xlsx")


def test_formulas_with_their_results_read_as_the_results_including_the_empty_text() -> None:
    data = workbook_bytes(
        ["CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT"],
        [["C0000001", '="Zo"&"ë"', '=IF(1,"","")', "=1000+234.5"]],
    )
    saved = _with_cached_results(data, {"B2": "Zoë".encode(), "C2": b"", "D2": b"1234.5"})
    table = read_bytes(saved, name="saved.xlsx")
    assert [r.cells for r in table.rows] == [("C0000001", "Zoë", "", "1234.5")]


# --- size guards ---------------------------------------------------------------------------------------------


def test_the_byte_limit_is_set_by_option_or_environment_and_checked_before_reading(
    cli, write_csv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], *([f"C{n}", "x" * 50, "y"] for n in range(100))])
    assert 4096 < big.stat().st_size < 10_000
    real_open = Path.open

    def refuse_to_open_big(self: Path, *args: object, **kw: object):
        assert self.name != big.name, "opened a file that is over the limit"
        return real_open(self, *args, **kw)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "open", refuse_to_open_big)
        for args, env in ((["--max-bytes", "4KB"], None), ([], "4KB"), (["--max-bytes", "4096"], "1GB")):
            if env:
                patch.setenv("CUSTBOOK_MAX_BYTES", env)
            else:
                patch.delenv("CUSTBOOK_MAX_BYTES", raising=False)
            for mode in ([], ["--dry-run"], ["--offline"]):
                run = cli("import", str(big), *args, *mode, "--json")
                assert run.code == 1, (args, env, mode, run)
                assert "the largest file custbook imports is 4 KB" in run.err
                assert run.json["status"] == "rejected"
    assert cli("jobs", "list").out.startswith("No jobs yet."), "a refused file was queued"
    monkeypatch.setenv("CUSTBOOK_MAX_BYTES", "10KB")
    assert cli("import", str(big), "--dry-run", "--json").json["rows"] == 100
    run = cli("import", str(big), "--max-bytes", "lots")
    assert run.code == 2 and "'lots' is not a file size" in run.err


def test_a_cell_longer_than_its_field_is_a_row_error(cli, write_csv) -> None:
    header = ["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1", "COMMENTS", "ZIP"]
    ok = ["C1", "Ana", "Ana", "ana@example.com", "fine", "02138"]
    rows = [
        ["C" + "1" * 20, *ok[1:]],
        ["C2", "n" * 101, *ok[2:]],
        ["C3", "Ana", "p" * 201, *ok[3:]],
        ["C4", "Ana", "Ana", "a" * 190 + "@example.com", *ok[4:]],
        ["C5", "Ana", "Ana", "ana@example.com", "c" * 5_000_000, "02138"],
        ["C6", *ok[1:5], "9" * 31],
        ok,
    ]
    run = cli("import", str(write_csv([header, *rows])), "--json")
    summary = run.json
    assert (run.code, summary["created"], summary["failed"]) == (1, 1, 6)
    errors = {e["row"]: e for e in summary["errors"]}
    assert [errors[r]["column"] for r in range(2, 8)] == ["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1", "COMMENTS", "ZIP"]
    assert all("at most" in errors[r]["message"] for r in range(2, 8))
    assert len(run.out) < 10_000  # the 5 MB cell is not echoed back


GIB = 1024**3
_PEAK = """
import resource, subprocess, sys
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(run.stderr)
"""


@pytest.mark.slow
def test_refusing_a_1_gb_file_costs_little_memory(tmp_path: Path, db: Path) -> None:
    """A fresh helper process runs `custbook import` and reports its child's peak memory (Linux: KiB)."""
    big = tmp_path / "huge.csv"
    with big.open("wb") as handle:
        handle.truncate(GIB)  # sparse: takes no room on disk
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTBOOK_")} | {"CUSTBOOK_USER": "alice"}
    command = [sys.executable, "-c", _PEAK, sys.executable, "-m", "custbook", "--db", str(db), "import", str(big)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=True)
    code, peak_kib = map(int, proc.stdout.split("\n", 1)[0].split())
    assert code == 1 and "huge.csv is 1 GB; the largest file custbook imports is 200 MB" in proc.stdout
    print(f"peak memory refusing a 1 GB file: {peak_kib / 1024:.0f} MB")
    assert peak_kib < 300 * 1024
