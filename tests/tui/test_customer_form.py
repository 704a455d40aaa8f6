"""The customer form as a user drives it: edit a field and save (the history shows it), add a customer, see
errors beside the fields, meet a record changed meanwhile, work read-only; and snapshots of the form."""

from __future__ import annotations

import datetime as dt

import pytest
from acting import ADMIN
from form_helpers import choose, no_blink, open_form, type_into
from textual.widgets import Button, Checkbox, Input, Select
from tui_helpers import make_app, settle, widget_text

from core.users import Permission, UserType
from core.values import DateFormat
from services.edit import save_customer
from store.duck import DuckCustomers
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.history import customer_history, get_batch, list_batches
from store.query import get_customer
from store.users import add_user
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.customer_form import CustomerForm
from tui.screens.error_dialog import ErrorDialog

SIZES = [(120, 36), (80, 24)]
CID = "C0000003"  # San Francisco, with a contract start date, comments and two e-mails


def stored(db, cid: str = CID):
    store = Store(db)
    return get_customer(store, catalogue(store), cid, None, user=ADMIN)


def error_beside(form: CustomerForm, field_id: str) -> str:
    box = form.query_one(f"#error-{field_id}")
    return widget_text(box) if box.display and box.size.height else ""


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_edit_the_city_and_save_the_history_shows_the_change(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, results = await open_form(pilot, CID)
        assert form.query_one("#input-CITY", Input).value == "San Francisco"
        assert form.query_one("#input-CONTRACT_START", Input).value == "27/09/2023"  # the session's date format
        assert form.query_one("#input-CUSTOMERID", Input).disabled  # the key of an existing customer is fixed
        assert isinstance(form.query_one("#input-STATUS"), Select) and isinstance(
            form.query_one("#input-VIP"), Checkbox
        )
        await type_into(pilot, "CITY", "Lyon")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [CID] and app.screen is not form
    assert stored(demo_db)["CITY"] == "Lyon"
    store = Store(demo_db)
    (change,) = [c for c in customer_history(store, CID, user=ADMIN) if c.field == "CITY"]
    assert (change.old, change.new, change.user) == ("San Francisco", "Lyon", "alice")
    batch, changes = get_batch(store, change.batch, user=ADMIN)
    assert batch.kind == "edit" and [c.field for c in changes] == ["CITY"]  # only what the user changed


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_new_customer_shows_the_missing_required_fields_beside_them_then_saves_once_fixed(demo_db):
    batches = len(list_batches(Store(demo_db), user=ADMIN))
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, results = await open_form(pilot, None)
        assert form.query_one("#input-CUSTOMERID", Input).has_focus
        assert form.query_one("#input-STATUS", Select).selection == "active"  # the import's defaults
        assert form.query_one("#input-TAXABLE", Checkbox).value is True
        await type_into(pilot, "CUSTOMERID", "N0000001")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [] and app.screen is form
        assert "required" in error_beside(form, "NAME") and "Print as is required" in error_beside(form, "PRINTAS")
        assert "required" in error_beside(form, "SEGMENT")
        assert form.query_one("#input-NAME", Input).has_focus  # the first wrong field
        assert stored(demo_db, "N0000001") is None and len(list_batches(Store(demo_db), user=ADMIN)) == batches

        await type_into(pilot, "NAME", "Nova Bikes")
        assert form.query_one("#input-PRINTAS", Input).value == "Nova Bikes"  # follows the name...
        await type_into(pilot, "PRINTAS", "Nova Bikes Ltd")
        await type_into(pilot, "NAME", "Nova Bikes GmbH")
        assert form.query_one("#input-PRINTAS", Input).value == "Nova Bikes Ltd"  # ...until given its own
        await choose(pilot, "SEGMENT", "Mid-market")
        assert error_beside(form, "SEGMENT") == ""  # fixed: the message goes at once (issue 18, item 8)
        assert error_beside(form, "NAME") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == ["N0000001"]
    record = stored(demo_db, "N0000001")
    assert (record["PRINTAS"], record["SEGMENT"], record["STATUS"], record["TAXABLE"]) == (
        "Nova Bikes Ltd",
        "Mid-market",
        "active",
        True,
    )
    assert record["MEGAENTITYID"] is None and record["CREATEDBY"] == "alice"


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_an_invalid_email_is_shown_beside_email1_and_nothing_is_saved(demo_db):
    before = stored(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, results = await open_form(pilot, CID)
        await type_into(pilot, "CITY", "Lyon")
        await type_into(pilot, "EMAIL1", "sarah@")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [] and app.screen is form
        assert "not an e-mail address" in error_beside(form, "EMAIL1")
        assert "(one address)" in error_beside(form, "EMAIL1") and "cell" not in error_beside(form, "EMAIL1")
        assert "name@example.com" in error_beside(form, "EMAIL1")  # the fix
        assert form.query_one("#input-EMAIL1", Input).has_focus
        assert form.query_one("#row-EMAIL1").has_class("invalid")
        assert stored(demo_db) == before

        await type_into(pilot, "EMAIL1", "sarah@johnson-farms.example")
        await pilot.click("#save")  # the button does what Ctrl+S does
        await settle(pilot)
        assert results == [CID]
    after = stored(demo_db)
    assert (after["EMAIL1"], after["CITY"]) == ("sarah@johnson-farms.example", "Lyon")


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_record_changed_meanwhile_is_not_overwritten_and_the_dialog_names_the_field(demo_db):
    store = Store(demo_db)
    bob = add_user(store, "bob", UserType.EMPLOYEE, frozenset(Permission), by=ADMIN)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, results = await open_form(pilot, CID)
        opened = stored(demo_db)
        saved = save_customer(
            store,
            user=bob,
            entity=None,
            values={"CITY": "Oakland"},
            customer_id=CID,
            expected_version=opened["ROWVERSION"],
            date_format=DateFormat.DMY_SLASH,
            original=opened,
        )
        assert saved.batch
        await type_into(pilot, "PHONE1", "+1 415-555-0199")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        text = " ".join(widget_text(app.screen.query_one("#message")).split())  # as read, line wraps aside
        assert "bob" in text and "City (CITY)" in text and "Nothing was saved" in text
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and results == []
    after = stored(demo_db)
    assert (after["CITY"], after["PHONE1"]) == ("Oakland", opened["PHONE1"])


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_a_user_without_edit_sees_the_reason_and_cannot_save(demo_db):
    add_user(Store(demo_db), "viewer", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=ADMIN)
    before = stored(demo_db)
    app = make_app(demo_db, user="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        form, results = await open_form(pilot, CID)
        notice = widget_text(form.query_one("#notice"))
        assert "viewer may not change customers" in notice and "Edit permission" in notice
        assert form.query_one("#input-CITY", Input).disabled and form.query_one("#input-VIP", Checkbox).disabled
        assert form.query_one("#save", Button).disabled and form.query_one("#inactive", Button).disabled
        await pilot.press("ctrl+s", "ctrl+d")
        await settle(pilot)
        assert app.screen is form and results == []
        await pilot.press("escape")  # nothing was changed: closes without asking
        await settle(pilot)
        assert results == [None]
    assert stored(demo_db) == before


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_a_user_without_add_cannot_fill_a_new_customer(demo_db):
    add_user(Store(demo_db), "editor", UserType.EMPLOYEE, frozenset({Permission.LIST, Permission.EDIT}), by=ADMIN)
    app = make_app(demo_db, user="editor")
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await open_form(pilot, None)
        assert "Add permission" in widget_text(form.query_one("#notice"))
        assert form.query_one("#input-CUSTOMERID", Input).disabled and form.query_one("#save", Button).disabled


async def test_an_entity_session_opens_a_top_level_customer_read_only(demo_db):
    app = make_app(demo_db, entity="EU")
    async with app.run_test(size=(120, 36)) as pilot:
        form, _ = await open_form(pilot, CID)
        assert "belongs to the top level" in widget_text(form.query_one("#notice"))
        assert form.query_one("#save", Button).disabled
        assert widget_text(form.query_one("#title")).strip().startswith(f"Customer {CID} ·")  # not "Edit customer"


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_escape_asks_before_discarding_changes(demo_db):
    before = stored(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, results = await open_form(pilot, CID)
        await type_into(pilot, "CITY", "Lyon")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "City" in widget_text(app.screen.query_one("#message"))
        await pilot.press("escape")  # no: back to the form, the change still typed
        await settle(pilot)
        assert app.screen is form and form.query_one("#input-CITY", Input).value == "Lyon"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("left", "enter")  # Discard (the focus starts on Cancel: it is a dangerous answer)
        await settle(pilot)
        assert results == [None]
    assert stored(demo_db) == before


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_mark_inactive_asks_then_saves_an_edit_batch(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        _, results = await open_form(pilot, CID)
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # out of habit: every confirmation starts on Cancel (issue 18)
        await settle(pilot)
        assert results == [] and stored(demo_db)["STATUS"] == "active"
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press("right", "left", "enter")  # ← is the left button, the confirming one, as it reads
        await settle(pilot)
        assert results == [CID]
    assert stored(demo_db)["STATUS"] == "inactive"
    (change,) = [c for c in customer_history(Store(demo_db), CID, user=ADMIN) if c.field == "STATUS"]
    assert (change.old, change.new) == ("active", "inactive")


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_checkboxes_dates_and_blanks_are_saved_as_an_import_reads_them(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, results = await open_form(pilot, CID)
        box = form.query_one("#input-ONHOLD", Checkbox)
        box.focus()
        await pilot.press("space")
        assert str(box.label) == "Yes"
        await type_into(pilot, "CONTRACT_START", "01/02/2024")
        await type_into(pilot, "EMAIL2", "")  # blank erases
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [CID]
    after = stored(demo_db)
    assert (after["ONHOLD"], after["CONTRACT_START"], after["EMAIL2"]) == (True, dt.date(2024, 2, 1), None)


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_customer_form_snapshot(snap_compare, demo_db, size):
    """The form on customer C0000003 (Johnson Family Farms): the title line with the ID, name, level and user;
    labels on the left (* for required fields, "* required" beside the buttons) and typed inputs on the right: the
    ID greyed (it cannot change), text boxes, lists with ▼ for Status, payment method and delivery, checkboxes with
    Yes/No; the focus on Customer name; Save, Mark inactive and Cancel; the footer's keys (Ctrl+S, Ctrl+D, Esc)."""

    async def opened(pilot):
        await open_form(pilot, CID)
        no_blink(pilot)
        await pilot.pause()

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=opened)


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_e_on_the_customers_detail_edits_it_and_the_detail_and_the_list_show_the_change(demo_db):
    from tui.screens.customer_detail import CustomerDetailScreen
    from tui.screens.customer_list import CustomerListScreen

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # C0000003
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CustomerDetailScreen) and detail.customer_id == CID
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CustomerForm) and app.screen.customer_id == CID
        await type_into(pilot, "CITY", "Lyon")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail and "Lyon" in widget_text(detail.query_one("#fields"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        assert "Lyon" in widget_text(app.screen.query_one("#grid"))
    assert stored(demo_db)["CITY"] == "Lyon"


def slow_record(monkeypatch):
    """The record's reading held until the returned event is set: the form stays loading meanwhile."""
    import threading

    release = threading.Event()
    real = DuckCustomers.get

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(DuckCustomers, "get", slow)
    return release


def noted(app) -> list[str]:
    """The app's notifications, as a list the test reads."""
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    return notes


async def test_text_typed_while_the_record_loads_goes_to_the_first_field_other_keys_are_refused(demo_db, monkeypatch):
    """Issue 18, bug 4: keys typed before the fields showed were lost. Text (and Backspace) goes to the first
    field once it shows; another key is refused with a word, and Ctrl+S does not save (nor close) a form not shown."""
    release = slow_record(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = noted(app)
        await settle(pilot)
        form = CustomerForm(app.session, CID)
        app.push_screen(form)
        await pilot.pause()
        await pilot.press("L", "y", "backspace", "t", "d", "tab", "ctrl+s")
        assert not form.ready
        assert notes == [
            "Still loading the customer: press Tab again once its fields show.",
            "Still loading the customer: press Ctrl+S again once its fields show.",
        ]
        release.set()
        await settle(pilot)
        name = form.query_one("#input-NAME", Input)
        assert name.has_focus and name.value == "Johnson Family FarmsLtd"
        assert app.screen is form and stored(demo_db)["NAME"] == "Johnson Family Farms"  # nothing saved unasked


async def test_keys_refused_while_loading_keep_the_form_open_on_ctrl_s(demo_db, monkeypatch):
    """Only refused keys typed while it loaded: Ctrl+S then says so and keeps the form open to type them again,
    rather than "Nothing to save" as it closes."""
    release = slow_record(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = noted(app)
        await settle(pilot)
        form = CustomerForm(app.session, CID)
        app.push_screen(form)
        await pilot.pause()
        await pilot.press("down")
        release.set()
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "what you typed before the fields showed was not kept" in notes[-1]


async def test_text_typed_while_a_read_only_form_loads_is_said_not_kept(demo_db, monkeypatch):
    """The form turns out read only (a top-level customer seen from an entity): the text typed while it loaded has
    no field to go to, and the user is told so rather than left to wonder."""
    release = slow_record(monkeypatch)
    app = make_app(demo_db, entity="EU")
    async with app.run_test(size=(80, 24)) as pilot:
        notes = noted(app)
        await settle(pilot)
        form = CustomerForm(app.session, CID)
        app.push_screen(form)
        await pilot.pause()
        await pilot.press("a", "b")
        release.set()
        await settle(pilot)
        assert "belongs to the top level" in widget_text(form.query_one("#notice"))
        assert notes == ["Nothing was changed: what you typed before the fields showed was not kept."]
        assert form.query_one("#input-NAME", Input).value == "Johnson Family Farms"


async def test_keys_typed_while_the_fields_are_being_shown_are_not_lost(demo_db, monkeypatch):
    """The keys that came while the form mounted its fields (`e`, then `123` 0.3 s later on a big store) waited
    behind that work, then found the form ready and were dropped without a word; Ctrl+S closed it as unchanged."""
    from textual import events

    shown = CustomerForm.on_customer_form_loaded

    async def typing_meanwhile(self, message):
        for key, character in (("1", "1"), ("2", "2"), ("3", "3")):
            self.app.post_message(events.Key(key, character))
        await shown(self, message)

    monkeypatch.setattr(CustomerForm, "on_customer_form_loaded", typing_meanwhile)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, results = await open_form(pilot, CID)
        assert form.query_one("#input-NAME", Input).value == "Johnson Family Farms123"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [CID]
    assert stored(demo_db)["NAME"] == "Johnson Family Farms123"


async def test_the_label_of_the_field_being_typed_in_is_bold_and_follows_tab(demo_db):
    """The row being worked on shows its label bold: it did for the first field only (by chance of a restyle of
    the whole form, which the form no longer pays for while it loads), never for the next ones."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await open_form(pilot, CID)

        def bold(fid: str) -> bool:
            return form.query_one(f"#row-{fid} .label").styles.text_style.bold

        assert bold("NAME") and not bold("PRINTAS")
        await pilot.press("tab")
        assert bold("PRINTAS") and not bold("NAME")


async def test_a_field_reached_keeps_its_value_and_the_cursor_goes_to_its_end(demo_db):
    """Issue 18: the first field was selected whole, and so was every field reached with Tab: `e` then `?` made
    the customer's name "?"."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await open_form(pilot, CID)
        await pilot.press("question_mark")
        assert form.query_one("#input-NAME", Input).value == "Johnson Family Farms?"
        printas = form.query_one("#input-PRINTAS", Input)
        before = printas.value
        await pilot.press("tab", "X")
        assert printas.has_focus and printas.value == before + "X"
        await pilot.press("home", "shift+tab", "tab", "Y")  # back again: at the end, not where it was left
        assert printas.value == before + "XY"


async def test_the_first_save_of_a_new_customer_shows_every_problem_in_the_forms_words(demo_db):
    """Issue 18, bug 8 and the first save: `n`, Ctrl+S said only "The Customer ID is empty. Give every row its ID"
    (the import's words); the name, Print as and Segment were reported on the second save."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = noted(app)
        form, results = await open_form(pilot, None)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [] and app.screen is form
        said = {f.id: " ".join(error_beside(form, f.id).split()) for f in form.fields}  # as read, wraps aside
        assert "Type the new customer's ID" in said["CUSTOMERID"]
        for fid in ("NAME", "PRINTAS", "SEGMENT"):
            assert "is required for a new customer" in said[fid], fid
        assert notes[-1] == "Not saved: 4 problems to fix."
        assert not any("row" in text or "file" in text for text in said.values())
        assert form.query_one("#input-CUSTOMERID", Input).has_focus


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("end", "space", "Z"), "Johnson Family Farms Z"),
        (("home", "X"), "XJohnson Family Farms"),
        (("left", "left", "backspace", "M"), "Johnson Family FaMms"),
    ],
)
async def test_keys_that_arrive_together_are_applied_in_their_order(demo_db, keys, expected):
    """Issue 18: End then " Z" sent in one packet (tmux send-keys End ' Z', SSH) typed " Z" before going to the end:
    Textual runs the box's own keys after the key has gone up to the app and back, and inserts text at once. The
    keys are posted together here, as the terminal's driver does with one read."""
    from textual import events

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await open_form(pilot, CID)
        for key in keys:
            character = " " if key == "space" else key if len(key) == 1 else None
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert form.query_one("#input-NAME", Input).value == expected


async def test_keys_that_arrive_together_in_the_comments_are_applied_in_their_order(demo_db):
    """The same for the box of several lines: Home then X puts the X at the start of the line."""
    from textual import events
    from textual.widgets import TextArea

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await open_form(pilot, CID)
        comments = form.query_one("#input-COMMENTS", TextArea)
        comments.focus()
        await pilot.pause()
        comments.move_cursor((0, 0))
        comments.action_cursor_line_end()
        first = comments.document.get_line(0)
        for key, character in (("home", None), ("X", "X")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert comments.document.get_line(0) == "X" + first
