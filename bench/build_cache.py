"""What the persisted analysis cache saves: `kb index` cold, warm, and with one article changed.

    python bench/build_cache.py --corpus ../speed-data/c1000/docs          # copies the corpus first

Runs `kb index` as a user does, in fresh processes, on a copy of the corpus in a temporary folder:
1. full build, cold cache (an empty index root): every text goes to Kiwi;
2. ``--force`` full build, warm cache: no text goes to Kiwi, the Whoosh index is still written whole;
3. one article changed (a sentence appended), ``kb index``: one text to Kiwi, the index written whole.
Prints wall seconds (process start, Kiwi load, article loading and checks included), the build's own
seconds, the cache file's size and the load average before each run (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KB = Path(sys.executable).with_name("kb")


def run_index(articles: Path, index: Path, *extra: str) -> tuple[float, float]:
    started = time.perf_counter()
    out = subprocess.run(
        [str(KB), "index", "--articles", str(articles), "--index", str(index), *extra],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wall = time.perf_counter() - started
    match = re.search(r"in ([0-9.]+)s", out)
    return wall, float(match.group(1)) if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="an articles folder (read only: copied)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-cache-bench-") as tmp:
        articles, index = Path(tmp) / "articles", Path(tmp) / "index"
        shutil.copytree(args.corpus, articles)
        changed = sorted(articles.rglob("*.md"))[len(list(articles.rglob("*.md"))) // 2]
        print("| run | load avg (1 min) | kb index wall s | build s (in process) |")
        print("|---|---|---|---|")
        runs = [
            ("full build, cold cache", ()),
            ("`--force` full build, warm cache", ("--force",)),
            ("one article changed, warm cache", ()),
        ]
        for name, extra in runs:
            if name.startswith("one article"):
                changed.write_text(changed.read_text(encoding="utf-8") + "\n결제일 변경은 앱에서도 됩니다.\n", "utf-8")
            load = os.getloadavg()[0]
            wall, seconds = run_index(articles, index, *extra)
            print(f"| {name} | {load:.1f} | {wall:.1f} | {seconds:.1f} |", flush=True)
        cache = sum(p.stat().st_size for p in (index / "cache").iterdir())
        print(f"\ncache: {cache / 1e6:.1f} MB for {len(list(articles.rglob('*.md')))} articles")


if __name__ == "__main__":
    main()
