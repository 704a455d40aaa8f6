"""The column parsers (one call per column, sharing the work between repeated cells) give exactly what parsing each
cell on its own gives: the same values and the same problems at the same rows, for every importable field."""

from __future__ import annotations

import gc

from hypothesis import given, settings
from hypothesis import strategies as st

from core.bulk import gc_paused
from core.catalogue import Catalogue, Field
from core.columns import NEUTRALISED, column_parser
from core.values import DateFormat, ParseOptions, Value, ValueProblem, parser_for

CATALOGUE = Catalogue.standard()

# Cells a real file holds, good and bad for each kind, repeated often enough for the shared path to be taken.
POOL = [
    "", " ", "  x  ", "TRUE", "faux", "Oui", "maybe", "active", "INACTIVE", "Print#~#E-Mail", "both", "EFT",
    "1234.50", "1 234,50", "1,234.50", "-3", "12.345", "$5", "EUR", "eur", "euros", "25/12/2024", "12/25/2024",
    "2024-12-25", "31/02/2024", "ana@example.com", "not an address", "'=SUM(A1)", "'+33 1 23", "C-001",
    "line\nbreak", "x" * 120, "Łódź", "N30",
]  # fmt: skip


def one_by_one(field: Field, cells: list[str], options: ParseOptions, neutralised: bool) -> tuple[list, list]:
    parse = parser_for(field, options)
    values: list[Value] = []
    problems: list[tuple[int, str]] = []
    for i, cell in enumerate(cells):
        if neutralised and cell.startswith(NEUTRALISED):
            cell = cell[1:]
        if not cell.strip():
            values.append(None)
            continue
        try:
            values.append(parse(cell))
        except ValueProblem as problem:
            problems.append((i, str(problem)))
            values.append(None)
    return values, problems


@settings(max_examples=300, deadline=None)
@given(
    field=st.sampled_from(CATALOGUE.importable),
    cells=st.lists(st.sampled_from(POOL) | st.text(max_size=12), max_size=40),
    date_format=st.sampled_from(list(DateFormat)),
    decimal_comma=st.booleans(),
    neutralised=st.booleans(),
)
def test_a_column_parses_as_its_cells_do(
    field: Field, cells: list[str], date_format: DateFormat, decimal_comma: bool, neutralised: bool
) -> None:
    options = ParseOptions(date_format=date_format, decimal_comma=decimal_comma)
    neutralised = neutralised and field.type.name in ("TEXT", "ENUM", "EMAIL", "REF")
    got = column_parser(field, options, neutralised=neutralised)(list(cells))
    assert got == one_by_one(field, cells, options, neutralised)


def test_a_repeated_bad_cell_is_reported_on_each_of_its_rows() -> None:
    cells = ["TRUE", "maybe", "FALSE", "maybe", "TRUE", "TRUE"]
    values, problems = column_parser(CATALOGUE["ONHOLD"], ParseOptions())(cells)
    assert values == [True, None, False, None, True, True]
    assert [i for i, _ in problems] == [1, 3]


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block does not turn it on under the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_the_e_mail_character_classes_are_the_ranges_they_stand_for() -> None:
    """core.values writes its e-mail classes as what they leave out (60 times faster to compile); each must be
    exactly its ASCII characters plus U+00A0..U+FFFF."""
    import re

    from core import values

    written = {
        values._LOCAL: r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-\u00a0-\uffff]",
        values._LABEL_END: r"[A-Za-z0-9\u00a0-\uffff]",
        values._LABEL: r"[A-Za-z0-9\-\u00a0-\uffff]",
        values._TLD: r"[A-Za-z\u00a0-\uffff]",
    }
    points = [*range(0x400), *range(0xFF00, 0x10400), 0x1F600, 0x10FFFF]
    for fast, plain in written.items():
        a, b = re.compile(fast), re.compile(plain)
        assert [c for c in points if bool(a.fullmatch(chr(c))) != bool(b.fullmatch(chr(c)))] == []
