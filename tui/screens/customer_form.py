"""CustomerForm: edit one customer, or add a new one, from the keyboard.

Owns the form: every importable field (standard and custom) with its label and a typed input (a list for enums, a
checkbox for booleans, text for the rest; amounts and dates as the user's region writes them), the
errors shown beside their fields, and Save, Mark inactive and Cancel. It never validates on its own: saving goes
through `services.edit`, the import's own pipeline, so the form says exactly what an import would and saves nothing
while a value is wrong. Loading and saving run in worker threads that post messages; only this screen's handlers
touch widgets. Dismisses with the saved customer's ID, or None when nothing was saved.

Its parts live beside it: the rows (`tui.widgets.form_fields`), its words (`tui.form_words`), its questions
(`tui.form_questions`), its workers' calls (`tui.form_work`) and the keys typed while it loads (`tui.early_keys`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual._time import get_time  # the clock of an event's `time` (monotonic; perf_counter on Windows)
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from core.catalogue import Field
from core.errors import CustbookError
from core.i18n import N_, _, group_digits, ngettext
from core.regional import screen_region
from core.table import Issue
from core.values import Value
from services.edit import EditOutcome, EditStatus
from tui.early_keys import EarlyTyping
from tui.form_questions import discard_question, mark_inactive_question
from tui.form_words import FORM_KEYS, form_title, read_only_reason, sorted_issues
from tui.form_work import load_record, send_edit, stored_values
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.field_inputs import initial_text, input_text, read_only_fields, yes_no
from tui.widgets.footer import Footer
from tui.widgets.form_fields import FieldRow, clear_message, field_row, label_width, show_messages
from tui.widgets.grid import safe_text


class CustomerForm(WithHelp, Screen[str | None]):
    # Nothing takes the focus while the fields load: the keys typed meanwhile come to the screen (`on_key`), and the
    # box that would hold the focus is not restyled with its 200 descendants when the first field takes it.
    AUTO_FOCUS = ""
    HELP_TITLE = N_("Keys of the customer form")
    KEY_HELP = FORM_KEYS  # tui/form_words.py: the words, with the rest of the form's
    CSS_PATH = "customer_form.tcss"
    BINDINGS = [
        # Priority: inside a text box these keys would otherwise be the box's own (Ctrl+D deletes a character).
        Binding(
            "ctrl+d", "mark_inactive", N_("Mark inactive"), priority=True, tooltip=N_("Mark this customer inactive")
        ),
        Binding("ctrl+s", "save", N_("Save"), priority=True, tooltip=N_("Save the customer")),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close the form without saving")),
        HELP_BINDING,
    ]

    @dataclass
    class Loaded(Message):
        record: dict[str, Value] | None

    @dataclass
    class LoadFailed(Message):
        error: CustbookError

    @dataclass
    class Saved(Message):
        customer_id: str
        result: EditOutcome

    @dataclass
    class SaveFailed(Message):
        error: CustbookError

    def __init__(self, session: Session, customer_id: str | None) -> None:
        super().__init__()
        self.session = session
        self.customer_id = customer_id
        self.fields: tuple[Field, ...] = session.catalogue.importable
        self.record: dict[str, Value] | None = None
        self.initial: dict[str, str] = {}  # field ID -> the text the form started with
        self.reason = ""  # why the form is read-only; "" when it can be saved
        self.ready = False  # the fields are shown
        self._early = EarlyTyping()  # what was typed while they loaded, and when they showed
        self._invalid: set[str] = set()  # the fields shown with a message
        self.busy = False  # a save is on its way
        self._last_name = ""  # the name as last typed: "Print as" follows it while the two are the same
        self.regional = screen_region()  # amounts and dates shown, and read back, as the user's region writes them
        self._sent: dict[str, str] = {}  # the texts the last save sent, by field (its messages quote them)

    @property
    def is_new(self) -> bool:
        return self.customer_id is None

    # --- building ------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="title")
        yield Static(id="notice")
        yield VerticalScroll(Static(_("Loading…"), id="loading"), id="fields")
        with Horizontal(id="buttons"):
            yield Button(_("Save"), variant="primary", id="save", compact=True, disabled=True)
            if not self.is_new:
                yield Button(_("Mark inactive"), variant="warning", id="inactive", compact=True, disabled=True)
            yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("* required"), id="legend")
        yield Footer()

    def on_mount(self) -> None:
        if self.is_new:
            self.post_message(self.Loaded(None))
        else:
            self._load()

    @work(thread=True, exclusive=True, group="form-load")
    def _load(self) -> None:
        try:
            record = load_record(self.session, self.customer_id or "")
        except CustbookError as exc:
            self.post_message(self.LoadFailed(exc))
            return
        self.post_message(self.Loaded(record))

    async def on_customer_form_loaded(self, message: Loaded) -> None:
        self.record = message.record
        body = self.query_one("#fields", VerticalScroll)
        await body.remove_children()
        if not self.is_new and message.record is None:
            self.reason = _("Customer {id} is not visible here (or no longer exists).").format(id=self.customer_id)
            self._show_notice()
            self._drop_early()
            return
        fmt, region = self.session.date_format, self.regional
        self.initial = {f.id: initial_text(f, message.record, fmt, region) for f in self.fields}
        self.reason = read_only_reason(self.session, self.customer_id, message.record)
        await body.mount_all([self._row(f) for f in self.fields])
        if message.record is not None:
            table = read_only_fields(
                self.session.catalogue, message.record, fmt, region, label_width=label_width(self.fields) - 1
            )
            await body.mount(Static(table, id="readonly"))
        self.ready = True
        self._early.ready_at = get_time()
        self._show_notice()
        self._sync_actions()
        first = self._first_input()
        if first is not None:
            first.focus()
            self._early.replay(first)  # typed while the fields loaded: in the first field, as typed
        else:
            body.focus()
            self._drop_early()
        self.query_one("#title", Static).update(self._title())

    def _drop_early(self) -> None:
        """Text typed while the form loaded has no field to go to (the form is read only, or the customer is not
        to be seen): say so, rather than drop it unsaid."""
        if self._early.drop():
            self.app.bell()
            self.notify(_("Nothing was changed: what you typed before the fields showed was not kept."))

    def _first_input(self) -> Input | None:
        """The field the form starts on (the ID of a new customer, else the name); None while it is not shown or
        when the form is read only."""
        if not self.ready or self.reason:
            return None
        found = self.query(f"#input-{'CUSTOMERID' if self.is_new else 'NAME'}")
        return found.first(Input) if found else None

    def on_customer_form_load_failed(self, message: LoadFailed) -> None:
        self.app.push_screen(ErrorDialog(message.error), lambda _: self.dismiss(None))

    def _title(self) -> Text:
        room = (self.size.width or self.app.size.width) - 2
        return form_title(self.session, self.customer_id, self.record, self.reason, room)

    def on_resize(self) -> None:
        self.query_one("#title", Static).update(self._title())

    def _row(self, field: Field) -> FieldRow:
        locked = bool(self.reason) or (field.id == "CUSTOMERID" and not self.is_new)
        return field_row(
            field,
            self.initial[field.id],
            width=label_width(self.fields),
            locked=locked,
            is_new=self.is_new,
            date_format=self.session.date_format,
            region=self.regional,
        )

    # --- reading the form ------------------------------------------------------------------------------------

    def _text(self, field_id: str) -> str:
        return input_text(self.query_one(f"#input-{field_id}"))

    def _changed(self) -> dict[str, str]:
        """The fields whose text differs from what the form started with (the only ones an edit writes)."""
        if not self.ready:
            return {}
        return {f.id: t for f in self.fields if (t := self._text(f.id)) != self.initial[f.id]}

    # --- actions ---------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Shown disabled in the footer while the form cannot do it; no Mark inactive for a customer not yet saved.
        if action == "mark_inactive":
            return False if self.is_new else (self._may_mark_inactive() or None)
        if action == "save":
            return self._may_save() or None
        return True

    def on_key(self, event: events.Key) -> None:
        # A key typed while the fields load (`e` then at once `123`) comes here, to the screen: before they show,
        # or queued behind the handler that shows them. Text and Backspace go to the first field, in the order they
        # were typed; any other key (Tab, an arrow, Ctrl+S) is refused with a word, never dropped unsaid (issue 18).
        if (self.ready and event.time >= self._early.ready_at) or event.key == "escape":  # Escape cancels, as ever
            return
        if self.reason:
            return  # read only, or the customer is not to be seen: the notice says why nothing can be typed
        event.stop()
        event.prevent_default()
        refused = self._early.key(event, self._first_input())
        if refused:
            self.app.bell()
            self.notify(refused, severity="warning")

    def on_paste(self, event: events.Paste) -> None:
        if self.ready or not event.text:
            return
        event.stop()
        self._early.paste(event.text)

    def _may_save(self) -> bool:
        return self.ready and not self.reason and not self.busy

    def _may_mark_inactive(self) -> bool:
        return self._may_save() and self.initial.get("STATUS") != "inactive"

    def _sync_actions(self) -> None:
        self.query_one("#save", Button).disabled = not self._may_save()
        if not self.is_new:
            self.query_one("#inactive", Button).disabled = not self._may_mark_inactive()
        self.refresh_bindings()

    def action_save(self) -> None:
        """Save the customer; nothing is saved while a field is wrong."""
        if not self._may_save():
            return
        changed = self._changed()
        if not self.is_new and not changed:
            if self._early.lost:  # the user typed before the fields showed: keep the form open to type it again
                self._early.lost = False
                self.notify(_("Nothing was changed: what you typed before the fields showed was not kept."))
                return
            self.notify(_("Nothing to save: no field was changed."))
            self.dismiss(self.customer_id)
            return
        values = {f.id: self._text(f.id) for f in self.fields} if self.is_new else changed
        self._start_save(stored_values(self.session, values, self.regional), inactive=False)

    def action_mark_inactive(self) -> None:
        """Mark this customer inactive (undo it from the history)."""
        if self.is_new or not self._may_mark_inactive():
            return
        if set(self._changed()) - {"STATUS"}:
            # Other changes are waiting: make it one of them rather than dropping them or saving them unasked.
            self.query_one("#input-STATUS", Select).value = "inactive"
            self.notify(_("Status set to inactive: press Ctrl+S to save it with your other changes."))
            return
        question = mark_inactive_question(self.customer_id, self.record)
        self.app.push_screen(question, lambda ok: self._start_save({}, inactive=True) if ok else None)

    def _start_save(self, values: dict[str, str], *, inactive: bool) -> None:
        self._sent = values
        self.busy = True
        self.query_one("#save", Button).label = _("Saving…")
        self._sync_actions()
        self._save(values, inactive)

    @work(thread=True, exclusive=True, group="form-save")
    def _save(self, values: dict[str, str], inactive: bool) -> None:
        try:
            cid, result = send_edit(self.session, self.record, self.customer_id, values, inactive=inactive)
        except CustbookError as exc:
            self.post_message(self.SaveFailed(exc))
            return
        self.post_message(self.Saved(cid, result))

    def on_customer_form_saved(self, message: Saved) -> None:
        self._done_saving()
        result = message.result
        if result.status is EditStatus.REFUSED:
            self._show_errors(result.errors)
            return
        if result.status is EditStatus.SAVED:
            self.notify(
                _("Saved customer {id} as batch {batch} (undo: h, then u on {batch}).").format(
                    id=message.customer_id, batch=result.batch
                )
            )
        else:
            self.notify(_("Nothing to save: the customer already holds these values."))
        self.dismiss(message.customer_id)

    def on_customer_form_save_failed(self, message: SaveFailed) -> None:
        self._done_saving()
        self.app.push_screen(ErrorDialog(message.error))

    def _done_saving(self) -> None:
        self.busy = False
        self.query_one("#save", Button).label = _("Save")
        self._sync_actions()

    def _show_errors(self, issues: tuple[Issue, ...]) -> None:
        """Each message under its field, in the error colour; messages about the whole customer at the top."""
        ids = [f.id for f in self.fields]
        by_field, general = sorted_issues(issues, ids, self.session.catalogue, self._sent, self.regional)
        show_messages(self, ids, by_field)
        self._invalid = set(by_field)
        self._show_notice(general)
        wrong = [fid for fid in ids if fid in by_field]
        if wrong:
            widget = self.query_one(f"#input-{wrong[0]}")
            if widget.focusable:
                widget.focus()
            self._show_row(wrong[0])
            n = len(issues)
            said = ngettext("Not saved: {count} problem to fix.", "Not saved: {count} problems to fix.", n)
            self.notify(said.format(count=group_digits(n)), severity="warning")
        elif general:
            self.notify(_("Not saved: {reason}").format(reason=general[0]), severity="error")

    def _show_row(self, field_id: str) -> None:
        """Scroll the field's whole row into view, its message under it included (a row that grows as its message
        is shown scrolls itself: `FieldRow`)."""
        row = self.query_one(f"#row-{field_id}")
        self.call_after_refresh(lambda: self.query_one("#fields", VerticalScroll).scroll_to_widget(row, animate=False))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Textual scrolls the focused box into view, not the message under it: a field reached with Tab at the
        # bottom of the screen would show its message's first line only.
        fid = (event.widget.id or "").removeprefix("input-")
        row = self.query(f"#row-{fid}") if fid and self.ready else None
        if row and row.first().has_class("invalid"):
            self._show_row(fid)

    def _show_notice(self, errors: list[str] | None = None) -> None:
        notice = self.query_one("#notice", Static)
        lines = [line for line in (self.reason, *(errors or ())) if line]
        notice.update(Text(safe_text("\n".join(lines)).replace("⏎", "\n")))
        notice.set_class(bool(lines), "shown")

    def action_cancel(self) -> None:
        """Close the form without saving (asks first when something was changed)."""
        if self.busy:  # one short transaction: it cannot be stopped half-way, so let it finish and report
            self.notify(_("Saving… one moment."))
            return
        changed = self._changed()
        if not changed:
            self.dismiss(None)
            return
        question = discard_question(self.session.catalogue, changed)

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(question, answered)

    # --- small conveniences ----------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Input.Changed, "#input-NAME")
    def _print_as_follows_the_name(self, event: Input.Changed) -> None:
        """A new customer's "Print as" copies the name until the user types a different one."""
        if not self.is_new:
            return
        found = self.query("#input-PRINTAS")
        print_as = found.first(Input) if found else None
        if print_as is not None and print_as.value == self._last_name:
            print_as.value = event.value
        self._last_name = event.value

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _being_fixed(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        """A wrong field the user changes loses its message (the next save checks it again): "Segment is
        required" must not stay under a segment just chosen."""
        fid = (event.control.id or "").removeprefix("input-")
        if fid in self._invalid:  # a set, not a query: every box posts Changed as it is mounted
            self._invalid.discard(fid)
            clear_message(self, fid)

    @on(Checkbox.Changed)
    def _say_yes_or_no(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = yes_no(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        pressed = {"save": self.action_save, "inactive": self.action_mark_inactive, "cancel": self.action_cancel}
        pressed[event.button.id or "cancel"]()
