"""The quick filter's folded search text, stored beside each customer (column "_SEARCH_TEXT", layout 6).

Folding every customer's fields at each key costs about 7x a plain search on a million customers, so each customer
keeps the folded text (`core.folding.fold`) of the fields the quick filter searches, and a search folds only what
was typed. The invariant: NULL means "not folded yet", and every write of customers ends with `fill`, which folds
the NULL texts. A write leaves the text NULL (a new customer's INSERT without it; the undo's UPDATE of searched
fields sets it to `text_sql()`, NULL where SQL cannot fold) or, where it writes many customers in one statement
anyway (an import's commit), puts `text_sql()` in it at once.

Why two steps: DuckDB folds the common case (lower, strip_accents and the usual letters: Ł, Ø, ß...) in SQL, on all
its threads; where a character is left beyond ASCII (another script, a rare letter), `text_sql()` gives NULL and
Python's `fold` decides (`fill`), so the stored text is always exactly `fold(...)`: an ASCII result of the SQL
steps is what `fold` gives (tests/store/test_search_text.py checks every character). Measured on 1,000,000 demo
customers: 85% folded by SQL in 1.7 s, the other 150,000 by Python in 1.4 s.

`RULES_KEY` (the folding rules and the fields) is kept in `meta`: a version of custbook whose rules or fields differ
folds every customer's text again when it first opens the store (`store.db.bring_up_to_date`).
May import: core.
"""

from __future__ import annotations

from collections.abc import Callable

from core.catalogue import SEARCH_FIELDS  # the fields the quick filter searches: the stored text holds all of them
from core.folding import LETTERS, PUNCTUATION, RULES, fold
from store.sql import Connection, is_postgres, upsert

COLUMN = '"_SEARCH_TEXT"'
# Between two fields' texts: nobody types it, so a search never matches across two fields, as searching each
# field on its own would not.
SEPARATOR = "\x1f"
RULES_KEY = f"{RULES}:{','.join(SEARCH_FIELDS)}"
_META = "search_text"
BATCH = 50_000  # customers folded in Python per round trip (their values held in memory meanwhile)

# What SQL folds beyond lower() and strip_accents(): the letters and signs met in customer names. Any other
# character beyond ASCII leaves the text to Python.
_SQL_LETTERS = ("ß", "ł", "ø", "æ", "œ", "đ", "ð", "þ", "ı", "\u2019", "\u2013", "\u2014")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_fold(expr: str) -> str:
    """`expr` folded by SQL alone: lower case, accents stripped, the usual letters folded (not everything `fold`
    does: see `text_sql`)."""
    return _letters(f"strip_accents(lower({expr}))")


def _letters(folded: str) -> str:
    for ch in _SQL_LETTERS:
        folded = f"replace({folded}, {_quoted(ch)}, {_quoted(LETTERS.get(ch) or PUNCTUATION.get(ch) or fold(ch))})"
    return folded


def _column(field_id: str) -> str:
    return f'"{field_id}"'


def _joined(expr_of: Callable[[str], str]) -> str:
    return "concat_ws(chr(31), " + ", ".join(f"({expr_of(f)})" for f in SEARCH_FIELDS) + ")"


def text_sql(expr_of: Callable[[str], str] = _column) -> str:
    """SQL for a customer's folded text, from the SQL `expr_of(field_id)` gives for each of SEARCH_FIELDS (by
    default, the customers table's columns): what `fold` gives when SQL folds it all to ASCII, else NULL (left to
    `fill`)."""
    # Plain ASCII is only lowered. Otherwise SQL's folding is kept when it is all ASCII, and when strip_accents
    # dropped no mark standing on its own: it drops the marks of every script (a Cyrillic titlo, a Hebrew point)
    # where `fold` keeps those of other scripts than Latin, and an accent on its letter leaves one character where
    # there was one. The lambdas bind each step's result once. Measured on 1,000,000 customers: 1.7 s (3.3 s of
    # CPU), against 2.0 s without the ASCII shortcut and 3.3 s for a CASE repeating each step.
    folded = _letters("stripped_")
    return (
        f"list_transform([lower({_joined(expr_of)})], lambda lowered_: CASE WHEN strlen(lowered_) = length(lowered_) "
        "THEN lowered_ ELSE list_transform([strip_accents(lowered_)], lambda stripped_: CASE WHEN length(stripped_) "
        f"= length(lowered_) AND strlen({folded}) = length({folded}) THEN {folded} END)[1] END)[1]"
    )


def text_of(values: tuple[str | None, ...]) -> str:
    """A customer's folded text from the values of SEARCH_FIELDS, in that order."""
    return fold(SEPARATOR.join(v for v in values if v is not None))


def fill(con: Connection, *, every: bool = False) -> int:
    """Fold the texts that are NULL (customers written without one, or beyond what SQL folds), or `every` text:
    by SQL where it can, then in Python; how many Python folded. (PostgreSQL: all in Python, by customer ID.)"""
    if is_postgres(con):
        return _fill_by_id(con, every=every)
    con.execute(f"UPDATE customers SET {COLUMN} = {text_sql()}" + ("" if every else f" WHERE {COLUMN} IS NULL"))
    columns = ", ".join(f'"{f}"' for f in SEARCH_FIELDS)
    done = 0
    while True:
        rows = con.execute(f"SELECT rowid, {columns} FROM customers WHERE {COLUMN} IS NULL LIMIT {BATCH}").fetchall()
        if not rows:
            return done
        ids = [r[0] for r in rows]
        texts = [text_of(r[1:]) for r in rows]
        con.execute(
            f"UPDATE customers SET {COLUMN} = f.t FROM (SELECT unnest(?::BIGINT[]) AS r, unnest(?::VARCHAR[]) AS t) f "
            "WHERE customers.rowid = f.r",
            [ids, texts],
        )
        done += len(rows)
        if len(rows) < BATCH:
            return done


def _fill_by_id(con: Connection, *, every: bool) -> int:
    if every:
        con.execute(f"UPDATE customers SET {COLUMN} = NULL")
    columns = ", ".join(f'"{f}"' for f in SEARCH_FIELDS)
    done = 0
    while True:
        rows = con.execute(
            f'SELECT "CUSTOMERID", {columns} FROM customers WHERE {COLUMN} IS NULL LIMIT {BATCH}'
        ).fetchall()
        if not rows:
            return done
        con.execute(
            f"UPDATE customers SET {COLUMN} = f.t FROM (SELECT unnest(?::VARCHAR[]) AS r, unnest(?::VARCHAR[]) AS t) f "
            'WHERE customers."CUSTOMERID" = f.r',
            [[r[0] for r in rows], [text_of(r[1:]) for r in rows]],
        )
        done += len(rows)
        if len(rows) < BATCH:
            return done


def stale(con: Connection) -> bool:
    """Whether the stored texts were folded by other rules or of other fields than this version's."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [_META]).fetchone()
    return row is None or row[0] != RULES_KEY


def refill(con: Connection) -> None:
    """Fold every customer's text again (a store of an earlier layout or rules), inside the caller's transaction."""
    fill(con, every=True)
    con.execute(upsert("meta", ("key", "value"), ("key",)), [_META, RULES_KEY])
