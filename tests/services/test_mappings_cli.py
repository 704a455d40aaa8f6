"""`custbook mappings save|list|show|delete` end to end (cli.md), and a saved mapping used by `custbook import
--mapping NAME`, which the history then names. The rules themselves are tested through the service in
tests/services/test_mappings_service.py."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.builtin_mappings import BUILTIN_MAPPINGS


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


OUTLOOK = BUILTIN_MAPPINGS[0].name or ""
ZOHO = (
    "--map", "Company Name=NAME+Print as", "--map", "EmailID=Email", "--map", "Notes=-", "--map", "Contact ID=-",
    "--join", "COMMENTS=First Name+Last Name", "--ignore-others",
)  # fmt: skip
HEADER = ["Contact ID", "Company Name", "First Name", "Last Name", "EmailID", "Notes", "Currency Code"]
ROWS = [
    ["2520018000000071001", "Acme Ltd", "Ana", "Lopez", "ana@acme.test", "call back", "EUR"],
    ["2520018000000071002", "Globex", "Bob", "", "bob@globex.test", "", "USD"],
]


@pytest.fixture
def initialised(cli):
    """A plain store (not --demo, whose required custom field no file from another product fills)."""
    assert cli("init").code == 0


def _exported(cli) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(cli("export", "--format", "import-csv").out)))


def test_save_list_show_and_delete(cli, initialised):
    saved = cli("mappings", "save", "zoho-books-mine", *ZOHO)
    assert saved.code == 0, saved.err
    assert "Saved mapping “zoho-books-mine” (private)" in saved.out and "--mapping zoho-books-mine" in saved.out
    listed = cli("mappings", "list").out.splitlines()
    assert listed[0].split() == ["NAME", "OWNER", "VISIBILITY", "PRODUCT"]
    assert any(line.split()[:2] == [OUTLOOK, "built"] for line in listed)
    assert ["zoho-books-mine", "alice", "private", "-"] in [line.split() for line in listed]
    shown = cli("mappings", "show", "ZOHO-books-MINE").out
    assert "Mapping “zoho-books-mine”: owner alice, private" in shown
    assert "Company Name  -> NAME (Customer name), PRINTAS (Print as)" in shown
    assert "EmailID       -> EMAIL1 (Email)" in shown
    assert "Notes         -> not imported" in shown
    assert "COMMENTS (Comments) <- 'First Name' + 'Last Name', joined by a space" in shown
    assert "Other columns: left out" in shown
    assert cli("mappings", "delete", "zoho-books-mine").out == "Deleted mapping “zoho-books-mine”.\n"
    gone = cli("mappings", "show", "zoho-books-mine")
    assert gone.code == 1 and "no mapping named" in gone.err


def test_list_and_show_as_json(cli, initialised):
    cli("mappings", "save", "our-zoho", *ZOHO, "--public")
    listed = cli("mappings", "list", "--json").json
    assert [(m["name"], m["owner"], m["builtin"]) for m in listed][-1] == ("our-zoho", "alice", False)
    assert listed[0]["product"] == BUILTIN_MAPPINGS[0].product
    shown = cli("mappings", "show", "our-zoho", "--json").json
    assert shown["public"] is True and shown["others_ignored"] is True
    assert shown["columns"][0] == {"header": "Company Name", "fields": ["NAME", "PRINTAS"]}
    assert shown["joins"] == [{"field": "COMMENTS", "headers": ["First Name", "Last Name"]}]
    builtin = cli("mappings", "show", OUTLOOK, "--json").json
    assert builtin["builtin"] is True and builtin["owner"] is None


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("save", OUTLOOK.upper(), "--map", "Company=NAME"), 2, "built into custbook"),
        (("save", "x", "--map", "Company=NAMEE"), 2, "does not exist (did you mean NAME"),
        (("save", "x", "--map", "Company"), 2, "HEADER=FIELD"),
        (("save", "x", "--join", "NAME=Only"), 2, "FIELD=HEADER+HEADER"),
        (("save", "x"), 2, "says nothing"),
        (("save", "x" * 81, "--map", "Company=NAME"), 2, "1 to 80 characters"),
        (("save", "x", "--map", "A=NAME", "--public", "--private"), 2, "not allowed with"),
        (("delete", OUTLOOK), 2, "cannot be deleted"),
        (("delete", "nothing"), 1, "no mapping named"),
    ],
)
def test_wrong_input_is_one_sentence_with_the_fix(cli, initialised, args, code, words):
    result = cli("mappings", *args)
    assert (result.code, result.out) == (code, "")
    assert words in result.err and result.err.startswith("custbook: ") and result.err.count("\n") == 1
    assert [m for m in cli("mappings", "list", "--json").json if not m["builtin"]] == []


def test_private_and_public_between_users(cli, initialised, monkeypatch):
    cli("users", "add", "bob", "--perms", "list,add")
    cli("users", "add", "reader", "--perms", "list")
    cli("mappings", "save", "mine", "--map", "Zip=ZIP")
    cli("mappings", "save", "ours", "--map", "Zip=ZIP", "--public")
    monkeypatch.setenv("CUSTBOOK_USER", "bob")
    names = [m["name"] for m in cli("mappings", "list", "--json").json if not m["builtin"]]
    assert names == ["ours"]
    assert cli("mappings", "show", "mine").code == 1
    refused = cli("mappings", "delete", "ours")
    assert refused.code == 3 and "belongs to alice" in refused.err
    assert cli("mappings", "save", "ours", "--map", "Zip=ZIP").code == 3
    monkeypatch.setenv("CUSTBOOK_USER", "reader")
    assert cli("mappings", "list").code == 0  # anyone may list
    denied = cli("mappings", "save", "theirs", "--map", "Zip=ZIP")
    assert denied.code == 3 and "Add or Edit" in denied.err
    # Saved over without --public or --private, a shared mapping stays shared.
    monkeypatch.setenv("CUSTBOOK_USER", "alice")
    assert "(public)" in cli("mappings", "save", "OURS", "--map", "Postal=ZIP").out


def test_a_saved_mapping_imports_a_file_and_the_history_names_it(cli, initialised, write_csv):
    cli("mappings", "save", "our-zoho", *ZOHO)
    path = write_csv([HEADER, *ROWS])  # "Currency Code" is not named: left out (--ignore-others)
    result = cli("import", str(path), "--mapping", "OUR-Zoho", "--generate-ids", "--id-prefix", "Z", "--json")
    assert result.code == 0, result.err
    assert (result.json["status"], result.json["created"]) == ("committed", 2)
    by_name = {r["NAME"]: r for r in _exported(cli)}
    assert by_name["Acme Ltd"]["PRINTAS"] == "Acme Ltd" and by_name["Acme Ltd"]["EMAIL1"] == "ana@acme.test"
    assert by_name["Acme Ltd"]["COMMENTS"] == "Ana Lopez" and by_name["Globex"]["COMMENTS"] == "Bob"
    history = cli("history").out
    assert f"{path.name} (mapping our-zoho): 2 created" in history
    assert json.loads(cli("history", "--json").out)[0]["mapping"] == "our-zoho"
    # Options over a saved mapping: the history says it was changed for this import; without one, no mapping.
    again = write_csv([["CUSTOMERID", "Company Name", "EmailID"], ["Z1", "Acme Ltd", "new@acme.test"]])
    assert cli("import", str(again), "--mapping", "our-zoho", "--map", "CUSTOMERID=CUSTOMERID").code == 0
    plain = write_csv([["CUSTOMERID", "CITY"], ["Z1", "Paris"]])
    assert cli("import", str(plain)).code == 0
    lines = cli("history").out.splitlines()
    assert "(mapping" not in lines[0] and "(mapping our-zoho+options)" in lines[1]


def test_an_unknown_mapping_name_lists_the_ones_there_are(cli, initialised, write_csv):
    cli("mappings", "save", "our-zoho", *ZOHO)
    result = cli("import", str(write_csv([HEADER, *ROWS])), "--mapping", "zoho-books-2")
    assert result.code == 1 and "our-zoho" in result.err and OUTLOOK in result.err
