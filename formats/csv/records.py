"""Splitting a CSV file's text into records: the delimiter, the header and the data rows with their spreadsheet row
numbers (formats.csv.reader decodes the bytes first and calls these).

Owns what makes text a table: the delimiter sniffed from the header and the records after it, quoted cells that span
lines, blank rows skipped but counted, the row limit, and reading big files without holding a string per line (see
_chunks). Cells are kept exactly as written: trimming and typing are later stages.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from itertools import chain, repeat

from core.errors import FileRejected
from core.i18n import _
from core.table import RawRow, check_header
from formats.filekinds import empty_file, too_many_rows

# A single cell may be megabytes long (the length check is a later stage); the default limit is 128 KiB.
# 2**31 - 1 because the limit is a C long, which is 32 bits on Windows.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

DELIMITERS = (",", ";", "\t", "|")
# When two candidates score the same, the one that rarely appears inside text wins.
_PREFERENCE = {"\t": 0, "|": 1, ";": 2, ",": 3}
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 20  # data records compared with the header
_SPLITLINES_EXTRA = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def sniff_delimiter(text: str) -> str:
    """The delimiter among `,` `;` tab `|`. The header line decides which ones are possible (it must hold
    them outside quotes); the next records choose by agreeing with its cell count. None: `,` (one column)."""
    sample = text[:_SNIFF_CHARS]
    truncated = len(sample) < len(text)
    best: tuple[float, int, int] | None = None
    chosen = ","
    for delim in DELIMITERS:
        if delim not in sample:
            continue
        records: list[list[str]] = []
        for record in csv_records(sample, delim):
            if record and not _is_blank(record):
                records.append(record)
                if len(records) > _SNIFF_RECORDS:
                    break
        if not records or len(records[0]) < 2:
            continue
        width, others = len(records[0]), records[1:]
        if truncated and others:
            others = others[:-1]  # the cut may have shortened the last record: it does not vote
        agree = sum(len(r) == width for r in others) / len(others) if others else 1.0
        key = (round(agree, 1), width, -_PREFERENCE[delim])
        if best is None or key > best:
            best, chosen = key, delim
    return chosen


def split_table(text: str, delimiter: str, *, name: str, max_rows: int) -> tuple[tuple[str, ...], tuple[RawRow, ...]]:
    """Header and non-empty data rows, numbered like the spreadsheet (every record counts, empty ones too)."""
    records = _numbered(text, delimiter)
    first = next(records, None)
    if first is None or first[0] != 1 or _is_blank(first[1]):
        if any(not _is_blank(r) for _, r in chain(() if first is None else (first,), records)):
            raise FileRejected(
                _("Row 1 of the file {file} is empty, but it must hold the column names").format(file=name),
                _("Delete the empty rows above the column names (Customer ID, Customer name...) and try again"),
            )
        raise empty_file(name)
    header = first[1]
    width = len(header)
    while width and _is_blank_cell(header[width - 1]):
        width -= 1  # Excel writes `A,B,,` for formatted but empty columns
    check_header(name, tuple(header[:width]))  # before any row is read
    rows: list[RawRow] = []
    count = 0
    for number, cells in records:
        lead = cells[0] if cells else ""
        if (not lead or lead.isspace()) and _is_blank(cells):
            continue
        count += 1
        if count > max_rows:
            continue  # keep counting for the message, stop keeping rows
        if len(cells) > width and _is_blank_cell(cells[-1]):
            # Empty cells under the dropped empty header cells (or after a trailing delimiter) hold
            # nothing; cells beyond the header that do hold something stay, for the ragged-row check.
            end = len(cells) - 1
            while end > width and _is_blank_cell(cells[end - 1]):
                end -= 1
            del cells[end:]
        rows.append(RawRow(number, tuple(cells)))
    if count > max_rows:
        raise too_many_rows(name, count, max_rows)
    return tuple(header[:width]), tuple(rows)


def _numbered(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) of the records of the text: every record counts, empty ones too, as the csv module
    reads them; a file without quotes leaves its empty lines out here (see _numbered_plain)."""
    if '"' not in text and not any(ch in text for ch in _SPLITLINES_EXTRA):
        return _numbered_plain(text, delimiter)
    return enumerate(_records(text, delimiter), start=1)


def _numbered_plain(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The records of a text without quotes, a chunk at a time, without its empty lines: a chunk of only blank lines
    is counted in C and skipped (199 MB of blank rows took 60 s and 3.4 GB a line at a time; now 2 s, under 0.5 GB)."""
    number = 0
    for chunk in _chunks(text):
        if chunk.isspace():
            number += len(chunk.splitlines())
            continue
        lines = chunk.splitlines()
        for i in [i for i, line in enumerate(lines) if line and not line.isspace()]:
            yield number + i + 1, lines[i].split(delimiter)
        number += len(lines)


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    """Every record of the text, empty ones included, exactly as the csv module reads them."""
    if '"' in text:
        sample = text[:_SNIFF_CHARS]
        if sample.count('"') >= sample.count("\n"):
            return csv_records(text, delimiter)  # (nearly) every line quoted: the csv module is fastest
        return _mixed_records(text, delimiter)
    # Without a quote the csv module only splits lines and cells, which str methods do faster. splitlines() also
    # breaks at characters that are cell content in a CSV: use it only when there are none (`in` is a memchr).
    if not any(ch in text for ch in _SPLITLINES_EXTRA):
        return map(str.split, _lines(text), repeat(delimiter))  # map: no Python frame per line
    return (line.rstrip("\r\n").split(delimiter) for line in io.StringIO(text, newline=""))


CHUNK_CHARS = 1 << 20  # text split into lines a megabyte at a time: memory does not follow the number of lines
MANY_LINES = 200_000  # more lines than a file within the row limit has, but for blank ones


def _lines(text: str) -> Iterator[str]:
    """text.splitlines(), a chunk at a time (see _chunks)."""
    for chunk in _chunks(text):
        yield from chunk.splitlines()


def _chunks(text: str) -> Iterator[str]:
    """The text in pieces of about CHUNK_CHARS, each ending after a line feed (a CR LF pair is never cut), so that
    splitting it into lines takes memory for one piece at a time: 199 MB of blank rows (accepted: they are skipped
    and not counted) made 199 million strings in one list, 3.4 GB."""
    start = 0
    while start < len(text):
        end = text.find("\n", min(len(text), start + CHUNK_CHARS))
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _mixed_records(text: str, delimiter: str) -> Iterator[list[str]]:
    """Lines without a quote split with str.split, the others read by one csv reader (see _mixed_lines; a text of
    very many lines, blank ones perhaps, is streamed, so that memory does not follow their number)."""
    if not any(ch in text for ch in _SPLITLINES_EXTRA) and text.count("\n") <= MANY_LINES:
        return iter(_mixed_lines(text.splitlines(keepends=True), delimiter))
    return _mixed_stream(text, delimiter)


def _mixed_lines(lines: list[str], delimiter: str) -> list[list[str]]:
    """The records of `lines`: the runs of lines without a quote split a run at a time (a comprehension, no Python
    frame per line), each quoted record read by one csv reader from `feed`, which hands it the lines from the
    record's first; a csv reader never reads past the end of its record, so the next run starts where it stopped.
    Measured on a 25,000-row export with a quoted cell every ten rows: 0.06 s instead of 0.09 s."""
    records: list[list[str]] = []
    at = [0]  # the next line `feed` hands over

    def feed() -> Iterator[str]:
        while at[0] < len(lines):
            at[0] += 1
            yield lines[at[0] - 1]

    reader = _csv_reader(feed(), delimiter)
    done = 0
    for quoted in [i for i, line in enumerate(lines) if '"' in line]:
        if quoted < done:
            continue  # a line inside a quoted cell that spans lines: read with its record
        records.extend([line.rstrip("\r\n").split(delimiter) for line in lines[done:quoted]])
        at[0] = quoted
        records.append(next(reader))
        done = at[0]
    records.extend([line.rstrip("\r\n").split(delimiter) for line in lines[done:]])
    return records


def _mixed_stream(text: str, delimiter: str) -> Iterator[list[str]]:
    """Lines without a quote split with str.split, the others read by one csv reader. The reader takes its lines
    from `feed`: the quoted line this loop hands over, then, while a quoted cell stays open, the following lines
    of the file. A csv reader never reads past the end of its record, so the loop goes on from the next line.
    The lines come a chunk at a time (an io.StringIO of the text held it again, four bytes a character: 0.8 GB for a
    199 MB file), except in a text holding characters that splitlines() breaks at but a CSV does not."""
    lines: Iterator[str] = (
        io.StringIO(text, newline="")
        if any(ch in text for ch in _SPLITLINES_EXTRA)
        else (line for chunk in _chunks(text) for line in chunk.splitlines(keepends=True))
    )
    handed: list[str] = []

    def feed() -> Iterator[str]:
        while True:
            if handed:
                yield handed.pop()  # the first line of a record
                continue
            line = next(lines, None)  # a line inside a quoted cell
            if line is None:
                return
            yield line

    reader = _csv_reader(feed(), delimiter)
    for line in lines:
        if '"' in line:
            handed.append(line)
            yield next(reader)
        else:
            yield line.rstrip("\r\n").split(delimiter)


def csv_records(text: str, delimiter: str) -> Iterator[list[str]]:
    # newline="" splits lines at \r\n, \n and \r alike and keeps the ends: quoted line breaks survive intact.
    return _csv_reader(io.StringIO(text, newline=""), delimiter)


def _csv_reader(lines: Iterator[str], delimiter: str) -> Iterator[list[str]]:
    return csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)


def _is_blank_cell(cell: str) -> bool:
    return not cell or cell.isspace()


def _is_blank(cells: list[str]) -> bool:
    return all(not c or c.isspace() for c in cells)
