"""Crash safety, the bounded form of kill_harness.py run by the suite: a 25,000-row `custbook import` killed 30
times (in two halves), its `custbook undo` and a Ctrl+S save from the interface 10 times each, at random moments.
After every kill the store opens with exactly the state before or exactly the state after, and its history agrees.

The kinds are separate tests (the import's in two halves) so that pytest-xdist runs them side by side: about 90 s
with `pytest -n 2` on two quiet cores. Their figures are printed at the end of the run ("measured figures");
`python tests/reliability/kill_harness.py --kills 300` is the long run."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from kill_harness import KillReport, Prepared, Writer, edit_writer, import_writer, kill_runs, prepare, undo_writer


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """The 5,000-customer store, the 25,000-row file and the import's "after" state, built once per process."""
    return prepare(tmp_path_factory.mktemp("kills"))


def run_kills(
    make: Callable[[Prepared], Writer], kills: int, prepared: Prepared, tmp_path: Path, record_property
) -> KillReport:
    seed = random.randrange(1 << 30)
    report = kill_runs(make(prepared), kills, random.Random(seed), tmp_path)
    record_property("figures", f"{report.line()} (seed {seed})")
    assert not report.problems and report.lost == 0, "\n".join(report.problems)
    assert report.kills == kills, f"only {report.kills} of {kills} runs were still running when killed"
    return report


@pytest.mark.slow
@pytest.mark.parametrize("half", [1, 2])
def test_an_import_killed_at_random_moments_leaves_the_store_before_or_after(half, prepared, tmp_path, record_property):
    """Thirty kills in two halves of fifteen, which pytest-xdist runs side by side."""
    file = prepared.file_counts
    assert file["rows"] == 25_000 and prepared.before.customers >= 5000
    assert prepared.after_import.batches[0].updated > 3000 and file["created"] > 0
    report = run_kills(import_writer, 15, prepared, tmp_path, record_property)
    assert report.before > 0, "no kill landed before the commit: the delays are not spread over the import"


@pytest.mark.slow
def test_an_undo_killed_at_random_moments_leaves_the_store_before_or_after(prepared, tmp_path, record_property):
    run_kills(undo_writer, 10, prepared, tmp_path, record_property)


@pytest.mark.slow
def test_an_interface_save_killed_at_random_moments_leaves_the_store_before_or_after(
    prepared, tmp_path, record_property
):
    run_kills(edit_writer, 10, prepared, tmp_path, record_property)
