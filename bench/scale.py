"""Search speed as the knowledge base grows: synthetic corpora built from the sample articles.

    python bench/scale.py --sizes 1000 5000

Each synthetic article takes a real article's title and questions with a numbered variant
("… (상품 17)") and a body of sentences drawn from several real articles, so vocabulary
and document lengths stay realistic. Reports build time and in-process query latency for the
dev queries (p50/p95/p99), with the 76-article sample corpus as the baseline in the same run.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer import IndexDoc, SearchEngine, build_index  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexing import to_index_doc  # noqa: E402


def synthetic(docs: list[IndexDoc], size: int, seed: int = 7) -> list[IndexDoc]:
    rng = random.Random(seed)
    sentences = [s.strip() for d in docs for s in re.split(r"(?<=[.?!요다])\s+|\n", d.body) if len(s.strip()) > 10]
    out = []
    for i in range(size):
        base = docs[i % len(docs)]
        body = " ".join(rng.sample(sentences, 8))
        out.append(
            IndexDoc(
                id=f"{base.id}-{i}",
                title=f"{base.title} (상품 {i})",
                category=base.category,
                body=base.short_answer + "\n" + body,
                questions=base.questions,
                tags=base.tags,
                audience=base.audience,
                short_answer=base.short_answer,
            )
        )
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(name: str, docs: list[IndexDoc], synonyms: list[list[str]], queries: list[str], workdir: Path) -> str:
    started = time.perf_counter()
    build_index(docs, workdir / name, synonyms=synonyms)
    build_seconds = time.perf_counter() - started
    engine = SearchEngine(workdir / name)
    for q in queries:  # warm-up: analysis cache, Whoosh file caches
        engine.search(q)
    times = []
    for q in queries:
        started = time.perf_counter()
        engine.search(q)
        times.append((time.perf_counter() - started) * 1000)
    engine.close()
    return (
        f"| {name} | {len(docs)} | {build_seconds:.1f} | {statistics.median(times):.1f} | "
        f"{percentile(times, 95):.1f} | {percentile(times, 99):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    args = parser.parse_args()
    corpus = load_corpus(REPO / "articles")
    docs = [to_index_doc(a) for a in corpus.articles]
    synonyms = corpus.synonyms
    queries = [q.query for q in read_queries(REPO / "bench/queries/dev.tsv")]
    print("| corpus | articles | build s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        print(measure("sample (baseline)", docs, synonyms, queries, Path(tmp)), flush=True)
        for size in args.sizes:
            print(measure(f"synthetic-{size}", synthetic(docs, size), synonyms, queries, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
