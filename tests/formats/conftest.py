"""Fixtures of the PDF's installed fonts: a machine where fontconfig finds none, and one where a font with Japanese
and Chinese characters must be installed (the tests that draw them fail, not skip, without it: `.ci/run` installs
the distribution's fonts-droid-fallback)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# 山 (Japanese and Chinese) and の (Japanese kana): the characters a fallback font must have.
_CJK_QUERY = ":charset=5c71 306e"


@pytest.fixture
def no_system_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fontconfig runs, but with a configuration that lists no font directory: it finds no font at all."""
    config = tmp_path / "fonts-none.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))


@pytest.fixture
def cjk_font() -> str:
    """The path of an installed font with Japanese and Chinese characters, as fontconfig lists it."""
    fc_list = shutil.which("fc-list")
    files: list[str] = []
    if fc_list is not None:
        listed = subprocess.run([fc_list, _CJK_QUERY, "file"], capture_output=True, text=True, check=False).stdout
        files = [line.split(":")[0] for line in listed.splitlines() if line.strip()]
    if not files:
        pytest.fail(
            "no installed font has Japanese and Chinese characters (or fontconfig is missing): "
            "apt-get install fontconfig fonts-droid-fallback (.ci/run does)"
        )
    return files[0]
