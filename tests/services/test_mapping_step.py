"""The interface's column-mapping step without a screen (services.mapping_step): when a file needs it, what it
proposes for each column and why, the required fields still unfed, whether the mapping can work, and the mapping
the user's changes make (planned exactly as the step showed it)."""

from __future__ import annotations

from core.keys import KeyOptions
from core.mapping import ColumnMapping
from core.plan import ImportOptions
from core.table import RawRow, RawTable
from services.imports import plan
from services.mapping_step import Origin, propose, step_needed
from services.mappings import save_mapping

HEADER = ("Company", "Contact Email", "Phone Number", "Town", "Notes", "Internal Rating")
ROWS = (
    ("Acme Ltd", "ap@acme.test", "+1 555 0100", "Springfield", "Pays late", "A"),
    ("Beta GmbH", "", "", "Berlin", "", "B"),
    ("Gamma SA", "info@gamma.test", "+41 22 555", "Genève", "", "C"),
)


def table(header: tuple[str, ...] = HEADER, rows: tuple[tuple[str, ...], ...] = ROWS) -> RawTable:
    return RawTable("crm.csv", header, tuple(RawRow(n, r) for n, r in enumerate(rows, start=2)), "utf-8", ",")


def test_a_custbook_file_needs_no_step(store, alice):
    own = table(("CUSTOMERID", "NAME", "PRINTAS"), (("C1", "Acme", "Acme"),))
    assert propose(store, own, user=alice) is None
    catalogue = store.fields.catalogue()
    assert step_needed(table(("NAME", "PRINTAS")), catalogue)  # no Customer ID column
    assert step_needed(table(("CUSTOMERID", "NAME", "Rating")), catalogue)  # a column that names no field


def test_every_column_with_its_first_values_and_what_it_feeds(store, alice):
    proposal = propose(store, table(), user=alice)
    assert proposal is not None and proposal.preselected is None
    got = {c.heading: (c.fields, c.origin) for c in proposal.columns}
    assert got == {
        "Company": (("NAME", "PRINTAS"), Origin.SUGGESTED),
        "Contact Email": (("EMAIL1",), Origin.SUGGESTED),
        "Phone Number": (("PHONE1",), Origin.SUGGESTED),
        "Town": (("CITY",), Origin.SUGGESTED),
        "Notes": (("COMMENTS",), Origin.SUGGESTED),
        "Internal Rating": ((), Origin.SUGGESTED),
    }
    assert proposal.columns[0].samples == ("Acme Ltd", "Beta GmbH", "Gamma SA")  # three, blanks passed over
    assert proposal.columns[1].samples == ("ap@acme.test", "info@gamma.test")
    # No ID column: new customers are numbered and existing ones found by e-mail, so a rerun adds nobody.
    assert proposal.keys == KeyOptions(generate=True, match="EMAIL1")
    assert proposal.unfed == () and proposal.works
    assert proposal.using.startswith("No saved or built-in mapping fits this file")


def test_changes_make_the_mapping_that_is_planned(store, alice):
    proposal = propose(store, table(), user=alice)
    assert proposal is not None
    changed = proposal.choose(2, "CELLPHONE").skip(4).add(3, "STATE")
    assert [c.origin for c in changed.columns][2:5] == [Origin.CHOSEN] * 3
    mapping = changed.mapping()
    assert dict(mapping.columns)["Phone Number"] == ("CELLPHONE",)
    assert dict(mapping.columns)["Notes"] == ()
    assert dict(mapping.columns)["Town"] == ("CITY", "STATE")
    planned = plan(store, table(), user=alice, entity=None, options=changed.options(ImportOptions()))
    assert planned.created == 3 and not planned.errors
    first = {c.field: c.new for c in planned.creates[0].changes}
    assert first["CELLPHONE"] == "+1 555 0100" and first["STATE"] == "Springfield" and "COMMENTS" not in first
    assert [cid for _, cid in planned.generated] == ["C0000001", "C0000002", "C0000003"]


def test_a_field_chosen_for_a_second_column_moves_unless_added_which_joins(store, alice):
    header = ("Given Name", "Family Name", "Email")
    rows = (("Ada", "Lovelace", "ada@example.test"),)
    proposal = propose(store, table(header, rows), user=alice)
    assert proposal is not None
    moved = proposal.choose(0, "NAME").choose(1, "NAME")
    assert moved.columns[0].fields == () and moved.columns[1].fields == ("NAME",)
    joined = proposal.choose(0, "NAME").choose(1, "LASTNAME").add(1, "NAME")
    mapping = joined.mapping()
    assert mapping.joins == (("NAME", ("Given Name", "Family Name")),)
    assert dict(mapping.columns)["Family Name"] == ("LASTNAME",)
    joined = joined.add(0, "PRINTAS")
    planned = plan(store, table(header, rows), user=alice, entity=None, options=joined.options(ImportOptions()))
    values = {c.field: c.new for c in planned.creates[0].changes}
    assert (values["NAME"], values["LASTNAME"], values["PRINTAS"]) == ("Ada Lovelace", "Lovelace", "Ada")


def test_what_is_missing_is_said_and_a_required_custom_field_shows_as_unfed(store, alice):
    store.fields.add("SEGMENT", "text", required=True, label="Segment", by=alice)
    proposal = propose(store, table(), user=alice)
    assert proposal is not None
    assert proposal.unfed == ("SEGMENT",) and proposal.works  # rows creating customers fail, updates pass
    no_keys = proposal.with_keys(KeyOptions())
    assert "CUSTOMERID" in no_keys.unfed
    assert no_keys.problem is not None and "Generate IDs" in no_keys.problem
    no_email = proposal.skip(1)
    assert no_email.keys.match is None  # matching by a field no column feeds cannot work
    nothing = proposal
    for position in range(len(proposal.columns)):
        nothing = nothing.skip(position)
    assert nothing.problem is not None and nothing.problem.startswith("No column is imported")


def test_a_saved_mapping_that_fits_is_preselected_before_a_built_in_one(store, alice):
    proposal = propose(store, table(), user=alice)
    assert proposal is not None
    mapping = proposal.choose(2, "CELLPHONE").mapping()
    save_mapping(store, ColumnMapping("crm", mapping.columns, mapping.joins, True), user=alice)
    again = propose(store, table(rows=(("Delta", "d@delta.test", "+1 555 0199", "Paris", "x", "D"),)), user=alice)
    assert again is not None and again.preselected is not None and again.preselected.name == "crm"
    assert again.using == "Using the crm mapping"
    assert {c.heading: c.fields for c in again.columns}["Phone Number"] == ("CELLPHONE",)
    assert all(c.origin is Origin.MAPPING for c in again.columns)


def test_a_built_in_mapping_is_preselected_for_a_file_it_fits(store, alice):
    header = ("Organization", "First Name", "Last Name", "Email", "Phone", "Street", "City", "Province/State",
              "Country", "Postal Code", "Notes")  # fmt: skip
    rows = (("Acme", "Ada", "Byron", "ada@acme.test", "555", "1 Main", "Springfield", "IL", "US", "62701", ""),)
    proposal = propose(store, table(header, rows), user=alice)
    assert proposal is not None and proposal.preselected is not None
    assert proposal.using.startswith(f"Using the {proposal.preselected.name} mapping: the file looks like")
    assert proposal.columns[0].fields == ("NAME", "PRINTAS") and proposal.works
    none = proposal.with_mapping(None)
    assert none.preselected is None and none.columns[0].origin is Origin.SUGGESTED
