"""A workbook's shared-strings table is bounded before openpyxl loads it (issue 17, item 5): a 47 MB .xlsx of 19
million tiny strings took 3.0 GB, because openpyxl holds the whole table before reading a row. The table may hold
at most max(1,000,000, 100 x the row limit) strings, and unpack to no more than the byte limit; what the hostile
files cost is in FIGURES_HOSTILE.md. The workbooks are written part by part here (shared_strings.py): millions of
tiny strings compress to kilobytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from shared_strings import write_workbook

from core.errors import FileRejected
from formats.reader import read_bytes
from formats.xlsx import reader as xlsx_reader


@pytest.mark.slow
def test_a_table_of_millions_of_tiny_strings_is_refused_before_it_is_loaded(tmp_path: Path, cli) -> None:
    path = write_workbook(tmp_path / "strings.xlsx", 3_000_000)  # 51 MB of XML in a file of about 100 KB
    assert path.stat().st_size < 1_000_000
    with pytest.raises(FileRejected) as refused:
        read_bytes(path.read_bytes(), name=path.name)
    said = str(refused.value)
    assert "holds a table of more than 2,500,000 texts, far more than 25,000 customer rows can use" in said
    assert "save it as “CSV UTF-8”" in said
    # A lower row limit lowers the bound, never under a million strings.
    with pytest.raises(FileRejected, match="more than 1,000,000 texts"):
        read_bytes(path.read_bytes(), name=path.name, max_rows=10)
    for run in (cli("import", str(path), "--dry-run"), cli("import", str(path), "--offline")):  # at once
        assert run.code == 1 and "2,500,000 texts" in run.err and len(run.err.splitlines()) == 1
    assert cli("jobs", "list", "--json").json == []


def test_a_table_larger_unpacked_than_the_byte_limit_is_refused_from_the_archive_s_directory(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "wide.xlsx", 100_000, distinct=True, width=20)  # about 3 MB unpacked
    with pytest.raises(FileRejected, match="larger, once unpacked, than the largest file custbook imports"):
        read_bytes(path.read_bytes(), name=path.name, max_bytes=1_000_000)
    assert len(read_bytes(path.read_bytes(), name=path.name, max_bytes=5_000_000).rows) == 2


def test_the_bound_counts_the_table_openpyxl_would_load_however_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_reader, "_STRINGS_MIN", 1_000)  # max(1,000, 100 x 5 rows): 1,000 strings
    for how in ({}, {"prefix": "x"}, {"part": "xl/texts/other.xml"}, {"prefix": "ns0", "part": "strs.xml"}):
        name = f"{how.get('prefix', '')}{how.get('part', '').replace('/', '_')}"
        at_limit = write_workbook(tmp_path / f"ok{name}.xlsx", 1_000, **how)  # type: ignore[arg-type]
        table = read_bytes(at_limit.read_bytes(), name="ok.xlsx", max_rows=5)
        assert [r.cells for r in table.rows] == [("C0000", "Name 0", "Name 0"), ("C0001", "Name 1", "Name 1")], how
        over = write_workbook(tmp_path / f"over{name}.xlsx", 1_001, **how)  # type: ignore[arg-type]
        with pytest.raises(FileRejected, match="more than 1,000 texts"):
            read_bytes(over.read_bytes(), name="over.xlsx", max_rows=5)


def test_entities_in_the_table_are_refused(tmp_path: Path) -> None:
    """An internal entity holding `<si>` elements would make many strings of a few bytes that no count of the raw
    XML sees: Excel never writes a DTD, so a table declaring one is refused."""
    path = write_workbook(tmp_path / "entities.xlsx", 10)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY s "<si><t>x</t></si><si><t>x</t></si>">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"&s;" * 1000 + b"</sst>"
    )
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "laughs.xlsx", "w") as target:
        for info in source.infolist():
            target.writestr(info, laughs if info.filename == "xl/sharedStrings.xml" else source.read(info))
    with pytest.raises(FileRejected, match="its shared strings declare XML entities"):
        read_bytes((tmp_path / "laughs.xlsx").read_bytes(), name="laughs.xlsx")


def test_styles_far_larger_than_any_spreadsheet_program_writes_are_refused(tmp_path: Path) -> None:
    """The same for the other parts openpyxl parses whole: 248 MB of styles in a 700 KB file took 6.6 GB."""
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'

    def styles(count: int) -> bytes:
        return (
            b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<cellXfs count="%d">' % count + xf * count + b"</cellXfs></styleSheet>"
        )

    heavy = write_workbook(tmp_path / "styles.xlsx", 10, extra={"xl/styles.xml": styles(200_000)})  # 12 MB
    with pytest.raises(FileRejected, match="far more styles and workbook settings than a spreadsheet program writes"):
        read_bytes(heavy.read_bytes(), name=heavy.name)
    usual = write_workbook(tmp_path / "usual.xlsx", 10, extra={"xl/styles.xml": styles(64_000)})  # Excel's most
    assert len(read_bytes(usual.read_bytes(), name=usual.name).rows) == 2
