"""What every command shares on the terminal: the stderr console, a progress bar to hand to a
library function as its ``progress(done, total)`` callback, and one-line errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


def console(stderr: bool = True):
    from rich.console import Console

    return Console(stderr=stderr)


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A transient bar; yields the callback (None when disabled, e.g. with --json)."""
    if not enabled:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True, console=console()) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
