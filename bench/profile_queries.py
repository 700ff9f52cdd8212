"""Where a query's time goes, in-process through the Flask app (no sockets), with cProfile.

    .venv/bin/python bench/profile_queries.py --index /tmp/kb-scale/ix20000 --queries /tmp/kb-scale/c20000/queries.tsv
    .venv/bin/python bench/profile_queries.py ... --suggest          # the keystroke-prefix mix on /api/suggest

Runs every query once under cProfile (cold: no query seen before, so Kiwi's analysis cache, the speller and the
highlight counts start empty, as for a new query in production), then once more timed (warm: what
bench/scale.py's HTTP pass measures after its warm-up pass), and prints both timings and the cold profile's
functions by cumulative and by own time. The same mixes as bench/scale.py: the corpus's 300 queries to
/api/search, and the 2-4 character prefixes of its first 100 queries to /api/suggest.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def paths(queries: list[str], suggest: bool) -> list[str]:
    if not suggest:
        return [f"/api/search?q={urllib.parse.quote(q)}" for q in queries]
    prefixes = [q[:n] for q in queries[:100] for n in (2, 3, 4) if len(q) >= n]
    return [f"/api/suggest?q={urllib.parse.quote(p)}" for p in prefixes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True, help="queries.tsv of gen_corpus.py (3rd column)")
    parser.add_argument("--suggest", action="store_true", help="profile /api/suggest on query prefixes")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()

    from kb.config import Settings
    from kb.web import create_app

    queries = [line.rstrip("\n").split("\t")[2] for line in open(args.queries, encoding="utf-8")]
    data = Path(tempfile.mkdtemp(prefix="kb-profile-"))
    settings = Settings.from_env(index_dir=args.index, analytics_db=data / "a.sqlite3", state_db=data / "s.sqlite3")
    started = time.perf_counter()
    app = create_app(settings)
    print(f"app created in {time.perf_counter() - started:.2f} s")
    client = app.test_client()
    todo = paths(queries, args.suggest)
    profile = cProfile.Profile()
    for label in ("cold, profiled", "warm"):
        times = []
        for path in todo:
            started = time.perf_counter()
            if label == "warm":
                response = client.get(path)
            else:
                profile.enable()
                response = client.get(path)
                profile.disable()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, path
        times.sort()
        print(
            f"{label}: {len(todo)} requests, mean {statistics.mean(times):.2f} ms, p50 {times[len(times) // 2]:.2f},"
            f" p95 {times[int(len(times) * 0.95)]:.2f}, max {times[-1]:.2f}"
        )
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
