"""Output paths (issue 17, item 2): every output goes through a locked part file renamed into place, except targets
that are not regular files: a device or a named pipe is written as a stream and stays what it was, a symbolic
link's target gets the file and the link stays; part files of killed writers are swept by the next write.
The special files are made in the test's own folder, never the system's."""

from __future__ import annotations

import csv
import fcntl
import io
import os
import stat
import threading
from pathlib import Path

from core.outfiles import PART_SUFFIX, PART_TAG


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as pipe:
            into.append(pipe.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_named_pipe_gets_the_export_as_a_stream_and_stays_a_pipe(cli, tmp_path):
    cli("init", "--demo", "20")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = _read_fifo(pipe, got)
    run = cli("export", "--format", "import-csv", "-o", str(pipe))
    reader.join(10)
    assert run.code == 0, run
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert got and len(list(csv.reader(io.StringIO(got[0].decode("utf-8-sig"))))) == 21  # header + 20
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(PART_SUFFIX)]


def test_a_device_is_written_to_not_replaced(cli, tmp_path):
    """As root (CI), -o on a device used to replace it with a regular file (the system's /dev/null, had it been
    named). A null device made here stays a device; an ordinary user cannot make one, and writes a FIFO's way."""
    cli("init", "--demo", "5")
    if os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        assert cli("export", "-o", str(device)).code == 0
        assert stat.S_ISCHR(device.lstat().st_mode) and device.lstat().st_rdev == os.makedev(1, 3)
    else:
        assert cli("export", "-o", os.devnull).code == 0  # the system's, which an ordinary user cannot replace
        assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def test_a_symbolic_link_keeps_pointing_and_its_target_gets_the_file(cli, tmp_path):
    cli("init", "--demo", "5")
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "customers.csv"
    real.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    assert cli("export", "-o", str(link)).code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8-sig").startswith("Customer ID")


def test_part_files_of_dead_writers_are_swept_and_a_living_writers_kept(cli, tmp_path):
    cli("init", "--demo", "5")
    dead = tmp_path / f".old.csv{PART_TAG}deadbeef{PART_SUFFIX}"
    dead.write_bytes(b"x" * 1000)  # a killed export's: nobody holds its lock
    alive = tmp_path / f".big.csv{PART_TAG}livewrit{PART_SUFFIX}"
    alive.write_bytes(b"y")
    other = tmp_path / "download.part"  # another program's: not ours to remove
    other.write_bytes(b"z")
    with open(alive, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running export holds its part file
        assert cli("export", "-o", str(tmp_path / "out.csv")).code == 0
        assert not dead.exists() and alive.exists() and other.exists()
    assert (tmp_path / "out.csv").exists()


def test_a_dash_is_standard_output_not_a_file_named_dash(cli, tmp_path, monkeypatch):
    cli("init", "--demo", "5")
    monkeypatch.chdir(tmp_path)
    run = cli("export", "--format", "import-csv", "-o", "-")
    assert run.code == 0 and run.out.startswith("CUSTOMERID,")
    assert not (tmp_path / "-").exists()
    refused = cli("export", "--format", "xlsx", "-o", "-")
    assert refused.code == 2 and "needs a file name" in refused.err
