"""The domain's words in French: value problems and file errors with their fixes, field labels in French, the
failed-rows file, view filters said in words, error titles; and the same texts unchanged in English."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
from acting import ADMIN

from core.catalogue import Catalogue, Field, FieldType
from core.errors import CustbookError, FileRejected
from core.failed_rows import ERROR_COLUMN, error_column, is_error_column
from core.headers import map_headers
from core.i18n import _, set_language, using_language
from core.plan import HIDDEN
from core.table import RawRow, RawTable
from core.validate import parse_table
from core.values import DateFormat, ParseOptions, ValueProblem, parser_for, spoken_date
from core.viewdef import ALL_CUSTOMERS, Filter, Op, View, parse_filter, shown_view_name
from core.wording import describe_issue
from formats.reader import read_bytes
from services.planning import plan_import

NBSP = "\u00a0"
CONTRACT = Field("CONTRACT_START", "Contract start", "Début de contrat", FieldType.DATE, custom=True)
CATALOGUE = Catalogue.standard().with_custom((CONTRACT,))


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("en")


def table(header: list[str], *rows: list[str], name: str = "clients.csv") -> RawTable:
    return RawTable(name, tuple(header), tuple(RawRow(i, tuple(r)) for i, r in enumerate(rows, start=2)), "UTF-8", ",")


def problem(field_id: str, cell: str, options: ParseOptions | None = None) -> str:
    with pytest.raises(ValueProblem) as caught:
        parser_for(CATALOGUE[field_id], options or ParseOptions())(cell)
    return str(caught.value)


def test_a_bad_date_in_french_with_its_fix_and_the_field_label(french: None) -> None:
    raw = table(["CUSTOMERID", "NAME", "PRINTAS", "CONTRACT_START"], ["C1", "Alpha", "Alpha", "2024-13-45x"])
    parsed = parse_table(raw, map_headers(raw, CATALOGUE), CATALOGUE, ParseOptions())
    (issue,) = parsed.errors
    assert (
        issue.message
        == f"«{NBSP}2024-13-45x{NBSP}» n'est pas une date au format JJ/MM/AAAA. Écrivez-la au format JJ/MM/AAAA."
    )
    # Said with the column as French users know the field.
    said = describe_issue(issue.as_json(), {"CONTRACT_START": CATALOGUE["CONTRACT_START"].shown_label})
    assert said.startswith("Ligne 2, Début de contrat (« 2024-13-45x »)") and issue.message in said


def test_a_us_date_names_the_format_to_import_with_in_french(french: None) -> None:
    message = problem("CONTRACT_START", "12/25/2024")
    assert message == (
        f"«{NBSP}12/25/2024{NBSP}» n'est pas une date valide (format JJ/MM/AAAA). Vérifiez le jour et le mois. "
        "Si le fichier écrit ses dates au format MM/JJ/AAAA, importez-le avec ce format de date"
    )


def test_dates_read_the_other_way_are_said_in_french_words(french: None) -> None:
    rows = [[f"C{i}", "N", "N", day] for i, day in enumerate(["12/25/2024", "12/09/2019", "11/30/2020"])]
    raw = table(["CUSTOMERID", "NAME", "PRINTAS", "CONTRACT_START"], *rows)
    parsed = parse_table(raw, map_headers(raw, CATALOGUE), CATALOGUE, ParseOptions())
    swapped = next(e.message for e in parsed.errors if e.value == "12/09/2019")
    assert swapped.startswith(f"«{NBSP}12/09/2019{NBSP}» peut être le 12 septembre 2019 ou le 9 décembre 2019{NBSP}:")
    assert swapped.endswith("Importez le fichier avec le format de date MM/JJ/AAAA.")


def test_value_problems_name_the_field_by_its_french_label(french: None) -> None:
    assert problem("CREDITLIMIT", "-5") == f"Le champ Limite de crédit ne peut pas être négatif («{NBSP}-5{NBSP}»)"
    assert problem("ONHOLD", "peut-être").startswith(f"Le champ En attente est une case à cocher{NBSP}: écrivez TRUE")
    assert problem("STATUS", "x") == (
        f"«{NBSP}x{NBSP}» n'est pas une valeur possible du champ Statut. Utilisez l'une de ces valeurs{NBSP}: "
        "active, inactive"
    )
    assert "Raccourcissez-la" in problem("NAME", "x" * 101) and "Nom de client" in problem("NAME", "x" * 101)
    assert problem("EMAIL1", "bob@", ParseOptions(typed=True)).endswith("(une seule adresse)")


def test_the_same_problems_read_as_before_in_english() -> None:
    assert problem("CREDITLIMIT", "-5") == "Credit limit cannot be negative ('-5')"
    assert problem("CONTRACT_START", "12/25/2024") == (
        "'12/25/2024' is not a real date (format DD/MM/YYYY). Check the day and the month. If the file writes its "
        "dates as MM/DD/YYYY, import it with that date format"
    )
    assert problem("NAME", "x" * 1001) == "Customer name is 1,001 characters long; it can hold at most 100. Shorten it"
    assert spoken_date(dt.date(2024, 4, 1)) == "1 April 2024" and spoken_date(dt.date(2019, 12, 9)) == "9 December 2019"


def test_a_rejected_file_says_what_and_the_fix_in_french(french: None) -> None:
    raw = table(["NAME", "PRINTAS"], ["Alpha", "Alpha"])
    with pytest.raises(FileRejected) as caught:
        map_headers(raw, CATALOGUE)
    error = caught.value
    assert error.message == "Le fichier n'a pas de colonne Identifiant client (CUSTOMERID)"
    assert error.fix.startswith(f"Ajoutez une colonne intitulée CUSTOMERID ou «{NBSP}Identifiant client{NBSP}»")
    assert _(error.title) == "Fichier refusé"
    assert str(error).startswith("Le fichier n'a pas de colonne Identifiant client (CUSTOMERID). Ajoutez")


def test_unknown_columns_are_counted_and_suggested_in_french(french: None) -> None:
    raw = table(["CUSTOMERID", "Postal Code", "Fruit"], ["C1", "75001", "pomme"])
    with pytest.raises(FileRejected) as caught:
        map_headers(raw, CATALOGUE)
    text = str(caught.value)
    assert text.startswith(f"2 colonnes du fichier ne correspondent à aucun champ{NBSP}:\n")
    assert f"«{NBSP}Postal Code{NBSP}»{NBSP}: ZIP (CEDEX ou code postal){NBSP}?" in text
    assert "--ignore-unknown" in text and "qui vous demande quoi faire de chaque colonne" in text


def test_a_file_that_is_an_image_is_named_in_french(french: None) -> None:
    with pytest.raises(FileRejected) as caught:
        read_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100), name="photo.csv")
    assert caught.value.message == "Le fichier photo.csv n'est pas un fichier CSV ni Excel (on dirait une image PNG)"
    assert caught.value.fix.startswith("Exportez la feuille depuis votre tableur")


def test_the_failed_rows_file_is_french_and_reads_back_in_either_language(french: None, store, alice) -> None:
    raw = read_bytes(
        "Identifiant client,Nom de client,Imprimer en tant que,Limite de crédit\r\n"
        "C1,Alpha,Alpha,-5\r\nC2,Beta,Beta,12\r\n".encode(),
        name="clients.csv",
    )
    plan = plan_import(store, raw, user=ADMIN)
    (error,) = plan.errors
    assert error.message == f"Le champ Limite de crédit ne peut pas être négatif («{NBSP}-5{NBSP}»)."
    rows = list(csv.reader(io.StringIO(plan.failed_rows_file().decode("utf-8-sig"))))
    french_column = error_column()
    assert rows[0][-1] == french_column and french_column.startswith("Erreurs d'importation")
    assert rows[1][-1] == f"Ligne 2{NBSP}: Limite de crédit{NBSP}: {error.message}"
    french_file = plan.failed_rows_file()
    with using_language("en"):  # fixed and imported again by someone speaking English: the column is still ours
        assert is_error_column(french_column) and is_error_column(ERROR_COLUMN)
        mapped = map_headers(read_bytes(french_file, name="clients-failed.csv"), CATALOGUE)
    assert mapped.fields == ("CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT")
    assert mapped.warnings[0].message == f"The column '{french_column}' was ignored."
    mapped = map_headers(read_bytes(french_file, name="clients-failed.csv"), CATALOGUE)
    assert mapped.warnings[0].message.endswith("a été ignorée.")
    assert not is_error_column("Notes") and not is_error_column("custbook notes")


def test_filters_are_said_in_french(french: None) -> None:
    assert Filter("CREDITLIMIT", Op.GT, "10000").describe(CATALOGUE) == (f"Limite de crédit > «{NBSP}10000{NBSP}»")
    assert (
        Filter("CONTRACT_START", Op.LT, "2024-04-01").describe(CATALOGUE)
        == "Début de contrat est avant le 1er avril 2024"
    )
    assert Filter("EMAIL1", Op.EMPTY).describe(CATALOGUE) == "Adresse e-mail est vide"
    assert Op.NE.words == "est différent de"
    assert shown_view_name(ALL_CUSTOMERS) == "Tous les clients" and shown_view_name("Mes clients") == "Mes clients"
    with pytest.raises(CustbookError) as caught:
        parse_filter("PAYZ=France", CATALOGUE)
    assert caught.value.message.startswith(f"«{NBSP}PAYZ{NBSP}» n'est pas un champ client")
    with pytest.raises(CustbookError) as caught:
        View("v", filters=(Filter("NAME", Op.EQ, "x"),) * 101).checked(CATALOGUE)
    assert caught.value.message == f"Une vue peut avoir au plus 100 filtres{NBSP}; celle-ci en a 101"


def test_filters_are_said_as_before_in_english() -> None:
    assert Filter("CREDITLIMIT", Op.GT, "10000").describe(CATALOGUE) == "Credit limit is greater than “10000”"
    assert Filter("CONTRACT_START", Op.LT, "2024-04-01").describe(CATALOGUE) == "Contract start is before 1 April 2024"
    assert shown_view_name(ALL_CUSTOMERS) == "All customers"


def test_marked_constants_have_french(french: None) -> None:
    assert _(HIDDEN) == f"(masqué{NBSP}: pas d'autorisation Liste)"
    assert [_(t) for t in ("Store busy", "Not found", "Changed meanwhile")] == [
        "Base de données occupée",
        "Introuvable",
        "Modifié entre-temps",
    ]
    assert DateFormat.parse("dd/mm/yyyy") is DateFormat.DMY_SLASH
    with pytest.raises(CustbookError) as caught:
        DateFormat.parse("JJ/MM")
    assert (
        caught.value.fix
        == f"Utilisez l'un des suivants{NBSP}: JJ/MM/AAAA, MM/JJ/AAAA, AAAA-MM-JJ, JJ.MM.AAAA, JJ-MM-AAAA, AAAA/MM/JJ"
    )
