"""Writing an export folder: complete beside the old one, then switched in; unchanged files keep their mtime.

A CDN sync (rsync, aws s3 sync) uploads files whose size or modification time changed, so a file
whose bytes are the same as in the previous export is carried over with its old mtime (hard link,
or a copy with the metadata when links are not possible). The old export stays in place until the
new one is complete: a failure on the way never leaves a half-written site.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class WriteStats:
    files: int = 0
    bytes: int = 0
    written: list[str] = field(default_factory=list)  # new or changed (relative paths)
    removed: list[str] = field(default_factory=list)  # in the previous export, not in this one

    @property
    def unchanged(self) -> int:
        return self.files - len(self.written)


class ExportWriter:
    """Collects files into ``OUT.new``, reusing identical files of ``OUT``; ``commit`` switches them in."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.staging = self.out.with_name(self.out.name + ".new")
        self.stats = WriteStats()
        self._paths: set[str] = set()
        if self.out.exists() and not self.out.is_dir():
            raise FileExistsError(f"{self.out} exists and is not a folder")
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)

    def write(self, path: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if path in self._paths:
            raise ValueError(f"{path} written twice")
        self._paths.add(path)
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = self.out / path
        self.stats.files += 1
        self.stats.bytes += len(data)
        if _same_bytes(previous, data):
            try:
                os.link(previous, target)
            except OSError:
                shutil.copy2(previous, target)
            return
        target.write_bytes(data)
        self.stats.written.append(path)

    def commit(self) -> WriteStats:
        """Swap the new folder in: OUT -> OUT.old, OUT.new -> OUT, then delete OUT.old."""
        if self.out.exists():
            self.stats.removed = sorted(
                str(p.relative_to(self.out)).replace(os.sep, "/")
                for p in self.out.rglob("*")
                if p.is_file() and str(p.relative_to(self.out)).replace(os.sep, "/") not in self._paths
            )
            old = self.out.with_name(self.out.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(self.out, old)
            os.rename(self.staging, self.out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.staging, self.out)
        return self.stats

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
