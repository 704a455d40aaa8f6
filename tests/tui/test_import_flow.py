"""The import flow as a user drives it: choose a file and options, preview exactly what will change (counts, new,
updated, blanked, unchanged, errors, warnings), commit after a confirmation, save the failed rows, undo; and the
paths that must change nothing: a file that is not a table, the strict policy with a failing row, Escape, a user
who may not import, a store changed since the preview, a reading cancelled with Escape. Offline imports are
queued as jobs. Snapshots of the preview (120x36, 80x24) and of the import screen (120x36) close the file.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from acting import ADMIN
from import_helpers import (
    NEW_ID,
    customer,
    free_port,
    open_import,
    preview_path,
    settle,
    smtp_server,
    stored_row,
    write_csv,
    write_mixed,
)
from tui_helpers import make_app, widget_text

from core.errors import FileRejected
from core.failed_rows import ERROR_COLUMN
from core.plan import Policy
from core.users import Permission, UserType
from core.values import DateFormat
from core.wording import describe_issue
from formats.reader import read_file
from services.planning import plan_import
from store.apply import apply_plan
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.history import list_batches, undo_batch
from store.jobs import get_job, list_jobs
from store.users import add_user, resolve_user
from tui.import_rows import SHOWN_ROWS, PlanRows
from tui.plan_words import commit_question
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.customer_list import CustomerListScreen
from tui.screens.error_dialog import ErrorDialog
from tui.screens.import_preview import ImportPreview

COUNTS_LINE = "Rows 7 · New 1 · Updated 2 · Erased 2 · Unchanged 2 · Failed 2 · Warnings 1"


@pytest.fixture
def folder(tmp_path, monkeypatch, demo_db):
    """The folder the user works in (the import screen's file browser starts there), holding the mixed file."""
    where = tmp_path / "imports"
    where.mkdir()
    write_mixed(demo_db, where / "mixed.csv")
    monkeypatch.chdir(where)
    return where


def text_of(screen, selector: str) -> str:
    """The widget's text as shown, without the padding."""
    return "\n".join(line.strip() for line in widget_text(screen.query_one(selector)).splitlines()).strip()


def table_rows(screen, pane: str) -> list[list[str]]:
    """The lines of a tab as it shows them once opened (tabs are filled when first shown)."""
    screen._fill(pane)
    table = screen.query_one(f"#{pane}-table")
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def tree_lines(tree) -> list[str]:
    """The file browser's lines as drawn inside its frame."""
    return ["".join(s.text for s in tree.render_line(y)).rstrip() for y in range(tree.size.height)]


def import_batches(db) -> list:
    return [b for b in list_batches(Store(db), user=ADMIN) if b.kind == "import"]


async def confirm(pilot, expect: str) -> str:
    """Answer yes to the commit's confirmation (its focus starts on Cancel, as every confirmation's)."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    message = text_of(dialog, "#message")
    assert expect in " ".join(message.split())
    await pilot.press("left", "enter")
    await settle(pilot)
    return message


# --- the main flow ---------------------------------------------------------------------------------------------


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_preview_commit_save_failed_rows_and_undo(demo_db, folder):
    before = {cid: customer(demo_db, cid) for cid in ("C0000001", "C0000003", "C0000004")}
    app = make_app(demo_db)
    results: list[str | None] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, results)
        await pilot.press("down", "enter")  # the file browser: mixed.csv, chosen with Enter
        await settle(pilot)
        assert app.screen.query_one("#path").value == "mixed.csv"
        await pilot.press("enter")  # the focus moved to Preview
        await settle(pilot)

        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert text_of(preview, "#counts") == COUNTS_LINE
        assert "UTF-8, comma-delimited, 7 rows" in text_of(preview, "#title")
        # First, the changes by field: what each field gets, erasures apart.
        assert preview.query_one("#tabs").active == "fields"
        by_field = {r[0]: r[1:] for r in table_rows(preview, "fields")}
        assert by_field["Phone"] == ["1", "", "1"] and by_field["Comments"] == ["1", "", ""]
        assert by_field["City"] == ["", "1", "1"]
        await pilot.press("right_square_bracket")
        # The new customer with the file's other columns as they will be stored ("5000" is 5,000.00 on screen).
        new = ["5", NEW_ID, "Nouveau Client Sàrl", "Nouveau Client", "Genève", "+41 22 555 01 01", "5,000.00"]
        new += ["SMB", ""]
        assert table_rows(preview, "new") == [new]
        await pilot.press("right_square_bracket")
        assert table_rows(preview, "updated") == [
            ["2", "C0000001", "City", "Seattle", "→", "Portland"],
            ["2", "C0000001", "Phone", "+1 206-555-0109", "→", "(erased)"],
            ["4", "C0000003", "Credit limit", "9,750.00", "→", "12,000.00"],
            ["4", "C0000003", "Comments", "Long-standing customer.", "→", "(erased)"],
        ]
        await pilot.press("right_square_bracket")
        assert preview.query_one("#tabs").active == "blanked"
        assert table_rows(preview, "blanked") == [
            ["2", "C0000001", "Phone", "+1 206-555-0109"],
            ["4", "C0000003", "Comments", "Long-standing customer."],
        ]
        assert "2 fields will be ERASED" in text_of(preview, "#blanked-warning")
        assert text_of(preview, "#detail") == "Row 2, C0000001: Phone will be erased (now +1 206-555-0109)"
        await pilot.press("right_square_bracket")
        names = {cid: customer(demo_db, cid)["NAME"] for cid in ("C0000002", "C0000005")}
        assert table_rows(preview, "unchanged") == [
            ["3", "C0000002", names["C0000002"]],
            ["8", "C0000005", names["C0000005"]],
        ]
        assert (
            text_of(preview, "#detail")
            == f"Row 3: C0000002, {names['C0000002']}, already holds every value of the file"
        )
        await pilot.press("right_square_bracket")
        errors = table_rows(preview, "errors")
        assert [(e[0], e[1]) for e in errors] == [("6", "Customer name"), ("6", "Print as"), ("7", "Credit limit")]
        assert errors[2][2] == "lots"
        await pilot.press("right_square_bracket")
        assert [w[0] for w in table_rows(preview, "warnings")] == ["8"]

        await pilot.press("c")
        message = await confirm(pilot, "1 customer created, 2 customers updated and 2 fields erased")
        assert "2 failed rows will be left out" in message
        assert preview.done is not None and preview.done.batch
        batch = preview.done.batch
        outcome = text_of(preview, "#outcome")
        assert f"Committed as batch {batch}" in outcome and "2 rows failed" in outcome

        # The store holds the file's values; failed rows changed nothing.
        c1, c3 = customer(demo_db, "C0000001"), customer(demo_db, "C0000003")
        assert (c1["CITY"], c1["PHONE1"]) == ("Portland", None)
        assert (c3["CREDITLIMIT"], c3["COMMENTS"]) == (Decimal("12000.00"), None)
        assert customer(demo_db, NEW_ID)["NAME"] == "Nouveau Client Sàrl"
        assert customer(demo_db, "C9000002") is None
        assert customer(demo_db, "C0000004") == before["C0000004"]

        # The failed rows, saved next to the file (the proposed name), ready to fix and import again.
        assert preview.query_one("#failed-path").value == "mixed-failed-rows.csv"
        assert app.focused is preview.query_one("#save")  # Enter saves to the path shown; s and h work there
        await pilot.press("enter")
        await settle(pilot)
        saved = folder / "mixed-failed-rows.csv"
        assert f"Saved 2 failed rows to {saved}" in " ".join(text_of(preview, "#outcome").split())
        raw = read_file(saved)
        assert raw.header[-1] == ERROR_COLUMN
        assert [r.cells[0] for r in raw.rows] == ["C9000002", "C0000004"]
        assert "Row 7: CREDITLIMIT" in raw.rows[1].cells[-1]

        await pilot.press("enter")  # Done
        await settle(pilot)
        assert results == [batch]
        assert isinstance(app.screen, CustomerListScreen)

    store = Store(demo_db)
    undo_batch(store, batch, user=resolve_user(store, "alice"))
    for cid, record in before.items():
        after = customer(demo_db, cid)
        fields = ("CITY", "PHONE1", "CREDITLIMIT", "COMMENTS")
        assert {f: after[f] for f in fields} == {f: record[f] for f in fields}
    assert customer(demo_db, NEW_ID) is None


async def test_h_after_the_commit_opens_the_history_where_u_undoes_the_batch(demo_db, folder):
    """Issue 18: the result said "To undo it: h (history), then u on B1", but h did nothing there (with failed rows
    it was even typed over their path). h opens the history, newest batch (this one) first; Escape comes back to the
    result, whose failed rows can still be saved; after an undo, Escape goes on to the list."""
    from tui.screens.history import HistoryScreen

    app = make_app(demo_db)
    results: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, results)
        await preview_path(pilot, "mixed.csv")
        preview = app.screen
        await pilot.press("c")
        await confirm(pilot, "1 customer created")
        batch = preview.done.batch
        assert "To undo it: h (history), then u on" in " ".join(text_of(preview, "#outcome").split())
        await pilot.press("h")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one("#batches")
        assert str(table.get_row_at(table.cursor_row)[0]) == batch  # the batch just committed, highlighted
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is preview and preview.query_one("#failed-path").value == "mixed-failed-rows.csv"
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("left", "enter")  # Undo
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen) and results == [batch]
    assert customer(demo_db, NEW_ID) is None and customer(demo_db, "C0000001")["CITY"] == "Seattle"


# --- paths that change nothing ---------------------------------------------------------------------------------


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_a_file_that_is_not_a_table_shows_its_message(demo_db, folder):
    png = folder / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(200))
    with pytest.raises(FileRejected) as rejected:
        read_file(png)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, [])
        await preview_path(pilot, "photo.csv")
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert text_of(dialog, "#title") == "File rejected"
        assert " ".join(text_of(dialog, "#message").split()) == str(rejected.value)
        await pilot.press("escape")
        assert app.screen is screen
    assert import_batches(demo_db) == []


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_failed_rows_are_never_saved_over_the_file_being_imported_or_the_store(demo_db, folder):
    """The interface's save goes through the import service's rule, as `custbook import --errors-out` does
    (tests/services/test_output_targets.py): the same sentence in the error dialog, and nothing written."""
    source = folder / "mixed.csv"
    before_source = source.read_bytes()
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "mixed.csv")
        preview = app.screen
        await pilot.press("c")
        await confirm(pilot, "1 customer created")
        for target, sentence in ((source, "is the file being imported"), (demo_db, "is the store custbook")):
            box = preview.query_one("#failed-path")
            box.value = str(target)
            box.focus()
            await pilot.press("enter")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ErrorDialog), target
            assert sentence in " ".join(text_of(dialog, "#message").split())
            await pilot.press("enter")
            await settle(pilot)
    assert source.read_bytes() == before_source
    assert not (folder / "mixed-failed-rows.csv").exists()
    assert customer(demo_db, NEW_ID) is not None  # still the store, with the commit in it: the saves left it alone


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_strict_with_a_failing_row_commits_nothing(demo_db, folder):
    before = customer(demo_db, "C0000001")
    app = make_app(demo_db)
    results: list[str | None] = []
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_import(pilot, results)
        screen.query_one("#policy").focus()
        await pilot.press("enter", "down", "enter")  # open the list, choose Strict
        assert screen.query_one("#policy").value is Policy.STRICT
        await preview_path(pilot, "mixed.csv")
        preview = app.screen
        assert preview.plan.policy is Policy.STRICT
        assert "Strict: some rows fail" in text_of(preview, "#note")
        await pilot.press("c")
        await confirm(pilot, "2 rows of mixed.csv fail and the policy is strict: nothing will be committed")
        assert preview.done.batch is None
        assert "Nothing was committed: the policy is strict" in text_of(preview, "#outcome")
        await pilot.press("escape")  # back to the file and its options, to fix them and try again
        await settle(pilot)
        assert app.screen is screen and results == []
        await pilot.press("escape")
        await settle(pilot)
        assert results == [None]
    assert customer(demo_db, "C0000001") == before
    assert customer(demo_db, NEW_ID) is None
    assert import_batches(demo_db) == []


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_escape_goes_back_without_changing_the_store(demo_db, folder):
    before = customer(demo_db, "C0000001")
    app = make_app(demo_db)
    results: list[str | None] = []
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_import(pilot, results)
        await preview_path(pilot, "mixed.csv")
        assert isinstance(app.screen, ImportPreview)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and results == []
        # What was read is still said, for the next try, and the File box has the focus to change it.
        assert "Read mixed.csv: UTF-8, comma-delimited, 7 rows." in text_of(screen, "#source")
        assert app.focused is screen.query_one("#path")
        await pilot.press(*"other.csv")  # typing goes into the box, replacing the name
        assert screen.query_one("#path").value == "other.csv"
        await pilot.press("escape")
        await settle(pilot)
        assert results == [None]
        assert isinstance(app.screen, CustomerListScreen)
    assert customer(demo_db, "C0000001") == before
    assert import_batches(demo_db) == []


async def test_a_user_without_add_and_edit_cannot_preview(demo_db, folder):
    add_user(Store(demo_db), "viewer", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=ADMIN)
    app = make_app(demo_db, user="viewer")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_import(pilot, [])
        assert screen.query_one("#preview").disabled
        assert "viewer may not import customers" in " ".join(text_of(screen, "#note").split())
        screen.query_one("#path").value = "mixed.csv"
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert text_of(app.screen, "#title") == "Permission denied"
    assert import_batches(demo_db) == []


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_user_without_list_previews_without_seeing_the_stored_values(demo_db, folder):
    """Edit without List: the import may change customers, but the preview must not show what they held, nor which
    rows change anything (issue 17, item 11): one To apply tab lists the rows for existing customers, and there is
    no Erased nor Unchanged tab."""
    add_user(Store(demo_db), "clerk", UserType.EMPLOYEE, frozenset({Permission.ADD, Permission.EDIT}), by=ADMIN)
    app = make_app(demo_db, user="clerk")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        app.screen.query_one("#path").value = "mixed.csv"
        await pilot.press("f5")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        await pilot.press("right_square_bracket", "right_square_bracket")  # by field, new, then to apply
        assert str(preview.query_one("#tabs").get_tab("updated").label).startswith("To apply ")
        assert table_rows(preview, "updated")[0][:2] == ["2", "C0000001"]
        assert text_of(preview, "#detail").startswith("Row 2: C0000001") and "gets the file's values" in text_of(
            preview, "#detail"
        )
        assert not preview.query("#blanked") and not preview.query("#unchanged")
        await pilot.press("right_square_bracket")
        assert preview.query_one("#tabs").active == "errors"
        # Each row with the name the file gives it (Seattle Medical Supply LLC), no field, no old or new value.
        assert all(len(row) == 3 for row in table_rows(preview, "updated"))
        shown = " ".join(" ".join(r) for pane in ("fields", "updated") for r in table_rows(preview, pane))
        assert "555-0109" not in shown and "Portland" not in shown
        # By field counts only what new customers get (the new row's City), not what the updates change.
        assert [r[1:] for r in table_rows(preview, "fields")] == [["", "", "1"]] * len(table_rows(preview, "fields"))
        assert "Updated" not in text_of(preview, "#counts") and "To apply" in text_of(preview, "#counts")


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_store_changed_since_the_preview_is_refused_then_previewed_again(demo_db, folder):
    other = write_csv(
        folder / "other.csv", [["C0000001", "Seattle Medical Supply Inc."]], header=("CUSTOMERID", "NAME")
    )
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "mixed.csv")
        preview = app.screen
        store = Store(demo_db)  # meanwhile, someone else renames C0000001
        alice = resolve_user(store, "alice")
        apply_plan(store, plan_import(store, read_file(other), user=alice), user=alice)

        await pilot.press("c")
        await confirm(pilot, "2 fields erased")
        assert isinstance(app.screen, ErrorDialog)
        assert text_of(app.screen, "#title") == "Changed meanwhile"
        assert "C0000001" in text_of(app.screen, "#message")
        await pilot.press("escape")
        assert "press r to preview again" in text_of(preview, "#note")
        assert preview.query_one("#commit").disabled and preview.done is None
        assert customer(demo_db, "C0000001")["CITY"] == "Seattle"

        await pilot.press("r")
        await settle(pilot)
        assert not preview.stale and not preview.query_one("#commit").disabled
        await pilot.press("c")
        await confirm(pilot, "2 customers updated")
        assert preview.done.batch
    assert customer(demo_db, "C0000001")["CITY"] == "Portland"
    assert customer(demo_db, "C0000001")["NAME"] == "Seattle Medical Supply LLC"  # the file's name, previewed again


async def test_escape_cancels_the_reading(demo_db, folder, monkeypatch):
    import services.imports as import_service

    release = threading.Event()

    def slow_plan(*args, **kwargs):
        release.wait(10)
        return plan_import(*args, **kwargs)

    monkeypatch.setattr(import_service, "plan_import", slow_plan)  # the screen plans through the service
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_import(pilot, [])
        screen.query_one("#path").value = "mixed.csv"
        await pilot.press("f5")
        await pilot.pause()
        assert screen.query_one("#busy").has_class("shown")
        assert screen.query_one("#preview").disabled
        await pilot.press("escape")
        assert not screen.query_one("#busy").has_class("shown")
        assert "Cancelled" in text_of(screen, "#note")
        release.set()
        await settle(pilot)
        assert app.screen is screen  # the late plan is ignored
    assert import_batches(demo_db) == []


# --- options -------------------------------------------------------------------------------------------------


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_the_detected_encoding_and_delimiter_are_shown(demo_db, folder):
    (folder / "semi.csv").write_bytes(
        "CUSTOMERID;NAME;CREDITLIMIT\r\nC0000002;Ida Jensén;1 234,50\r\n".encode("cp1252")
    )
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_import(pilot, [])
        await preview_path(pilot, "semi.csv")
        preview = app.screen
        assert "Windows-1252, semicolon-delimited (decimal commas), 1 row" in text_of(preview, "#title")
        assert table_rows(preview, "updated") == [
            ["2", "C0000002", "Customer name", "Ida Jensen", "→", "Ida Jensén"],
            ["2", "C0000002", "Credit limit", "700.00", "→", "1,234.50"],
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert "Windows-1252, semicolon-delimited" in text_of(screen, "#source")


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_offline_queues_a_job_with_the_addresses(demo_db, folder):
    app = make_app(demo_db)
    results: list[str | None] = []
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_import(pilot, results)
        screen.query_one("#offline").focus()
        await pilot.press("space")
        assert str(screen.query_one("#preview").label) == "Queue job"
        screen.query_one("#emails").focus()
        await pilot.press(*"bob@")
        await preview_path(pilot, "mixed.csv")
        assert isinstance(app.screen, ErrorDialog)  # checked before anything is queued
        assert "'bob@' is not an e-mail address" in text_of(app.screen, "#message")
        await pilot.press("escape")
        assert list_jobs(Store(demo_db), user=ADMIN) == []

        screen.query_one("#emails").value = "ana@example.com; bob@example.com"
        await pilot.press("f5")
        await settle(pilot)
        assert len(results) == 1 and results[0].startswith("J")
    job = get_job(Store(demo_db), results[0], user=ADMIN)
    assert (job.file_name, job.state.value, job.user) == ("mixed.csv", "queued", "alice")
    assert job.emails == ("ana@example.com", "bob@example.com")
    assert import_batches(demo_db) == []


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_large_plan_lists_the_first_rows_and_says_how_many_more(demo_db, folder):
    rows = [[f"C8{i:06d}", f"Client {i}", f"Client {i}", "", "", "", "SMB", ""] for i in range(SHOWN_ROWS + 150)]
    write_csv(folder / "big.csv", rows)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "big.csv")
        preview = app.screen
        preview.query_one("#tabs").active = "new"
        await settle(pilot)
        assert preview.query_one("#new-table").row_count == SHOWN_ROWS
        assert "… and 150 more, not listed here" in text_of(preview, "#new .more")
        assert f"New {SHOWN_ROWS + 150:,}" in text_of(preview, "#counts")


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_file_that_changes_nothing_cannot_be_committed(demo_db, folder):
    write_csv(folder / "same.csv", [stored_row(demo_db, "C0000002")])
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "same.csv")
        preview = app.screen
        assert text_of(preview, "#note") == "Nothing to commit: the store holds it all."
        assert preview.query_one("#commit").disabled
        await pilot.press("c")
        assert app.screen is preview  # no confirmation: there is nothing to confirm
        assert preview.query_one("#tabs").active == "unchanged"


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_the_results_are_emailed_after_the_commit(demo_db, folder, monkeypatch):
    with smtp_server(monkeypatch) as sink:
        app = make_app(demo_db)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_import(pilot, [])
            screen.query_one("#emails").value = "ana@example.com, bob@example.com"
            await preview_path(pilot, "mixed.csv")
            await pilot.press("c")
            await confirm(pilot, "2 fields erased")
            batch = app.screen.done.batch
            assert any("E-mailed the results to ana@example.com, bob@example.com" in n.message
                       for n in app._notifications)  # fmt: skip
    ((sender, to, content),) = sink.received
    assert sender == "custbook@example.com"
    assert to == ["ana@example.com", "bob@example.com"]
    assert b"mixed.csv" in content and f"imported as {batch}".encode() in content


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_mail_server_that_is_down_does_not_undo_the_import(demo_db, folder, monkeypatch):
    monkeypatch.setenv("CUSTBOOK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CUSTBOOK_SMTP_PORT", str(free_port()))  # nothing listens there
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_import(pilot, [])
        screen.query_one("#emails").value = "ana@example.com"
        await preview_path(pilot, "mixed.csv")
        await pilot.press("c")
        await confirm(pilot, "2 fields erased")
        assert app.screen.done.batch
        (warning,) = [n for n in app._notifications if "not e-mailed" in n.message]
        assert warning.severity == "warning" and "the import is not affected" in warning.message
    assert customer(demo_db, "C0000001")["CITY"] == "Portland"


# --- the words, headless ---------------------------------------------------------------------------------------


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_moving_in_the_file_browser_shows_the_whole_name_of_the_file_in_the_file_box(demo_db, folder):
    for day in ("27", "28"):  # one day's exports differ only at the end of their long names
        name = f"big-fr-accounts-public-export-from-erp-2026-11-{day}.csv"
        (folder / name).write_text("CUSTOMERID\n", encoding="utf-8")
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        box = app.screen.query_one("#path")
        await pilot.press("down")
        await pilot.pause()
        assert box.value == "big-fr-accounts-public-export-from-erp-2026-11-27.csv"
        assert 0 < box.scroll_offset.x == box.max_scroll_x  # the end, where the names differ, is the part in view
        await pilot.press("down")
        await pilot.pause()
        assert box.value == "big-fr-accounts-public-export-from-erp-2026-11-28.csv"
        assert 0 < box.scroll_offset.x == box.max_scroll_x
        await pilot.press("down", "enter")  # chosen with Enter: the focus moves on to Preview
        assert box.value == "mixed.csv" and app.screen.query_one("#preview").has_focus


async def test_at_80_columns_cut_names_are_marked_and_the_highlighted_one_is_shown_whole(demo_db, folder):
    """Issue 18: at 80 columns the tree cut `all-customers-2026-12-06-for-import.csv` with no mark, and the File box
    showed `tomers-2026-12-06-for-import.csv`: the whole name was never in view. Cut names are now marked with "…"
    (their start and end kept), and the line under the File box shows the highlighted name whole."""
    names = [f"all-customers-2026-12-0{day}-for-import.csv" for day in (6, 7)]
    for name in names:
        (folder / name).write_text("CUSTOMERID\n", encoding="utf-8")
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, [])
        tree, whole = screen.query_one("#tree"), screen.query_one("#whole-name")
        assert not whole.display  # nothing highlighted yet: no line
        lines = tree_lines(tree)
        listed = [line for line in lines if "all-cust" in line]
        assert len(listed) == 2 and all("…" in line and line.endswith("for-import.csv") for line in listed), lines
        for name in names:
            await pilot.press("down")
            await settle(pilot)
            assert screen.query_one("#path").value == name
            assert whole.display and text_of(screen, "#whole-name") == name
        await pilot.press("down")  # mixed.csv fits the box: no line under it
        await settle(pilot)
        assert not whole.display
        assert screen.query_one("#preview").region.bottom <= screen.query_one("#body").region.bottom


async def test_the_file_browsers_root_names_the_folder_it_shows(demo_db, folder):
    """Issue 18: i, Backspace, Backspace (up to /) showed "📂 walk18/" above bin, boot, dev: the folder custbook was
    started in. The root is named after the folder shown: its parent's name, and "/" at the top."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        tree = app.screen.query_one("#tree")
        assert str(tree.root.label) == "imports/"
        tree.focus()
        await pilot.press("backspace")
        await settle(pilot)
        assert str(tree.root.label) == f"{folder.parent.name}/"
        tree.path = Path("/")
        await settle(pilot)
        assert str(tree.root.label) == "/"
        assert tree_lines(tree)[0] == "📂 /"


def test_the_confirmation_names_what_changes(demo_db, folder):
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    plan = plan_import(store, read_file(folder / "mixed.csv"), user=alice)
    question = commit_question(plan)
    assert question.startswith("Commit mixed.csv: 1 customer created, 2 customers updated and 2 fields erased.")
    assert "2 failed rows will be left out" in question
    strict = plan_import(store, read_file(folder / "mixed.csv"), user=alice, policy=Policy.STRICT)
    assert "nothing will be committed" in commit_question(strict)
    rows = PlanRows(plan, catalogue(store), DateFormat.DMY_SLASH, "bold yellow")
    sizes = {"fields": 12, "new": 1, "updated": 2, "blanked": 2, "unchanged": 2, "errors": 3, "warnings": 1}
    assert rows.sizes() == sizes
    errors = rows.tab("errors")
    assert errors.details[2] == "Row 7, Credit limit ('lots'): " + plan.errors[2].message
    assert rows.tab("updated").details[1] == "Row 2, C0000001, Phone: +1 206-555-0109 → (erased)"


# --- snapshots -----------------------------------------------------------------------------------------------


async def _preview_of_mixed(pilot, tab: str) -> None:
    await open_import(pilot, [])
    await preview_path(pilot, "mixed.csv")
    pilot.app.screen.query_one("#tabs").active = tab
    await settle(pilot)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_import_preview_snapshot(snap_compare, demo_db, folder, size):
    """The preview of a file with every kind of row, on the Updated tab: the title (file, encoding, delimiter,
    rows, level, user), the counts (7 rows: 1 new, 2 updated, 2 erased in the warning colour, 2 unchanged,
    2 failed in the error colour, 1 warning), the note that failed rows are left out, the Commit button, the seven
    tabs with their counts (Blanked marked ⚠ in the warning colour), the field-by-field changes old → new with
    "(erased)" in the warning colour, the highlighted change in full under the table, and the keys."""
    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=lambda p: _preview_of_mixed(p, "updated"))


def test_import_preview_by_field_snapshot(snap_compare, demo_db, folder):
    """At 80x24, the tab the preview opens on: the changes by field, each field's erasures (in the warning colour),
    changes and values for new customers, the file's heading beside a label that differs, and the first line in
    full under the table."""
    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=lambda p: _preview_of_mixed(p, "fields"))


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
def test_import_preview_blanked_tab_snapshot(snap_compare, demo_db, folder):
    """At 80x24, the Blanked tab: the ERASED banner, then C0000001's phone and C0000003's comments with the
    values they will lose, all in the warning colour."""
    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=lambda p: _preview_of_mixed(p, "blanked"))


def test_import_screen_snapshot(snap_compare, demo_db, folder):
    """The import screen with mixed.csv chosen in the file browser: the title (level, user), the browser of the
    current folder (its sub-folder, and only importable files: notes.md is left out), the file box showing
    mixed.csv, the options (date format DD/MM/YYYY, encoding automatic, failed rows skipped, process offline
    unticked, e-mail addresses empty), the note that blank cells erase values, Preview focused, and the keys."""
    (folder / "archive").mkdir()
    (folder / "notes.md").write_text("not an import file\n", encoding="utf-8")

    async def chosen(pilot):
        await open_import(pilot, [])
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), run_before=chosen)


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_the_preview_opens_on_the_changes_by_field_and_lists_a_fields_changes_in_full(demo_db, folder):
    """Issue 18: a 25,000-row preview cannot be reviewed line by line; its first tab counts the changes per field
    (erasures in the warning colour), and Enter on a field lists every change of that field, paged from the plan
    (here more than the tabs' SHOWN_ROWS)."""
    from tui.screens.field_changes import FieldChanges
    from tui.widgets.grid import CustomerGrid

    many = SHOWN_ROWS + 150
    rows = [[f"C8{i:06d}", f"Client {i}", f"Client {i}", "", "", "", "SMB", ""] for i in range(many)]
    write_csv(folder / "big.csv", rows)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "big.csv")
        preview = app.screen
        assert preview.query_one("#tabs").active == "fields"
        by_field = {r[0]: r[1:] for r in table_rows(preview, "fields")}
        assert by_field["Customer name"] == ["", "", f"{many:,}"], by_field
        await pilot.press("enter")  # on the first field: Customer name
        await settle(pilot)
        assert isinstance(app.screen, FieldChanges)
        grid = app.screen.query_one(CustomerGrid)
        assert grid.total == many  # every one, not the first SHOWN_ROWS
        await pilot.press("end")
        await settle(pilot)
        assert grid.row_at(many - 1)[0] == f"C8{many - 1:06d}"
        assert "Customer name · 2,150 in new customers" in widget_text(app.screen.query_one("#title"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is preview


async def test_a_fields_changes_help_names_the_keys_that_work_there(demo_db, folder):
    """Issue 18: < and > make the current column narrower / wider in a field's list of changes, but its F1 help did
    not say so."""
    from tui.screens.field_changes import FieldChanges
    from tui.screens.help import HelpScreen
    from tui.widgets.grid import CustomerGrid

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "mixed.csv")
        await pilot.press("enter")  # on the first field of the By field tab
        await settle(pilot)
        assert isinstance(app.screen, FieldChanges)
        grid = app.screen.query_one(CustomerGrid)
        before = list(grid._shown.widths)
        await pilot.press("greater_than_sign")
        assert grid._shown.widths[0] == before[0] + 2  # > works here...
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = " ".join("\n".join(widget_text(w) for w in app.screen.query("Static")).split())
        assert "< > make the current column narrower / wider" in text, text  # ...and the help says so


async def test_a_damage_warning_reads_as_a_sentence_about_its_field(demo_db, folder):
    """Issue 18: the warning that ZIP codes lost their leading zeros read "File, ZIP or postal code: ZIP or postal
    code: ...": a warning about a whole column has no row, and its message names the field already."""
    zipped = [(cid, customer(demo_db, cid)["ZIP"]) for cid in (f"C{n:07d}" for n in range(1, 60))]
    zeros = [(cid, z) for cid, z in zipped if z and z.startswith("0") and z.lstrip("0")]
    assert len(zeros) >= 2, zipped
    write_csv(folder / "zips.csv", [[cid, z.lstrip("0")] for cid, z in zeros], header=("CUSTOMERID", "ZIP"))
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "zips.csv")
        preview = app.screen
        preview.query_one("#tabs").active = "warnings"
        await settle(pilot)
        detail = " ".join(text_of(preview, "#detail").split())
        assert detail.startswith(f"ZIP or postal code: {len(zeros)} values lost their leading zeros"), detail
        assert "File" not in detail and detail.count("ZIP or postal code") == 1
        # The job's result, its e-mail and the command line say it with core.wording: the same sentence.
        (warning,) = [w for w in preview.plan.warnings if w.column == "ZIP"]
        assert describe_issue(warning.as_json(), {"ZIP": "Zip"}) == warning.message


async def test_the_file_browser_goes_up_to_the_parent_folder_and_home(demo_db, folder, monkeypatch):
    """Issue 18: the browser started where custbook was launched and could not leave it. Backspace shows the parent
    folder (a file beside the working folder can be chosen), ~ the home folder; the frame says where it is."""
    (folder.parent / "beside.csv").write_text("CUSTOMERID,NAME,PRINTAS\r\nC9,Nine,Nine\r\n")
    monkeypatch.setenv("HOME", str(folder.parent))
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        tree = app.screen.query_one("#tree")
        tree.focus()
        await pilot.press("backspace")
        await settle(pilot)
        assert Path(tree.path) == folder.parent.resolve() and str(folder.parent.resolve()) in tree.border_subtitle
        labels = [str(node.label) for node in tree.root.children]
        assert "beside.csv" in labels and "imports" in labels, labels
        await pilot.press("down", "backspace", "tilde")
        await settle(pilot)
        assert Path(tree.path) == folder.parent


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_the_interfaces_own_row_limit_lets_a_large_file_in(demo_db, folder, monkeypatch):
    """Issue 18, item 3: the command line had --max-rows, the interface nothing. Its Most rows option starts at the
    configured limit (CUSTBOOK_MAX_ROWS), refuses a larger file naming the option, and lets it in once raised."""
    monkeypatch.setenv("CUSTBOOK_MAX_ROWS", "3")
    write_csv(
        folder / "four.csv", [[f"C7{i:06d}", f"Client {i}", f"Client {i}", "", "", "", "SMB", ""] for i in range(4)]
    )
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_import(pilot, [])
        screen = app.screen
        assert screen.query_one("#max_rows").value == "3"
        await preview_path(pilot, "four.csv")
        assert isinstance(app.screen, ErrorDialog) and "Most rows" in widget_text(app.screen)
        await pilot.press("escape")
        await settle(pilot)
        screen.query_one("#max_rows").value = "10"
        screen.query_one("#path").value = ""
        await preview_path(pilot, "four.csv")
        assert isinstance(app.screen, ImportPreview), widget_text(app.screen)
        assert app.screen.plan.created == 4


def test_the_preview_names_the_field_and_the_files_heading_when_they_differ(demo_db, folder):
    """Issue 18: a French 'nom' column updated LASTNAME while the preview said only 'nom' (or only the field): it
    now says 'Last name (file: nom)', in every tab, and the field alone where the heading is the field's own."""
    (folder / "fr.csv").write_text("CUSTOMERID,nom,City\r\nC0000001,Durand,Lyon\r\n", encoding="utf-8")
    store = Store(demo_db)
    plan = plan_import(store, read_file(folder / "fr.csv"), user=resolve_user(store, "alice"))
    rows = PlanRows(plan, catalogue(store), DateFormat.DMY_SLASH, "bold yellow")
    named = {str(line[2]) for line in rows.tab("updated").rows}  # (row, ID, field, old, →, new)
    assert named == {"Last name (file: nom)", "City"}, named
    assert [r[0] for r in rows.tab("fields").rows] == ["Last name (file: nom)", "City"]
