"""The interface half of the benchmark: drives custbook's Textual app headless and times what the user waits for.

Run by `tests/bench.py` as a child process (so that its peak memory is the interface's own); by hand:

    python tests/bench_tui.py --db bench-data/store-1000000.duckdb --user bench                # the whole session
    python tests/bench_tui.py --db STORE --user bench --first-rows-only                        # exits at the rows
    python tests/bench_tui.py --db STORE --user bench --profile prof.out                       # cProfile, main thread

The app runs with `App.run_test(size=(120, 36))` (the headless driver: every frame is composed, with the grid's
lines rendered, but not written to a terminal) and is driven with Textual's Pilot. A moment counts as "shown" at
the first frame (a call of the app's `_display` with a compositor update) at which the state it waits for holds,
checked inside that call: nothing is polled and nothing in the production code is changed. The waits:

- first rows: the customer list is the current screen and every grid line in view has its row (no placeholder);
- a quick-filter keystroke: the screen has started a newer query than before the key (its generation advanced,
  which happens at the key itself), the status line no longer says "counting…" (the answer for the current
  generation was handled: stale answers leave it as it is) and every line in view has its row;
- End: the cursor is on the last customer and every line in view (the last screenful) has its row.

Between steps the app is left to finish its workers, so each keystroke is timed on its own.
With --first-rows-only the process writes its result and leaves with os._exit as soon as the first rows are shown,
so that its whole wall time, measured by the parent, is "start to first rows". One JSON object on stdout; times in
seconds (perf_counter), CPU times from time.process_time (the whole process: the main thread and DuckDB's), peak
memory as VmHWM (this process's own since exec; its ru_maxrss would include its parent's size at the start).
"""

import time

T_TOP = time.perf_counter()  # before the imports: Python's own start-up is what the parent adds
CPU_TOP = time.process_time()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from textual.widgets import Static  # noqa: E402
from textual.worker import WorkerCancelled, WorkerFailed  # noqa: E402

from tui.app import CustbookApp  # noqa: E402
from tui.screens.customer_list import CustomerListScreen  # noqa: E402
from tui.widgets.grid import CustomerGrid  # noqa: E402

T_IMPORTED = time.perf_counter()

# The typing session: (key, what the quick filter then holds; None = not timed). A name with a non-ASCII letter,
# a city, then a customer ID prefix; Escape clears the filter (timed apart: it is not typing) and "/" reopens it.
SESSION: tuple[tuple[str, str | None], ...] = (
    ("slash", None),
    *((k, "müll"[: i + 1]) for i, k in enumerate("müll")),
    ("escape", ""),
    ("slash", None),
    *((k, "paris"[: i + 1]) for i, k in enumerate("paris")),
    ("escape", ""),
    ("slash", None),
    *((k, "C00012"[: i + 1]) for i, k in enumerate("C00012")),
    ("escape", ""),
)
TIMEOUT = 60.0


class Frames:
    """Watches the app's frames: `arm(probe)`, act, then `await shown()` gives the time of the first frame composed
    while `probe()` held."""

    def __init__(self, app: CustbookApp) -> None:
        self.count = 0
        self._probe: Callable[[], bool] | None = None
        self._event = asyncio.Event()
        self.when = self.cpu = 0.0
        display = app._display

        def watched(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return  # no frame
            self.count += 1
            if self._probe is not None and self._probe():
                self.when, self.cpu = time.perf_counter(), time.process_time()
                self._probe = None
                self._event.set()

        app._display = watched  # this instance only, in this process only

    def arm(self, probe: Callable[[], bool]) -> None:
        self._probe = probe
        self._event = asyncio.Event()

    async def shown(self, what: str) -> tuple[float, float]:
        try:
            await asyncio.wait_for(self._event.wait(), TIMEOUT)
        except TimeoutError:
            raise SystemExit(f"bench_tui: {what} not shown within {TIMEOUT:.0f} s") from None
        return self.when, self.cpu


def in_view_loaded(grid: CustomerGrid) -> bool:
    """Every grid line in view has its row (none shows the "…" placeholder)."""
    total = grid.total
    top = int(grid.scroll_offset.y)
    return all(grid.row_at(i) is not None for i in range(top, min(total, top + max(1, grid.size.height - 1))))


def list_screen(app: CustbookApp) -> CustomerListScreen | None:
    screen = app.screen
    return screen if isinstance(screen, CustomerListScreen) else None


async def quiet(app: CustbookApp, pilot) -> None:
    """Let every worker finish (an Escape starts two loads), and their messages be handled."""
    await asyncio.sleep(0.1)
    for _ in range(200):
        # (The import screen's file browser keeps a loader worker, group "_loader", alive while it is shown, and the
        # list its watch on a PostgreSQL store's changes, group "live-changes": neither ever "completes".)
        pending = [w for w in app.workers if not w.is_finished and w.group not in ("_loader", "live-changes")]
        if not pending:
            break
        try:
            await app.workers.wait_for_complete(pending)
        except (WorkerCancelled, WorkerFailed):
            pass  # a load made stale by a newer one (exclusive workers), or a failure the list shows itself
    await pilot.pause()
    await asyncio.sleep(0.05)


def own_peak_mb() -> float | None:
    """This process's peak resident size since it started (VmHWM: since exec, unlike ru_maxrss, which also counts
    the parent's peak that Linux hands on at exec)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
    except (OSError, StopIteration, ValueError):
        return None


async def drive(args: argparse.Namespace) -> dict[str, object]:
    t_app, cpu_app = time.perf_counter(), time.process_time()
    app = CustbookApp(args.db, args.user)
    frames = Frames(app)
    state: dict[str, CustomerGrid] = {}

    def first_rows() -> bool:
        screen = list_screen(app)
        if screen is None:
            return False
        grid = state.get("grid") or screen.query_one(CustomerGrid)
        state["grid"] = grid
        return grid.total > 0 and in_view_loaded(grid)

    frames.arm(first_rows)
    result: dict[str, object] = {"imports_s": T_IMPORTED - T_TOP}
    async with app.run_test(size=(120, 36)) as pilot:
        when, cpu = await frames.shown("the first rows")
        grid = state["grid"]
        result |= {
            "first_rows_from_top_s": when - T_TOP,
            "first_rows_from_app_s": when - t_app,
            "first_rows_cpu_s": cpu - CPU_TOP,
            "first_rows_cpu_from_app_s": cpu - cpu_app,
            "first_rows_frames": frames.count,
            "total": grid.total,
            "first_rows_own_mb": own_peak_mb(),
        }
        if args.first_rows_only:
            sys.stdout.write(json.dumps(result) + "\n")
            sys.stdout.flush()
            os._exit(0)  # the parent's wall time ends here: start to first rows, no teardown
        screen = list_screen(app)
        assert screen is not None
        status = screen.query_one("#status", Static)
        await quiet(app, pilot)

        # End: the last screenful of the million.
        frames.arm(lambda: grid.cursor_row == grid.total - 1 and in_view_loaded(grid))
        t0, c0 = time.perf_counter(), time.process_time()
        await pilot.press("end")
        when, cpu = await frames.shown("the last row")
        result |= {"end_s": when - t0, "end_cpu_s": cpu - c0, "last_row": str(grid.row_at(grid.total - 1)[0])}
        await quiet(app, pilot)
        await pilot.press("home")
        await quiet(app, pilot)

        keys: list[dict[str, object]] = []
        for key, text in SESSION:
            if text is None:
                await pilot.press(key)
                await quiet(app, pilot)
                continue
            before = screen._generation

            def refreshed(before: int = before) -> bool:
                return screen._generation > before and "counting…" not in str(status.content) and in_view_loaded(grid)

            frames.arm(refreshed)
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press(key)
            when, cpu = await frames.shown(f"the rows for {text!r}")
            shown = screen.query_one("#quick").value
            if shown != text:
                raise SystemExit(f"bench_tui: the quick filter holds {shown!r}, not {text!r}")
            keys.append({"key": key, "text": text, "s": when - t0, "cpu_s": cpu - c0, "matching": grid.total})
            await quiet(app, pilot)
        result |= {"keys": keys, "own_peak_mb": own_peak_mb()}
        if args.preview:
            result |= await preview(app, pilot, frames, args.preview)
        app.exit()
    return result


async def preview(app: CustbookApp, pilot, frames: Frames, path: str) -> dict[str, object]:
    """The import of `path` from the list (i), its path typed, then F5: timed from F5 to the first frame of the
    preview with the rows of its first tab (issue 13: under 1.5 s for the edit file)."""
    from textual.widgets import DataTable

    from tui.screens.import_preview import ImportPreview

    await pilot.press("i")
    await quiet(app, pilot)
    box = app.screen.query_one("#path")
    box.value = path  # as if typed: what the timing is about starts at F5
    box.focus()
    await pilot.pause()

    def first_page() -> bool:
        screen = app.screen
        if not isinstance(screen, ImportPreview):
            return False
        active = screen.query_one("#tabs").active
        tables = [t for t in screen.query(DataTable) if t.id == f"{active}-table"]
        return bool(tables) and tables[0].row_count > 0

    frames.arm(first_page)
    t0, c0 = time.perf_counter(), time.process_time()
    await pilot.press("f5")
    when, cpu = await frames.shown("the preview's first page")
    return {"preview_s": when - t0, "preview_cpu_s": cpu - c0, "preview_own_mb": own_peak_mb()}


def main() -> int:
    parser = argparse.ArgumentParser(description="Time custbook's interface, headless, on a store.")
    parser.add_argument("--db", required=True, help="the store (a copy: the interface may write to it)")
    parser.add_argument("--user", required=True)
    parser.add_argument("--first-rows-only", action="store_true", help="leave as soon as the first rows are shown")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the event loop's thread into FILE")
    parser.add_argument("--preview", metavar="FILE", help="after the session, time the import preview of FILE")
    args = parser.parse_args()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(asyncio.run, drive(args))
        profiler.dump_stats(args.profile)
    else:
        result = asyncio.run(drive(args))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
