"""The benchmark's plan measures (issue 13): three 25,000-row files planned (`import --dry-run --json`) against the
1,000,000-customer store, each next to DuckDB's own floor measured in the same interleaved run. Used by
tests/bench.py; runnable alone on the benchmark's cached data:

    python tests/bench_plan.py --data bench-data --repeat 5

The files: the benchmark's edit file (tests/bench.py: half its rows unchanged, updates changing one to three fields
and sometimes blanking one, new rows); a file identical to the store (the first 25,000 customers of a view's CSV for
import, exported once and cached); the same file with every row's name changed (every row changes one field). The
floor: a Python process that opens the store, reads the file with DuckDB's read_csv and joins it to the customers
(no parsing, no rules): what reading the file and finding its customers costs at the least.
Targets (whole processes, medians): edit file <= 1.0 s, identical <= 0.7 s, one field each <= 1.6 s (no slower
than before the fast path); the goal for each: 2x the floor or better.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path

FLOOR = (
    "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
    "print(con.execute('SELECT count(*), count(c.NAME) FROM read_csv(?, all_varchar=true) f "
    'JOIN customers c ON c."CUSTOMERID" = f."CUSTOMERID"\', [sys.argv[2]]).fetchone())'
)
TARGETS = {"edits": 1.0, "identical": 0.7, "one field each": 1.6}
ROWS = 25_000
VIEW = ("COUNTRY=Germany", "CREDITLIMIT>66000")  # about 25,500 of the 1,000,000 demo customers


def build_files(
    cmd: list[str], store: Path, data: Path, run_child, checked, copy_store, remove_store
) -> tuple[Path, Path]:
    """(identical, one field each), written once from a view of the store exported as CSV for import."""
    identical = data / f"identical-{store.stem}.csv"  # one per store: a quick check's store is another
    one_field = data / f"one-field-{store.stem}.csv"
    if identical.exists() and one_field.exists():
        return identical, one_field
    work = data / "work-plan.duckdb"
    copy_store(store, work)
    exported = data / "view-export.csv"
    try:
        filters = [x for f in VIEW for x in ("--filter", f)]
        checked(run_child([*cmd, "--db", str(work), "views", "save", "plan-bench", *filters]), "views save")
        checked(
            run_child([*cmd, "--db", str(work), "export", "--view", "plan-bench", "--format", "import-csv"], exported),
            "export",
        )
    finally:
        remove_store(work)
    with exported.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[: ROWS + 1]
    exported.unlink()
    header = rows[0]
    at = header.index("NAME")
    with identical.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)
    with one_field.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([*r[:at], r[at] + " (renamed)", *r[at + 1 :]] for r in rows[1:])
    return identical, one_field


def measure(cmd: list[str], store: Path, files: dict[str, Path], repeat: int, run_child, copy_store, remove_store):
    """Interleaved: per round, each file's dry run, then the floor of the edit file. {name: [runs]} and 'floor'."""
    work = store.with_name("work-plan-measure.duckdb")
    copy_store(store, work)
    runs: dict[str, list] = {name: [] for name in files} | {"floor": []}
    try:
        for _ in range(repeat):
            for name, path in files.items():
                run = run_child([*cmd, "--db", str(work), "import", str(path), "--dry-run", "--json"])
                if run.code not in (0, 1):
                    raise RuntimeError(f"{name}: exit {run.code}: {run.err[:500]}")
                runs[name].append(run)
            runs["floor"].append(run_child([sys.executable, "-c", FLOOR, str(work), str(files["edits"])]))
    finally:
        remove_store(work)
    return runs


def summary(runs: dict[str, list]) -> dict[str, dict[str, float]]:
    floor = statistics.median(r.seconds for r in runs["floor"])
    out = {}
    for name, got in runs.items():
        seconds = statistics.median(r.seconds for r in got)
        out[name] = {"seconds": seconds, "peak_mb": max(r.peak_mb for r in got), "ratio": seconds / floor,
                     "cpu_s": statistics.median(r.cpu_s for r in got), "target_s": TARGETS.get(name)}  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bench.ROOT / "bench-data")
    parser.add_argument("--customers", type=int, default=bench.FULL_CUSTOMERS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    cmd = bench.custbook_command()
    store = args.data / f"store-{args.customers}.duckdb"
    edits = args.data / f"edits-{args.customers}-{ROWS}.csv"
    identical, one_field = build_files(
        cmd, store, args.data, bench.run_child, bench.checked, bench.copy_store, bench.remove_store
    )
    files = {"edits": edits, "identical": identical, "one field each": one_field}
    runs = measure(cmd, store, files, args.repeat, bench.run_child, bench.copy_store, bench.remove_store)
    result = summary(runs)
    for name, r in result.items():
        target = f", target {r['target_s']} s" if r["target_s"] else ""
        print(f"{name:15} {r['seconds']:.2f} s (CPU {r['cpu_s']:.2f} s), {r['peak_mb']:.0f} MB, "
              f"{r['ratio']:.1f}x the floor{target}")  # fmt: skip
    print(json.dumps({k: {a: round(b, 3) if isinstance(b, float) else b for a, b in v.items()}
                      for k, v in result.items()}))  # fmt: skip
    over = [n for n, r in result.items() if r["target_s"] and r["seconds"] > r["target_s"]]
    return 3 if over else 0


if __name__ == "__main__":
    sys.exit(main())
