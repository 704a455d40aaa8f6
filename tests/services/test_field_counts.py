"""The per-field summary of an import (issue 18, cli.md's `fields`): in the preview's first tab, first in
`--dry-run`, and as `fields` in `--json`, so that "I cleared a whole column" shows at a glance."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


HEADER = ["CUSTOMERID", "NAME", "PRINTAS", "CITY", "EMAIL1", "ONHOLD"]
STORED = [
    ["C1", "Alpha", "Alpha SA", "Lyon", "a@alpha.example", "TRUE"],
    ["C2", "Beta", "Beta SA", "Nice", "b@beta.example", "FALSE"],
    ["C3", "Gamma", "Gamma SA", "", "c@gamma.example", "TRUE"],
]


def _seed(cli, write_csv) -> None:
    assert cli("import", str(write_csv([HEADER, *STORED]))).code == 0


def test_json_counts_each_fields_changes_erasures_and_new_values(cli, write_csv):
    _seed(cli, write_csv)
    rows = [
        ["C1", "Alpha", "Alpha SA", "Paris", "", "TRUE"],  # city changed, e-mail erased
        ["C2", "Beta", "Beta SA", "Nice", "", ""],  # e-mail erased, the ticked box... was unticked: no change
        ["C3", "Gamma", "Gamma SA", "Metz", "", ""],  # city set where empty (changed), e-mail erased, box unticked
        ["C4", "Delta", "Delta SA", "", "d@delta.example", ""],  # new: name, print as, e-mail (+ defaults)
    ]
    result = cli("import", str(write_csv([HEADER, *rows])), "--dry-run", "--json")
    fields = result.json["fields"]
    assert fields["EMAIL1"] == {"created": 1, "updated": 0, "blanked": 3}
    assert fields["CITY"] == {"created": 0, "updated": 2, "blanked": 0}
    assert fields["ONHOLD"]["blanked"] == 1  # C3's ticked box, unticked by its blank cell
    assert fields["NAME"] == {"created": 1, "updated": 0, "blanked": 0}
    assert sum(c["blanked"] for c in fields.values()) == result.json["blanked"] == 4
    assert list(fields)[:3] == ["NAME", "PRINTAS", "CITY"]  # the file's column order
    committed = cli("import", str(write_csv([HEADER, *rows])), "--json").json
    assert committed["status"] == "committed" and committed["fields"] == fields


def test_a_rejected_import_has_no_field_counts(cli, write_csv):
    _seed(cli, write_csv)
    bad = write_csv([HEADER, ["C1", "Alpha", "Alpha SA", "Paris", "not-an-email", "TRUE"]])
    result = cli("import", str(bad), "--strict", "--json")
    assert result.json["status"] == "rejected" and "fields" not in result.json


def test_the_dry_run_prints_the_table_first_with_labels_and_the_files_own_heading(cli, write_csv):
    _seed(cli, write_csv)
    path = write_csv([["CUSTOMERID", "ville", "EMAIL1"], ["C1", "Paris", ""], ["C2", "Nice", ""]])
    out = cli("import", str(path), "--dry-run").out
    table = out.split("Changes by field:\n", 1)[1].split("Fields that will be ERASED", 1)[0]
    assert table.splitlines() == ["  City (file: ville)  1 changed", "  Email               2 erased"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["", "Lyon", "Metz"]), st.sampled_from(["", "x@y.example"])), min_size=1,
                max_size=3))  # fmt: skip
@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
def test_the_field_counts_agree_with_the_plans_own_counts(cli, write_csv, cells):
    """Whatever the file, the per-field table says what the counts line says: erasures add up to `blanked`, and
    each field's changes are exactly the updated customers' changes of that field."""
    if "C1," not in cli("export", "--format", "import-csv").out:  # the store lives across examples; dry runs only
        _seed(cli, write_csv)
    rows = [[f"C{i + 1}", STORED[i][1], STORED[i][2], city, mail, STORED[i][5]] for i, (city, mail) in enumerate(cells)]
    result = cli("import", str(write_csv([HEADER, *rows])), "--dry-run", "--json").json
    fields = result["fields"]
    assert sum(c["blanked"] for c in fields.values()) == result["blanked"]
    stored = {r[0]: r for r in csv.reader(io.StringIO(cli("export", "--format", "import-csv").out))}
    for column, name in ((3, "CITY"), (4, "EMAIL1")):
        col = stored["CUSTOMERID"].index(name)
        changed = [r for r in rows if r[column] != stored[r[0]][col]]
        counts = fields.get(name, {"updated": 0, "blanked": 0})
        assert counts["updated"] + counts["blanked"] == len(changed)
        assert counts["blanked"] == sum(1 for r in changed if r[column] == "")
