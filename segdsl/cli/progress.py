"""What a long command is doing, on a terminal: a bar over known steps, or the stage being run, and the time
it took at the end. Nothing is drawn where stderr is not a terminal (pipes, files, CI): there a command's
output stays as it is."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

import click


@contextlib.contextmanager
def bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar over `total` steps (its `update(n)`), or None off a terminal or for one step."""
    if not sys.stderr.isatty() or total <= 1:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as drawn:
        yield drawn.update


class Stages:
    """`command: stage (2 of 5)…` on one terminal line as each stage starts; `took()` the time since the first."""

    def __init__(self, command: str, total: int) -> None:
        self.command = command
        self.total = total
        self.done = 0
        self.started = time.perf_counter()
        self.shown = sys.stderr.isatty()

    def __call__(self, stage: str) -> None:
        self.done += 1
        if self.shown:
            line = f"{self.command}: {stage} ({self.done} of {self.total})…"
            click.echo(f"\r\033[K{line}", file=sys.stderr, nl=False)

    def finish(self, message: str) -> None:
        """On a terminal, what the command did and the time it took; nothing elsewhere."""
        took = self.took()
        if self.shown:
            click.echo(message + took, file=sys.stderr)

    def took(self) -> str:
        """` in 3.2 s` after the line is cleared, on a terminal; nothing elsewhere."""
        if not self.shown:
            return ""
        click.echo("\r\033[K", file=sys.stderr, nl=False)
        return f" in {time.perf_counter() - self.started:.1f} s"
