"""What a build folder holds, where the live one is, and how to tell a damaged one.

Layout under the index root::

    current -> builds/20261125T135012123456-3f2a9c   (symlink, replaced atomically)
    builds/<name>/                                   one immutable, self-contained build:
        Whoosh segment files (shared by hard links with the build before, if it was incremental)
        segments/<segment id>.npz   each segment's term statistics (indexer/postings.py), linked with it
        tables/*.json      derived at build time (vocabularies, suggestions, documents, digests)
        app/*.json         what the application serves (articles as rendered, in shards; categories)
        synonyms.json      the synonym groups the build was made with
        meta.json          content hash, versions, and a sha256 of every other file
    builds/<name>.tmp/                               a build being written (never served)
    cache/analysis-<analyser>.sqlite                 every text's analysis, reused by the next build
                                                     (indexer/analysis_cache.py; never served)

A server opens a build once and trusts it only after ``verify_build`` has compared every
file with its checksum: a truncated segment or a half-copied folder is found before Whoosh
maps it, and the newest build that still verifies is served instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

META = "meta.json"
STAGING_SUFFIX = ".tmp"
FORMAT_VERSION = 4  # bump when the folder layout changes: older builds are then rebuilt (4: articles in shards)


class IndexNotFound(Exception):
    """No index has been built at this location yet."""


class DamagedBuild(Exception):
    """A build folder whose files do not match its meta.json (truncated, missing, edited)."""


def live_path(index_root: str | os.PathLike) -> Path:
    """The directory of the build being served (resolved, so a later switch does not move it)."""
    live = Path(index_root) / "current"
    if not live.exists():
        raise IndexNotFound(f"no index in {index_root}. Run `kb index` first.")
    return live.resolve()


def read_meta(index_root: str | os.PathLike) -> dict:
    """meta.json of the live build."""
    return read_build_meta(live_path(index_root))


def read_build_meta(build: Path) -> dict:
    try:
        return json.loads((build / META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DamagedBuild(f"{build}: meta.json is missing") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise DamagedBuild(f"{build}: meta.json is unreadable ({error})") from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(
    build: Path, known: dict[str, tuple[int, dict]] | None = None, written: dict[str, dict] | None = None
) -> dict[str, dict]:
    """Every file of a build except meta.json: relative path -> {size, sha256}.

    ``known``: name -> (inode, entry) of files another build recorded: a file that is a hard link
    to that inode, with the recorded size, takes the recorded entry (its bytes are those bytes).
    ``written``: name -> entry of files just written from bytes whose checksum the writer computed."""
    out = {}
    known = known or {}
    written = written or {}
    for path in sorted(p for p in build.rglob("*") if p.is_file()):
        name = path.relative_to(build).as_posix()
        if name == META:
            continue
        stat = path.stat()
        inode, entry = known.get(name, (None, None))
        if entry is not None and inode == stat.st_ino and entry["size"] == stat.st_size:
            out[name] = dict(entry)
        elif name in written and written[name]["size"] == stat.st_size:
            out[name] = dict(written[name])
        else:
            out[name] = {"size": stat.st_size, "sha256": file_sha256(path)}
    return out


def verify_build(build: Path, *, hashes: bool = True, trusted: Mapping[tuple[int, int], str] | None = None) -> dict:
    """meta.json of ``build`` if every file it lists is there, whole and unchanged; else DamagedBuild.

    ``hashes=False`` checks presence and sizes only (cheap: no file is read). ``trusted``: (device,
    inode) -> sha256 of files already verified (``identities`` of the build a server serves): an
    incremental build shares most of its bytes with the build before by hard links, and a switch
    need not read hundreds of megabytes it read a moment ago (sizes are still checked)."""
    meta = read_build_meta(build)
    files = meta.get("files")
    if meta.get("format") != FORMAT_VERSION or not isinstance(files, dict) or not files:
        raise DamagedBuild(f"{build}: built by another version (format {meta.get('format')}); run `kb index`")
    for name, expected in files.items():
        path = build / name
        try:
            stat = path.stat()
        except OSError:
            raise DamagedBuild(f"{build}: {name} is missing") from None
        size = stat.st_size
        if trusted and trusted.get((stat.st_dev, stat.st_ino)) == expected["sha256"] and size == expected["size"]:
            continue
        if _VERIFIED.get(_identity(stat)) == expected["sha256"] and size == expected["size"]:
            continue  # this process read these very bytes (same inode, size, mtime and ctime)
        if size != expected["size"]:
            raise DamagedBuild(f"{build}: {name} has {size} bytes, expected {expected['size']}")
        if hashes:
            if file_sha256(path) != expected["sha256"]:
                raise DamagedBuild(f"{build}: {name} does not match its checksum")
            _VERIFIED[_identity(stat)] = expected["sha256"]
    return meta


# Files this process verified: (device, inode, size, mtime, ctime) -> sha256. Any write to a file
# changes its mtime and ctime (ctime cannot be set back), so an entry never vouches for changed bytes.
_VERIFIED: dict[tuple[int, ...], str] = {}


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def remember_verified(build: Path, files: Mapping[str, dict]) -> None:
    """Files of a build this process has just made, with the checksums it recorded: each was written
    from bytes it hashed, read back and hashed, or linked from a build it verified. A server in the
    same process (``kb serve --watch``) then reads none of them again to verify the switch (at
    20,000 articles ~0.4 s per save); a file changed since has another identity and is read."""
    for name, entry in files.items():
        try:
            stat = (build / name).stat()
        except OSError:
            continue
        if stat.st_size == entry["size"]:
            _VERIFIED[_identity(stat)] = entry["sha256"]


def identities(build: Path, meta: dict) -> dict[tuple[int, int], str]:
    """(device, inode) -> sha256 of a verified build's files, for ``verify_build(trusted=...)``."""
    out = {}
    for name, entry in meta.get("files", {}).items():
        try:
            stat = (build / name).stat()
        except OSError:
            continue
        if stat.st_size == entry["size"]:
            out[(stat.st_dev, stat.st_ino)] = entry["sha256"]
    return out


def finished_builds(index_root: str | os.PathLike) -> list[Path]:
    """Completed build folders, newest first (names start with their build time)."""
    builds = Path(index_root) / "builds"
    if not builds.is_dir():
        return []
    done = [p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(STAGING_SUFFIX)]
    return sorted(done, key=lambda p: p.name, reverse=True)


def newest_good_build(index_root: str | os.PathLike, *, skip: Path | None = None) -> tuple[Path, dict] | None:
    """The newest build that verifies (other than ``skip``), with its meta, or None."""
    for build in finished_builds(index_root):
        if skip is not None and build == skip:
            continue
        try:
            return build, verify_build(build)
        except DamagedBuild:
            continue
    return None
