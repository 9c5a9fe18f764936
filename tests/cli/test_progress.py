"""Long commands on a terminal: the stage being run, then what was done and the time it took; nothing drawn
elsewhere (pipes, files, CI), where the output stays exactly as it was."""

from __future__ import annotations

import io
import re

from segdsl.cli import progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_each_stage_is_shown_and_the_end_says_the_time(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    stages = progress.Stages("report", 2)
    stages("sizes")
    stages("overlaps")
    assert "report: sizes (1 of 2)…" in terminal.getvalue() and "report: overlaps (2 of 2)…" in terminal.getvalue()
    stages.finish("report: done")
    assert re.search(r"report: done in \d+\.\d s\n\Z", terminal.getvalue())


def test_off_a_terminal_nothing_is_drawn(monkeypatch):
    quiet = io.StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    stages = progress.Stages("materialize", 1)
    stages("the day's members into hist")
    stages.finish("materialize: done")
    assert (quiet.getvalue(), stages.took()) == ("", "")
    with progress.bar(10, "as-of days") as step:
        assert step is None
