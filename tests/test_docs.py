"""The command-line reference in the repository (docs/commands.md) says what `custbook --help` says: every command
has its section, every option of a command is named in it, and no section names an option its command lacks
(issue 18: the README sent readers to a spec outside the repository)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from cli.parser import build_parser

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"
GLOBAL = {"--db", "--user", "--entity", "--lang", "--help"}


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], set[str]]:
    """Every leaf command (`views save`...) and its long options, the global ones left out."""
    found: dict[tuple[str, ...], set[str]] = {}
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for action in subs:
        for name, sub in action.choices.items():
            found |= _commands(sub, (*prefix, name))
    if not subs and prefix:
        found[prefix] = {o for a in parser._actions for o in a.option_strings if o.startswith("--")} - GLOBAL
    return found


def _sections() -> dict[tuple[str, ...], str]:
    text = DOC.read_text(encoding="utf-8")
    sections: dict[tuple[str, ...], str] = {}
    for heading, body in re.findall(r"^## custbook ([^\n]+)\n(.*?)(?=^## |\Z)", text, re.M | re.S):
        words = tuple(w for w in heading.split() if w.islower() and w.isalpha())
        sections[words] = body
    return sections


def test_every_command_has_its_section_naming_every_option():
    commands, sections = _commands(build_parser()), _sections()
    assert set(commands) == set(sections), set(commands) ^ set(sections)
    for command, options in commands.items():
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", sections[command])) - GLOBAL  # those may be mentioned
        assert options == named, (command, options ^ named)


def test_the_global_options_and_the_environment_are_described():
    text = DOC.read_text(encoding="utf-8")
    for option in sorted(GLOBAL - {"--help"}):
        assert f"`{option} " in text
    variables = ("CUSTBOOK_DB", "CUSTBOOK_USER", "CUSTBOOK_MAX_ROWS", "CUSTBOOK_SMTP_TLS", "CUSTBOOK_SMTP_INSECURE")
    for variable in variables:
        assert variable in text


def test_the_filter_forms_it_gives_are_the_ones_custbook_reads():
    """A newcomer followed the reference's `ID=` for "is empty" when custbook read it as "is “”" (nobody): each form
    the --filter line gives, with a real field, parses to the operator the reference says."""
    from core.catalogue import Catalogue
    from core.viewdef import Op, parse_filter

    line = next(part for part in DOC.read_text(encoding="utf-8").split("\n- ") if part.startswith("`--filter"))
    forms = re.findall(r"`(ID[^`]*)`", line)
    assert len(forms) >= 8, forms
    said = {"~": Op.CONTAINS, "^=": Op.STARTS, "<": Op.LT, ">": Op.GT, "!=": Op.NE, "=": Op.EQ}
    for form in forms:
        parsed = parse_filter(form.replace("ID", "CITY", 1).replace("VALUE", "Paris").replace("TEXT", "Par"),
                              Catalogue.standard())  # fmt: skip
        rest = form[2:]
        if rest in (":empty", "="):
            assert parsed.op is Op.EMPTY, form
        elif rest in (":notempty", "!="):
            assert parsed.op is Op.NOT_EMPTY, form
        else:
            assert parsed.op is said[rest.replace("VALUE", "").replace("TEXT", "")], form
