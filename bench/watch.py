"""Save-to-live latency of ``kb serve --watch``, on the sample corpus or a large one.

    python bench/watch.py --edits 5
    python bench/watch.py --articles /tmp/kb-seam/c20000/docs --index /tmp/kb-seam/ix20000 --edits 3

Without ``--articles``, copies articles/ to a temporary folder and builds it; with it, works on
that folder and index in place (each edit is undone at the end; the index must exist or is built
first). Starts the same ``Watcher`` the server runs (watchfiles, check, build through
``kb.indexing.build``, snapshot warmed), then saves an edited article ``--edits`` times (a new
sentence with a new word) and measures from the write to the moment the live snapshot's search
for that word returns the article: what /api/search answers. Also reports the time of a save that
breaks the file until the watcher has reported it. Target: under 2 s at 20,000 articles.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.config import Settings  # noqa: E402
from kb.indexing import build  # noqa: E402
from kb.snapshot import LiveBuild, warm_up  # noqa: E402
from kb.watch import Watcher  # noqa: E402


def wait_for(condition, seconds: float = 600, poll: float = 0.01) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > seconds:
            raise SystemExit(f"not live within {seconds}s")
        time.sleep(poll)
    return time.perf_counter() - started


def measure(articles: Path, index: Path, edits: int, poll: float = 0.01) -> None:
    settings = Settings(articles_dir=articles, index_dir=index)
    build(settings.articles_dir, settings.index_dir)
    live = LiveBuild(settings.index_dir)
    watcher = Watcher(settings, live, echo=lambda line: None)
    warm_up()  # as `kb serve` does at start (create_app): Kiwi is not made during the first save
    watcher.rebuild()  # as `kb serve --watch` does at start: the folder checked
    watcher.start()
    time.sleep(0.5)
    path = next(p for p in sorted(articles.rglob("*.md")) if not p.name.startswith("."))
    with live.snapshot() as snapshot:
        article_id = next(a.id for a in snapshot.articles if Path(a.path).resolve() == path.resolve())
    original = path.read_text(encoding="utf-8")
    latencies = []
    try:
        for n in range(1, edits + 1):
            # syllables no article has, no bigram shared with the previous edit's word
            word = "".join(chr(0xAC00 + (n * 7919 + i * 104729 + 5003) % 11172) for i in range(4))
            done = watcher.status()["finished"]
            written = time.perf_counter()
            path.write_text(original.rstrip("\n") + f"\n\n{word} 문장을 더했습니다.\n", encoding="utf-8")

            def served(word=word) -> bool:
                with live.snapshot() as snapshot:
                    hits = snapshot.search(word, limit=5, audiences=("public", "internal")).hits
                    return any(h.id == article_id for h in hits)

            latencies.append(wait_for(served, poll=poll))
            # the watcher's own time only once its rebuild returned (the switch comes before the
            # pruning and the rest): read earlier, ``seconds`` was the previous rebuild's
            wait_for(lambda done=done: watcher.status()["finished"] > done)
            returned = time.perf_counter() - written
            status = watcher.status()
            print(
                f"edit {n}: live in {latencies[-1]:.2f} s ({status['seconds']:.2f} s in the watcher, which began"
                f" {status['started'] - written:.2f} s after the write and returned {returned:.2f} s after it)"
            )
        path.write_text(original.replace("\ncategory:", "\ncategory: [x\nold-category:", 1), encoding="utf-8")
        broken = wait_for(lambda: bool(watcher.status()["findings"]))
    finally:
        path.write_text(original, encoding="utf-8")
        time.sleep(1)
        watcher.stop()
        live.close()
    print(f"articles: {len(list(articles.rglob('*.md')))}, edits: {len(latencies)}")
    print(
        f"save → live: median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s "
        f"({', '.join(f'{x:.2f}' for x in latencies)})"
    )
    print(f"broken save → reported: {broken:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument(
        "--articles", type=Path, help="an articles folder to edit in place (default: a copy of the sample)"
    )
    parser.add_argument("--index", type=Path, help="its index folder (with --articles)")
    parser.add_argument(
        "--poll-ms",
        type=float,
        default=10,
        help="search for the new word every this many ms (each search runs in the watcher's process and"
        " takes the interpreter's lock from it for a few ms: 10, the default, is a busy server)",
    )
    args = parser.parse_args()
    poll = args.poll_ms / 1000
    if args.articles:
        measure(args.articles, args.index or args.articles.parent / "index", args.edits, poll)
        return
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        shutil.copytree(REPO / "articles", root / "articles")
        measure(root / "articles", root / "index", args.edits, poll)


if __name__ == "__main__":
    main()
