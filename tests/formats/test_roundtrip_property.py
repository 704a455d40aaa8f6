"""Property: any customers written as a CSV for import come back unchanged, and importing them again is a no-op.

Generated values cover any Unicode text (quotes, delimiters, line breaks, accents, non-Latin scripts), leading
zeros, dates, decimals, checkboxes, enums and custom fields.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.catalogue import Catalogue
from core.values import DateFormat
from formats.csv.for_import import ImportCsvWriter
from formats.reader import read_file
from formats.writer import ExportTable, write_file
from services.export import export_table
from services.planning import plan_import
from store.apply import apply_plan
from store.duck import DuckStore as Store
from store.fields import add_field, load_catalogue
from store.users import resolve_user

# Any character but NUL (no spreadsheet program writes it) and lone surrogates (not text).
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def _text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(_chars, max_size=max_size).map(str.strip).filter(lambda s: len(s) >= min_size)


_ids = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x00"),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
_money = st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2, allow_nan=False)
_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))

customers = st.fixed_dictionaries(
    {
        "NAME": _text(100, 1),
        "PRINTAS": _text(200, 1),
        "COMMENTS": _text(1000),
        "ZIP": st.from_regex(r"\A0[0-9]{4}\Z"),
        "CITY": _text(80),
        "CREDITLIMIT": st.none() | _money,
        "ONHOLD": st.booleans(),
        "TAXABLE": st.booleans(),
        "PAYMETHOD": st.none() | st.sampled_from(["Printed check", "Cash", "EFT", "Credit card", "ACH"]),
        "DELIVERY_OPTIONS": st.none() | st.sampled_from(["Print", "E-Mail", "Print#~#E-Mail"]),
        "EMAIL1": st.none() | st.emails().filter(lambda e: len(e) <= 200 and ".." not in e),
        "SEGMENT": st.sampled_from(["SMB", "Mid-market", "Enterprise"]),
        "CONTRACT_START": st.none() | _dates,
        "VIP": st.booleans(),
        "SCORE": st.none() | st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    }
)


_TEMPLATE: list[Path] = []


def _new_store(folder: Path) -> Store:
    """A fresh store with the custom fields; built once and copied, since each definition is a checkpoint."""
    if not _TEMPLATE:
        template = Path(tempfile.mkdtemp()) / "template.duckdb"
        store = Store(template)
        add_field(store, "SEGMENT", "enum", values=("SMB", "Mid-market", "Enterprise"), required=True)
        add_field(store, "CONTRACT_START", "date")
        add_field(store, "VIP", "bool")
        add_field(store, "SCORE", "decimal")
        _TEMPLATE.append(template)
    target = folder / "p.duckdb"
    shutil.copyfile(_TEMPLATE[0], target)
    return Store(target)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    records=st.dictionaries(_ids, customers, min_size=1, max_size=8),
    date_format=st.sampled_from(list(DateFormat)),
)
def test_csv_for_import_round_trips(records: dict[str, dict], date_format: DateFormat) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = _new_store(Path(folder))
        user = resolve_user(store, "prop")
        with store.read() as con:
            catalogue: Catalogue = load_catalogue(con)
        writer = ImportCsvWriter()
        names = sorted(next(iter(records.values())))
        columns = (catalogue["CUSTOMERID"], *(catalogue[f] for f in names))
        rows = [(cid, *(values[f] for f in names)) for cid, values in records.items()]
        path = Path(folder) / "in.csv"
        write_file(ExportTable("t", columns, rows, len(rows), date_format=date_format), writer, path)

        from core.values import ParseOptions

        options = ParseOptions(date_format=date_format)
        first = plan_import(store, read_file(path), user=user, options=options)
        assert first.errors == (), first.errors
        assert first.created == len(records)
        apply_plan(store, first, user=user)

        second = plan_import(store, read_file(path), user=user, options=options)
        assert (second.created, second.updated, second.blanked, second.failed) == (0, 0, 0, 0)
        assert second.unchanged == len(records)

        # And the store holds exactly what was generated, as its own export shows.
        out = io.BytesIO()
        table = export_table(store, user=user, writer=writer, date_format=date_format)
        writer.write(table, out)
        back = Path(folder) / "back.csv"
        back.write_bytes(out.getvalue())
        # Parsed the full way: the fast path leaves cells equal to the stored text unparsed, and every value is read
        # here.
        third = plan_import(store, read_file(back), user=user, options=options, fast=False)
        assert (third.created, third.updated, third.failed, third.unchanged) == (0, 0, 0, len(records))
        exported = {r.customer_id: r for r in third.parsed.rows}
        for cid, values in records.items():
            row = dict(zip(third.parsed.fields, exported[cid].values))
            for field, value in values.items():
                # A blank text is stored as empty (None): the same thing for every reader of the file.
                expected = None if value == "" else value
                assert row[field] == expected, (field, value, row[field])
