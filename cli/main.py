"""The `custbook` command: argument parsing, the common options, and turning errors into one sentence and an
exit code (cli.md).

Sub-commands run without importing textual (the interface is only loaded when no sub-command is given), so scripts
and SSH sessions start fast. Errors are printed as one sentence on standard error, never a traceback, in the
language chosen before the parser is built (`cli.language`), so that `--help` and usage errors speak it too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cli.language import asked_language, choose_first, speak_argparse
from cli.parser import build_parser, join_dash_values, utf8_words
from cli.terminal import guarded_output
from core.errors import CustbookError
from core.i18n import _, current_language, resolve_language, set_language

EXIT_INTERRUPTED = 130


def default_db() -> str:
    env = os.environ.get("CUSTBOOK_DB")
    if env:
        return env
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "custbook" / "customers.duckdb")


def default_user() -> str:
    """The user named by $CUSTBOOK_USER, else "": the store decides (the login name on a DuckDB file, the
    connection's role on PostgreSQL, where naming another is refused)."""
    return os.environ.get("CUSTBOOK_USER", "")


Interface = Callable[[str, str, "str | None", "str | None"], int]  # db, user, entity, --lang


def _say(text: str) -> None:
    print(f"custbook: {text}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, *, interface: Interface | None = None) -> int:
    """Run one sub-command; with none, open `interface` (given by the entry point, `custbook.py`: the command line
    never imports the interface), or print the help when there is none."""
    before = current_language()  # a caller running several commands in one process gets its language back
    with guarded_output() as guard:
        try:
            words = sys.argv[1:] if argv is None else list(argv)
            asked = asked_language(words)
            choose_first(asked)  # before the parser is built: --help and usage errors speak the language
            speak_argparse()
            words = utf8_words(words)
            args = build_parser().parse_args(join_dash_values(words))
            if args.lang:  # as argparse read it (an abbreviation such as --lan fr too)
                set_language(resolve_language(args.lang))
            args.db = args.db or default_db()
            args.user = args.user or default_user()
            if not args.command:
                if interface is None:
                    build_parser().print_help()
                    return 0
                _ask_before_creating(args.db)
                # The interface speaks the language chosen so far; given no --lang (nor $CUSTBOOK_LANG), it then
                # speaks the one its user chose there last time, which it reads with the user.
                with guard.paused():  # the interface drives the terminal itself, with its own escapes
                    return interface(args.db, args.user, args.entity, args.lang)
            return _dispatch(args)
        except CustbookError as exc:
            _say(str(exc))
            return exc.exit_code
        except KeyboardInterrupt:
            _say(_("interrupted; nothing was changed by the unfinished step."))
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            return 0
        except OSError as exc:  # a full disk, a folder without write permission...
            reason = exc.strerror or str(exc)
            if exc.filename:
                _say(_("could not read or write a file ({path}): {reason}.").format(path=exc.filename, reason=reason))
            else:
                _say(_("could not read or write a file: {reason}.").format(reason=reason))
            return 1
        except Exception as exc:  # the last line of defence: one sentence, never a traceback
            if os.environ.get("CUSTBOOK_DEBUG"):
                raise
            _say(_("unexpected problem ({problem}). Please report it.").format(problem=f"{type(exc).__name__}: {exc}"))
            return 1
        finally:
            set_language(before)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    finally:
        opening = sys.modules.get("store.opening")  # loaded by every command that opened a store
        if opening is not None:
            opening.let_go_all()  # a command keeps no store open once it has answered (scripts, tests, a shell loop)


def _ask_before_creating(location: str) -> None:
    """The interface on a path with no store: ask before creating one there (a mistyped --db would otherwise open
    a new, empty store); without a terminal to ask on, the same refusal as every other command."""
    from services.stores import missing_store, require_store

    path = missing_store(location)
    if path is None:
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        require_store(location)
    answer = input(_("There is no store at {path}. Create a new, empty store there? [y/N] ").format(path=path))
    if answer.strip().lower() not in ("y", "yes", "o", "oui"):
        require_store(location)


def _run(args: argparse.Namespace) -> int:
    if args.command == "store":  # names its stores itself (FROM, TO), not --db
        from cli.store_cmd import cmd_store

        return cmd_store(args)
    if args.command != "init":  # only init creates a store (cli.md); the rest fail on a missing one, exit 4
        from services.stores import require_store

        require_store(args.db)
    if args.command == "import":
        # The import path skips the other commands' modules (exports, views): a script's import starts faster.
        from cli.import_cmd import cmd_import

        return cmd_import(args)
    if args.command == "jobs":
        from cli.jobs_cmd import cmd_jobs

        return cmd_jobs(args)
    if args.command == "settings":
        from cli.settings_cmd import cmd_settings

        return cmd_settings(args)
    from cli import commands

    return commands.dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
