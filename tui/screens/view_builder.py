"""ViewBuilder: make or change a saved view (name, columns in order, filters, sort, entity records, public) while
a live count says how many customers it matches; save, save as, delete.

Owns the draft view while it is being edited and the rules of who may change what: the built-in view and other
users' views are never saved over or deleted (Save as keeps a copy of one's own); only the owner deletes. It never
writes SQL nor touches the store from the interface thread: counting, checking, saving and deleting run in worker
threads that post messages, and `services.views` does the work (the rules of saving a view, as for `custbook views
save`) and enforces the owner rules again.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Static, TabbedContent, TabPane

from core.errors import CustbookError, InvalidValue
from core.i18n import N_, _, group_digits, ngettext, pgettext
from core.users import Permission
from core.viewdef import View, shown_view_name
from services.views import MAX_NAME, SaveStatus, count_matching, delete_view, save_view
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import safe_text
from tui.widgets.ticks import TickBox
from tui.widgets.view_parts import ColumnsPart, FiltersPart, SortPart, ViewPart

DEBOUNCE_SECONDS = 0.2
# The keys' names of the tabs (F2 F3 F4, in the footer).
TAB_NAMES = {"columns": N_("Columns"), "filters": N_("Filters"), "sort": N_("Sort")}


def tab_label(pane: str) -> str:
    """A tab's title: "Sort" names a key (an action, "Trier") and a tab (a noun, "Ordre de tri")."""
    return pgettext("tab", "Sort") if pane == "sort" else _(TAB_NAMES[pane])


def locked_reason(view: View | None, session: Session) -> str:
    """Why this user may not save over or delete this view ('' when they may)."""
    if view is None:
        return ""
    if view.builtin:
        return _("“{name}” is built in: it cannot be changed or deleted").format(name=shown_view_name(view.name))
    if view.owner != session.user.name:
        return _("“{name}” belongs to {owner}: only they can change or delete it").format(
            name=safe_text(view.name), owner=safe_text(view.owner or "")
        )
    return ""


class ViewBuilder(WithHelp, Screen[View | None]):
    HELP_TITLE = N_("Keys of the view builder")
    KEY_HELP = (
        ("F2 F3 F4", N_("the Columns, Filters and Sort tabs")),
        ("Tab  Shift+Tab", N_("next / previous box")),
        ("Space", N_("tick or untick a column")),
        ("[  ]  Alt+↑ Alt+↓", N_("move the chosen column or sort key up / down")),
        ("Delete", N_("remove the chosen filter or sort key")),
        ("Ctrl+S", N_("save the view (asks before replacing one)")),
        ("Escape", N_("close (asks first when something was changed)")),
    )
    CSS_PATH = "view_builder.tcss"
    # Narrow: the filter's value box goes under the field and the comparison, where its hint is read whole.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the view")),
        Binding("escape", "close", N_("Close"), tooltip=N_("Leave without saving (asks first when something changed)")),
        Binding("f2", "tab('columns')", TAB_NAMES["columns"], tooltip=N_("Show the columns tab")),
        Binding("f3", "tab('filters')", TAB_NAMES["filters"], tooltip=N_("Show the filters tab")),
        Binding("f4", "tab('sort')", TAB_NAMES["sort"], tooltip=N_("Show the sort tab")),
        HELP_BINDING,
    ]

    @dataclass
    class Counted(Message):
        generation: int
        total: int

    @dataclass
    class CountFailed(Message):
        generation: int
        error: CustbookError

    @dataclass
    class Saved(Message):
        view: View

    @dataclass
    class Refused(Message):
        error: CustbookError

    @dataclass
    class ReplaceAsked(Message):
        draft: View
        original: str | None

    @dataclass
    class Deleted(Message):
        name: str

    def __init__(self, session: Session, view: View | None) -> None:
        super().__init__()
        self.session, self.original = session, view
        self.own = view is not None and not view.builtin and view.owner == session.user.name
        start, known = view or View(""), session.catalogue
        # The built-in view and someone else's open as a new private view of the user's own. A field deleted
        # from the catalogue since the view was saved is left out rather than breaking the screen.
        self._initial = View(
            name="" if view is None or view.builtin else view.name,
            public=start.public and self.own,
            columns=tuple(c for c in start.columns if c in known),
            filters=tuple(f for f in start.filters if f.field in known),
            sort=tuple(k for k in start.sort if k.field in known),
            include_entities=start.include_entities,
        )
        self._generation = 0
        self._counted: tuple[object, ...] | None = None  # what the last count was asked for
        self._debounce: Timer | None = None
        self._shown = -1  # the generation of the count on screen
        self._start: View | None = None

    # --- layout --------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        catalogue, may_save, initial = self.session.catalogue, self.session.user.can(Permission.LIST), self._initial
        yield Static(self._heading(), id="heading")
        with Horizontal(id="top"):
            yield Static(_("Name"), id="name-label")
            yield Input(initial.name, placeholder=_("name of the view"), id="name", max_length=MAX_NAME, compact=True)
            yield TickBox(_("Include entity records"), initial.include_entities, id="entities", compact=True)
            yield TickBox(_("Public"), initial.public, id="public", compact=True)
        with TabbedContent(id="tabs"):
            with TabPane(tab_label("columns"), id="columns"):
                yield ColumnsPart(catalogue, initial.columns, id="columns-part")
            with TabPane(tab_label("filters"), id="filters"):
                yield FiltersPart(catalogue, initial.filters, self.session.date_format, id="filters-part")
            with TabPane(tab_label("sort"), id="sort"):
                yield SortPart(catalogue, initial.sort, id="sort-part")
        yield Static(id="count")
        yield Static(Text(self._reason()), id="reason", classes="" if self._reason() else "hidden")
        with Horizontal(id="buttons"):
            yield Button(
                _("Save"),
                variant="primary",
                id="save",
                compact=True,
                disabled=not may_save or bool(locked_reason(self.original, self.session)),
            )
            yield Button(_("Save as"), id="save-as", compact=True, disabled=not may_save)
            yield Button(
                _("Delete"),
                variant="error",
                id="delete",
                compact=True,
                disabled=not self.own,
                tooltip=self._reason() or None,
            )
            yield Button(_("Cancel"), id="cancel", compact=True)
        yield Footer()

    def _heading(self) -> Text:
        who = _("user {name}").format(name=self.session.user.name)
        view, where = self.original, f"  ·  {self.session.level}  ·  {who}"
        if view is None:
            title = _("New view")
        elif view.builtin:
            title = _("New view, starting from “{name}”").format(name=shown_view_name(view.name))
        elif self.own:
            title = _("Edit view “{name}”").format(name=safe_text(view.name))
        else:
            title = _("View “{name}” by {owner}").format(name=safe_text(view.name), owner=safe_text(view.owner or ""))
        return Text.assemble((title, "bold"), (safe_text(where), "dim"))

    def _reason(self) -> str:
        if not self.session.user.can(Permission.LIST):
            return _("{user} may not save views (the List permission is missing).").format(user=self.session.user.name)
        reason = locked_reason(self.original, self.session)
        return _("{reason}. Save as keeps your own copy under the name above.").format(reason=reason) if reason else ""

    def on_mount(self) -> None:
        self._part_changed()
        self._start = self._draft()
        self.query_one("#fields" if self.original and not self.original.builtin else "#name").focus()
        self._recount()

    # --- the draft ---------------------------------------------------------------------------------------------

    def _draft(self) -> View:
        return View(
            name=self.query_one("#name", Input).value.strip(),
            owner=self.session.user.name,
            public=self.query_one("#public", Checkbox).value,
            columns=self.query_one(ColumnsPart).value,
            filters=self.query_one(FiltersPart).value,
            sort=self.query_one(SortPart).value,
            include_entities=self.query_one("#entities", Checkbox).value,
        )

    @on(ViewPart.Changed)
    @on(Checkbox.Changed, "#entities")
    def _part_changed(self) -> None:
        tabs = self.query_one(TabbedContent)
        for part, pane in ((ColumnsPart, "columns"), (FiltersPart, "filters"), (SortPart, "sort")):
            n = len(self.query_one(part).items)
            name = tab_label(pane)
            tabs.get_tab(pane).label = f"{name} ({group_digits(n)})" if n else name
        self._changed()

    def _changed(self) -> None:
        """The definition changed: count again (debounced) if what decides the count changed."""
        if self._count_key() == self._counted:
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._recount)
        self._show_count(Text(_("counting…")))

    @property
    def counting(self) -> bool:
        """True while a count is waiting for the typing to pause or for its answer."""
        return self._debounce is not None or self._shown != self._generation

    def _count_key(self) -> tuple[object, ...]:
        """What decides the count (columns, sort and name do not)."""
        return (self.query_one(FiltersPart).value, self.query_one("#entities", Checkbox).value)

    # --- the live count ----------------------------------------------------------------------------------------

    def _recount(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        draft = self._draft()
        self._counted = self._count_key()
        self._generation += 1
        self._show_count(Text(_("counting…")))
        self._count(self._generation, draft)

    @work(thread=True, exclusive=True, group="builder-count")
    def _count(self, generation: int, draft: View) -> None:
        session = self.session
        try:
            total = count_matching(
                session.store, draft, user=session.user, catalogue=session.catalogue, entity=session.entity,
                date_format=session.date_format,
            )  # fmt: skip
        except CustbookError as exc:
            self.post_message(self.CountFailed(generation, exc))
            return
        self.post_message(self.Counted(generation, total))

    def on_view_builder_counted(self, message: Counted) -> None:
        if message.generation == self._generation:
            n = message.total
            if n == 0:
                words = _("No customers match")
            else:
                words = ngettext("{count} customer matches", "{count} customers match", n).format(count=group_digits(n))
            self._show_count(Text(words), generation=message.generation)

    def on_view_builder_count_failed(self, message: CountFailed) -> None:
        if message.generation == self._generation:
            self._show_count(Text(f"⚠ {safe_text(str(message.error))}"), invalid=True, generation=message.generation)

    def _show_count(self, text: Text, invalid: bool = False, generation: int | None = None) -> None:
        if generation is not None:
            self._shown = generation
        box = self.query_one("#count", Static)
        box.update(text)
        box.set_class(invalid, "invalid")

    # --- save, save as, delete, close ------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save the view (the built-in view and other users' views: save your own copy)."""
        if self.original is not None and not self.own:
            self.action_save_as()
        elif self._may_save():
            self._save(self._draft(), self.original.name if self.own and self.original else None)

    @on(Button.Pressed, "#save-as")
    def action_save_as(self) -> None:
        """Save a new view under the name typed above, leaving the original as it was."""
        draft = self._draft()
        if self.own and self.original and draft.name == self.original.name:
            self.query_one("#name", Input).focus()
            refused = InvalidValue(_("Save as needs a new name"), _("Type another name in Name"))
            self.post_message(self.Refused(refused))
        elif self._may_save():
            self._save(draft, None)

    def _may_save(self) -> bool:
        if not self.session.user.can(Permission.LIST):
            self.notify(self._reason(), severity="warning")
            return False
        return True

    @work(thread=True, exclusive=True, group="builder-save")
    def _save(self, draft: View, original: str | None, replace: bool = False) -> None:
        """Save the view; the service refuses one that cannot run (a bad filter value) and, until `replace`, leaves
        another view of the same name alone so that the user is asked first. `original` is the user's own view being
        edited: saving under a new name renames it."""
        session = self.session
        try:
            done = save_view(
                session.store, session.user, draft, date_format=session.date_format, public=draft.public,
                replace_existing=replace, renaming=original, entity=session.entity,
            )  # fmt: skip
        except CustbookError as exc:
            self.post_message(self.Refused(exc))
            return
        if done.status is SaveStatus.EXISTS:
            self.post_message(self.ReplaceAsked(draft, original))
        else:
            self.post_message(self.Saved(done.view))

    def on_view_builder_replace_asked(self, message: ReplaceAsked) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._save(message.draft, message.original, replace=True)

        name = safe_text(message.draft.name)
        question = ConfirmDialog(
            _("Replace “{name}”?").format(name=name),
            _("You already have a view named “{name}”.").format(name=name),
            _("Replace"),
            danger=True,
        )
        self.app.push_screen(question, answered)

    def on_view_builder_saved(self, message: Saved) -> None:
        self.notify(_("Saved the view “{name}”").format(name=safe_text(message.view.name)))
        self.dismiss(message.view)

    def on_view_builder_refused(self, message: Refused) -> None:
        self.app.push_screen(ErrorDialog(message.error))

    @on(Button.Pressed, "#delete")
    def action_delete(self) -> None:
        """Delete this view (its owner only), after confirmation."""
        if not self.own or self.original is None:
            reason = locked_reason(self.original, self.session) or _("This view is not saved yet")
            self.notify(reason, severity="warning")
            return
        name = self.original.name

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(name)

        self.app.push_screen(confirm_delete(self.original), answered)

    @work(thread=True, exclusive=True, group="builder-save")
    def _delete(self, name: str) -> None:
        try:
            delete_view(self.session.store, self.session.user, name)
        except CustbookError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Deleted(name))

    def on_view_builder_deleted(self, message: Deleted) -> None:
        self.notify(_("Deleted the view “{name}”").format(name=safe_text(message.name)))
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        """Leave without saving (asks first when something changed)."""
        if self._draft() == self._start:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        # Not "Cancel", which would name the opposite of the screen's own Cancel button: stay and go on editing.
        question = ConfirmDialog(
            _("Discard your changes?"),
            _("The view is not saved."),
            _("Discard"),
            danger=True,
            cancel_label=_("Keep editing"),
        )
        self.app.push_screen(question, answered)

    def action_tab(self, pane: str) -> None:
        """Show the columns, filters or sort tab."""
        self.query_one(TabbedContent).active = pane
        target = {"columns": "#fields", "filters": "#filter-field", "sort": "#sort-field"}[pane]
        self.query_one(target).focus()


def confirm_delete(view: View) -> ConfirmDialog:
    """The question asked before deleting a view (here and in the view picker)."""
    if view.public:
        message = _("“{name}” will be deleted for everyone who uses this public view. This cannot be undone.")
    else:
        message = _("“{name}” will be deleted for you. This cannot be undone.")
    return ConfirmDialog(_("Delete this view?"), message.format(name=safe_text(view.name)), _("Delete"), danger=True)
