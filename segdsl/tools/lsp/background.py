"""Work off the event loop: checking a long document must not hold up the
requests that come meanwhile (completion, hover), nor the reading of frames.

One daemon thread runs the jobs in the order given and hands each result
back to the event loop that submitted it. A daemon, so that exiting never
waits for the check of a long document. The jobs hold the GIL while they
run, but Python switches threads every few milliseconds, so a request is
answered during a check, only slower.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Worker:
    """A thread for jobs, started with the first one."""

    def __init__(self, name: str):
        self.name = name
        self.jobs: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, Callable[[], Any], Callable[[Any], None]]]
        self.jobs = queue.SimpleQueue()
        self.thread: threading.Thread | None = None

    def submit(self, job: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run `job` in the thread, then `done(result)` on the running event loop."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self.thread.start()
        self.jobs.put((asyncio.get_running_loop(), job, done))

    def _run(self) -> None:
        while True:
            loop, job, done = self.jobs.get()
            try:
                result = job()
            except Exception:
                log.exception("%s: a job failed", self.name)
                continue
            try:
                loop.call_soon_threadsafe(done, result)
            except RuntimeError:  # the loop is closed: the server is exiting
                return
