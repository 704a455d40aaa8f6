"""The Textual application: opens the session (who, where, which store) in a worker, then the customer list.

Owns the app-wide pieces: the command palette's entries for every action (in the user's language, Textual's own
included), choosing the language from the palette (stored with the user, cli.md), and the error dialog for a store
that cannot be opened. Screens live in `tui/screens/`, one per module with its stylesheet beside it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from textual import work
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen

from core.errors import CustbookError
from core.i18n import LANGUAGES, N_, _, current_language, resolve_language, set_language
from core.users import User
from tui.session import Session
from tui.widgets.footer import Footer

# Each language named in itself, so that a person who does not read the current one still finds their own.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
# And in the sentences around it, in the current language ("in French", "en anglais").
LANGUAGE_WORDS = {"en": N_("English"), "fr": N_("French")}
# Textual's own palette commands (title, help), for extraction: translated as they are shown. Its "Keys" is not
# offered (custbook's own help, F1, says every key in the user's language).
TEXTUAL_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


class CustbookApp(App[int]):
    TITLE = "custbook"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, db: str, user: str, entity: str | None = None, lang: str | None = None) -> None:
        """`lang`: the `--lang` option, when given (it wins over the language the user chose and stored)."""
        super().__init__()
        self.db, self.user_name, self.entity, self.lang = db, user, entity, lang
        self.session: Session | None = None

    def on_mount(self) -> None:
        self._open()

    @work(thread=True, exclusive=True)
    def _open(self) -> None:
        try:
            session = Session.open(self.db, self.user_name, self.entity)
        except CustbookError as exc:
            self.call_from_thread(self._cannot_open, exc)
            return
        self.call_from_thread(self._opened, session)

    def _opened(self, session: Session) -> None:
        from tui.screens.customer_list import CustomerListScreen

        # cli.md's order: --lang, then $CUSTBOOK_LANG, then the language the user chose here (known only now that
        # the user is), then the locale. Either of the first two has already been applied by the command line.
        stored = session.user.language
        if stored and not self.lang and not os.environ.get("CUSTBOOK_LANG"):
            set_language(resolve_language(None, stored))
        self.session = session
        self.push_screen(CustomerListScreen(session))

    def _cannot_open(self, error: CustbookError) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self.push_screen(ErrorDialog(error), lambda _: self.exit(error.exit_code))

    # --- the command palette ---------------------------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Show the command palette."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        ours = list(self._screen_commands(screen))
        # Textual's "Keys" opens its own panel (HelpPanel), in English and closed by no key of ours: F1 and ? show
        # custbook's help on every screen. Its "Quit" is left out where the screen has its own (the list's q): one
        # entry per action.
        left_out: set[object] = {self.action_show_help_panel, self.action_hide_help_panel}
        if any(action == "quit" for action, _command in ours):
            left_out.add(self.action_quit)
        for command in super().get_system_commands(screen):
            if command.callback not in left_out:
                yield command._replace(title=_(command.title), help=_(command.help))
        yield from (command for _action, command in ours)
        if self.session is not None and getattr(screen, "OFFERS_LANGUAGE", False):
            yield from self._language_commands()

    def _screen_commands(self, screen: Screen) -> Iterable[tuple[str, SystemCommand]]:
        """The screen's own keys as commands (with their actions), each named as the footer names it, with its
        key."""
        seen: set[str] = set()
        for binding in screen.active_bindings.values():
            b = binding.binding
            action = getattr(screen, f"action_{b.action.split('(')[0]}", None)
            if b.description and action is not None and binding.node is screen and b.action not in seen:
                seen.add(b.action)  # one entry per action, however many keys it has (r and F5)
                # The binding's tooltip (marked for translation) says what it does; else the action's docstring.
                doc = _(b.tooltip) if b.tooltip else (action.__doc__ or b.description).strip().splitlines()[0]
                # The key as the footer shows it: "/" and "?", not "slash" and "question_mark".
                title = f"{_(b.description)} ({self.get_key_display(b)})"
                yield b.action, SystemCommand(title, doc, lambda a=b.action: screen.run_action(a))

    def _language_commands(self) -> Iterable[SystemCommand]:
        """ "Language: Français" in English, "Langue : English" in French: the other languages, each by its name."""
        assert self.session is not None
        for language in LANGUAGES:
            if language != current_language():
                name = LANGUAGE_NAMES[language]
                yield SystemCommand(
                    _("Language: {language}").format(language=name),
                    _("Show custbook in {language} from now on (remembered for {user})").format(
                        language=_(LANGUAGE_WORDS[language]), user=self.session.user.name
                    ),
                    lambda chosen=language: self._store_language(chosen),
                )

    # --- choosing the language -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="language")
    def _store_language(self, language: str) -> None:
        from services.preferences import set_language as remember_language

        session = self.session
        assert session is not None
        try:
            user = remember_language(session.store, session.user, language)
        except CustbookError as exc:
            self.call_from_thread(self._language_refused, exc)
            return
        self.call_from_thread(self._speak, user)

    def _language_refused(self, error: CustbookError) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self.push_screen(ErrorDialog(error))

    def _speak(self, user: User) -> None:
        """Switch to the language `user` just chose: every screen open redraws its words, footer included."""
        assert self.session is not None and user.language
        set_language(user.language)
        self.session = replace(self.session, user=user)
        for screen in self.screen_stack:
            if isinstance(getattr(screen, "session", None), Session):
                screen.session = replace(screen.session, user=user)  # type: ignore[attr-defined]
            relabel = getattr(screen, "relabel", None)
            if callable(relabel):
                relabel()
            for footer in screen.query(Footer):
                footer.call_later(footer.recompose)  # on the footer's own queue: it recomposes as itself
        said = _("custbook now speaks {language}; remembered for {user}.").format(
            language=_(LANGUAGE_WORDS[user.language]), user=user.name
        )
        forced = os.environ.get("CUSTBOOK_LANG", "")
        if forced and forced != user.language:
            # The environment wins at the next start (cli.md's order): say so rather than let it look forgotten.
            said += " " + _("CUSTBOOK_LANG={value} still chooses the language when custbook starts.").format(
                value=forced
            )
        self.notify(said, markup=False)


def run_app(db: str, user: str, entity: str | None, lang: str | None = None) -> int:
    return CustbookApp(db, user, entity, lang).run() or 0
