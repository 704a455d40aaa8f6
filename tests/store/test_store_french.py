"""The store's refusals speak the user's language (issue 16): French messages and fixes, placeholders filled, and
the same English as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from core.errors import CustbookError, NotFound, PermissionDenied, StoreUnreadable, UsageError
from core.i18n import set_language
from core.plan import ImportOptions
from core.users import Permission, User, UserType
from core.viewdef import Filter, Op, View
from store import query
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.records import parse_batch_id, undone_note
from store.views import builtin_view

NBSP = "\u00a0"


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("en")


def refusal(action) -> CustbookError:
    with pytest.raises(CustbookError) as caught:
        action()
    return caught.value


def test_an_unknown_user_is_named_in_french(store: Store, french: None) -> None:
    alice = store.users.resolve("alice")
    error = refusal(lambda: store.users.remove("bob", by=alice))
    assert isinstance(error, NotFound)
    assert error.message == "Il n'y a pas d'utilisateur nommé bob"
    assert error.fix == f"Voyez les utilisateurs avec{NBSP}: custbook users list"


def test_a_missing_permission_is_named_as_the_interface_names_it(store: Store, french: None) -> None:
    viewer = User("vera", UserType.EMPLOYEE, frozenset({Permission.LIST}))
    error = refusal(lambda: viewer.require_any((Permission.ADD, Permission.EDIT), "importer des clients"))
    assert isinstance(error, PermissionDenied)
    assert error.message == "vera ne peut pas importer des clients (il lui manque l'autorisation Ajouter ou Modifier)"
    assert error.fix.endswith(f"lancer{NBSP}: custbook users add vera --perms list,add,edit")


def test_the_same_refusal_is_unchanged_in_english(store: Store) -> None:
    viewer = User("vera", UserType.EMPLOYEE, frozenset({Permission.LIST}))
    error = refusal(lambda: viewer.require_any((Permission.ADD, Permission.EDIT), "import customers"))
    assert error.message == "vera may not import customers (the Add or Edit permission is missing)"
    assert error.fix == "Ask an administrator to run: custbook users add vera --perms list,add,edit"
    jobs_error = refusal(lambda: store.jobs.submit(data=b"", file_name="a.csv", options=None, user=viewer, entity=None))  # type: ignore[arg-type]
    assert jobs_error.message == "vera may not import customers (the Add or Edit permission is missing)"


def test_a_filter_that_cannot_run_says_so_in_french(store: Store, french: None) -> None:
    cat = catalogue(store)
    view = View(**{**builtin_view().__dict__, "filters": (Filter("CREDITLIMIT", Op.GT, "beaucoup"),)})
    error = refusal(lambda: query.compile_view(view, cat, user=store.users.resolve("alice")))
    assert error.message == "Le filtre sur Limite de crédit attend un nombre, pas «\u00a0beaucoup\u00a0»"
    assert error.fix == "Corrigez le filtre"


def test_undo_notes_and_batch_ids_in_french(french: None) -> None:
    assert undone_note("B1", ["B2"]) == (
        "Le lot B1 a déjà été annulé par B2",
        "Pour rétablir ses modifications, annulez B2",
    )
    assert (
        undone_note("B1", ["B2", "B3"])[0]
        == f"Les modifications du lot B1 sont de nouveau en place{NBSP}: B3 les a rétablies"
    )
    error = refusal(lambda: parse_batch_id("X1"))
    assert isinstance(error, UsageError) and error.message == "«\u00a0X1\u00a0» n'est pas un identifiant de lot"


def test_a_store_from_a_newer_program_is_refused_in_french(db: Path, french: None) -> None:
    with Store(db).write():
        pass
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    error = refusal(lambda: Store(db).users.list())
    assert isinstance(error, StoreUnreadable)
    assert error.message.startswith("Cette base a été écrite par une version plus récente de custbook (structure 999")
    assert error.fix == "Mettez custbook à jour (pip install -U custbook)"


def test_a_file_that_is_not_a_store_is_refused_in_french(tmp_path: Path, french: None) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    error = refusal(lambda: Store(path).users.list())
    assert error.message == "Ce fichier DuckDB n'est pas une base custbook"


def test_the_command_line_prints_a_store_refusal_in_french(cli) -> None:
    cli("users", "list")
    result = cli("--lang", "fr", "undo", "B7")
    assert result.code != 0
    assert "Il n'y a pas de lot B7" in result.err and "custbook history" in result.err


@pytest.mark.parametrize(("language", "start"), [("fr", "La tâche hors ligne a été lancée 3 fois"), (None, "The job")])
def test_a_job_that_kept_stopping_its_worker_fails_in_its_submitters_language(
    store: Store, language: str | None, start: str
) -> None:
    alice = store.users.resolve("alice")
    job = store.jobs.submit(
        data=b"CUSTOMERID\n", file_name="a.csv", options=ImportOptions(), user=alice, entity=None, language=language
    )
    with store.write() as con:  # its worker died three times, long ago
        con.execute(
            "UPDATE jobs SET state = 'running', attempts = 3, claimed_by = 'host:1', "
            "heartbeat = now()::TIMESTAMP - INTERVAL 1 HOUR WHERE id = ?",
            [job.number],
        )
    assert store.jobs.claim_next("host:2", timeout=1) is None
    failed = store.jobs.get(job.id, user=alice)
    assert failed.result is not None
    [error] = failed.result["errors"]  # type: ignore[misc]
    assert error["message"].startswith(start)
