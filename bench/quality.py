"""Search quality side by side: Whoosh StandardAnalyzer, character bigrams, and ours.

    python bench/quality.py                      # sample articles, bench/queries/dev.tsv, holdout.tsv, natural.tsv
    python bench/quality.py --queries my.tsv     # any labelled set

Prints MRR@10 / Recall@1 / Recall@5 per label for each engine. Where ../shared/eval-data
holds a Korean paraphrase set (TSV: sentence<TAB>paraphrase), it is run as a second
benchmark: index one side, query with the other.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from baselines import KINDS, BaselineEngine  # noqa: E402

from indexer import IndexDoc, SearchEngine, build_index  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.evaluate import LabelledQuery, evaluate, format_table, read_queries  # noqa: E402
from kb.indexing import to_index_doc  # noqa: E402

EVAL_DATA = REPO.parent / "shared" / "eval-data"


def engines(docs: list[IndexDoc], synonyms: list[list[str]], workdir: Path) -> dict:
    """Name -> function(query) -> ranked ids, all over the same documents."""
    out = {}
    for kind in KINDS:
        engine = BaselineEngine(kind, docs, workdir / kind)
        out[f"whoosh-{kind}"] = engine.search_ids
    build_index(docs, workdir / "ours", synonyms=synonyms)
    ours = SearchEngine(workdir / "ours")
    out["ours (kiwi+ngram+query repair)"] = lambda q: [h.id for h in ours.search(q, limit=10).hits]
    return out


def run(docs, synonyms, query_sets: dict[str, list[LabelledQuery]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, rank in engines(docs, synonyms, Path(tmp)).items():
            for set_name, queries in query_sets.items():
                started = time.perf_counter()
                overall, by_label = evaluate(queries, rank)
                ms = (time.perf_counter() - started) * 1000 / max(1, len(queries))
                print(f"\n## {name} on {set_name} ({len(queries)} queries, {ms:.1f} ms/query)")
                print(format_table(overall, by_label))


def paraphrase_sets() -> list[Path]:
    if not EVAL_DATA.is_dir():
        print(f"\n(paraphrase benchmark skipped: {EVAL_DATA} is absent)")
        return []
    return sorted(EVAL_DATA.glob("*.tsv"))


def run_paraphrases(path: Path, limit: int = 2000) -> None:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if len(columns) >= 2 and columns[0].strip() and columns[1].strip():
            pairs.append((columns[0].strip(), columns[1].strip()))
    pairs = pairs[:limit]
    docs = [IndexDoc(id=f"p{i}", title=a, category="x", body="") for i, (a, _) in enumerate(pairs)]
    queries = [LabelledQuery(b, f"p{i}", "paraphrase") for i, (_, b) in enumerate(pairs)]
    print(f"\n# paraphrase set {path.name}: {len(pairs)} pairs")
    run(docs, [], {path.name: queries})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=REPO / "articles")
    parser.add_argument(
        "--queries",
        type=Path,
        nargs="*",
        default=[REPO / "bench/queries" / n for n in ("dev.tsv", "holdout.tsv", "natural.tsv")],
    )
    args = parser.parse_args()
    corpus = load_corpus(args.articles)
    docs = [to_index_doc(a) for a in corpus.articles if a.is_public]
    print(f"# {len(docs)} articles from {args.articles}")
    run(docs, corpus.synonyms, {p.name: read_queries(p) for p in args.queries})
    for path in paraphrase_sets():
        run_paraphrases(path)


if __name__ == "__main__":
    main()
