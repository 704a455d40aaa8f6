"""Injection (issue 6, promise 4): values that look like SQL, spreadsheet formulas or terminal commands are
stored exactly, queried exactly, exported without running as formulas, and shown (by the commands and the
interface) without the terminal interpreting them.

Values: `injection_values.py`. The store is real (a throwaway DuckDB file); the commands run in-process through
the real entry point, the interface through Textual's Pilot.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from acting import ADMIN
from injection_tui import make_app, settle
from injection_values import ESCAPES, FORMULAS, HOSTILE, RAW_CONTROL

from core.errors import InvalidValue
from core.names import hidden_characters
from core.values import DateFormat, ParseOptions
from core.viewdef import Filter, Op, View
from formats.csv.plain import neutralise
from formats.reader import read_bytes
from services.planning import plan_import
from services.views import find_view, list_views, save_view
from store.apply import apply_plan
from store.fields import add_field, catalogue
from store.query import get_customer
from store.users import resolve_user
from tui.screens.customer_detail import CustomerDetailScreen
from tui.screens.customer_form import CustomerForm
from tui.screens.history import HistoryScreen
from tui.screens.import_screen import ImportScreen
from tui.screens.view_picker import ViewPicker

IDS = [f"H{n:02d}" for n in range(len(HOSTILE))]
LABEL = "Note \x1b[31mred\x1b[0m \x9b2J; --"
PLAIN_LABEL = 'Note\'; DROP TABLE customers; -- =HYPERLINK("x")'


def customers_csv(path: Path) -> Path:
    """One customer per hostile value, in its name, print-as and comments."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["CUSTOMERID", "NAME", "PRINTAS", "COMMENTS"])
    writer.writerows([cid, value, value, value] for cid, value in zip(IDS, HOSTILE))
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


@pytest.fixture
def hostile_db(cli, db: Path, tmp_path: Path) -> Path:
    """A store holding the hostile customers, imported through the command line."""
    run = cli("import", str(customers_csv(tmp_path / "hostile.csv")), "--json")
    assert run.code == 0 and run.json["created"] == len(HOSTILE), run
    return db


def terminal_safe(text: str) -> None:
    """Nothing a terminal would act on: no control character but line breaks and tabs."""
    found = RAW_CONTROL.search(text)
    assert found is None, f"raw control character {found.group()!r} in {text[max(0, found.start() - 40) :][:100]!r}"


# --- stored and queried exactly --------------------------------------------------------------------------------


def test_values_are_stored_exactly(hostile_db: Path, store) -> None:
    cat = catalogue(store)
    for cid, value in zip(IDS, HOSTILE):
        record = get_customer(store, cat, cid, user=ADMIN)
        assert record is not None
        assert (record["NAME"], record["PRINTAS"], record["COMMENTS"]) == (value, value, value)


@pytest.mark.parametrize("index", range(len(HOSTILE)), ids=IDS)
def test_a_filter_on_the_value_finds_exactly_that_record(hostile_db: Path, cli, index: int) -> None:
    value = HOSTILE[index]
    for op, fid in (("=", "NAME"), ("~", "COMMENTS"), ("^=", "PRINTAS")):
        view = f"{op} {IDS[index]}"  # (a name that would not show as typed is refused: see below)
        saved = cli("views", "save", view, "--columns", "CUSTOMERID,NAME", "--filter", f"{fid}{op}{value}")
        assert saved.code == 0, saved
        run = cli("export", "--view", view, "--format", "import-csv")
        assert run.code == 0, run
        rows = list(csv.reader(io.StringIO(run.out, newline="")))
        assert rows[1:] == [[IDS[index], value]], (op, rows)  # exact data: the CSV for import is not "made safe"


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
def test_views_with_hostile_names_save_list_and_load(hostile_db: Path, store, cli) -> None:
    """A view name is read by other users: one holding a character that does not show (an escape, a bidi override,
    a zero-width space) is refused naming it (issue 17, item 7); SQL and formulas are just text, saved exactly."""
    alice = resolve_user(store, "alice")
    shown_as_typed = [v for v in HOSTILE if not hidden_characters(v.strip())]
    invisible = [v for v in HOSTILE if hidden_characters(v.strip())]
    assert shown_as_typed and invisible
    for value in shown_as_typed:
        save_view(store, alice, View(name=value, filters=(Filter("NAME", Op.EQ, value),)))
    for value in [*invisible, "All customers\u200b", "Q3 \u202eredro"]:
        with pytest.raises(InvalidValue, match=r"cannot hold U\+[0-9A-F]{4}"):
            save_view(store, alice, View(name=value))
    names = {v.name for v in list_views(store, alice)}
    assert {v.strip() for v in shown_as_typed} <= names and not names & set(invisible)
    for value in shown_as_typed:
        assert find_view(store, alice, value.strip()).filters == (Filter("NAME", Op.EQ, value),)
    listed = cli("views", "list", "--json")
    assert {v.strip() for v in shown_as_typed} <= {v["name"] for v in listed.json}
    terminal_safe(listed.out)
    refused = cli("views", "save", "Mine\u2066", "--filter", "NAME=x")
    assert refused.code == 2 and "U+2066" in refused.err


def test_a_custom_field_label_that_does_not_show_as_typed_is_refused(store, cli) -> None:
    resolve_user(store, "alice")
    run = cli("fields", "add", "NOTE", "--type", "text", "--label", LABEL, "--label-fr", LABEL + " fr")
    assert run.code == 2 and "U+001B" in run.err and "NOTE" not in catalogue(store)
    run = cli("fields", "add", "NOTE", "--type", "text", "--label", PLAIN_LABEL, "--label-fr", PLAIN_LABEL + " fr")
    assert run.code == 0, run
    field = catalogue(store)["NOTE"]
    assert (field.label, field.label_fr) == (PLAIN_LABEL, PLAIN_LABEL + " fr")


def test_users_and_entities_with_invisible_characters_are_refused(store, cli) -> None:
    resolve_user(store, "alice")
    for args, char in (
        (("users", "add", "root\u200b", "--perms", "list"), "U+200B"),
        (("entities", "add", "EU2", "--name", "Europe \u202eSAS"), "U+202E"),
        (("entities", "add", "E\x1bU", "--name", "Europe"), "U+001B"),
    ):
        run = cli(*args)
        assert run.code == 2 and char in run.err, (args, run)
    assert "root" not in cli("users", "list").out and cli("entities", "list").out == ""


def test_a_file_name_cannot_print_a_fake_history_line(cli, tmp_path: Path) -> None:
    """A file named 'a.csv\\nB77 ... root undo of B1' used to print a second, fake line in `custbook history`."""
    cli("init")
    path = tmp_path / "a.csv\nB77 2026-01-01 09:00  root         undo of B1: 0 restored"
    path.write_text("CUSTOMERID,NAME,PRINTAS\r\nC1,Alpha,Alpha\r\n", encoding="utf-8")
    assert cli("import", str(path)).code == 0
    lines = cli("history").out.splitlines()
    assert len(lines) == 1 and "a.csv⟨U+000A⟩B77" in lines[0], lines
    assert cli("import", str(path), "--offline").code == 2  # bound for an e-mail's headers: refused when queued


# --- what the commands print ----------------------------------------------------------------------------------


def test_commands_print_no_terminal_commands(hostile_db: Path, cli, tmp_path: Path) -> None:
    """Views, history, a dry run's preview and its errors, a rejected file's name, jobs: every value shown, each
    control character written as a visible escape."""
    cli("views", "save", "Escapes", "--filter", f"NAME={ESCAPES[1]}", "--public")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "CUSTOMERID,NAME,PRINTAS,EMAIL1\r\n"
        + "".join(f"{cid},{cid} {value},x,\r\n" for cid, value in zip(IDS[:6], ESCAPES))
        + "NEW,\x1b[2Jname,x,\x1b[31mbad@\r\n",
        encoding="utf-8",
    )
    bad_name = tmp_path / "evil\x1b]0;title\x07.csv"
    bad_name.write_bytes(b"\x89PNG\r\n\x1a\n")
    outputs = [
        cli("views", "list"),
        cli("views", "show", "Escapes"),
        cli("history"),
        cli("history", IDS[0]),
        cli("history", "--batch", "B1"),
        cli("import", str(changed), "--dry-run"),
        cli("import", str(changed), "--dry-run", "--json"),
        cli("import", str(bad_name)),
        cli("import", str(changed), "--offline"),
        cli("jobs", "list"),
        cli("export", "--format", "csv", "-o", str(tmp_path / "\x1b[2J.csv")),
    ]
    for run in outputs:
        terminal_safe(run.out + run.err)
    shown = "".join(r.out + r.err for r in outputs)
    assert "\\u001b[31mRED\\u001b[0m" in shown and "\\u009b31mC1 CSI" in shown and "\\u0007" in shown
    assert "evil\\u001b]0;title\\u0007.csv" in outputs[7].err


def test_json_output_keeps_the_exact_values(hostile_db: Path, cli) -> None:
    assert cli("views", "save", "json", "--filter", f"NAME={HOSTILE[3]}").code == 0
    for args in (["history", IDS[3], "--json"], ["views", "list", "--json"]):
        run = cli(*args)
        terminal_safe(run.out)
        assert HOSTILE[3] in json.dumps(run.json, ensure_ascii=False)  # C1 written as \u009b: the same string


# --- exports: formulas neutralised, data exact ------------------------------------------------------------------


def test_plain_csv_neutralises_formulas_and_keeps_other_text_exact(hostile_db: Path, cli, tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    assert cli("export", "--format", "csv", "-o", str(path)).code == 0
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    names = {r[0]: r[1] for r in rows[1:]}
    for cid, value in zip(IDS, HOSTILE):
        assert names[cid] == neutralise(value)
        if value in FORMULAS:
            assert names[cid] == "'" + value
        else:
            assert names[cid] == value  # escape sequences and SQL are data: exact in a file


def test_xlsx_keeps_formulas_as_quote_prefixed_text(hostile_db: Path, cli, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert cli("export", "-o", str(out)).code == 0
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    at = header.index("Customer name")
    cells = {row[0].value: row[at] for row in sheet.iter_rows(min_row=2)}
    for cid, value in zip(IDS, HOSTILE):
        cell = cells[cid]
        assert cell.data_type == "s", (cid, cell.data_type)  # text, never a formula
        if value in FORMULAS:
            assert cell.value == value and cell.quotePrefix
        elif not RAW_CONTROL.search(value):
            assert cell.value == value


# --- the interface ----------------------------------------------------------------------------------------------


def screen_text(app) -> str:
    """Everything on the screen now, as the terminal would receive it (the SVG screenshot's characters)."""
    svg = app.export_screenshot()
    terminal_safe(svg)
    text = html.unescape(re.sub(r"<[^>]+>", "", svg.split("</style>", 1)[-1]))
    return text.replace("\xa0", " ")


@pytest.fixture
def tui_db(db: Path, tmp_path: Path) -> Path:
    """Hostile customers (imported from a file with a hostile name), a custom field with a hostile label holding a
    hostile value, and a view with a hostile name."""
    from store.duck import DuckStore as Store

    store = Store(db)
    alice = resolve_user(store, "alice")
    add_field(store, "NOTE", "text", label=PLAIN_LABEL, by=alice)
    data = customers_csv(tmp_path / "h.csv").read_bytes().replace(b",COMMENTS\r\n", b",NOTE\r\n", 1)
    raw = read_bytes(data, name="evil\x1b]0;title\x07.csv")
    plan = plan_import(store, raw, user=alice, options=ParseOptions.for_file(DateFormat.DMY_SLASH, raw.delimiter))
    assert not plan.errors
    apply_plan(store, plan, user=alice)
    save_view(store, alice, View(name="View'; DROP TABLE views; --", columns=("CUSTOMERID", "NAME", "NOTE")))
    return db


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_the_interface_shows_escapes_as_visible_text(tui_db: Path, tmp_path: Path) -> None:
    app = make_app(tui_db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        listed = screen_text(app)
        assert "·[31mRED·[0m" in listed and "·31mC1 CSI" in listed

        await app.push_screen(ViewPicker(app.session, app.screen.view))  # type: ignore[attr-defined]
        await settle(pilot)
        assert "View'; DROP TABLE views; --" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)

        await app.push_screen(CustomerDetailScreen(app.session, IDS[2]))
        await settle(pilot)
        detail = screen_text(app)
        assert "·]0;owned title·" in detail and PLAIN_LABEL in html.unescape(detail)
        app.pop_screen()

        await app.push_screen(CustomerForm(app.session, IDS[0]))
        await settle(pilot)
        form = screen_text(app)
        assert "Note'; DROP TABLE" in html.unescape(form)  # the label column cuts the rest
        app.pop_screen()

        await app.push_screen(HistoryScreen(app.session))
        await settle(pilot)
        assert "evil·]0;title·.csv" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "·[2J·[Hcleared" in screen_text(app)
        app.pop_screen()
        await settle(pilot)

        hostile_file = tmp_path / "again.csv"
        hostile_file.write_text(f"CUSTOMERID,NAME,PRINTAS\r\n{IDS[0]},\x1b[32mGREEN,x\r\nNEW,\x9b2J,\x1b[5m\r\n")
        screen = ImportScreen(app.session)
        await app.push_screen(screen)
        await settle(pilot)
        box = app.screen.query_one("#path")
        box.focus()
        box.value = str(hostile_file)  # type: ignore[attr-defined]
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("right_square_bracket")  # from the changes by field to the New tab
        await settle(pilot)
        assert "Row 3: new customer NEW, ·2J" in screen_text(app)  # the New tab
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "·[32mGREEN" in screen_text(app)  # the Updated tab
