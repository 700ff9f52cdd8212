"""Save-to-live latency of ``kb serve --watch`` on the sample corpus.

    python bench/watch.py --edits 5

Copies articles/ to a temporary folder, builds it, starts the same ``Watcher`` the server
runs (watchfiles, check, build through ``kb.indexing.build``, snapshot warmed), then saves
an edited article ``--edits`` times and measures from the write to the moment the live
snapshot serves the new title. Also reports the time of a save that breaks the file until
the watcher has reported it. Target: under 2 s on the sample.
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
from kb.snapshot import LiveBuild  # noqa: E402
from kb.watch import Watcher  # noqa: E402

ARTICLE = Path("lost-cards/lost-report.md")
TITLE = "title: 카드를 분실했을 때 어떻게 신고하나요?"


def wait_for(condition, seconds: float = 30) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > seconds:
            raise SystemExit(f"not live within {seconds}s")
        time.sleep(0.01)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        shutil.copytree(REPO / "articles", root / "articles")
        settings = Settings(articles_dir=root / "articles", index_dir=root / "index")
        build(settings.articles_dir, settings.index_dir)
        live = LiveBuild(settings.index_dir)
        watcher = Watcher(settings, live, echo=lambda line: None)
        watcher.rebuild()  # as `kb serve --watch` does at start: Kiwi loaded, folder checked
        watcher.start()
        time.sleep(0.5)
        path = settings.articles_dir / ARTICLE
        original = path.read_text(encoding="utf-8")
        latencies = []
        for n in range(1, args.edits + 1):
            title = f"카드를 분실했을 때 어떻게 신고하나요? (수정 {n})"
            path.write_text(original.replace(TITLE, f"title: {title}"), encoding="utf-8")

            def served(title=title) -> bool:
                with live.snapshot() as snapshot:
                    return snapshot.get("lost-report").title == title

            latencies.append(wait_for(served))
        path.write_text(original.replace("category: lost-cards", "category: [x"), encoding="utf-8")
        broken = wait_for(lambda: bool(watcher.status()["findings"]))
        watcher.stop()
        live.close()
    print(f"articles: {len(list((REPO / 'articles').rglob('*.md')))}, edits: {len(latencies)}")
    print(
        f"save → live: median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s "
        f"({', '.join(f'{x:.2f}' for x in latencies)})"
    )
    print(f"broken save → reported: {broken:.2f} s")


if __name__ == "__main__":
    main()
