"""Saved views: filters, sort, visibility and ownership, and exports that follow them (issue: views and exports)."""

from __future__ import annotations

import csv
import io

import pytest

HEADER = ["CUSTOMERID", "NAME", "PRINTAS", "CITY", "COUNTRY", "CREDITLIMIT", "CONTRACT_START", "ONHOLD"]
ROWS = [
    ["A1", "Alpha", "Alpha", "Paris", "France", "100", "05/03/2024", "TRUE"],
    ["A2", "beta", "beta", "Lyon", "FRANCE", "2500.50", "25/12/2023", "FALSE"],
    ["A3", "Gamma; -- 'x'", "Gamma", "", "Germany", "", "", "FALSE"],
    ["A4", "Delta", "Delta", "paris", "France", "99.99", "01/01/2025", "TRUE"],
    ["A5", "Epsilon", "Epsilon", "Berlin", "", "5000", "", "FALSE"],
]


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


@pytest.fixture
def people(cli, write_csv):
    cli("fields", "add", "CONTRACT_START", "--type", "date")
    assert cli("import", str(write_csv([HEADER, *ROWS]))).code == 0


def ids(cli, *filters: str, sort: str = "", name: str = "v") -> list[str]:
    args = ["views", "save", name, "--columns", "CUSTOMERID,NAME"]
    for f in filters:
        args += ["--filter", f]
    if sort:
        args += ["--sort", sort]
    result = cli(*args)
    assert result.code == 0, result.err
    out = cli("export", "--view", name, "--format", "import-csv").out
    return [r["CUSTOMERID"] for r in csv.DictReader(io.StringIO(out))]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("CITY=PARIS", ["A1", "A4"]),
        ("City=paris", ["A1", "A4"]),
        ("CITY!=paris", ["A2", "A3", "A5"]),  # an empty city is certainly not Paris
        ("NAME~L", ["A1", "A4", "A5"]),
        ("NAME^=g", ["A3"]),
        ("CREDITLIMIT>100", ["A2", "A5"]),
        ("CREDITLIMIT<100", ["A4"]),
        ("CREDITLIMIT=2500.5", ["A2"]),
        ("CONTRACT_START<01/01/2024", ["A2"]),
        ("CONTRACT_START>2024-01-01", ["A1", "A4"]),
        ("CITY:empty", ["A3"]),
        ("COUNTRY:notempty", ["A1", "A2", "A3", "A4"]),
        ("ONHOLD=vrai", ["A1", "A4"]),
        ("NAME<c", ["A1", "A2"]),
        ("NAME=Gamma; -- 'x'", ["A3"]),
        ("NAME~; -- 'X", ["A3"]),
    ],
)
def test_filters(cli, people, expr, expected):
    assert ids(cli, expr) == expected


def test_filters_combine_with_and(cli, people):
    assert ids(cli, "COUNTRY=france", "CREDITLIMIT>99.99") == ["A1", "A2"]


def test_empty_value_matches_only_is_empty_and_not_equal(cli, people):
    assert "A3" not in ids(cli, "CITY~")  # contains "" would match everything but empty cities
    assert "A3" in ids(cli, "CITY!=x")


def test_an_operator_with_nothing_after_it_means_empty_or_not(cli, people):
    """`CITY=` read as "City is “”" matched nobody, silently (a newcomer followed docs that said it meant empty)."""
    assert ids(cli, "CITY=") == ids(cli, "CITY:empty") == ["A3"]
    assert ids(cli, "CITY!=") == ids(cli, "CITY:notempty") == ["A1", "A2", "A4", "A5"]
    assert cli("views", "save", "nocity", "--filter", "CITY=").code == 0
    assert "City is empty" in cli("views", "show", "nocity").out


def test_multi_key_sort_ascending_and_descending(cli, people):
    assert ids(cli, sort="COUNTRY,-CREDITLIMIT") == ["A2", "A1", "A4", "A3", "A5"]
    assert ids(cli, sort="-CREDITLIMIT") == ["A5", "A2", "A1", "A4", "A3"]  # empty last


def test_bad_filter_values_and_fields_are_refused_with_the_fix(cli, people):
    bad_number = cli("views", "save", "x", "--filter", "CREDITLIMIT>lots")
    assert bad_number.code == 2 and "number" in bad_number.err
    bad_field = cli("views", "save", "x", "--filter", "CITTY=Paris")
    assert bad_field.code == 2 and "CITY" in bad_field.err
    assert cli("views", "save", "x", "--filter", "CITY").code == 2


def test_export_follows_view_columns_order_filters_and_sort(cli, people):
    cli(
        "views",
        "save",
        "French",
        "--columns",
        "CITY,NAME,CREDITLIMIT",
        "--filter",
        "COUNTRY=France",
        "--sort",
        "-CREDITLIMIT",
    )
    out = cli("export", "--view", "French", "--format", "csv").out
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows == [
        ["City", "Customer name", "Credit limit"],
        ["Lyon", "beta", "2500.50"],
        ["Paris", "Alpha", "100.00"],
        ["paris", "Delta", "99.99"],
    ]
    imp = list(csv.reader(io.StringIO(cli("export", "--view", "French", "--format", "import-csv").out)))
    assert imp[0] == ["CUSTOMERID", "CITY", "NAME", "CREDITLIMIT"]


def test_import_csv_of_a_view_round_trips(cli, people, tmp_path):
    cli("views", "save", "Some", "--columns", "NAME,RECORDNO,CITY,WHENCREATED,CONTRACT_START", "--filter", "CITY~a")
    path = tmp_path / "back.csv"
    assert cli("export", "--view", "Some", "--format", "import-csv", "-o", str(path)).code == 0
    assert path.read_text().splitlines()[0] == "CUSTOMERID,NAME,CITY,CONTRACT_START"
    again = cli("import", str(path), "--json").json
    assert (again["created"], again["updated"], again["blanked"], again["failed"]) == (0, 0, 0, 0)


def test_private_views_are_invisible_to_others_and_only_owners_delete(cli, people):
    cli("users", "add", "bob", "--perms", "list")
    cli("views", "save", "Mine", "--filter", "CITY=Paris")
    cli("views", "save", "Shared", "--filter", "CITY=Lyon", "--public")
    bobs = cli("--user", "bob", "views", "list").out
    assert "Shared" in bobs and "Mine" not in bobs and "All customers" in bobs
    assert cli("--user", "bob", "export", "--view", "Mine", "--format", "csv").code == 1
    assert cli("--user", "bob", "views", "delete", "Shared").code == 3
    assert cli("views", "delete", "Shared").code == 0
    assert "Shared" not in cli("views", "list").out
    assert cli("views", "delete", "All customers").code == 2


def test_view_name_with_quotes_and_sql_is_stored_as_typed(cli, people):
    name = "Robert'); DROP TABLE views;--\"x"
    assert cli("views", "save", name, "--filter", "CITY=Paris").code == 0
    shown = cli("views", "show", name, "--json").json
    assert shown["name"] == name and shown["matching"] == 2


def test_include_entity_records(cli, write_csv):
    cli("entities", "add", "EU", "--name", "Europe")
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["T1", "Top", "Top"]])))
    cli("--entity", "EU", "import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["E1", "Eu", "Eu"]])))
    cli("views", "save", "top")
    cli("views", "save", "everything", "--include-entities")
    assert cli("views", "show", "top", "--json").json["matching"] == 1
    assert cli("views", "show", "everything", "--json").json["matching"] == 2


def test_a_view_whose_filter_cannot_run_is_not_saved(cli, people):
    assert cli("views", "save", "bad", "--filter", "CREDITLIMIT>10k").code == 2
    assert "bad" not in cli("views", "list").out


def test_export_format_follows_the_file_name(cli, people, tmp_path):
    target = tmp_path / "list.xlsx"
    assert cli("export", "-o", str(target)).code == 0
    assert target.read_bytes()[:2] == b"PK"
    clash = cli("export", "--format", "pdf", "-o", str(tmp_path / "list.xlsx"))
    assert clash.code == 2 and "--format xlsx" in clash.err


def test_text_sorts_as_people_read_it_without_regard_to_case_or_accents(cli, write_csv):
    names = ["Schmidt", "Schäfer", "schulz", "Zoë", "Émile", "Eve", "ábel", "Adam"]
    rows = [["CUSTOMERID", "NAME", "PRINTAS"], *([f"P{i}", n, n] for i, n in enumerate(names))]
    assert cli("import", str(write_csv(rows))).code == 0
    order = ids(cli, sort="NAME")
    shown = [names[int(cid[1:])] for cid in order]
    assert shown == ["ábel", "Adam", "Émile", "Eve", "Schäfer", "Schmidt", "schulz", "Zoë"]
    assert [names[int(cid[1:])] for cid in ids(cli, sort="-NAME", name="w")] == shown[::-1]


def test_a_saved_date_filter_means_the_same_days_in_every_date_format(cli, people):
    # 04/01/2024 is 4 January as typed (DD/MM/YYYY); read as MM/DD/YYYY it would be 1 April, and take in A1 (5 March).
    assert cli("views", "save", "Winter", "--columns", "CUSTOMERID", "--filter", "CONTRACT_START<04/01/2024").code == 0
    assert cli("views", "show", "Winter", "--json").json["filters"] == ["CONTRACT_START<2024-01-04"]
    us = cli("views", "save", "US", "--filter", "CONTRACT_START<04/01/2024", "--date-format", "MM/DD/YYYY")
    assert "  Contract start is before 1 April 2024 (read as MM/DD/YYYY)" in us.out  # the date as understood
    assert cli("views", "show", "US", "--json").json["filters"] == ["CONTRACT_START<2024-04-01"]
    rows = {}
    for fmt in ("DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY"):
        out = cli("export", "--view", "Winter", "--format", "csv", "--date-format", fmt)
        assert out.code == 0, out.err
        rows[fmt] = out.out.splitlines()[1:]
    assert set(map(tuple, rows.values())) == {("A2",)}  # 25 December 2023, in every format


def test_a_view_saved_by_an_older_version_keeps_the_dates_it_was_checked_with(cli, people, db):
    import duckdb

    cli("views", "save", "Old", "--columns", "CUSTOMERID", "--filter", "CONTRACT_START<04/01/2024")
    # As an older custbook kept it: the date as typed, and the store at layout 3.
    con = duckdb.connect(str(db))
    con.execute("UPDATE views SET definition = replace(definition, '2024-01-04', '04/01/2024') WHERE name = 'Old'")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    assert cli("views", "show", "Old", "--json").json["filters"] == ["CONTRACT_START<2024-01-04"]
    out = cli("export", "--view", "Old", "--format", "csv", "--date-format", "MM/DD/YYYY").out
    assert out.splitlines()[1:] == ["A2"]  # 4 January 2024, as checked when saved: not 1 April (A1 is 5 March)


def test_saving_over_a_view_says_so_and_warns_when_it_stops_being_shared(cli, people):
    first = cli("views", "save", "Team list", "--columns", "CUSTOMERID,NAME", "--filter", "COUNTRY=France", "--public")
    assert first.code == 0 and first.out.startswith("Saved view “Team list” (public)")
    again = cli("views", "save", "Team list", "--columns", "CUSTOMERID,NAME,CITY")  # stays shared
    assert again.code == 0 and again.out.startswith("Replaced view “Team list” (public)") and again.err == ""
    private = cli("views", "save", "Team list", "--columns", "CUSTOMERID,NAME", "--private")
    assert private.out.startswith("Replaced view “Team list” (private)")
    assert "was public and is now private: other users no longer see it" in private.err
    cased = cli("views", "save", "team LIST", "--columns", "CUSTOMERID")
    assert cased.code == 2
    assert "You already have a view named “Team list”" in cased.err and "Save under exactly “Team list”" in cased.err
    assert [v["name"] for v in cli("views", "list", "--json").json] == ["All customers", "Team list"]


def test_views_show_says_a_date_filter_as_views_save_echoed_it(cli, people):
    """Before, `views save` said 'Contract start is after 1 April 2024' and `views show` 'is greater than
    “2024-04-01”'; documents' filter lines said the same code."""
    saved = cli("views", "save", "Recent", "--columns", "CUSTOMERID", "--filter", "CONTRACT_START>01/04/2024")
    assert "Contract start is after 1 April 2024" in saved.out
    shown = cli("views", "show", "Recent").out
    assert "Contract start is after 1 April 2024" in shown and "greater than" not in shown
