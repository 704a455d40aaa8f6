"""Crash safety (issue 6, promise 1): kill `custbook` with SIGKILL at random moments, then check the store.

Three writers are killed, each as its own process on a fresh copy of a prepared store: a real `custbook import` of
a 25,000-row file (updating most of a few thousand customers, erasing some fields, creating the rest), a
`custbook undo` of that import, and a keyboard edit saved from the interface (tui_edit_runner.py). Each is first run
once to the end, to learn its "after" state and its duration; then each kill comes after a random delay spread over
that duration (and a little beyond), so kills land before, during and after the commit. After every kill the store
must open, hold exactly the state before or exactly the state after (every customer, as the CSV for import writes
them), with a history that agrees (the batch exists if and only if the data is the "after" data), and open again for
writing.

The test suite runs a bounded form (tests/reliability/test_crash_safety.py); by hand, for a long run:

    python tests/reliability/kill_harness.py --kills 300 --undo-kills 100 --edit-kills 100 [--wide] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run by hand, the sibling module is not on the path

from store_states import (
    NARROW,
    State,
    build_store,
    copy_store,
    custbook_command,
    environ,
    export_rows,
    open_for_writing,
    read_state,
    wal,
    write_import_file,
)

HERE = Path(__file__).resolve().parent
EDIT_FIELD, EDIT_VALUE = "CITY", "Killed-While-Saving City"
AIMED = 1 / 3  # the share of kills aimed at the commit and after it
BEYOND = 1.02  # delays reach a full run (and a little past): some kills come after the commit, some after the exit


@dataclass
class KillReport:
    """The figures of one kind of writer killed `kills` times.

    DuckDB writes a transaction to its WAL (the `.wal` file beside the store) only when it commits, and folds the
    WAL into the store (a checkpoint) when the last connection closes. So a WAL left by a kill shows that the kill
    landed during the commit or its checkpoint: "rolled back" if the store then held the state before (the
    half-written commit was discarded), "replayed" if it held the state after."""

    what: str
    seconds_per_run: float
    kills: int = 0  # processes killed while still running
    before: int = 0  # ... that left the "before" state and no WAL: killed before the commit
    rolled_back: int = 0  # ... that left a WAL and the "before" state: killed while writing the commit
    replayed: int = 0  # ... that left a WAL and the "after" state: killed after the commit, before its checkpoint
    after: int = 0  # ... that left the "after" state and no WAL: killed after the checkpoint, before exiting
    finished: int = 0  # runs that had already exited when the kill came: "after", not counted as kills
    lost: int = 0  # stores holding neither state, or not opening: data lost or half-written
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.what}: {self.kills} kills (a run takes {self.seconds_per_run:.1f} s): {self.before} before the "
            f"commit, {self.rolled_back + self.replayed} during it or its checkpoint ({self.rolled_back} rolled "
            f"back, {self.replayed} replayed from the WAL), {self.after} after it; {self.finished} more runs "
            f"finished before their kill; stores damaged or data lost: {self.lost}"
        )


@dataclass(frozen=True)
class Writer:
    """How to start one kind of writer on a store, and the states it goes between."""

    what: str
    template: Path  # the store before, closed cleanly
    before: State
    after: State
    start: Callable[[Path], subprocess.Popen[str]]
    seconds: float  # the span the kills are spread over (a whole run, or the save for the interface)
    commit_at: float  # when, in the run that went to its end, the WAL appeared: the commit


def _start_cli(*args: str) -> Callable[[Path], subprocess.Popen[str]]:
    def start(db: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            custbook_command(db, *args), env=environ(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    return start


def _start_edit(db: Path) -> subprocess.Popen[str]:
    """Start the interface runner and return once it is about to press Ctrl+S: start-up writes nothing."""
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "tui_edit_runner.py"), str(db), EDIT_FIELD, EDIT_VALUE],
        env=environ(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "READY":
        proc.kill()
        raise AssertionError(f"the interface runner did not reach the save: {line!r} {proc.communicate()[1]}")
    return proc


def _run_to_end(start: Callable[[Path], subprocess.Popen[str]], db: Path) -> tuple[float, float]:
    """Run a writer once without killing it, watching for its WAL; its duration and the moment of its commit
    (for the interface, both counted from READY)."""
    proc = start(db)
    began = time.monotonic()
    commit_at = None
    while proc.poll() is None:
        if commit_at is None and wal(db).exists():
            commit_at = time.monotonic() - began
        time.sleep(0.002)
    seconds = time.monotonic() - began
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"the uninterrupted run failed ({proc.returncode}): {err}"
    return seconds, seconds if commit_at is None else commit_at


@dataclass(frozen=True)
class Prepared:
    """The stores and files every kill starts from."""

    work: Path
    before_store: Path
    after_import_store: Path
    import_file: Path
    before: State
    after_import: State
    import_seconds: float
    import_commit_at: float
    file_counts: dict[str, int]


def prepare(work: Path, *, customers: int = 5000, rows: int = 25_000, wide: bool = False) -> Prepared:
    """Build the store, the import file, and run the import once to the end to learn the "after" state."""
    before_store = work / "before.duckdb"
    build_store(before_store, customers)
    base = export_rows(before_store)
    import_file = work / "customers.csv"
    columns = base[0] if wide else NARROW
    counts = write_import_file(import_file, base, rows=rows, prefix="K", field="CITY", columns=columns)
    after_store = work / "after-import.duckdb"
    copy_store(before_store, after_store)
    seconds, commit_at = _run_to_end(_start_cli("import", str(import_file)), after_store)
    return Prepared(
        work, before_store, after_store, import_file, read_state(before_store), read_state(after_store), seconds,
        commit_at, counts,
    )  # fmt: skip


def import_writer(p: Prepared) -> Writer:
    assert p.after_import.customers == p.before.customers + p.file_counts["created"]
    return Writer(
        "custbook import", p.before_store, p.before, p.after_import, _start_cli("import", str(p.import_file)),
        p.import_seconds, p.import_commit_at,
    )  # fmt: skip


def undo_writer(p: Prepared) -> Writer:
    """`custbook undo` of the import: from the "after import" store back to the "before" data."""
    batch = p.after_import.batches[0].id
    undone_store = p.work / "undone.duckdb"
    copy_store(p.after_import_store, undone_store)
    seconds, commit_at = _run_to_end(_start_cli("undo", batch), undone_store)
    undone = read_state(undone_store)
    assert (undone.customers, undone.contents) == (p.before.customers, p.before.contents), "undo is not exact"
    assert undone.batches[0].undoes == batch and undone.batches[1].undone_by == undone.batches[0].id
    start = _start_cli("undo", batch)
    return Writer("custbook undo", p.after_import_store, p.after_import, undone, start, seconds, commit_at)


def edit_writer(p: Prepared) -> Writer:
    """A keyboard edit of the first customer's city, saved with Ctrl+S in the interface."""
    edited_store = p.work / "edited.duckdb"
    copy_store(p.before_store, edited_store)
    seconds, commit_at = _run_to_end(_start_edit, edited_store)
    edited = read_state(edited_store)
    assert edited.customers == p.before.customers and edited.contents != p.before.contents
    assert [b.kind for b in edited.batches] == ["edit"]
    return Writer("interface edit (Ctrl+S)", p.before_store, p.before, edited, _start_edit, seconds, commit_at)


def kill_runs(writer: Writer, kills: int, rng: random.Random, work: Path) -> KillReport:
    """Start the writer on a fresh copy, SIGKILL it after a random delay, check the store; until `kills` processes
    were killed while running (runs that finished first are counted apart, and do not count)."""
    report = KillReport(writer.what, writer.seconds)
    victim = work / "victim.duckdb"
    # The span the delays cover follows the runs that finished before their kill (the machine may be busier or
    # quieter than during the calibration run): a span too long wastes whole runs, one too short never lands
    # after the commit.
    durations = [writer.seconds]
    attempts = 0
    while report.kills < kills and attempts < kills * 3:
        attempts += 1
        span = statistics.median(durations)
        commit_at = writer.commit_at * span / writer.seconds
        copy_store(writer.template, victim)
        proc = writer.start(victim)
        began = time.monotonic()
        # Some kills aim at the commit and what follows (the WAL's short life, the checkpoint, the exit), a few
        # percent of a run that a uniform spread would hit once or twice in thirty: they wait for the WAL to
        # appear, however late a busy machine makes it, then strike within the rest of the run.
        # The others cover the whole run.
        aimed = rng.random() < AIMED
        while aimed and proc.poll() is None and not wal(victim).exists():
            time.sleep(0.001)
        delay = rng.uniform(0, (span - commit_at) * BEYOND) if aimed else rng.uniform(0, span * BEYOND)
        try:
            proc.wait(timeout=delay)
            running = False
            durations.append(time.monotonic() - began)
        except subprocess.TimeoutExpired:
            running = True
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        killed = running and proc.returncode == -signal.SIGKILL
        report.kills += killed
        report.finished += not killed
        if not killed and proc.returncode != 0:
            report.problems.append(f"run {attempts} failed on its own ({proc.returncode}): {err.strip()}")
        had_wal = wal(victim).exists()
        _snapshot(victim, work)  # as the kill left it: opening it below replays and removes the WAL
        try:
            state = read_state(victim)
            again = open_for_writing(victim)
        except Exception as exc:
            report.lost += 1
            report.problems.append(f"run {attempts}: the store does not open after the kill: {exc!r}")
            _keep(victim, work, attempts)
            continue
        if (state.customers, state.batches) != again:
            report.lost += 1
            report.problems.append(f"run {attempts}: opening for writing changed the data: {again}")
        if state == writer.before and killed:
            report.rolled_back += had_wal
            report.before += not had_wal
        elif state == writer.after:
            report.replayed += killed and had_wal
            report.after += killed and not had_wal
        else:
            report.lost += 1
            report.problems.append(
                f"run {attempts} (killed: {killed}, WAL left: {had_wal}): neither before "
                f"({writer.before.describe()}) nor after ({writer.after.describe()}): {state.describe()}"
            )
            _keep(victim, work, attempts)
    report.seconds_per_run = statistics.median(durations)
    return report


def _snapshot(victim: Path, work: Path) -> None:
    """Copy the store and its WAL as the kill left them, before anything opens them."""
    shutil.copyfile(victim, work / "killed.duckdb")
    if wal(victim).exists():
        shutil.copyfile(wal(victim), work / "killed.duckdb.wal")
    else:
        (work / "killed.duckdb.wal").unlink(missing_ok=True)


def _keep(victim: Path, work: Path, attempt: int) -> None:
    """Keep a damaged store for the post-mortem as the kill left it: the file and, when one was left, its WAL
    (DuckDB replays it on opening, so the pair is what a user would have had)."""
    shutil.copyfile(work / "killed.duckdb", work / f"damaged-{attempt}.duckdb")
    if (work / "killed.duckdb.wal").exists():
        shutil.copyfile(work / "killed.duckdb.wal", work / f"damaged-{attempt}.duckdb.wal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=30, help="imports to kill (default 30)")
    parser.add_argument("--undo-kills", type=int, default=10, help="undos to kill (default 10)")
    parser.add_argument("--edit-kills", type=int, default=10, help="interface saves to kill (default 10)")
    parser.add_argument("--customers", type=int, default=5000, help="customers in the store (default 5000)")
    parser.add_argument("--rows", type=int, default=25_000, help="rows in the import file (default 25000)")
    parser.add_argument("--wide", action="store_true", help="import every field, not the usual eight columns")
    parser.add_argument("--seed", type=int, default=None, help="random seed, to replay a run")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the stores here (default: a temp dir)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="custbook-kills-"))
    work.mkdir(parents=True, exist_ok=True)
    prepared = prepare(work, customers=args.customers, rows=args.rows, wide=args.wide)
    print(f"seed {seed}; store of {prepared.before.customers:,} customers; file of {prepared.file_counts}; in {work}")
    reports = []
    for make, kills in ((import_writer, args.kills), (undo_writer, args.undo_kills), (edit_writer, args.edit_kills)):
        if kills:
            reports.append(kill_runs(make(prepared), kills, rng, work))
            print(reports[-1].line(), flush=True)
            for problem in reports[-1].problems:
                print("  " + problem)
    return 1 if any(r.lost or r.problems for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
