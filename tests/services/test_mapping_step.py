"""The interface's column-mapping step without a screen (services.mapping_step): when a file needs it, what it
proposes for each column and why, the required fields still unfed, whether the mapping can work, and the mapping
the user's changes make (planned exactly as the step showed it)."""

from __future__ import annotations

from core.keys import KeyOptions
from core.mapping import ColumnMapping
from core.plan import ImportOptions
from core.table import RawRow, RawTable
from services.imports import plan
from services.mapping_columns import Origin
from services.mapping_step import propose, step_needed
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


# --- the header row, columns without a heading ----------------------------------------------------------------

# csvlint's title_row.csv: a title with two blank cells, then rows whose first holds the column names.
TITLED = RawTable(
    "titled.csv",
    ("This is a title row",),  # the reader cuts the blank cells after the title
    (RawRow(2, ("Foo", "Bsr", "Baz")), RawRow(3, ("Biff", "Baff", "Boff")), RawRow(4, ("Qux", "Teaspoon", "Doge"))),
    "utf-8",
    ",",
)


def test_columns_without_a_heading_are_named_by_their_letter_and_can_be_mapped(store, alice):
    proposal = propose(store, TITLED, user=alice)
    assert proposal is not None and proposal.table.header_row == 1
    assert [(c.shown, c.untitled, c.fields) for c in proposal.columns] == [
        ("This is a title row", False, ()),
        ("column B", True, ()),  # no suggestion from a letter
        ("column C", True, ()),
    ]
    chosen = proposal.choose(1, "NAME").add(1, "PRINTAS").with_keys(KeyOptions(generate=True))
    assert chosen.works
    planned = plan(store, chosen.table, user=alice, entity=None, options=chosen.options(ImportOptions()))
    assert planned.created == 3 and not planned.errors
    assert [{c.field: c.new for c in r.changes}["NAME"] for r in planned.creates] == ["Bsr", "Baff", "Teaspoon"]
    assert planned.mapping == "columns chosen on screen"
    # A queued job reads the file again, where the column has no heading: it cannot be found there.
    assert chosen.queue_problem(queued=False) is None
    assert "“column B” has no heading in the file" in (chosen.queue_problem(queued=True) or "")


def test_the_header_row_is_chosen_among_the_first_rows_and_the_columns_read_again(store, alice):
    proposal = propose(store, TITLED, user=alice, header_row=2, always=True)
    assert proposal is not None and proposal.raw is TITLED
    assert proposal.table.header_row == 2 and len(proposal.table.rows) == 2
    assert [c.shown for c in proposal.columns] == ["Foo", "Bsr", "Baz"]
    assert proposal.columns[0].samples == ("Biff", "Qux")
    chosen = proposal.choose(0, "NAME").add(0, "PRINTAS")
    assert chosen.options(ImportOptions()).header_row == 2
    planned = plan(store, TITLED, user=alice, entity=None, options=chosen.options(ImportOptions()))
    assert planned.rows == 2 and [r.row for r in planned.creates] == [3, 4]  # the spreadsheet's row numbers


# --- what is missing, which mapping --------------------------------------------------------------------------


def test_a_required_field_no_column_feeds_stops_the_preview_unless_rows_are_matched(store, alice):
    proposal = propose(store, table(), user=alice)
    assert proposal is not None
    nameless = proposal.skip(0).with_keys(KeyOptions(generate=True))
    assert nameless.problem == "Choose a column for Customer name, Print as: Enter on a column, then the field"
    named = nameless.choose(0, "NAME")
    assert named.problem == (
        "Choose a column for Print as: Enter on a column, then Print as; or a on “Company” to add it to the column "
        "that already feeds Customer name"
    )
    # Matched by e-mail, the rows may all update customers the store has: the preview opens.
    assert named.with_keys(KeyOptions(generate=True, match="EMAIL1")).works
    # So may rows with custbook's Customer IDs (an update of phones, with a column custbook has no field for).
    updates = propose(store, table(("Customer ID", "Phone Number", "Rating"), (("C1", "555", "A"),)), user=alice)
    assert updates is not None and updates.unfed == ("NAME", "PRINTAS") and updates.works


def test_no_mapping_says_which_one_fits_and_the_mapping_is_named_for_the_preview(store, alice):
    header = ("Organization", "First Name", "Last Name", "Email", "Phone", "Street", "City", "Province/State",
              "Country", "Postal Code", "Notes")  # fmt: skip
    rows = (("Acme", "Ada", "Byron", "ada@acme.test", "555", "1 Main", "Springfield", "IL", "US", "62701", ""),)
    proposal = propose(store, table(header, rows), user=alice)
    assert proposal is not None and proposal.preselected is not None
    fits = proposal.preselected.name
    assert proposal.mapping().name == fits
    assert proposal.skip(10).mapping().name == f"{fits} (changed on screen)"
    none = proposal.with_mapping(None)
    assert none.using == (
        f"No mapping is used: the fields shown are custbook's suggestions; the {fits} mapping fits this file"
    )
    assert none.mapping().name == "columns chosen on screen"
    assert none.saved("mine").mapping().name == "mine"
