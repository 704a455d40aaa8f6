"""Store-wide settings through the service (services/settings.py) and the queued imports' ceilings as the job
service applies them (issue 17, item 5): the interface's "process offline" queues through `jobs.submit` as the
command line does, and the worker reads every job with the ceilings as they are when it runs, also a job queued
before the store had any (by an older custbook) whose options ask for far more. A real store, no mocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from acting import ADMIN
from csv_files import csv_bytes

from core.errors import FileRejected, PermissionDenied
from core.plan import ImportOptions
from core.users import Permission, User, UserType
from services import jobs as job_service
from services import settings
from store.duck import DuckStore as Store
from store.records import JobState


@pytest.fixture
def bob_as(store: Store, alice: User, both_stores_as) -> tuple[Store, User]:
    """bob, a business user who is no administrator (List and Edit), and the store as he reaches it."""
    store.users.add("bob", UserType.BUSINESS, frozenset({Permission.LIST, Permission.EDIT}), by=alice)
    return both_stores_as("bob")


def _rows(count: int) -> bytes:
    return csv_bytes([["CUSTOMERID", "NAME", "PRINTAS"], *([f"C{i:04}", f"N{i}", f"N{i}"] for i in range(count))])


def _run(store: Store) -> None:
    claim = store.jobs.claim_next("host:1")
    assert claim is not None
    job_service.run_claimed(store, claim)


def test_defaults_then_the_values_an_administrator_sets(store: Store, alice: User, bob_as) -> None:
    bobs, bob = bob_as
    assert settings.ceilings(store) == settings.Ceilings(25_000, 200 * 1024 * 1024)
    assert [(s.key.value, s.text, s.is_default) for s in settings.list_settings(store, user=alice)] == [
        ("max-rows", "25,000", True),
        ("max-bytes", "200 MB", True),
    ]
    assert settings.set_setting(store, "max-rows", "1_000", user=alice).value == 1000
    assert settings.set_setting(store, "max-bytes", "1.5G", user=alice).text == "1.5 GB"
    assert settings.ceilings(store) == settings.Ceilings(1000, int(1.5 * 1024**3))
    with pytest.raises(PermissionDenied):
        settings.set_setting(bobs, "max-rows", "5", user=bob)
    with pytest.raises(PermissionDenied):
        settings.list_settings(bobs, user=bob)
    with pytest.raises(PermissionDenied):  # the store checks it as well
        bobs.settings.set("max-rows", "5", by=bob)
    assert settings.ceilings(store).max_rows == 1000


def test_the_interface_s_process_offline_obeys_the_ceilings(store: Store, alice: User, tmp_path: Path) -> None:
    source = tmp_path / "many.csv"
    source.write_bytes(_rows(50))
    settings.set_setting(store, "max-rows", "20", user=alice)
    with pytest.raises(FileRejected, match="the most an import queued on this store may hold"):
        job_service.submit(store, source, user=alice, entity=None, options=ImportOptions(max_rows=100_000))
    settings.set_setting(store, "max-rows", "50", user=alice)
    settings.set_setting(store, "max-bytes", "100", user=alice)
    with pytest.raises(FileRejected, match="may be at most 100 bytes"):
        job_service.submit(store, source, user=alice, entity=None, options=ImportOptions(max_bytes=10**9))
    assert store.jobs.list(user=ADMIN) == []
    settings.set_setting(store, "max-bytes", "1MB", user=alice)
    job = job_service.submit(store, source, user=alice, entity=None, options=ImportOptions(max_rows=100_000))
    # The job keeps what its submitter asked (the worker lowers it to the ceilings as they are then).
    assert (job.options.max_rows, job.options.max_bytes) == (100_000, 200 * 1024 * 1024)
    assert json.loads(job.options.to_json())["max_bytes"] == 200 * 1024 * 1024


def test_a_job_asking_for_more_than_the_ceilings_is_refused_by_the_worker(store: Store, alice: User) -> None:
    # Queued as an older custbook queued jobs (no ceiling, and no byte limit kept), asking for 100,000 rows.
    store.jobs.submit(
        data=_rows(40), file_name="old.csv", options=ImportOptions(max_rows=100_000), user=alice, entity=None
    )
    settings.set_setting(store, "max-rows", "30", user=alice)
    _run(store)
    job = store.jobs.get("J1", user=ADMIN)
    assert job.state is JobState.FAILED and job.result is not None
    [error] = job.result["errors"]  # type: ignore[misc]
    assert "more than 30 customer rows" in error["message"] and "max-rows setting" in error["message"]
    assert store.customers.total() == 0
    # The byte ceiling alike, for a job that kept no byte limit of its own.
    store.jobs.submit(data=_rows(40), file_name="old2.csv", options=ImportOptions(), user=alice, entity=None)
    settings.set_setting(store, "max-rows", "25000", user=alice)
    settings.set_setting(store, "max-bytes", "200", user=alice)
    _run(store)
    job = store.jobs.get("J2", user=ADMIN)
    assert job.state is JobState.FAILED and job.result is not None
    assert "may be at most 200 bytes" in job.result["errors"][0]["message"]  # type: ignore[index]
    settings.set_setting(store, "max-bytes", "1MB", user=alice)
    store.jobs.submit(data=_rows(40), file_name="ok.csv", options=ImportOptions(), user=alice, entity=None)
    _run(store)
    assert store.jobs.get("J3", user=ADMIN).state is JobState.DONE and store.customers.total() == 40
