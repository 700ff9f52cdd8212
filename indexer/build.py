"""Index builds: write a complete, self-contained build beside the live one, then switch atomically.

The steps, in order (each a function below, so a faster or incremental build can replace one):
analyse documents -> write the Whoosh index -> write derived tables -> write the
application's files -> checksums into meta.json -> rename the staging folder -> switch
``current``. The folder layout is described in ``indexer/artifact.py``.

A build that fails or is killed (bad input, full disk, Ctrl-C, SIGKILL) leaves ``current``
untouched, so servers keep answering from the previous build; the next build removes the
staging folder it left behind. One build runs at a time per index root (a file lock).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import whoosh
from whoosh import index as whoosh_index

from indexer import tables
from indexer.analysis import Analysis, pinned
from indexer.analysis_cache import analyse_cached
from indexer.artifact import (
    FORMAT_VERSION,
    META,
    STAGING_SUFFIX,
    DamagedBuild,
    IndexNotFound,
    checksums,
    live_path,
    verify_build,
)
from indexer.schema import IndexDoc, make_schema, to_fields
from indexer.synonyms import Synonyms

ANALYZER_VERSION = "kiwi-6"  # kiwi-6: compounds indexed whole only in tags (indexer/schema.py)
KEEP_BUILDS = 2  # the live build and the one before it (a running server may still hold it; the fallback)
APP_FOLDER = "app"
SYNONYMS_FILE = "synonyms.json"

Progress = Callable[[int, int], None]


@dataclass
class BuildInfo:
    path: str
    documents: int
    content_hash: str
    built_at: str
    seconds: float
    analyzer: str = ANALYZER_VERSION
    skipped: bool = False
    repaired: str | None = None  # why the live build was rebuilt although nothing changed
    analysed: int | None = None  # texts sent to Kiwi (the rest came from the analysis cache)
    texts: int | None = None  # distinct texts analysed or read from the cache


def content_hash(
    docs: Sequence[IndexDoc], synonyms: Sequence[Sequence[str]] = (), attachments: Mapping[str, object] | None = None
) -> str:
    """A hash of everything that reaches the build, so an unchanged corpus is not rebuilt."""
    digest = hashlib.sha256(f"{ANALYZER_VERSION}/{FORMAT_VERSION}/whoosh-{whoosh.versionstring()}".encode())
    for doc in sorted(docs, key=lambda d: d.id):
        digest.update(json.dumps(asdict(doc), ensure_ascii=False, sort_keys=True).encode())
    extra = {"synonyms": [list(g) for g in synonyms], "attachments": attachments or {}}
    digest.update(json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def build_index(
    docs: Sequence[IndexDoc],
    index_root: str | os.PathLike,
    *,
    synonyms: Sequence[Sequence[str]] = (),
    attachments: Mapping[str, object] | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildInfo:
    """Build ``docs`` into a fresh folder and make it the live build.

    ``attachments`` are the application's own files (name -> JSON value), written into
    ``app/<name>.json`` so a server needs nothing outside the build. Unless ``force``, an
    unchanged corpus is skipped, but only if the live build still verifies.
    """
    root = Path(index_root)
    root.mkdir(parents=True, exist_ok=True)
    digest = content_hash(docs, synonyms, attachments)
    with _build_lock(root):
        builds = root / "builds"
        builds.mkdir(exist_ok=True)
        _remove_staging(builds)  # only a killed build leaves one: we hold the lock
        repaired = None
        if not force:
            try:
                meta = verify_build(live_path(root))
                if meta.get("content_hash") == digest:
                    fields = {k: meta[k] for k in ("path", "documents", "content_hash", "built_at", "seconds")}
                    return BuildInfo(**fields, skipped=True)
            except IndexNotFound:
                pass
            except DamagedBuild as error:
                repaired = str(error)
        started = time.perf_counter()
        now = time.time()
        name = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now * 1e6) % 1_000_000:06d}-{digest[:8]}"
        staging, final = builds / (name + STAGING_SUFFIX), builds / name
        staging.mkdir()
        try:
            analyses, analysed = analyse(docs, root, progress)
            with pinned(analyses):
                reader_tables = write_index(docs, staging, _after(analysed, progress))
            tables.write(reader_tables, staging)
            write_app_files(staging, synonyms, attachments or {})
            info = BuildInfo(
                path=str(final),
                documents=len(docs),
                content_hash=digest,
                built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                seconds=round(time.perf_counter() - started, 3),
                repaired=repaired,
                analysed=analysed,
                texts=len(analyses),
            )
            write_meta(staging, info)
            os.rename(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _switch(root, final)
        _prune(builds, keep=final)
    return info


def analyse(
    docs: Sequence[IndexDoc], index_root: Path, progress: Progress | None = None
) -> tuple[dict[str, Analysis], int]:
    """Every text's analysis: from the previous builds' cache, Kiwi's batch call for the rest.

    Returns the analyses and how many texts Kiwi analysed. Progress counts those texts, then
    the documents written (one bar for the whole build, so its time estimate covers both)."""
    texts = (text for doc in docs for text in (doc.title, doc.body, *doc.questions, *doc.tags))
    told = (lambda done, total: progress(done, total + len(docs))) if progress else None
    return analyse_cached(texts, index_root, ANALYZER_VERSION, told)


def _after(offset: int, progress: Progress | None) -> Progress | None:
    """The writer's progress continued after ``offset`` analysed texts."""
    if progress is None:
        return None
    return lambda done, total: progress(offset + done, offset + total)


def write_index(docs: Sequence[IndexDoc], folder: Path, progress: Progress | None) -> tables.Tables:
    """The Whoosh segments, and the tables derived from them."""
    ix = whoosh_index.create_in(str(folder), make_schema())
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
    with ix.reader() as reader:
        derived = tables.derive(reader, docs)
    ix.close()
    return derived


def write_app_files(folder: Path, synonyms: Sequence[Sequence[str]], attachments: Mapping[str, object]) -> None:
    """The synonyms (as written and as analyzed) and the application's own files."""
    analyzed = Synonyms(synonyms)
    data = {"groups": [list(g) for g in synonyms], "analyzed": analyzed.groups, "skipped": analyzed.skipped}
    (folder / SYNONYMS_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = folder / APP_FOLDER
    app.mkdir()
    for name, value in attachments.items():
        (app / f"{name}.json").write_text(json.dumps(value, ensure_ascii=False, default=str), encoding="utf-8")


def write_meta(folder: Path, info: BuildInfo) -> None:
    """Last step before the rename: the checksums cover every file written so far."""
    meta = {
        **asdict(info),
        "format": FORMAT_VERSION,
        "versions": {"analyzer": ANALYZER_VERSION, "whoosh": whoosh.versionstring(), "format": FORMAT_VERSION},
        "files": checksums(folder),
    }
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def read_synonyms(build: Path) -> Synonyms:
    data = json.loads((build / SYNONYMS_FILE).read_text(encoding="utf-8"))
    return Synonyms.from_analyzed(data["analyzed"], data["skipped"])


def read_attachment(build: Path, name: str):
    return json.loads((build / APP_FOLDER / f"{name}.json").read_text(encoding="utf-8"))


@contextmanager
def _build_lock(root: Path):
    with open(root / "build.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_staging(builds: Path) -> None:
    for leftover in builds.glob("*" + STAGING_SUFFIX):
        shutil.rmtree(leftover, ignore_errors=True)


def _switch(root: Path, target: Path) -> None:
    link = root / "current"
    temp = root / "current.tmp"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(target.relative_to(root))
    os.replace(temp, link)


def _prune(builds: Path, keep: Path) -> None:
    """Keep the new build and the newest older one that still verifies (a running server may hold
    it, and it is the fallback); damaged and older builds go."""
    kept = 1
    for old in sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(STAGING_SUFFIX)), reverse=True
    ):
        if old == keep:
            continue
        if kept < KEEP_BUILDS and _verifies(old):
            kept += 1
        else:
            shutil.rmtree(old, ignore_errors=True)


def _verifies(build: Path) -> bool:
    try:
        verify_build(build)
        return True
    except DamagedBuild:
        return False
