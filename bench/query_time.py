"""In-process time per query of ``SearchEngine.search`` on the sample, for before/after comparisons.

    python bench/query_time.py                  # dev + holdout + natural queries, 7 rounds

CPU time (``time.process_time``), best of the rounds per query: on a shared machine wall-clock
time swings by half between identical runs, CPU time by a few percent. Run it from two checkouts
(before, after) one after the other, twice, to compare.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer import SearchEngine, build_index  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexing import to_index_doc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=REPO / "articles")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--queries",
        type=Path,
        nargs="*",
        default=[REPO / "bench/queries" / n for n in ("dev.tsv", "holdout.tsv", "natural.tsv")],
    )
    args = parser.parse_args()
    corpus = load_corpus(args.articles)
    docs = [to_index_doc(a) for a in corpus.articles if a.is_public]
    queries = [q.query for path in args.queries for q in read_queries(path)]
    with tempfile.TemporaryDirectory() as tmp:
        build_index(docs, Path(tmp) / "index", synonyms=corpus.synonyms)
        engine = SearchEngine(Path(tmp) / "index")
        for query in queries:  # warm-up: Kiwi's analysis cache, per-thread searcher
            engine.search(query)
        rounds = []
        for _ in range(args.rounds):
            times = []
            for query in queries:
                started = time.process_time()
                engine.search(query)
                times.append(time.process_time() - started)
            rounds.append(times)
        engine.close()
    best = sorted(min(r[i] for r in rounds) * 1000 for i in range(len(queries)))
    print(
        f"{len(queries)} queries, best of {args.rounds} rounds (CPU ms): mean {statistics.mean(best):.2f}, "
        f"p50 {best[len(best) // 2]:.2f}, p95 {best[int(len(best) * 0.95)]:.2f}"
    )


if __name__ == "__main__":
    main()
