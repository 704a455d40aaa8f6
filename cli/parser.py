"""The `custbook` command's arguments: every sub-command, its options and their help (cli.md), the options every
command takes (--db, --user, --entity, --lang), and the words of argv made ready for argparse (UTF-8 only; a
`--sort -FIELD` value kept a value). Usage errors are our one-sentence UsageError (exit 2). cli.main parses with it
and runs the command.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

from core.errors import UsageError
from core.i18n import N_, _


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as our one-sentence UsageError (exit 2)."""

    def _check_value(self, action: argparse.Action, value: object) -> None:
        # A sub-command that does not exist: name the commands there are (argparse would say "invalid choice").
        if isinstance(action, argparse._SubParsersAction) and value not in action.choices:
            raise UsageError(
                _("'{value}' is not a {prog} command").format(value=value, prog=self.prog),
                _("Use one of: {commands}").format(commands=", ".join(map(repr, action.choices))),
            )
        super()._check_value(action, value)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message[:1].upper() + message[1:], _("See: {prog} --help").format(prog=self.prog))


# The help of every --json that says no more (the JSON keys, IDs and statuses are never translated: cli.md).
JSON_HELP = N_("print the result as JSON for scripts")


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On sub-commands the defaults are SUPPRESS, so an option given before the sub-command is not overwritten.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db", metavar="PATH|URL", help=_("the store: a DuckDB file, or a PostgreSQL database's URL"), default=default
    )
    parser.add_argument(
        "--user", metavar="NAME", help=_("the acting user (on PostgreSQL: the role you connect as)"), default=default
    )
    parser.add_argument("--entity", metavar="ID", help=_("work inside an entity"), default=default)
    parser.add_argument(
        "--lang", metavar="en|fr", help=_("the language of messages: en (English) or fr (French)"), default=default
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="custbook", description=_("Keep your customer list and move it to and from spreadsheets."))
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, top=False)
        return p

    p = command("init", _("create the store (safe to run again)"))
    p.add_argument("--demo", type=int, metavar="N", default=0, help=_("add N realistic demo customers"))

    p = command("import", _("import a CSV or Excel file of customers (previewed, then committed)"))
    p.add_argument("file")
    p.add_argument("--date-format", default="DD/MM/YYYY", metavar="FMT")
    p.add_argument("--encoding", default="auto", metavar="auto|NAME")
    p.add_argument("--dry-run", action="store_true", help=_("preview only; change nothing"))
    p.add_argument("--strict", action="store_true", help=_("commit nothing while any row fails"))
    p.add_argument("--offline", action="store_true", help=_("queue the import for the job worker"))
    p.add_argument("--email", metavar="ADDRESSES", help=_("e-mail the results to these addresses (; or , between)"))
    p.add_argument("--email-each", action="store_true", help=_("one message to each address instead of one to all"))
    p.add_argument("--errors-out", metavar="PATH", help=_("save the failed rows as a CSV to fix and re-import"))
    p.add_argument(
        "--max-rows", type=int, default=None, metavar="N",
        help=_("refuse files with more rows (default $CUSTBOOK_MAX_ROWS, else 25,000)"),
    )  # fmt: skip
    p.add_argument(
        "--max-bytes",
        metavar="SIZE",
        help=_("refuse larger files, e.g. 500MB (default $CUSTBOOK_MAX_BYTES, else 200MB)"),
    )
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))
    other = p.add_argument_group(_("files from other products"))
    other.add_argument(
        "--mapping", metavar="NAME", help=_("a saved or built-in column mapping (custbook mappings list)")
    )
    other.add_argument(
        "--map", action="append", default=[], metavar="HEADER=FIELD[+FIELD]",
        help=_("the column HEADER feeds FIELD (several with +), or HEADER=- to leave it out; repeatable"),
    )  # fmt: skip
    other.add_argument(
        "--join", action="append", default=[], metavar="FIELD=HEADER+HEADER",
        help=_("FIELD is the columns' non-blank values joined by a space; repeatable"),
    )  # fmt: skip
    other.add_argument("--ignore-unknown", action="store_true", help=_("leave out the columns that name no field"))
    other.add_argument(
        "--header-row", type=int, metavar="N", help=_("the row holding the column names (default: found)")
    )
    other.add_argument("--generate-ids", action="store_true", help=_("number new rows without a Customer ID"))
    other.add_argument("--id-prefix", metavar="P", help=_("how generated IDs start (default: as the store's IDs)"))
    other.add_argument("--match", metavar="FIELD", help=_("find the customer of a row without ID by this field"))
    other.add_argument(
        "--default", action="append", default=[], metavar="FIELD=VALUE",
        help=_("the value new customers get when their cell is blank or no column feeds the field; repeatable"),
    )  # fmt: skip

    p = command("export", _("export customers to a file or standard output"))
    p.add_argument(
        "--view", metavar="NAME", help=_("a saved view: its columns, filters and sort (default: all customers)")
    )
    p.add_argument(
        "--format", default=None,
        help=_("csv, csv-semicolon, import-csv, xlsx, docx or pdf (default: from the -o file's extension, else csv)"),
    )  # fmt: skip
    p.add_argument(
        "-o", "--output", metavar="PATH", help=_("the file to write (CSV formats without it: standard output)")
    )
    p.add_argument("--date-format", default="DD/MM/YYYY", metavar="FMT", help=_("how dates are written"))
    p.add_argument("--json", action="store_true", help=_("print the path, format and row count as JSON"))

    p = command(
        "backup",
        _(
            "copy the store to PATH while it is in use (restore: copy it back, or open it with --db; a PostgreSQL "
            "store's copy is a DuckDB file: store copy PATH URL puts it back)"
        ),
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))

    views = command("views", _("saved views: columns, filters, sort")).add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = views.add_parser("save", help=_("save a view (replaces your view of the same name)"))
    _common(p, top=False)
    p.add_argument("name")
    p.add_argument("--columns", default="", metavar="ID,ID,...")
    p.add_argument("--filter", action="append", default=[], metavar="EXPR", dest="filters")
    p.add_argument("--sort", default="", metavar="[-]ID,...")
    shared = p.add_mutually_exclusive_group()
    shared.add_argument("--public", action="store_true", help=_("every user sees it"))
    shared.add_argument("--private", action="store_true", help=_("only you see it (a new view is private anyway)"))
    p.add_argument("--include-entities", action="store_true")
    p.add_argument(
        "--date-format",
        default="DD/MM/YYYY",
        metavar="FMT",
        help=_("how the filters' dates are written (or YYYY-MM-DD)"),
    )
    for action in ("list", "show", "delete"):
        words = {"list": _("list views"), "show": _("show a view"), "delete": _("delete a view")}
        p = views.add_parser(action, help=words[action])
        _common(p, top=False)
        if action != "list":
            p.add_argument("name")
        p.add_argument("--json", action="store_true", help=_(JSON_HELP))

    mappings = command("mappings", _("column mappings for files from other products")).add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = mappings.add_parser("save", help=_("save a mapping (replaces yours of the same name)"))
    _common(p, top=False)
    p.add_argument("name")
    p.add_argument(
        "--map", action="append", default=[], metavar="HEADER=FIELD[+FIELD]",
        help=_("the column HEADER feeds FIELD (several with +), or HEADER=- to leave it out; repeatable"),
    )  # fmt: skip
    p.add_argument(
        "--join", action="append", default=[], metavar="FIELD=HEADER+HEADER",
        help=_("FIELD is the columns' non-blank values joined by a space; repeatable"),
    )  # fmt: skip
    p.add_argument("--ignore-others", action="store_true", help=_("leave out the columns the mapping does not name"))
    shared = p.add_mutually_exclusive_group()
    shared.add_argument("--public", action="store_true", help=_("every user may use it"))
    shared.add_argument(
        "--private", action="store_true", help=_("only you may use it (a new mapping is private anyway)")
    )
    p = mappings.add_parser("list", help=_("list the mappings: built in, yours and other users' public ones"))
    _common(p, top=False)
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))
    p = mappings.add_parser("show", help=_("show a mapping: each column's fields, the joins"))
    _common(p, top=False)
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))
    p = mappings.add_parser("delete", help=_("delete one of your mappings"))
    _common(p, top=False)
    p.add_argument("name")

    jobs = command("jobs", _("offline imports: list, show, run the worker, e-mail results again")).add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = jobs.add_parser("list", help=_("list the jobs, newest first"))
    _common(p, top=False)
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))
    p = jobs.add_parser("show", help=_("a job's state, result and e-mail status"))
    _common(p, top=False)
    p.add_argument("id", metavar="ID")
    p.add_argument("--errors-out", metavar="PATH", help=_("save the job's failed rows as a CSV to fix and re-import"))
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))
    p = jobs.add_parser("run", help=_("the worker: run queued jobs, then wait for more (Ctrl-C or SIGTERM stops it)"))
    _common(p, top=False)
    p.add_argument("--once", action="store_true", help=_("run what is queued, then exit"))
    p.add_argument("--poll", type=float, default=2.0, metavar="SECONDS", help=_("how often to look for new jobs"))
    p = jobs.add_parser("resend", help=_("e-mail a finished job's results again"))
    _common(p, top=False)
    p.add_argument("id", metavar="ID")

    settings = command("settings", _("store-wide settings: the ceilings of queued imports")).add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = settings.add_parser("list", help=_("the settings and their values (an administrator's command)"))
    _common(p, top=False)
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))
    p = settings.add_parser("set", help=_("set one (an administrator's command): max-rows N, max-bytes SIZE"))
    _common(p, top=False)
    p.add_argument("key", metavar="KEY", help=_("max-rows or max-bytes"))
    p.add_argument("value", metavar="VALUE", help=_("a number of rows (50000), or a size (500MB)"))

    p = command("history", _("list import and edit batches, or the changes of one customer"))
    p.add_argument("customer", nargs="?", metavar="CUSTOMERID")
    p.add_argument("--batch", metavar="BATCH", help=_("show the field changes of one batch"))
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))

    p = command("undo", _("undo a batch"))
    p.add_argument("batch", metavar="BATCH")
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))

    users = command("users", _("manage users")).add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = users.add_parser("add", help=_("add a user or change one"))
    _common(p, top=False)
    p.add_argument("name")
    # Omitted, they keep an existing user's type and permissions (a new user: business, list).
    p.add_argument("--type", default=None, help=_("business, employee or approver (default: unchanged, or business)"))
    p.add_argument("--perms", default=None, help=_("comma-separated: list,add,edit (default: unchanged, or list)"))
    p.add_argument(
        "--entities",
        metavar="ID,...|all",
        default=None,
        help=_("the entities whose customers the user may see and change (default: unchanged, or all)"),
    )
    _common(users.add_parser("list", help=_("list users")), top=False)
    p = users.add_parser("remove", help=_("remove a user: they can no longer act on this store (their history stays)"))
    _common(p, top=False)
    p.add_argument("name")

    ents = command("entities", _("manage entities")).add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = ents.add_parser("add", help=_("add an entity"))
    _common(p, top=False)
    p.add_argument("id")
    p.add_argument("--name", required=True)
    _common(ents.add_parser("list", help=_("list entities")), top=False)

    flds = command("fields", _("manage custom fields")).add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = flds.add_parser("add", help=_("define a custom field"))
    _common(p, top=False)
    p.add_argument("id")
    p.add_argument("--type", required=True, help=_("text, decimal, date, bool or enum"))
    p.add_argument("--values", default="", help=_("the values of an enum, comma-separated"))
    p.add_argument("--required", action="store_true")
    p.add_argument("--label")
    p.add_argument("--label-fr")
    _common(flds.add_parser("list", help=_("list all fields")), top=False)

    stores = command("store", _("whole stores: copy one into a new, empty store")).add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = stores.add_parser(
        "copy", help=_("copy a whole store (DuckDB file or postgresql:// URL) into a new, empty one")
    )  # fmt: skip
    _common(p, top=False)
    p.add_argument("source", metavar="FROM", help=_("the store to copy: a DuckDB file or a postgresql:// URL"))
    p.add_argument("target", metavar="TO", help=_("a new DuckDB file (created) or the URL of a new, empty database"))
    p.add_argument("--json", action="store_true", help=_(JSON_HELP))
    return parser


def utf8_words(argv: Sequence[str]) -> list[str]:
    """The arguments, refusing one that holds bytes that are not UTF-8 (Python keeps them as lone surrogates,
    which no store, file or terminal can hold: they would fail deep inside a command)."""
    for word in argv:
        if any("\udc80" <= ch <= "\udcff" for ch in word):
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise UsageError(
                _("The argument '{argument}' holds bytes that are not UTF-8 text").format(argument=shown),
                _("Set the terminal's encoding to UTF-8 and type it again"),
            )
    return list(argv)


def join_dash_values(argv: Sequence[str]) -> list[str]:
    """`--sort -CREDITLIMIT` and `--filter -X...`: a value starting with "-" would look like an option to argparse."""
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        word = items[i]
        if word in ("--sort", "--filter") and i + 1 < len(items) and items[i + 1].startswith("-"):
            out.append(f"{word}={items[i + 1]}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out
