"""One table of hard values that every export writer is tested against (house style: unicode, quotes, line
breaks, formulas, leading zeros, decimals, dates, timestamps, booleans, empties)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.catalogue import Catalogue
from formats.writer import ExportTable

COLUMNS = (
    "CUSTOMERID",
    "NAME",
    "ZIP",
    "CREDITLIMIT",
    "ONHOLD",
    "LAST_INVOICEDATE",
    "WHENCREATED",
    "COMMENTS",
    "EMAIL1",
    "RECORDNO",
)

ROWS: tuple[tuple[object, ...], ...] = (
    (
        "C0001",
        "Société Générale des Eaux",
        "02138",
        Decimal("1234.50"),
        True,
        dt.date(2024, 3, 5),
        dt.datetime(2023, 1, 2, 3, 4, 5),
        "Line one\nLine two",
        "a@b.example",
        1,
    ),
    (
        "C0002",
        "Αθηναϊκή Εμπορική",
        "06000",
        Decimal("0.00"),
        False,
        None,
        dt.datetime(2020, 12, 31, 23, 59, 59),
        'He said "hi", then; left',
        None,
        2,
    ),
    ("C0003", "ООО Северный ветер", "", None, False, dt.date(1999, 12, 31), dt.datetime(2001, 1, 1), "", None, 3),
    (
        "C0004",
        '=HYPERLINK("http://x","y")',
        "00000",
        Decimal("-5.25"),
        True,
        None,
        dt.datetime(2026, 11, 28),
        "@SUM(A1)",
        None,
        4,
    ),
    (
        "0042",
        "Müller & Söhne GmbH — Łódź / Ærøskøbing",
        "1000",
        Decimal("9999999.99"),
        False,
        None,
        dt.datetime(2022, 6, 1, 12, 0),
        "-3 minus first\ttab",
        "x.y@z.example",
        5,
    ),
)


def hard_table(title: str = "Hard values: «quotes» & ünïcödé") -> ExportTable:
    catalogue = Catalogue.standard()
    return ExportTable(
        title=title,
        columns=tuple(catalogue[c] for c in COLUMNS),
        rows=list(ROWS),
        row_count=len(ROWS),
        filters=("Country = France", 'Name contains "S"'),
        generated=dt.datetime(2026, 11, 28, 9, 30),
    )
