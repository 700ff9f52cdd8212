"""Index builds: write a complete, self-contained build beside the live one, then switch atomically.

The steps, in order (each a function below): analyse documents -> write the Whoosh index ->
write derived tables -> write the application's files -> checksums into meta.json -> rename the
staging folder -> switch ``current``. The folder layout is described in ``indexer/artifact.py``.

Incremental: when the live build verifies and was made by the same engine code, the new build
starts as hard links to its segments (Whoosh never writes into a segment file: deletions live in
the TOC, which is written as a new file and renamed), deletes the changed and removed articles by
id, adds the changed and new ones as one small segment (merging the other small segments into it,
never the big one), and derives every table from the segments' statistics
(``indexer/postings.py``): the same tables, and so the same rankings, as a full build. Nothing is
ever written into a linked file; every file this build writes is new. ``force`` builds from
nothing; so does a build when the deleted documents would pass a quarter of the index.

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
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import whoosh
from whoosh import index as whoosh_index

from indexer import tables
from indexer.analysis import Analysis, pinned
from indexer.analysis_cache import analyse_cached, cache_file
from indexer.artifact import (
    FORMAT_VERSION,
    META,
    STAGING_SUFFIX,
    DamagedBuild,
    IndexNotFound,
    checksums,
    live_path,
    remember_verified,
    verify_build,
)
from indexer.common import CommonCounts
from indexer.postings import SEGMENTS, SegmentPostings, load_segment, read_corpus, sidecar_path
from indexer.schema import IndexDoc, make_schema
from indexer.synonyms import Synonyms
from indexer.writers import (
    BackgroundCount,
    add_documents,
    doc_texts,
    finished,
    full_build_writer,
    write_in_processes,
    writer_processes,
)

ANALYZER_VERSION = "kiwi-7"  # kiwi-7: tags analysed one by one, compounds whole only in tags (indexer/schema.py)
KEEP_BUILDS = 2  # the live build and the one before it (a running server may still hold it; the fallback)
APP_FOLDER = "app"
SYNONYMS_FILE = "synonyms.json"
DIGESTS_FILE = "digests.json"  # tables/: article id -> digest of what was indexed (the next build's diff)
MAX_DELETED_SHARE = 0.25  # past this share of deleted documents in the index, build from nothing
WRITELOCK = "MAIN_WRITELOCK"
BIG_SEGMENT_SHARE = 0.2  # a segment with this share of the documents is never merged by an update

Progress = Callable[[int, int], None]


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A hash of the engine's code: a build reuses the live build's segments and tables only if
    the same code made them (an edited analyser, schema or formula means a build from nothing)."""
    digest = hashlib.sha256(whoosh.versionstring().encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


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
    incremental: bool = False  # built on the live build's segments
    changed: int | None = None  # articles added or rewritten (an incremental build)
    removed: int | None = None  # articles deleted from the index (changed or gone)
    steps: dict[str, float] | None = None  # seconds per step (where a build's time goes)


def doc_digest(doc: IndexDoc) -> str:
    """What decides whether an article must be indexed again."""
    return hashlib.sha256(json.dumps(vars(doc), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class JSONText(str):
    """An attachment already serialized as JSON: the application keeps its articles' JSON between
    builds, so a corpus of 20,000 is not serialized again for one changed article. ``sha256``: of
    its UTF-8 bytes, when the caller knows it (then it is not hashed again)."""

    sha256: str | None

    def __new__(cls, text: str = "", sha256: str | None = None):
        made = super().__new__(cls, text)
        made.sha256 = sha256
        return made


def serialize(attachments: Mapping[str, object] | None) -> dict[str, str]:
    return {
        name: value if isinstance(value, JSONText) else json.dumps(value, ensure_ascii=False, default=str)
        for name, value in (attachments or {}).items()
    }


def content_hash(
    docs: Sequence[IndexDoc],
    synonyms: Sequence[Sequence[str]] = (),
    attachments: Mapping[str, object] | None = None,
    digests: Mapping[str, str] | None = None,
    attachment_digests: Mapping[str, str] | None = None,
) -> str:
    """A hash of everything that reaches the build, so an unchanged corpus is not rebuilt."""
    digests = digests if digests is not None else {d.id: doc_digest(d) for d in docs}
    if attachment_digests is None:
        attachment_digests = {name: _text_sha256(text) for name, text in serialize(attachments).items()}
    digest = hashlib.sha256(f"{ANALYZER_VERSION}/{FORMAT_VERSION}/{engine_fingerprint()}".encode())
    for doc_id in sorted(digests):
        digest.update(f"{doc_id}\0{digests[doc_id]}\0".encode())
    extra = {"synonyms": [list(g) for g in synonyms], "attachments": dict(sorted(attachment_digests.items()))}
    digest.update(json.dumps(extra, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text_sha256(text: str) -> str:
    """A build file's sha256: a ``JSONText`` that carries its own (an unchanged shard) is not hashed again."""
    return getattr(text, "sha256", None) or _sha256(text)


@dataclass
class Update:
    """What an incremental build changes in the live build's index."""

    previous: Path
    meta: dict
    removed: list[str]  # ids to delete: changed or gone
    added: list[IndexDoc]  # documents to add: changed or new


def build_index(
    docs: Sequence[IndexDoc],
    index_root: str | os.PathLike,
    *,
    synonyms: Sequence[Sequence[str]] = (),
    attachments: Mapping[str, object] | None = None,
    force: bool = False,
    progress: Progress | None = None,
    digests: Mapping[str, str] | None = None,
    before_switch: Callable[[Path, tables.Tables], None] | None = None,
) -> BuildInfo:
    """Build ``docs`` into a fresh folder and make it the live build.

    ``attachments`` are the application's own files (name -> JSON value), written into
    ``app/<name>.json`` so a server needs nothing outside the build. Unless ``force``, an
    unchanged corpus is skipped, but only if the live build still verifies, and a changed one is
    built on the live build's segments (see the module docstring). ``digests``: ``doc_digest``
    of every document, if the caller knows them. ``before_switch(build folder, its tables)``: called
    with the finished build and the tables it derived (as written into it) before ``current``
    points at it (a server in this process opens it then, so no request waits for that, and takes
    the tables from memory instead of reading back what was just written); if it raises, the
    build is not switched in.
    """
    root = Path(index_root)
    root.mkdir(parents=True, exist_ok=True)
    digests = dict(digests) if digests is not None else {doc.id: doc_digest(doc) for doc in docs}
    files = serialize(attachments)
    file_digests = {name: _text_sha256(text) for name, text in files.items()}
    digest = content_hash(docs, synonyms, digests=digests, attachment_digests=file_digests)
    with _build_lock(root):
        builds = root / "builds"
        builds.mkdir(exist_ok=True)
        _remove_staging(builds)  # only a killed build leaves one: we hold the lock
        repaired = None
        live: tuple[Path, dict] | None = None
        if not force:
            try:
                live = (live_path(root), verify_build(live_path(root)))
                if live[1].get("content_hash") == digest:
                    fields = {k: live[1][k] for k in ("path", "documents", "content_hash", "built_at", "seconds")}
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
        steps: dict[str, float] = {}
        clock = [started]
        counting: BackgroundCount | None = None

        def step(name: str) -> None:
            now = time.perf_counter()
            steps[name] = round(now - clock[0], 3)
            clock[0] = now

        try:
            update = plan_update(live, docs, digests) if live else None
            parallel = update is None and writer_processes(len(docs)) > 1
            suggestions: dict[str, bytes] = {}
            if parallel:
                counting = BackgroundCount(docs, staging)  # beside the writers (indexer/writers.py)

                def make_suggestions() -> None:  # a table's rows, while the last writer finishes
                    suggestions.update(tables.suggestion_chunks(docs))

                analysed, texts = write_parallel(docs, digests, staging, root, progress, make_suggestions)
                step("analyse and index")  # one pipeline: indexer/writers.py
            else:
                if update is None:
                    analyses, analysed = analyse(docs, root, progress)
                    step("analyse")
                    with pinned(analyses):
                        write_index(docs, digests, staging, _after(analysed, progress))
                else:
                    link_segments(update.previous, staging)
                    analyses, analysed = analyse(update.added, root, progress, prune=False)
                    step("analyse")
                    with pinned(analyses):
                        update_index(update, digests, staging, _after(analysed, progress))
                texts = len(analyses)
                del analyses  # the tables come from the segments' statistics
                step("index")
            previous = update.previous if update else None
            counted = counting.result if counting else None  # asked for last by derive_tables
            derived = derive_tables(staging, docs, digests, previous, counted, suggestions)
            tables.write(derived, staging)
            _remember_json(staging / tables.TABLES / tables.DOCUMENTS, [list(row) for row in derived.documents])
            _write_json(staging / tables.TABLES / DIGESTS_FILE, digests)
            step("tables")
            if parallel:
                finished(progress, len(docs))
            written = write_app_files(staging, synonyms, files, file_digests, previous, update.meta if update else None)
            step("app")
            info = BuildInfo(
                path=str(final),
                documents=len(docs),
                content_hash=digest,
                built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                seconds=0.0,
                repaired=repaired,
                analysed=analysed,
                texts=texts,
                incremental=update is not None,
                changed=len(update.added) if update else None,
                removed=len(update.removed) if update else None,
                steps=steps,
            )
            info.seconds = round(time.perf_counter() - started, 3)
            files_written = write_meta(
                staging, info, update.previous if update else None, update.meta if update else None, written
            )
            os.rename(staging, final)
        except BaseException:
            if counting:
                counting.stop()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # A server in this process (the watcher's) need not read the files again: remembered before
        # the switch (a request may open the new build the moment ``current`` points at it), and
        # again after the pruning (unlinking an older build's hard links changes the shared files'
        # ctime, and the next build verifies this one before it links it).
        remember_verified(final, files_written)
        if before_switch is not None:
            try:
                before_switch(final, derived)
            except BaseException:
                shutil.rmtree(final, ignore_errors=True)  # never live, never a fallback
                raise
        _switch(root, final)
        _prune(builds, keep=final)
        remember_verified(final, files_written)
    return info


def plan_update(live: tuple[Path, dict], docs: Sequence[IndexDoc], digests: Mapping[str, str]) -> Update | None:
    """The changes to make to the live build, or None when it must be built from nothing (another
    engine made it, or too much of its index would be deleted documents)."""
    previous, meta = live
    if meta.get("engine") != engine_fingerprint():
        return None
    try:
        old = _read_json(previous / tables.TABLES / DIGESTS_FILE)
        numbers = len(_read_json(previous / tables.TABLES / tables.DOCUMENTS))
    except (OSError, ValueError):
        return None
    removed = [doc_id for doc_id, known in old.items() if digests.get(doc_id) != known]
    added = [d for d in docs if old.get(d.id) != digests[d.id]]
    deleted = numbers - (len(old) - len(removed))  # document numbers that would not be live
    if deleted > MAX_DELETED_SHARE * (numbers + len(added)):
        return None
    return Update(previous, meta, removed, added)


def analyse(
    docs: Sequence[IndexDoc], index_root: Path, progress: Progress | None = None, prune: bool = True
) -> tuple[dict[str, Analysis], int]:
    """Every text's analysis: from the previous builds' cache, Kiwi's batch call for the rest.

    Returns the analyses and how many texts Kiwi analysed. Progress counts those texts, then
    the documents written (one bar for the whole build, so its time estimate covers both).
    ``prune``: the cache keeps only these texts (a full build); an incremental build adds to it."""
    texts = (text for doc in docs for text in doc_texts(doc))
    told = (lambda done, total: progress(done, total + len(docs))) if progress else None
    return analyse_cached(texts, index_root, ANALYZER_VERSION, told, prune=prune)


def _after(offset: int, progress: Progress | None) -> Progress | None:
    """The writer's progress continued after ``offset`` analysed texts."""
    if progress is None:
        return None
    return lambda done, total: progress(offset + done, offset + total)


def write_parallel(
    docs: Sequence[IndexDoc],
    digests: Mapping[str, str],
    folder: Path,
    index_root: Path,
    progress: Progress | None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[int, int]:
    """A large corpus: analysed and written by one process per core, each a segment of its
    consecutive share (so document numbers still follow the corpus), ``indexer/writers.py``.
    Returns (texts sent to Kiwi, distinct texts). ``meanwhile``: see ``write_in_processes``."""
    ix = whoosh_index.create_in(str(folder), make_schema())
    try:
        cache = cache_file(index_root, ANALYZER_VERSION)
        return write_in_processes(ix, docs, digests, folder, cache, progress, meanwhile)
    finally:
        ix.close()


def write_index(docs: Sequence[IndexDoc], digests: Mapping[str, str], folder: Path, progress: Progress | None) -> None:
    """The Whoosh segment of ``docs`` (analyses pinned by the caller), its statistics beside it."""
    ix = whoosh_index.create_in(str(folder), make_schema())
    writer = full_build_writer(ix)
    try:
        postings = add_documents(writer, docs, digests, progress)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _write_sidecars(ix, folder, postings, [])
    ix.close()


def link_segments(previous: Path, staging: Path) -> None:
    """Hard links to the previous build's segment files, TOC and segment statistics: the new build
    shares them (same inode, so no copy and no checksum to compute again) and never writes into
    them: Whoosh writes a new TOC and renames it over nothing; deleting a link leaves the other."""
    for path in previous.iterdir():
        if path.is_file() and path.name.startswith(("MAIN_", "_MAIN_")) and path.name != WRITELOCK:
            os.link(path, staging / path.name)
    (staging / SEGMENTS).mkdir()
    for path in (previous / SEGMENTS).iterdir():
        os.link(path, staging / SEGMENTS / path.name)


def update_index(update: Update, digests: Mapping[str, str], folder: Path, progress: Progress | None) -> None:
    """Delete the changed and removed articles, add the changed and new ones as a new segment.

    The merge policy keeps the big segments (a full build's, one per writer process) as they are
    and merges every small one into the new segment: big segments are never rewritten, and an
    index has at most one small segment. A small segment with no live document left (an article
    saved twice in a row) is dropped instead: Whoosh walked all its postings to copy nothing."""
    from whoosh.reading import SegmentReader

    ix = whoosh_index.open_dir(str(folder))
    merged: list = []

    def keep_the_big_ones(writer, segments):
        total = sum(s.doc_count_all() for s in segments)
        big = [s for s in segments if s.doc_count_all() >= BIG_SEGMENT_SHARE * total]
        for segment in segments:
            if segment not in big and segment.doc_count() == 0:
                continue  # every document deleted (the article saved again): dropped, nothing to copy
            if segment not in big:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
                merged.append(segment)
        return big

    numbers = _live_numbers(ix, folder, set(update.removed))
    writer = ix.writer()
    try:
        for docnum in numbers:
            writer.delete_document(docnum)
        postings = add_documents(writer, update.added, digests, progress)
        writer.commit(mergetype=keep_the_big_ones)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    ix = whoosh_index.open_dir(str(folder))
    _write_sidecars(ix, folder, postings, merged)
    ix.close()


def _live_numbers(ix, folder: Path, ids: set[str]) -> list[int]:
    """The document numbers of the live documents with these ids, from the segments' statistics:
    what ``delete_by_term("id", ...)`` deletes, without opening a reader of every segment (Whoosh
    copied the big segments' term indexes into memory for it: ~0.1 s of every save at 20,000)."""
    numbers, base = [], 0
    for segment in ix._segments():
        deleted = segment.deleted_docs() if segment.has_deletions() else ()
        gone = set(deleted)
        statistics = load_segment(sidecar_path(folder, segment.segment_id()))
        numbers += [base + n for n, i in enumerate(statistics.ids) if i in ids and n not in gone]
        base += segment.doc_count_all()
    return numbers


def _write_sidecars(ix, folder: Path, added: SegmentPostings, merged) -> None:
    """The statistics of the segment this build wrote: the added documents, then the live
    documents of the merged segments, in the order Whoosh copied them."""
    from whoosh.reading import SegmentReader

    parts = [added]
    for segment in merged:
        live = [n for n in range(segment.doc_count_all()) if not segment.is_deleted(n)]
        parts.append(SegmentPostings.load(sidecar_path(folder, segment.segment_id())).take(live))
    for segment in ix._segments():
        path = sidecar_path(folder, segment.segment_id())
        if path.exists():
            continue  # a linked segment: its statistics are linked with it
        postings = SegmentPostings.concat(parts)
        if len(parts) == 1:  # written here, in this order: nothing to check against
            postings.save(path)
            continue
        reader = SegmentReader(ix.storage, ix.schema, segment)  # this segment's only: the others are big
        try:
            stored = [reader.stored_fields(n)["id"] for n in range(reader.doc_count_all())]
        finally:
            reader.close()
        if stored != postings.ids:  # never serve statistics that do not describe the segment
            raise RuntimeError(f"segment {segment.segment_id()}: statistics do not match its documents")
        postings.save(path)
    current = {sidecar_path(folder, s.segment_id()).name for s in ix._segments()}
    for path in (folder / SEGMENTS).iterdir():
        if path.name not in current:
            path.unlink()  # a merged segment's statistics (a link: the older build keeps its own)


_json_files: OrderedDict[tuple[int, int, int, int], object] = OrderedDict()  # file identity -> its JSON
JSON_KEPT = 6  # a save reads the live build's digests and documents and writes the new build's


def _identity(path: Path) -> tuple[int, int, int, int]:
    stat = path.stat()
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _read_json(path: Path):
    """A build's JSON file, parsed once per process: the next build reads the live build's digests
    and documents (20,000 rows each) again, and a watcher builds after every save. Keyed by the
    file's identity (a build's files are never written again; the rename keeps it). Read-only."""
    key = _identity(path)
    if key not in _json_files:
        _keep_json(key, json.loads(path.read_text(encoding="utf-8")))
    return _json_files[key]


def _write_json(path: Path, data) -> None:
    """Write ``data`` as JSON and remember it, so the next build need not parse it back."""
    path.write_text(json.dumps(data), encoding="utf-8")
    _remember_json(path, data)


def _remember_json(path: Path, data) -> None:
    """``data`` is what the JSON file at ``path``, just written, holds: the next build reads it
    from memory (``plan_update`` parsed the 20,000 rows of documents.json on every save)."""
    _keep_json(_identity(path), data)


def _keep_json(key: tuple[int, int, int, int], data) -> None:
    _json_files[key] = data
    while len(_json_files) > JSON_KEPT:
        _json_files.popitem(last=False)


def derive_tables(
    folder: Path,
    docs: Sequence[IndexDoc],
    digests: Mapping[str, str],
    previous: Path | None,
    counted: Callable[[], CommonCounts | None] | None = None,
    suggestions: Mapping[str, bytes] | None = None,
) -> tables.Tables:
    """Every table, from the segments' statistics and the TOC's deletions. ``counted``: gives the
    common-string counts of ``docs`` (a full build counts them beside its writers), asked last.
    ``suggestions``: rows already made of some documents (``tables.suggestion_chunks``; a full
    build makes them while its last writer finishes)."""
    corpus = read_corpus(folder)
    if corpus is None:
        raise RuntimeError(f"{folder}: a segment has no statistics")
    reused = suggestions
    counts: CommonCounts | Callable[[], CommonCounts | None] | None = counted
    if previous is not None:
        old = _read_json(previous / tables.TABLES / DIGESTS_FILE)
        kept = {d.id for d in docs if old.get(d.id) == digests[d.id]}
        reused = tables.previous_suggestions(previous, kept)
        counts = tables.previous_common_counts(previous, kept)
    return tables.derive_from_postings(corpus, docs, reused, counts)


def write_app_files(
    folder: Path,
    synonyms: Sequence[Sequence[str]],
    files: Mapping[str, str],
    file_digests: Mapping[str, str] | None = None,
    previous: Path | None = None,
    previous_meta: dict | None = None,
) -> dict[str, dict]:
    """The synonyms (as written and as analyzed) and the application's own files (name -> JSON text).

    A file the previous build has with the same checksum is hard-linked, not written: unchanged
    synonyms then need no analysis (no Kiwi when every text is cached). Returns the checksums of
    the files written here (relative path -> {size, sha256}), known without reading them back."""
    recorded = previous_meta.get("files", {}) if previous_meta else {}
    written: dict[str, dict] = {}
    groups = [list(g) for g in synonyms]
    if not _link_if_same(
        previous,
        folder,
        SYNONYMS_FILE,
        lambda: json.loads((previous / SYNONYMS_FILE).read_text(encoding="utf-8"))["groups"] == groups,
    ):
        analyzed = Synonyms(synonyms)
        data = {"groups": groups, "analyzed": analyzed.groups, "skipped": analyzed.skipped}
        (folder / SYNONYMS_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = folder / APP_FOLDER
    app.mkdir()
    for name, text in files.items():
        relative = f"{APP_FOLDER}/{name}.json"
        sha = (file_digests or {}).get(name) or _text_sha256(text)
        if _link_if_same(
            previous,
            folder,
            relative,
            lambda relative=relative, sha=sha: recorded.get(relative, {}).get("sha256") == sha,
        ):
            continue
        data = text.encode("utf-8")
        (folder / relative).write_bytes(data)
        written[relative] = {"size": len(data), "sha256": sha}
    return written


def _link_if_same(previous: Path | None, folder: Path, relative: str, same: Callable[[], bool]) -> bool:
    """Hard-link the previous build's file if ``same()`` says its content is what would be written."""
    if previous is None:
        return False
    try:
        if not same():
            return False
        os.link(previous / relative, folder / relative)
        return True
    except (OSError, ValueError, KeyError, TypeError):
        return False


def write_meta(
    folder: Path,
    info: BuildInfo,
    previous: Path | None = None,
    previous_meta: dict | None = None,
    written: Mapping[str, dict] | None = None,
) -> dict[str, dict]:
    """Last step before the rename: the checksums cover every file written so far (a file linked
    from the previous build, same inode and size, keeps the checksum that build recorded; one
    written from a text whose checksum is known is not read back). Returns them."""
    known = {}
    if previous is not None and previous_meta is not None:
        for name, entry in previous_meta.get("files", {}).items():
            try:
                known[name] = (os.stat(previous / name).st_ino, entry)
            except OSError:
                continue
    meta = {
        **asdict(info),
        "format": FORMAT_VERSION,
        "engine": engine_fingerprint(),
        "versions": {"analyzer": ANALYZER_VERSION, "whoosh": whoosh.versionstring(), "format": FORMAT_VERSION},
        "files": checksums(folder, known, written),
    }
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return meta["files"]


def read_synonyms(build: Path) -> Synonyms:
    data = json.loads((build / SYNONYMS_FILE).read_text(encoding="utf-8"))
    return Synonyms.from_analyzed(data["analyzed"], data["skipped"])


def read_digests(build: Path) -> dict[str, str]:
    """A build's article id -> digest of what was indexed (read-only: parsed once per process, and
    the build that wrote it already knows it)."""
    return _read_json(build / tables.TABLES / DIGESTS_FILE)


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
        if kept < KEEP_BUILDS and _intact(old):
            kept += 1
        else:
            shutil.rmtree(old, ignore_errors=True)


def _intact(build: Path) -> bool:
    """Every file there with its recorded size: a server verifies checksums before it serves a
    build, so pruning need not read hundreds of megabytes again."""
    try:
        verify_build(build, hashes=False)
        return True
    except DamagedBuild:
        return False
