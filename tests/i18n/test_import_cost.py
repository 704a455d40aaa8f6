"""Babel is loaded only where numbers and dates are formatted for people (issue 16): a French import, dry run or
CSV export on the command line never imports it (it costs 30-40 ms), and the French interface loads it only for
the region's symbols."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from cli.main import main
code = main(sys.argv[1:])
print("babel loaded" if any(m == "babel" or m.startswith("babel.") for m in sys.modules) else "babel not loaded")
sys.exit(code)
"""


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "CUSTBOOK_LANG": "fr", "LANG": "fr_FR.UTF-8", "CUSTBOOK_USER": "alice"}
    return subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(db), *args], capture_output=True, text=True, env=env, check=False
    )


def test_a_french_dry_run_and_export_never_import_babel(db: Path, tmp_path: Path) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text("CUSTOMERID,NAME,PRINTAS,CREDITLIMIT\nC1,Köln GmbH,Köln GmbH,1234.50\n", encoding="utf-8")
    dry = run(db, "import", str(csv), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip().endswith("babel not loaded"), dry.stdout
    done = run(db, "import", str(csv))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("babel not loaded")
    export = run(db, "export", "--format", "csv", "-o", str(tmp_path / "out.csv"))
    assert export.returncode == 0, export.stderr
    assert export.stdout.strip().endswith("babel not loaded")
