"""Reliability tests report figures (kills survived, states seen, concurrent runs): each test attaches its lines as
the user property "figures", and they are printed at the end of the run, also under pytest-xdist, whose workers
send user properties back with their reports (their printed output would be swallowed)."""

from __future__ import annotations

import pytest

_FIGURES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _FIGURES.extend(str(value) for name, value in report.user_properties if name == "figures")


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
