"""Limits a shared worker can trust (issue 17, item 4): a header of a million columns or a column name of 100 MB is
refused as soon as the header is read, immediately and when queued, and no message quotes more than a bounded
part of a cell. The hostile files are made here; what they cost is in FIGURES_HOSTILE.md."""

from __future__ import annotations

import openpyxl
import pytest

from core.table import MAX_COLUMNS, MAX_HEADER_CELL, MAX_MESSAGE, MAX_QUOTED


@pytest.mark.parametrize("offline", [False, True], ids=["now", "queued"])
def test_a_header_wider_than_the_limit_is_refused_before_anything_is_planned_or_queued(cli, tmp_path, offline):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["CUSTOMERID", "NAME", *(f"X{i}" for i in range(MAX_COLUMNS - 1))]) + "\r\nC1,A\r\n")
    run = cli("import", str(wide), *(["--offline"] if offline else []))
    assert run.code == 1 and f"{MAX_COLUMNS + 1:,} columns" in run.err and len(run.err) < 300
    assert "J1" not in cli("jobs", "list").out  # nothing queued for the worker
    at_limit = tmp_path / "at_limit.csv"
    at_limit.write_text(",".join(["CUSTOMERID", "NAME", *(f"X{i}" for i in range(MAX_COLUMNS - 2))]) + "\r\nC1,A\r\n")
    at = cli("import", str(at_limit), "--dry-run")
    # Read, then refused for what its columns are (unknown ones, one per line, issue 14), in bounded length.
    assert "an import reads at most" not in at.err and "998 columns of the file name no field" in at.err
    assert "and 938 more" in at.err and len(at.err.splitlines()) < 70 and len(at.err) < 8000


def test_a_column_name_longer_than_the_limit_is_refused_in_one_short_sentence(cli, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("CUSTOMERID," + "N" * 5_000_000 + "\r\nC1,A\r\n")
    run = cli("import", str(path), "--dry-run")
    assert run.code == 1 and "5,000,000 characters" in run.err and len(run.err) < 300
    fine = tmp_path / "fine.csv"
    fine.write_text("CUSTOMERID," + "N" * MAX_HEADER_CELL + "\r\nC1,A\r\n")
    assert "characters" not in cli("import", str(fine), "--dry-run").err


def test_a_workbook_wider_than_the_limit_is_refused(cli, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CUSTOMERID", "NAME", *(f"X{i}" for i in range(MAX_COLUMNS))])
    sheet.append(["C1", "A"])
    book.save(tmp_path / "wide.xlsx")
    run = cli("import", str(tmp_path / "wide.xlsx"), "--dry-run")
    assert run.code == 1 and f"{MAX_COLUMNS + 2:,} columns" in run.err


def test_an_error_quotes_a_bounded_part_of_a_huge_cell_and_the_failed_rows_keep_it_whole(cli, tmp_path):
    huge = "x" * 2_000_000 + "@"
    path = tmp_path / "huge.csv"
    path.write_text(f"CUSTOMERID,NAME,PRINTAS,EMAIL1\r\nC1,A,A,{huge}\r\n")
    run = cli("import", str(path), "--json", "--errors-out", str(tmp_path / "failed.csv"))
    error = run.json["errors"][0]
    assert error["column"] == "EMAIL1" and len(error["value"]) <= MAX_QUOTED and error["value"].endswith("…")
    assert len(error["message"]) <= MAX_MESSAGE and len(run.out) < 5_000
    assert huge in (tmp_path / "failed.csv").read_text(encoding="utf-8-sig")


def test_a_view_beyond_the_limits_is_refused_before_it_is_saved(cli, tmp_path):
    """Issue 17, item 3: a view of thousands of filters took gigabytes each time it was shown or exported, and was
    saved before it was checked. Now it is refused in one sentence (exit 2) and nothing is saved."""
    from core.viewdef import MAX_FILTERS

    cli("init", "--demo", "20")
    many = [arg for i in range(MAX_FILTERS + 1) for arg in ("--filter", f"CITY!=Nowhere{i}")]
    run = cli("views", "save", "huge", *many)
    assert run.code == 2 and f"at most {MAX_FILTERS} filters" in run.err
    assert "huge" not in cli("views", "list").out
    at_limit = cli("views", "save", "big", *many[: 2 * MAX_FILTERS])
    assert at_limit.code == 0, at_limit
    assert cli("export", "--view", "big", "-o", str(tmp_path / "big.csv")).code == 0
