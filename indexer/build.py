"""Index builds: write a complete new index beside the live one, then switch atomically.

Layout under the index root::

    current -> builds/20261125T135012-3f2a9c   (symlink, replaced atomically)
    builds/<name>/                             (Whoosh segment files + meta.json)

A build that fails (bad input, full disk, Ctrl-C) leaves ``current`` untouched, so a
server keeps answering from the previous index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.analysis import analyze_many
from indexer.schema import IndexDoc, make_schema, to_fields

ANALYZER_VERSION = "kiwi-4"
KEEP_BUILDS = 2

Progress = Callable[[int, int], None]


class IndexNotFound(Exception):
    """No index has been built at this location yet."""


@dataclass
class BuildInfo:
    path: str
    documents: int
    content_hash: str
    built_at: str
    seconds: float
    analyzer: str = ANALYZER_VERSION
    skipped: bool = False


def content_hash(docs: Sequence[IndexDoc]) -> str:
    """A hash of everything that reaches the index, so an unchanged corpus is not rebuilt."""
    digest = hashlib.sha256(ANALYZER_VERSION.encode())
    for doc in sorted(docs, key=lambda d: d.id):
        digest.update(json.dumps(asdict(doc), ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def read_meta(index_root: str | os.PathLike) -> dict:
    live = Path(index_root) / "current"
    try:
        return json.loads((live / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexNotFound(f"no index at {index_root}: run `kb index` first") from None


def live_path(index_root: str | os.PathLike) -> Path:
    """The directory of the index being served (resolved, so a later switch does not move it)."""
    live = Path(index_root) / "current"
    if not live.exists():
        raise IndexNotFound(f"no index at {index_root}: run `kb index` first")
    return live.resolve()


def build_index(
    docs: Sequence[IndexDoc], index_root: str | os.PathLike, *, force: bool = False, progress: Progress | None = None
) -> BuildInfo:
    """Build ``docs`` into a fresh directory and make it the live index."""
    root = Path(index_root)
    digest = content_hash(docs)
    if not force:
        try:
            meta = read_meta(root)
        except (IndexNotFound, ValueError):
            meta = {}
        if meta.get("content_hash") == digest:
            return BuildInfo(**{**meta, "skipped": True})

    started = time.perf_counter()
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    now = time.time()
    name = time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f"{int(now * 1e6) % 1_000_000:06d}-{digest[:8]}"
    staging = builds / (name + ".tmp")
    final = builds / name
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        analyze_many(text for doc in docs for text in (doc.title, doc.body, *doc.questions, *doc.tags))
        ix = whoosh_index.create_in(str(staging), make_schema())
        writer = ix.writer()
        try:
            for done, doc in enumerate(docs, 1):
                writer.add_document(**to_fields(doc))
                if progress:
                    progress(done, len(docs))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        info = BuildInfo(
            path=str(final),
            documents=len(docs),
            content_hash=digest,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            seconds=round(time.perf_counter() - started, 3),
        )
        (staging / "meta.json").write_text(json.dumps(asdict(info), ensure_ascii=False, indent=2), encoding="utf-8")
        shutil.rmtree(final, ignore_errors=True)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _switch(root, final)
    _prune(builds, keep=final)
    return info


def _switch(root: Path, target: Path) -> None:
    link = root / "current"
    temp = root / "current.tmp"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(target.relative_to(root))
    os.replace(temp, link)


def _prune(builds: Path, keep: Path) -> None:
    """Keep the newest builds (the previous one may still be open in a running server)."""
    done = sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".tmp")),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
        reverse=True,
    )
    for old in done[KEEP_BUILDS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
