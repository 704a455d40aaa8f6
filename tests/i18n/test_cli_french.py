"""The command line in French (issue 16, cli.md): the language chosen by `--lang`, `$CUSTBOOK_LANG`, the user's stored
choice or the locale, in that order; errors and their fixes, `--help` and argparse's own words, a dry run's counts
and per-field table in French; JSON keys, field IDs and statuses unchanged, JSON `message` texts in French.

The real program runs as its own process where the environment is what is tested (`custbook` from
tests/test_cli_process.py); the others call it in-process (the `cli` fixture).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cli_process import assert_one_sentence, custbook

from cli.main import main
from core.i18n import current_language, set_language
from store.duck import DuckStore as Store

NBSP = "\u00a0"
ROWS = [
    ["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1"],
    ["C1", "Ann Lee", "Ann Lee", "ann@example.com"],
    ["C2", "Bob Ray", "Bob Ray", "bob@"],
    ["C3", "Cy Ode", "", "cy@example.com"],
]
# The French of an error of the command line's own (services.keying), with its fix: one sentence.
MATCH_ERROR = (
    "custbook: --match nomme un champ « NOPE » qui n'existe pas. Donnez un identifiant de champ comme EMAIL1 ou TAXID "
    "(voir `custbook fields list`)."
)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    set_language("en")


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    """A file custbook rejects as a whole: it is empty."""
    path = tmp_path / "bad.csv"
    path.write_bytes(b"")
    return path


@pytest.fixture
def no_language(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No language chosen by the environment: neither $CUSTBOOK_LANG (which the suite sets to en) nor a locale."""
    for name in ("CUSTBOOK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- choosing the language ------------------------------------------------------------------------------------


def test_lang_fr_says_an_import_error_and_its_fix_in_french_with_the_same_exit_code(cli, db, bad_csv) -> None:
    english = custbook(db, "import", str(bad_csv))
    french = custbook(db, "--lang", "fr", "import", str(bad_csv))
    assert french.code == english.code == 1
    assert_one_sentence(french.err, "bad.csv")
    assert french.err != english.err
    assert "vide" in french.err and "empty" not in french.err  # "Le fichier bad.csv est vide. Vérifiez..."
    # An error of the command line's own, exactly: the sentence and its fix.
    matched = custbook(db, "--lang", "fr", "import", str(bad_csv), "--match", "NOPE", "--generate-ids")
    assert matched.code == 1
    assert_one_sentence(matched.err)


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--lang", "fr"), {}),  # before the sub-command
        (("--lang=fr",), {}),
        ((), {"CUSTBOOK_LANG": "fr"}),
        ((), {"LANG": "fr_FR.UTF-8"}),
        ((), {"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}),
    ],
)
def test_french_is_chosen_by_the_option_the_environment_or_the_locale(cli, db, write_csv, no_language, args, env):
    path = write_csv(ROWS)
    run = custbook(db, *args, "import", str(path), "--match", "NOPE", "--generate-ids", env=env)
    assert run.code == 1
    assert run.err.strip() == MATCH_ERROR


def test_lang_after_the_sub_command_and_the_option_wins_over_the_environment(cli, db, write_csv, monkeypatch):
    path = write_csv(ROWS)
    monkeypatch.setenv("CUSTBOOK_LANG", "en")
    after = custbook(db, "import", str(path), "--match", "NOPE", "--generate-ids", "--lang", "fr")
    assert after.err.strip() == MATCH_ERROR
    english = custbook(db, "--lang", "en", "import", str(path), "--match", "NOPE", "--generate-ids",
                       env={"CUSTBOOK_LANG": "fr", "LANG": "fr_FR.UTF-8"})  # fmt: skip
    assert english.err.startswith("custbook: --match names a field 'NOPE' that does not exist."), english.err


def test_a_language_custbook_does_not_speak_is_a_usage_error_in_one_sentence(cli, db) -> None:
    for args, env in ((("--lang", "de", "history"), {}), (("history",), {"CUSTBOOK_LANG": "klingon"})):
        run = custbook(db, *args, env=env)
        assert run.code == 2
        assert_one_sentence(run.err, "--lang")
        assert run.out == ""


def test_the_users_stored_language_applies_unless_lang_or_the_environment_chose(cli, db, write_csv, no_language):
    path = write_csv(ROWS)
    assert cli("--lang", "en", "history").code == 0  # alice, the first user of the store
    Store(db).users.set_language("alice", "fr")
    args = ("import", str(path), "--match", "NOPE", "--generate-ids")
    stored = cli(*args)
    assert stored.code == 1 and stored.err.strip() == MATCH_ERROR
    assert cli("--lang", "en", *args).err.startswith("custbook: --match names a field")
    no_language.setenv("CUSTBOOK_LANG", "en")
    assert cli(*args).err.startswith("custbook: --match names a field")
    no_language.delenv("CUSTBOOK_LANG")
    no_language.setenv("LANG", "en_US.UTF-8")  # the user's choice comes before the locale
    assert cli(*args).err.strip() == MATCH_ERROR


def test_a_command_gives_the_process_its_language_back(cli) -> None:
    assert cli("--lang", "fr", "history").code == 0
    assert current_language() == "en"


def test_the_interface_opens_in_the_language_chosen_and_is_told_the_option(db, no_language) -> None:
    seen: list[tuple[str, str | None]] = []

    def interface(location: str, user: str, entity: str | None, lang: str | None) -> int:
        seen.append((current_language(), lang))
        return 0

    assert main(["--db", str(db), "--lang", "fr"], interface=interface) == 0
    no_language.setenv("LANG", "fr_BE.UTF-8")
    assert main(["--db", str(db)], interface=interface) == 0
    no_language.setenv("CUSTBOOK_LANG", "en")
    assert main(["--db", str(db)], interface=interface) == 0
    assert seen == [("fr", "fr"), ("fr", None), ("en", None)]


# --- help and usage errors -------------------------------------------------------------------------------------


def test_help_is_french_argparse_words_included(cli, db, no_language) -> None:
    top = custbook(db, "--lang", "fr", "--help")
    assert top.code == 0
    assert top.out.startswith(f"utilisation{NBSP}: custbook"), top.out[:80]
    assert "options" in top.out and "afficher cette aide et quitter" in top.out
    assert "la langue des messages" in top.out and "--lang en|fr" in top.out
    assert "importer un fichier CSV ou Excel de clients" in top.out
    assert "show this help message" not in top.out and "usage:" not in top.out
    sub = custbook(db, "import", "--help", env={"LANG": "fr_FR.UTF-8"})  # the locale, read before the parser
    assert sub.code == 0
    assert "aperçu seulement" in sub.out and "fichiers d'autres logiciels" in sub.out
    assert "arguments positionnels" in sub.out
    english = custbook(db, "--help", env={"CUSTBOOK_LANG": "en"})
    assert english.out.startswith("usage: custbook") and "show this help message and exit" in english.out


def test_usage_errors_are_french_sentences(cli, db) -> None:
    wrong = custbook(db, "--lang", "fr", "imprt")
    assert wrong.code == 2
    assert_one_sentence(wrong.err, "« imprt » n'est pas une commande de custbook", f"celles-ci{NBSP}: 'init', 'import'")
    missing = custbook(db, "--lang", "fr", "import")
    assert missing.code == 2
    assert_one_sentence(missing.err, f"les arguments suivants sont obligatoires{NBSP}: file", "custbook import --help")
    unknown = custbook(db, "--lang", "fr", "history", "--nope")
    assert unknown.code == 2
    assert_one_sentence(unknown.err, f"arguments non reconnus{NBSP}: --nope")
    own = custbook(db, "--lang", "fr", "import", "x.csv", "--max-rows", "0")
    assert own.code == 2
    assert own.err.strip() == "custbook: --max-rows doit être un nombre positif. Par exemple --max-rows 50000."


# --- an import's words --------------------------------------------------------------------------------------------


def test_a_dry_runs_counts_and_per_field_table_are_french(cli, write_csv) -> None:
    assert cli("import", str(write_csv([ROWS[0], ["C9", "Old", "Old", "old@example.com"]]))).code == 0
    path = write_csv([*ROWS, ["C9", "Old", "Old", ""]])
    run = cli("--lang", "fr", "import", str(path), "--dry-run")
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith(f"Aperçu seulement, rien n'a changé{NBSP}: ")
    assert lines[0].replace(NBSP, " ") == (  # the counts are core.wording's
        "Aperçu seulement, rien n'a changé : 4 lignes : 1 nouveau, 1 mis à jour (1 champ effacé), 0 inchangé, "
        "2 en échec."
    )
    assert f"Modifications par champ{NBSP}:" in lines
    table = {line.split("  ")[1].strip(): line for line in lines if line.startswith("  Adresse e-mail")}
    assert table, run.out  # the field's French label, not EMAIL1 nor "Email"
    assert f"Champs qui seront EFFACÉS (1){NBSP}:" in lines
    assert f"Nouveaux clients (1){NBSP}:" in lines
    assert any(line.startswith("  ligne 2 ") and "C1" in line for line in lines)
    assert "Le champ « Imprimer en tant que » est obligatoire pour un nouveau client. Remplissez-le pour C3" in run.err
    english = cli("import", str(path), "--dry-run")
    assert english.out.splitlines()[0] == (
        "Preview only, nothing changed: 4 rows: 1 new, 1 updated (1 field erased), 0 unchanged, 2 failed."
    )


def test_json_keeps_its_keys_ids_and_statuses_and_says_its_messages_in_french(cli, write_csv) -> None:
    path = write_csv(ROWS)
    english = cli("import", str(path), "--dry-run", "--json").json
    french = cli("--lang", "fr", "import", str(path), "--dry-run", "--json").json
    assert french.keys() == english.keys()
    assert french["status"] == english["status"] == "dry-run"
    assert french["fields"] == english["fields"] and "EMAIL1" in french["fields"]
    for key in ("rows", "created", "updated", "unchanged", "blanked", "failed"):
        assert french[key] == english[key]
    assert [(e["row"], e["column"], e["value"]) for e in french["errors"]] == [
        (e["row"], e["column"], e["value"]) for e in english["errors"]
    ]
    messages = {e["column"]: e["message"] for e in french["errors"]}
    assert messages["PRINTAS"].startswith(
        "Le champ « Imprimer en tant que » est obligatoire pour un nouveau client. Remplissez-le pour C3"
    )
    assert messages["EMAIL1"] != {e["column"]: e["message"] for e in english["errors"]}["EMAIL1"]
    rejected = cli("--lang", "fr", "import", str(path), "--match", "NOPE", "--generate-ids", "--json").json
    assert rejected["status"] == "rejected"
    assert rejected["errors"][0]["message"] == MATCH_ERROR.removeprefix("custbook: ")
