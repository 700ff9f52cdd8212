"""How long a fresh worker needs before it answers: open the live build, then the first search.

A worker loads what a build derived when it was made (articles as rendered, vocabularies,
suggestion rows) and never reads ``articles/``, so start-up should not grow with parsing.
Generates N synthetic articles with ../shared/bench/gen_corpus.py (plus the sample
categories and synonyms), builds them, then measures, in a fresh process each time:

    open     verify the build's checksums, open it, load its tables (LiveBuild, as create_app does)
    kiwi     load Kiwi and its model (create_app does it once per worker; independent of the corpus)
    first    the first search afterwards, joined into result dicts

usage: .venv/bin/python bench/startup.py [N ...]        (default: 1000 5000)
       .venv/bin/python bench/startup.py --index DIR    (start-up of an existing index only)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"

CHILD = """
import sys, time
from pathlib import Path
started = time.perf_counter()
from kb.results import PUBLIC_PATHS, search
from kb.snapshot import LiveBuild, warm_up
imported = time.perf_counter()
live = LiveBuild(Path(sys.argv[1]))  # what create_app does: verify checksums, open, load the tables
opened = time.perf_counter()
warm_up()  # create_app loads Kiwi too, so the first customer does not wait for it
warmed = time.perf_counter()
with live.snapshot() as snapshot:
    assert search(snapshot, "카드 분실", limit=10, audiences=("public",), links=PUBLIC_PATHS).results
answered = time.perf_counter()
print(f"{imported - started:.2f} {opened - imported:.2f} {warmed - opened:.2f} {answered - warmed:.2f}")
"""


def corpus(n: int, workdir: Path) -> Path:
    subprocess.run([sys.executable, str(GEN), str(n), str(workdir)], check=True, capture_output=True)
    articles = workdir / "docs"
    for name in ("categories.yml", "synonyms.yml"):
        shutil.copy(REPO / "articles" / name, articles / name)
    return articles


def measure(n: int, workdir: Path) -> str:
    sys.path.insert(0, str(REPO))
    from kb.indexing import build

    articles = corpus(n, workdir)
    started = time.perf_counter()
    build(articles, workdir / "index")
    return start_up(n, time.perf_counter() - started, workdir / "index", workdir)


def start_up(n: int | str, build_seconds: float | None, index: Path, workdir: Path, runs: int = 3) -> str:
    size = sum(p.stat().st_size for p in index.rglob("*") if p.is_file()) / 1e6
    timings = []
    for _ in range(runs):
        args = [str(index)]  # no articles folder: a worker does not need it
        out = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=REPO, check=True, capture_output=True, text=True)
        timings.append([float(x) for x in out.stdout.split()])
    best = min(timings, key=lambda t: t[1])
    built = f"{build_seconds:.1f}" if build_seconds is not None else "-"
    return f"| {n} | {built} | {size:.1f} | " + " | ".join(f"{t:.2f}" for t in best) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--index", type=Path, help="Measure start-up on this existing index only (no build).")
    args = parser.parse_args()
    print("| articles | build s | build MB | import s | open s | kiwi s | first search s |")
    print("|---|---|---|---|---|---|---|")
    if args.index:
        with tempfile.TemporaryDirectory() as tmp:
            print(start_up(args.index.name, None, args.index, Path(tmp)))
        return
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            print(measure(n, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
