"""`custbook history` as people read it: its counts grouped as the rest of custbook writes them (issue 18), and
--json keeping plain numbers."""

from __future__ import annotations

import json


def test_the_history_lines_group_the_thousands_and_json_keeps_plain_numbers(cli, write_csv):
    """Issue 18: "0 created, 19900 updated, 19064 erased" where the interface says 19,900."""
    assert cli("init").code == 0
    rows = [["CUSTOMERID", "NAME", "PRINTAS", "CITY"]] + [[f"H{i:05d}", f"N{i}", f"N{i}", "Lyon"] for i in range(1234)]
    assert cli("import", str(write_csv(rows))).code == 0
    erase = [["CUSTOMERID", "CITY"]] + [[f"H{i:05d}", ""] for i in range(1001)]
    assert cli("import", str(write_csv(erase))).code == 0
    newest, first = cli("history").out.splitlines()
    assert ": 1,234 created, 0 updated, 0 erased, 0 failed" in first
    assert ": 0 created, 1,001 updated, 1,001 erased, 0 failed" in newest  # an erased field updates its customer
    listed = json.loads(cli("history", "--json").out)
    assert (listed[0]["blanked"], listed[1]["created"]) == (1001, 1234)
