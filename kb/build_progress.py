"""The `kb index` progress bar: texts analysed, then articles written, with the time left.

click's own estimate counts the ~2 s Kiwi load as the first item's time and starts at half an
hour for a one-minute build; this one uses the rate since the first item was done.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

import click


def time_left(done: int, total: int, first: tuple[float, int] | None, now: float) -> str:
    """'남은 시간 약 1분 5초' from the rate since ``first`` (when, done); empty until it is known."""
    if first is None or done <= first[1] or done >= total:
        return ""
    seconds = (now - first[0]) / (done - first[1]) * (total - done)
    minutes, seconds = divmod(round(seconds), 60)
    return f"남은 시간 약 {minutes}분 {seconds}초" if minutes else f"남은 시간 약 {seconds}초"


@contextmanager
def build_progress():
    """Yields a ``progress(done, total)`` callback; drawn on a terminal only (quiet in CI and pipes)."""
    first: tuple[float, int] | None = None
    with click.progressbar(
        length=1,
        label="인덱싱",
        file=sys.stderr,
        hidden=not sys.stderr.isatty(),
        show_eta=False,
        item_show_func=lambda text: text,
    ) as bar:

        def progress(done: int, total: int) -> None:
            nonlocal first
            now = time.monotonic()
            if first is None:
                first = (now, done)
            bar.length = total
            bar.update(done - bar.pos, time_left(done, total, first, now) or " ")

        yield progress
