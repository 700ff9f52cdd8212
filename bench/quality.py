"""Search quality side by side, in one run: Whoosh StandardAnalyzer, character bigrams, Lucene + Nori, and ours.

    python bench/quality.py                      # sample articles, bench/queries/dev.tsv, holdout.tsv, natural.tsv
    python bench/quality.py --queries my.tsv     # any labelled set
    python bench/quality.py --markdown           # the tables of docs/benchmarks.md

Prints MRR@10 / Recall@1 / Recall@5 per label for each engine ("ours, no autocorrect": the same
engine searching exactly what was typed, to show what near-certain corrections change), and how
often typo correction fires on queries without typos. Lucene + Nori runs when a JDK and Debian's
Lucene jars are installed (see bench/nori.py). Where ../shared/eval-data
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

import nori  # noqa: E402
from baselines import KINDS, BaselineEngine  # noqa: E402

from indexer import IndexDoc, SearchEngine, build_index  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.evaluate import LabelledQuery, evaluate, format_table, read_queries  # noqa: E402
from kb.indexing import to_index_doc  # noqa: E402

EVAL_DATA = REPO.parent / "shared" / "eval-data"


def engines(docs: list[IndexDoc], synonyms: list[list[str]], workdir: Path, queries: list[str]) -> dict:
    """Name -> function(query) -> ranked ids, all over the same documents.

    Lucene + Nori (bench/nori.py) joins when a JDK and Debian's Lucene jars are installed: it
    answers every query of the run at once in one Java process, looked up here.
    """
    out = {}
    for kind in KINDS:
        engine = BaselineEngine(kind, docs, workdir / kind)
        out[f"whoosh-{kind}"] = engine.search_ids
    nori_results = nori.results_or_none(docs, queries, workdir / "nori")
    if nori_results is not None:
        out["lucene-nori"] = nori_results.__getitem__
    build_index(docs, workdir / "ours", synonyms=synonyms)
    ours = SearchEngine(workdir / "ours")
    out[OURS] = lambda q: [h.id for h in ours.search(q, limit=10).hits]
    out[OURS_NO_AUTOCORRECT] = lambda q: [h.id for h in ours.search(q, limit=10, autocorrect=False).hits]
    out["_engine"] = ours
    return out


OURS = "ours"
OURS_NO_AUTOCORRECT = "ours, no autocorrect"


def run(docs, synonyms, query_sets: dict[str, list[LabelledQuery]], markdown: bool = False) -> None:
    all_queries = [q.query for queries in query_sets.values() for q in queries]
    with tempfile.TemporaryDirectory() as tmp:
        ranked_by = engines(docs, synonyms, Path(tmp), all_queries)
        ours = ranked_by.pop("_engine")
        results: dict[str, dict[str, tuple]] = {}
        for name, rank in ranked_by.items():
            for set_name, queries in query_sets.items():
                started = time.perf_counter()
                overall, by_label = evaluate(queries, rank)
                ms = (time.perf_counter() - started) * 1000 / max(1, len(queries))
                results.setdefault(set_name, {})[name] = (overall, by_label)
                if not markdown:
                    print(f"\n## {name} on {set_name} ({len(queries)} queries, {ms:.1f} ms/query)")
                    print(format_table(overall, by_label))
        if markdown:
            for set_name, by_engine in results.items():
                print(markdown_table(set_name, by_engine))
        for set_name, queries in query_sets.items():
            print(corrections_fired(set_name, queries, ours))


def markdown_table(set_name: str, by_engine: dict) -> str:
    """One table per query set: engines as rows, MRR@10 per label, then overall MRR@10, R@1, R@5."""
    labels = list(next(iter(by_engine.values()))[1])
    lines = [
        f"\n### {set_name} (MRR@10 by label)\n",
        "| engine | " + " | ".join(labels) + " | overall MRR@10 | R@1 | R@5 |",
        "|---" * (len(labels) + 4) + "|",
    ]
    for name, (overall, by_label) in by_engine.items():
        cells = [f"{by_label[label].mrr:.3f}" for label in labels]
        cells += [f"{overall.mrr:.3f}", f"{overall.recall_at_1:.3f}", f"{overall.recall_at_5:.3f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def corrections_fired(set_name: str, queries: list[LabelledQuery], engine) -> str:
    """How often typo correction acts on queries without typos (it should almost never)."""
    fired: dict[str, list[str]] = {}
    for q in queries:
        plan = engine.plan(q.query)
        if plan.autocorrected_from or plan.did_you_mean or plan.corrections:
            kind = "autocorrected" if plan.autocorrected_from else "corrected" if plan.corrections else "suggested"
            fired.setdefault("typo" if q.label == "typo" else "clean", []).append(f"{q.query} ({kind})")
    typo = sum(q.label == "typo" for q in queries)
    clean = fired.get("clean", [])
    return (
        f"\n{set_name}: correction fired on {len(fired.get('typo', []))} of {typo} typo queries and on "
        f"{len(clean)} of {len(queries) - typo} others" + (f": {', '.join(clean)}" if clean else "")
    )


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
    parser.add_argument(
        "--markdown", action="store_true", help="print one table per query set, as in docs/benchmarks.md"
    )
    args = parser.parse_args()
    corpus = load_corpus(args.articles)
    docs = [to_index_doc(a) for a in corpus.articles if a.is_public]
    print(f"# {len(docs)} articles from {args.articles}")
    run(docs, corpus.synonyms, {p.name: read_queries(p) for p in args.queries}, markdown=args.markdown)
    for path in paraphrase_sets():
        run_paraphrases(path)


if __name__ == "__main__":
    main()
