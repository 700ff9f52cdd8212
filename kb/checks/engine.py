"""A search engine over exactly the corpus being checked, for the checks that need ranking.

The live index is reused when it was built from these very articles (same content hash);
otherwise a throwaway index is built in a temporary folder, so ``kb check`` never touches
the index a server is using.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from indexer import DamagedBuild, IndexNotFound, SearchEngine, read_meta
from kb.corpus import Corpus
from kb.indexing import build, corpus_hash


@contextlib.contextmanager
def engine_for(corpus: Corpus, index_dir: Path | None = None) -> Iterator[object]:
    digest = corpus_hash(corpus)
    if index_dir is not None:
        try:
            live = read_meta(index_dir).get("content_hash")
        except (IndexNotFound, DamagedBuild, ValueError, OSError):
            live = None
        try:
            engine = SearchEngine(index_dir) if live == digest else None  # verifies its checksums
        except (DamagedBuild, OSError):
            engine = None
        if engine is not None:
            try:
                yield engine
            finally:
                engine.close()
            return
    with tempfile.TemporaryDirectory(prefix="kb-check-") as temp:
        build(corpus, Path(temp))
        engine = SearchEngine(Path(temp))
        try:
            yield engine
        finally:
            engine.close()
