"""Parsing and rendering many article files on every core.

Why: a `kb index` with a cold parse cache (from nothing) rendered 20,000 Markdown files on one
core before the build could start (~40 s of the build's time, the rest of the machine idle).
Files are parsed in forked processes, a consecutive share each, each article's renderings (HTML,
text, short answer) made there and sent back with it: the same Article objects and problems, in
the same order, as parsing one by one.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from kb.articles import Article, Problem, parse_article

PARALLEL_MIN_FILES = 2000  # below this, starting processes costs more than it saves
MAX_PROCESSES = 2

File = tuple[Path, str, "bytes | None"]  # path, name shown in problems, the bytes if already read
Parsed = tuple["Article | None", list[Problem]]


def parse_many(files: Sequence[File]) -> list[Parsed]:
    """``parse_article`` of every file, in order; in one process per core for many files (only
    where forking is safe: no other Python thread, so not inside a running server)."""
    processes = min(MAX_PROCESSES, os.cpu_count() or 1)
    if (
        len(files) < PARALLEL_MIN_FILES
        or processes < 2
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return _parse_share(files)
    bounds = [len(files) * i // processes for i in range(processes + 1)]
    shares = [files[bounds[i] : bounds[i + 1]] for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return [parsed for share in pool.map(_parse_share, shares) for parsed in share]


def _parse_share(files: Sequence[File]) -> list[Parsed]:
    out = []
    for path, display, data in files:
        article, problems = parse_article(path, display, data)
        if article is not None:
            for rendering in ("html", "text", "short_answer"):  # made here, sent back with the article
                getattr(article, rendering)
        out.append((article, problems))
    return out
