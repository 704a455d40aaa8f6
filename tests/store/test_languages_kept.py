"""The store keeps languages (layout 6): the one a user chose in the interface, and the one of the user who queued a
job, read back with the user and with the job; a store of layout 5 opens with neither set."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core.errors import NotFound, UsageError
from core.plan import ImportOptions
from core.users import Permission, User, UserType
from store import schema
from store.duck import DuckStore as Store


def test_a_user_has_no_language_until_one_is_chosen(store: Store) -> None:
    alice = store.users.resolve("alice")
    assert alice.language is None
    assert [u.language for u in store.users.list()] == [None]


@pytest.mark.parametrize("chosen", ["fr", "en"])
def test_the_chosen_language_comes_back_with_the_user(store: Store, chosen: str) -> None:
    store.users.resolve("alice")
    store.users.set_language("alice", chosen)
    assert store.users.resolve("alice").language == chosen
    assert store.users.resolve("ALICE").language == chosen  # names match without regard to case
    assert [u.language for u in store.users.list()] == [chosen]


def test_a_choice_can_be_taken_back(store: Store) -> None:
    store.users.resolve("alice")
    store.users.set_language("Alice", "fr")
    store.users.set_language("alice", None)
    assert store.users.resolve("alice").language is None


def test_a_locale_name_is_kept_as_its_language_and_an_unknown_one_is_refused(store: Store) -> None:
    store.users.resolve("alice")
    store.users.set_language("alice", "fr_BE")
    assert store.users.resolve("alice").language == "fr"
    with pytest.raises(UsageError):
        store.users.set_language("alice", "tlh")
    assert store.users.resolve("alice").language == "fr"


def test_an_unknown_user_has_no_language_to_set(store: Store) -> None:
    store.users.resolve("alice")
    with pytest.raises(NotFound):
        store.users.set_language("bob", "fr")


def test_changing_a_users_permissions_keeps_their_language(store: Store) -> None:
    alice = store.users.resolve("alice")
    store.users.add("bob", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=alice)
    store.users.set_language("bob", "fr")
    bob = store.users.add("bob", UserType.EMPLOYEE, frozenset(Permission), by=alice)
    assert bob.language == "fr"
    assert store.users.resolve("bob") == User("bob", UserType.EMPLOYEE, frozenset(Permission), "fr")


# --- jobs ------------------------------------------------------------------------------------------------------------


def _submit(store: Store, user: User, **kwargs: object):
    return store.jobs.submit(
        data=b"CUSTOMERID,NAME\nC1,A\n", file_name="a.csv", options=ImportOptions(), user=user, entity=None,
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_queued_job_keeps_its_submitters_language(store: Store) -> None:
    alice = store.users.resolve("alice")
    job = _submit(store, alice, language="fr")
    assert job.language == "fr"
    assert store.jobs.get(job.id, user=alice).language == "fr"
    assert [j.language for j in store.jobs.list(user=alice)] == ["fr"]
    assert [j.language for j in store.jobs.list(user=alice, brief=True)] == ["fr"]
    claim = store.jobs.claim_next("worker:1")
    assert claim is not None and claim.job.language == "fr"


def test_a_job_queued_without_a_language_has_none(store: Store) -> None:
    alice = store.users.resolve("alice")
    assert _submit(store, alice).language is None
    assert _submit(store, alice, language="en").language == "en"
    with pytest.raises(UsageError):
        _submit(store, alice, language="xx")


# --- a store of layout 5 ---------------------------------------------------------------------------------------------


def _store_at_version_5(path: Path) -> None:
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    for version in range(1, 6):
        schema.MIGRATIONS[version](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '5')")
    con.execute("INSERT INTO users VALUES ('alice', 'business', TRUE, TRUE, TRUE, now()::TIMESTAMP)")
    con.execute(
        "INSERT INTO jobs (id, state, file_name, file_bytes, options, user_name, emails, created) "
        "VALUES (nextval('job_seq'), 'queued', 'old.csv', 'x'::BLOB, '{}', 'alice', [], now()::TIMESTAMP)"
    )
    con.close()


def test_a_store_of_layout_5_opens_with_no_languages_and_takes_them(db: Path) -> None:
    _store_at_version_5(db)
    store = Store(db)
    with store.read() as con:
        assert schema.current_version(con) == schema.SCHEMA_VERSION >= 6
    alice = store.users.resolve("alice")
    assert alice.language is None
    [old] = store.jobs.list(user=alice)
    assert old.language is None
    store.users.set_language("alice", "fr")
    assert store.users.resolve("alice").language == "fr"
    assert _submit(store, alice, language="fr").language == "fr"
