"""What a French reviewer found in English or in two spellings (issue 16): stored batch names, job states, user
types and permissions, date formats written JJ/MM/AAAA, the built-in view's name, failed-rows file names, quotes;
and the catalogue read straight from a changed .po says exactly what the compiled one says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.i18n import LOCALE_DIR, _PoCatalogue, set_language
from core.users import Permission, UserType, parse_perms, parse_type, permissions_words, type_word
from core.values import DateFormat
from core.viewdef import is_all_customers, shown_view_name
from core.wording import describe_issue, job_state_word, stored_batch_name

NBSP = "\u00a0"


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("en")


def test_stored_names_and_states_read_in_french(french: None) -> None:
    assert stored_batch_name("edit of C0000004") == "modification de C0000004"
    assert stored_batch_name("customers.csv") == "customers.csv"
    assert [job_state_word(s) for s in ("queued", "done", "failed")] == ["en attente", "terminée", "en échec"]


def test_types_and_permissions_in_the_glossary_words_and_typed_either_way(french: None) -> None:
    assert type_word(UserType.EMPLOYEE) == "collaborateur"
    assert permissions_words(frozenset(Permission)) == "liste,ajouter,modifier"
    assert parse_type("approbation") is UserType.APPROVER
    assert parse_type("business") is UserType.BUSINESS
    assert parse_perms("liste,modifier") == {Permission.LIST, Permission.EDIT}


def test_date_formats_are_written_and_read_the_french_way(french: None) -> None:
    assert DateFormat.MDY_SLASH.shown == "MM/JJ/AAAA"
    assert DateFormat.parse("jj/mm/aaaa") is DateFormat.DMY_SLASH
    assert DateFormat.parse("YYYY-MM-DD") is DateFormat.ISO


def test_the_built_in_view_is_known_by_its_french_name_too(french: None) -> None:
    assert shown_view_name("All customers") == "Tous les clients"
    assert is_all_customers("tous les clients") and is_all_customers("All customers")
    assert not is_all_customers("Tous les clients de Paris")


def test_a_cell_is_quoted_the_french_way(french: None) -> None:
    said = describe_issue({"row": 2, "column": "CREDITLIMIT", "value": "abc", "message": "…"})
    assert said == f"Ligne 2, CREDITLIMIT («{NBSP}abc{NBSP}»){NBSP}: …"


def test_cli_lists_and_names_in_french(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CUSTBOOK_LANG", "fr")
    assert cli("init").code == 0
    assert "Tous les clients" in cli("views", "list").out
    assert cli("views", "show", "Tous les clients").code == 0
    assert "entreprise" in cli("users", "list").out
    added = cli("users", "add", "bob", "--type", "collaborateur", "--perms", "liste")
    assert added.code == 0 and "collaborateur" in added.out


def test_failed_rows_files_are_named_in_the_users_language(french: None) -> None:
    from services.imports import failed_rows_path
    from services.mail import failed_rows_name

    assert failed_rows_path(Path("/tmp/maj.csv")).name == "maj-lignes-en-echec.csv"
    assert failed_rows_name("maj.csv") == "maj-lignes-en-echec.csv"


def test_the_po_reader_agrees_with_babel_on_every_translation() -> None:
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / "fr" / "LC_MESSAGES" / "custbook.po"
    direct = _PoCatalogue(po.read_text(encoding="utf-8"))
    with po.open("rb") as stream:
        catalogue = read_po(stream)
    checked = 0
    for message in catalogue:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or not all(forms) or message.fuzzy:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if message.context:
            assert direct.pgettext(message.context, msgid) == forms[0]
        elif isinstance(message.id, tuple):
            assert direct.ngettext(message.id[0], message.id[1], 1) == forms[0]
            assert direct.ngettext(message.id[0], message.id[1], 2) == forms[1]
            assert direct.ngettext(message.id[0], message.id[1], 0) == forms[0]  # French: 0 takes the singular
        else:
            assert direct.gettext(msgid) == forms[0]
        checked += 1
    assert checked > 1000
