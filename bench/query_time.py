"""In-process time per query of ``SearchEngine.search`` on the sample, for before/after comparisons.

    python bench/query_time.py                  # dev + holdout + natural queries, 7 rounds
    python bench/query_time.py --build /tmp/kb-scale/ix1000 --plan-rank \
        --queries bench/queries/*.tsv /tmp/kb-scale/c1000/queries.tsv
                                                # an existing build (read only): planning + ranking only

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

from indexer import SearchEngine, analysis, build_index  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.evaluate import LabelledQuery, read_queries  # noqa: E402
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
    parser.add_argument("--build", type=Path, help="time this build folder or index root (read only)")
    parser.add_argument(
        "--plan-rank",
        action="store_true",
        help="time planning + ranking only (no snippets, no stored fields), each query analysed afresh",
    )
    args = parser.parse_args()
    queries = [q.query for path in args.queries for q in _queries(path)]
    if args.build:
        engine = SearchEngine(args.build)
        best = _timed(engine, queries, args.rounds, args.plan_rank)
    else:
        corpus = load_corpus(args.articles)
        docs = [to_index_doc(a) for a in corpus.articles if a.is_public]
        with tempfile.TemporaryDirectory() as tmp:
            build_index(docs, Path(tmp) / "index", synonyms=corpus.synonyms)
            engine = SearchEngine(Path(tmp) / "index")
            best = _timed(engine, queries, args.rounds, args.plan_rank)
    what = "planning + ranking" if args.plan_rank else "search"
    print(
        f"{len(queries)} queries, {what}, best of {args.rounds} rounds (CPU ms): mean {statistics.mean(best):.2f}, "
        f"p50 {best[len(best) // 2]:.2f}, p95 {best[int(len(best) * 0.95)]:.2f}"
    )


def _queries(path: Path) -> list:
    """A labelled set (query, id, label), or the corpus generator's queries.tsv (kind, category, query)."""
    if path.name == "queries.tsv":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [LabelledQuery(line.split("\t")[2], "") for line in lines if line.count("\t") >= 2]
    return read_queries(path)


def _timed(engine: SearchEngine, queries: list[str], rounds: int, plan_rank: bool) -> list[float]:
    """Per query, the least CPU time in ms over ``rounds`` (after one warm-up pass)."""

    def run(query: str) -> None:
        if plan_rank:  # as for a query the server has not seen: Kiwi analyses it afresh
            analysis.forget()
            engine.rank(engine.plan(query))
        else:
            engine.search(query)

    for query in queries:  # warm-up: Kiwi's analysis cache, per-thread searcher
        run(query)
    times = []
    for _ in range(rounds):
        round_times = []
        for query in queries:
            started = time.process_time()
            run(query)
            round_times.append(time.process_time() - started)
        times.append(round_times)
    engine.close()
    return sorted(min(r[i] for r in times) * 1000 for i in range(len(queries)))


if __name__ == "__main__":
    main()
