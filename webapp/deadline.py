"""A wall-clock limit on one request's work (the score API), so a hostile body cannot hold a worker.

The limit is an alarm signal, so it works where requests run on the main thread: gunicorn's sync
workers (how the app is served in production). Elsewhere (threaded servers, gthread workers) there
is no guard, and the work stays bounded by the body's size limit alone. An outer alarm (a test
runner's timeout) that is due first is left alone, and is re-armed afterwards.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TooSlow(Exception):
    """The request's work outlasted its time limit; nothing was stored."""

    def __init__(self, seconds: float):
        super().__init__(f"the request took longer than {seconds:g} s; send a smaller document")
        self.seconds = seconds


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TooSlow inside the block once `seconds` of wall-clock time have passed."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    outer = signal.getitimer(signal.ITIMER_REAL)[0] if usable else 0.0
    if seconds <= 0 or not usable or 0 < outer <= seconds:
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TooSlow(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 0.001))
