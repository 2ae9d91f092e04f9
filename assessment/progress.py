"""A progress bar for long commands, drawn on stderr only when stderr is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click

Progress = Callable[[int, int], None]


@contextmanager
def progress_bar(label: str, stream: TextIO | None = None) -> Iterator[Progress | None]:
    """A `progress(done, total)` callback drawing a bar, or None when the stream is not a TTY."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield None
        return
    with click.progressbar(length=1, label=label, file=stream, show_pos=False) as bar:

        def update(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(min(done, bar.length) - bar.pos)

        yield update
