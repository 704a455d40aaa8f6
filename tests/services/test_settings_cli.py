"""`custbook settings list|set` end to end, and the store's ceilings applied to queued imports (issue 17, item 5;
cli.md): whatever its submitter asks, a queued import is refused at once when its file is over a ceiling, and the
worker reads each job with the ceilings as they are when it runs. An immediate import keeps the user's own limits.
The rules themselves are tested through the service in tests/services/test_settings_service.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


@pytest.fixture
def initialised(cli):
    assert cli("init").code == 0  # alice, the first user, is the administrator


def _rows(write_csv, count: int, name: str = "rows.csv"):
    return write_csv([["CUSTOMERID", "NAME", "PRINTAS"], *([f"C{i:04}", f"N{i}", f"N{i}"] for i in range(count))], name)


def _customers(cli) -> int:
    return len(cli("export", "--format", "import-csv").out.splitlines()) - 1


def test_an_administrator_lists_and_sets_the_ceilings(cli, initialised):
    listed = cli("settings", "list")
    assert listed.code == 0, listed.err
    assert [line.split()[:3] for line in listed.out.splitlines()] == [
        ["max-rows", "25,000", "(default)"],
        ["max-bytes", "200", "MB"],
    ]
    assert cli("settings", "list", "--json").json == [
        {"key": "max-rows", "value": 25000, "default": True},
        {"key": "max-bytes", "value": 200 * 1024 * 1024, "default": True},
    ]
    done = cli("settings", "set", "max-bytes", "500MB")
    assert done.code == 0 and done.out.startswith("max-bytes is now 500 MB"), done.err
    assert cli("settings", "set", "MAX-ROWS", "50,000").code == 0
    assert cli("settings", "list", "--json").json == [
        {"key": "max-rows", "value": 50000, "default": False},
        {"key": "max-bytes", "value": 500 * 1024 * 1024, "default": False},
    ]
    assert [line.split()[:2] for line in cli("settings", "list").out.splitlines()] == [
        ["max-rows", "50,000"],
        ["max-bytes", "500"],
    ]


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("max-rowz", "10", "'max-rowz' is not a setting of custbook. Use one of: max-rows, max-bytes"),
        ("max-rows", "0", "max-rows '0' is not a positive number of rows"),
        ("max-rows", "ten", "max-rows 'ten' is not a positive number of rows"),
        ("max-bytes", "lots", "max-bytes 'lots' is not a file size"),
    ],
)
def test_a_wrong_key_or_value_is_a_usage_error(cli, initialised, key, value, said):
    wrong = cli("settings", "set", key, value)
    assert (wrong.code, wrong.out) == (2, "")
    assert said in wrong.err and len(wrong.err.strip().splitlines()) == 1
    assert all(s["default"] for s in cli("settings", "list", "--json").json)


def test_only_administrators_see_or_change_the_settings(cli, initialised):
    assert cli("users", "add", "bob", "--perms", "list,edit").code == 0
    assert cli("users", "add", "eve", "--type", "employee", "--perms", "list,add,edit").code == 0
    for user in ("bob", "eve", "mallory"):  # mallory is no user at all
        for words in (("settings", "list"), ("settings", "set", "max-rows", "1000000")):
            refused = cli("--user", user, *words)
            assert (refused.code, refused.out) == (3, ""), (user, words)
            assert len(refused.err.strip().splitlines()) == 1
    assert "bob may not change the store's settings" in cli("--user", "bob", "settings", "set", "max-rows", "9").err
    assert all(s["default"] for s in cli("settings", "list", "--json").json)


def test_a_queued_file_over_the_byte_ceiling_is_refused_at_once_whatever_max_bytes_asks(cli, initialised, write_csv):
    source = _rows(write_csv, 100)  # about 2 KB
    assert cli("settings", "set", "max-bytes", "1KB").code == 0
    refused = cli("import", str(source), "--offline", "--max-bytes", "1GB")
    assert (refused.code, refused.out) == (1, "")
    assert "an import queued on this store may be at most 1 KB (the store's max-bytes setting)" in refused.err
    assert "Ask an administrator to raise it (custbook settings set max-bytes 1MB)" in refused.err
    as_json = cli("import", str(source), "--offline", "--json")
    assert as_json.code == 1 and as_json.json["status"] == "rejected" and as_json.json["job"] is None
    assert "max-bytes" in as_json.json["errors"][0]["message"]
    assert cli("jobs", "list", "--json").json == []
    # The submitter's own, lower limit still refuses in its words; an immediate import ignores the ceiling.
    own = cli("import", str(source), "--offline", "--max-bytes", "500")
    assert own.code == 1 and "the largest file custbook imports is 500 bytes" in own.err
    assert cli("import", str(source)).code == 0 and _customers(cli) == 100


def test_a_queued_file_over_the_row_ceiling_is_refused_at_once_whatever_max_rows_asks(cli, initialised, write_csv):
    source = _rows(write_csv, 40)
    assert cli("settings", "set", "max-rows", "30").code == 0
    refused = cli("import", str(source), "--offline", "--max-rows", "100000")
    assert refused.code == 1, refused.out
    assert (
        "The file rows.csv has more than 30 customer rows, the most an import queued on this store may hold (the "
        "store's max-rows setting). Ask an administrator to raise it (custbook settings set max-rows 60)"
    ) in refused.err
    assert cli("jobs", "list", "--json").json == []
    assert cli("import", str(source), "--offline", "--max-rows", "20").code == 1  # their own limit: refused too
    assert cli("import", str(source)).code == 0 and _customers(cli) == 40  # immediate: the user's own limits


def test_the_worker_applies_a_ceiling_lowered_after_the_job_was_queued(cli, initialised, write_csv):
    rows, big = _rows(write_csv, 40), _rows(write_csv, 100, "big.csv")
    assert cli("import", str(rows), "--offline", "--max-rows", "100000").code == 0  # J1: within the defaults
    assert cli("import", str(big), "--offline").code == 0  # J2, about 2 KB
    assert cli("settings", "set", "max-rows", "30").code == 0
    assert cli("settings", "set", "max-bytes", "1KB").code == 0
    assert cli("jobs", "run", "--once").code == 0
    first, second = cli("jobs", "show", "J1", "--json").json, cli("jobs", "show", "J2", "--json").json
    assert (first["state"], first["result"]["status"], second["state"]) == ("failed", "rejected", "failed")
    assert "more than 30 customer rows" in first["result"]["errors"][0]["message"]
    assert "max-rows setting" in first["result"]["errors"][0]["message"]
    assert "at most 1 KB (the store's max-bytes setting)" in second["result"]["errors"][0]["message"]
    assert _customers(cli) == 0
    # Raised again, the same file queued again goes through.
    assert cli("settings", "set", "max-rows", "40").code == 0
    assert cli("import", str(rows), "--offline").code == 0
    assert cli("jobs", "run", "--once").code == 0
    assert cli("jobs", "show", "J3", "--json").json["result"]["created"] == 40
