"""Exporting through services/export.py, the one path of `custbook export` and the interface's export dialog: the
open store (or its log) refused as a target, nothing written and the store unchanged; a file written and read
back; streaming only the CSV formats; progress that can stop an export without leaving a file; the columns each
kind of format gets. Formats' bytes are tested in tests/formats; `custbook export` end to end in
tests/store/test_export_formats.py."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from pathlib import Path

import pytest

from core.catalogue import LIST_COLUMNS, Catalogue
from core.errors import PermissionDenied, UsageError
from core.users import Permission, User, UserType
from core.viewdef import Filter, Op, View
from formats.writer import get_writer
from services.export import CHECK_EVERY, export_columns, export_file, export_stream
from store.customers import count_customers
from store.duck import DuckStore as Store
from store.users import add_user

DEMO = 2 * CHECK_EVERY + 100  # enough for two progress reports before the last, entities' customers aside


@pytest.fixture
def file_alice(db: Path) -> User:
    """alice on a DuckDB file, for the tests of what only a file store has (its path, its .wal, its lock)."""
    return Store(db).users.resolve("alice")


@pytest.fixture
def seeded_file(db: Path, file_alice: User) -> Store:
    store = Store(db)
    assert store.seed_demo(DEMO, user=file_alice) == DEMO
    return store


@pytest.fixture
def seeded(store: Store, alice: User) -> Store:
    assert store.seed_demo(DEMO, user=alice) == DEMO
    return store


def top_level(store: Store) -> int:
    """The customers of "All customers" at the top level: the demo's entities keep some of their own."""
    return count_customers(store, include_entities=False)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_store_and_its_log_are_refused_as_targets_and_left_alone(seeded_file: Store, file_alice: User) -> None:
    store, writer = seeded_file, get_writer("csv")
    before = _digest(store.path)
    for target in (store.path, store.path.with_name(store.path.name + ".wal")):
        with pytest.raises(UsageError) as refused:
            export_file(store, target, user=file_alice, writer=writer)
        assert refused.value.exit_code == 2
        assert str(refused.value) == (
            f"{target} is the store custbook is working on: writing the export there would replace every customer, "
            "user and batch in it. Choose another file name."
        )
    assert _digest(store.path) == before
    assert not store.path.with_name(store.path.name + ".wal").exists()
    assert [p.name for p in store.path.parent.iterdir() if p.name.endswith(".part")] == []


def test_the_same_store_by_another_name_is_refused_too(seeded_file: Store, file_alice: User, tmp_path: Path) -> None:
    link = tmp_path / "link.duckdb"
    link.symlink_to(seeded_file.path)
    with pytest.raises(UsageError, match="is the store custbook is working on"):
        export_file(seeded_file, tmp_path / "." / "link.duckdb", user=file_alice, writer=get_writer("csv"))


def test_a_view_exported_to_a_file_is_read_back(seeded: Store, alice: User, tmp_path: Path) -> None:
    view = View("Germans", columns=("CUSTOMERID", "NAME", "COUNTRY"), filters=(Filter("COUNTRY", Op.EQ, "germany"),))
    target = tmp_path / "germans.csv"
    done = export_file(seeded, target, user=alice, writer=get_writer("import-csv"), view=view)
    assert (done.format, done.path, done.note) == ("import-csv", target, None)
    rows = _read(target.read_bytes())
    assert len(rows) == done.rows > 0
    assert list(rows[0]) == ["CUSTOMERID", "NAME", "COUNTRY"]
    assert {r["COUNTRY"] for r in rows} == {"Germany"}


def test_only_csv_formats_stream(seeded: Store, alice: User) -> None:
    out = io.BytesIO()
    done = export_stream(seeded, out, user=alice, writer=get_writer("import-csv"))
    assert (done.format, done.rows, done.path) == ("import-csv", top_level(seeded), None)
    assert len(_read(out.getvalue())) == done.rows
    with pytest.raises(UsageError, match="The xlsx format needs a file name"):
        export_stream(seeded, io.BytesIO(), user=alice, writer=get_writer("xlsx"))


def test_exporting_needs_the_list_permission(seeded: Store, tmp_path: Path) -> None:
    admin = User("admin", UserType.BUSINESS, frozenset(Permission))
    editor = add_user(seeded, "editor", UserType.EMPLOYEE, frozenset({Permission.EDIT}), by=admin)
    with pytest.raises(PermissionDenied, match="export customers"):
        export_file(seeded, tmp_path / "x.csv", user=editor, writer=get_writer("csv"))
    with pytest.raises(PermissionDenied, match="export customers"):
        export_stream(seeded, io.BytesIO(), user=editor, writer=get_writer("pdf"))  # the permission comes first
    assert list(tmp_path.glob("x.csv*")) == []


def test_progress_is_reported_and_can_stop_the_export_leaving_no_file(
    seeded_file: Store, file_alice: User, tmp_path: Path
) -> None:
    totals: list[int] = []
    reports: list[int] = []
    done = export_file(
        seeded_file, tmp_path / "all.xlsx", user=file_alice, writer=get_writer("xlsx"), started=totals.append,
        progress=reports.append,
    )  # fmt: skip
    total = top_level(seeded_file)
    assert totals == [total] and done.rows == total > 2 * CHECK_EVERY
    assert [r for r in reports if r % CHECK_EVERY == 0 and r] == [CHECK_EVERY, 2 * CHECK_EVERY]
    assert reports[-1] == total

    class Stop(Exception):
        pass

    def stop_at_the_end(rows: int) -> None:
        if rows == total:  # the last report comes before the file is put in place
            raise Stop

    with pytest.raises(Stop):
        export_file(
            seeded_file, tmp_path / "stopped.csv", user=file_alice, writer=get_writer("csv"), progress=stop_at_the_end
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.xlsx", "store.duckdb"]  # no stopped.csv, no .part


def test_each_kind_of_format_gets_its_columns() -> None:
    catalogue = Catalogue.standard()
    importable, document, sheet = get_writer("import-csv"), get_writer("pdf"), get_writer("xlsx")
    # For a file to import again: importable fields only, the ID first even when the view puts it elsewhere.
    assert [f.id for f in export_columns(catalogue, ("NAME", "RECORDNO", "CUSTOMERID"), importable)] == [
        "CUSTOMERID",
        "NAME",
    ]
    assert export_columns(catalogue, (), importable) == (catalogue["CUSTOMERID"], *(
        f for f in catalogue.importable if f.id != "CUSTOMERID"
    ))  # fmt: skip
    # A document of the whole list: the list's columns; of a view: the view's.
    assert tuple(f.id for f in export_columns(catalogue, (), document)) == LIST_COLUMNS
    assert [f.id for f in export_columns(catalogue, ("CITY", "NAME"), document)] == ["CITY", "NAME"]
    # A spreadsheet of the whole list: every field.
    assert export_columns(catalogue, (), sheet) == catalogue.fields


def test_an_export_larger_than_the_import_limit_says_how_to_import_it_back(cli, monkeypatch, tmp_path, write_csv):
    """Issue 18, item 3: a CSV for import of a store over the row limit is only imported back with the limit
    raised; the export says so when it writes the file, in the command line and the dialog alike (one note)."""
    assert cli("init").code == 0
    rows = [["CUSTOMERID", "NAME", "PRINTAS"], *[[f"C{i}", "A", "A"] for i in range(4)]]
    assert cli("import", str(write_csv(rows))).code == 0
    monkeypatch.setenv("CUSTBOOK_MAX_ROWS", "3")
    out = tmp_path / "all.csv"
    done = cli("export", "--format", "import-csv", "-o", str(out))
    assert done.code == 0
    assert "holds 4 customers, more than an import reads at once (3): import it back with --max-rows 4" in done.err
    assert cli("import", str(out), "--max-rows", "4", "--json").json["unchanged"] == 4
    assert "more than an import reads" not in cli("export", "--format", "pdf", "-o", str(tmp_path / "a.pdf")).err
    monkeypatch.setenv("CUSTBOOK_MAX_ROWS", "4")
    assert "more than an import reads" not in cli("export", "--format", "import-csv", "-o", str(out)).err


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_store_is_free_while_a_slow_format_renders(
    seeded_file: Store, file_alice: User, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17, item 6: a workbook or a PDF takes seconds to render, and the export held the store all along, so
    every import or edit meanwhile waited and failed. The rows are copied out first: a write made while the file
    is being written goes through, and the file holds the customers as they were when the export began."""
    quick = Store(seeded_file.path, busy_seconds=0.5)  # a writer that would give up fast if the store were held
    before = top_level(seeded_file)
    private = tmp_path / "tmp"  # this test's own temporary folder: other tests' exports run meanwhile
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    wrote: list[str] = []

    def meanwhile(done: int) -> None:
        if not wrote:
            add_user(quick, "late", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=file_alice)
            wrote.append("late")

    outcome = export_file(
        seeded_file, tmp_path / f"all.{fmt}", user=file_alice, writer=get_writer(fmt), progress=meanwhile
    )
    assert wrote == ["late"] and outcome.rows == before
    assert (tmp_path / f"all.{fmt}").stat().st_size > 0
    assert list(private.iterdir()) == []  # the private copy of the rows is gone


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
def test_word_and_pdf_titles_say_the_views_order(seeded: Store, alice: User, tmp_path: Path) -> None:
    """Issue 18: a printed list sorted by credit limit did not say so. The line under the title names the sort."""
    import docx
    from pypdf import PdfReader

    from core.viewdef import SortKey

    view = View(
        "Biggest", columns=("CUSTOMERID", "NAME", "CREDITLIMIT"), sort=(SortKey("CREDITLIMIT", True), SortKey("NAME"))
    )
    words = "Sorted by Credit limit (descending), then Customer name"
    export_file(seeded, tmp_path / "b.docx", user=alice, writer=get_writer("docx"), view=view)
    assert words in docx.Document(str(tmp_path / "b.docx")).paragraphs[1].text
    export_file(seeded, tmp_path / "b.pdf", user=alice, writer=get_writer("pdf"), view=view)
    first = " ".join(PdfReader(tmp_path / "b.pdf").pages[0].extract_text().split())
    assert words in first, first[:300]
    plain = View("Plain", columns=("CUSTOMERID", "NAME"))
    export_file(seeded, tmp_path / "p.docx", user=alice, writer=get_writer("docx"), view=plain)
    assert "Sorted by" not in docx.Document(str(tmp_path / "p.docx")).paragraphs[1].text
