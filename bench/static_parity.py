"""Quality parity of the static export's browser search with the live search (and Pagefind beside them).

    python bench/static_parity.py [--articles articles] [--pagefind]

Exports the knowledge base, runs every query of bench/queries/dev.tsv and holdout.tsv through
(1) the live engine in-process, (2) the exported JavaScript search in Node on the exported files
(the same code the pages run), and with --pagefind (3) Pagefind indexing the same exported pages,
searched in Node. Prints MRR@10 and R@5 per set and per label, and the largest gap live - static.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer import PUBLIC, live_path  # noqa: E402
from kb.config import Settings  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.evaluate import evaluate, read_queries  # noqa: E402
from kb.export import export_site, published_corpus  # noqa: E402
from kb.indexing import build  # noqa: E402
from kb.snapshot import Snapshot  # noqa: E402

SETS = ("dev", "holdout")


def node_search(export_dir: Path, queries: list[str]) -> dict[str, list[str]]:
    result = subprocess.run(
        ["node", str(REPO / "tests/js/node_search.js"), str(export_dir)],
        input="\n".join(queries) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return {line["query"]: line["ids"] for line in lines}


def table(name: str, results: dict[str, tuple]) -> str:
    labels = sorted({label for overall, by_label in results.values() for label in by_label})
    head = f"{'set / label':24}" + "".join(f"{engine:>22}" for engine in results)
    rows = [head, f"{'':24}" + "".join(f"{'MRR@10   R@5':>22}" for _ in results)]
    for label in [None, *labels]:
        cells = []
        for overall, by_label in results.values():
            scores = overall if label is None else by_label.get(label)
            cells.append(f"{scores.mrr:>14.3f}{scores.recall_at_5:>8.3f}" if scores else f"{'-':>22}")
        rows.append(f"{name + ' / ' + (label or 'all'):24}" + "".join(cells))
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=REPO / "articles")
    parser.add_argument("--pagefind", action="store_true", help="Also index the export with Pagefind (npx pagefind).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="static-parity-"))
    corpus = load_corpus(args.articles)
    settings = Settings(articles_dir=args.articles, index_dir=work / "index")
    build(corpus, settings.index_dir)
    out = work / "site"
    export_site(published_corpus(settings.index_dir)[0], out, index_dir=settings.index_dir)
    snapshot = Snapshot.open(live_path(settings.index_dir))
    if args.pagefind:
        from bench.static_browser import pagefind_search, run_pagefind

        run_pagefind(out)
    worst = 0.0
    for name in SETS:
        queries = read_queries(REPO / "bench" / "queries" / f"{name}.tsv")
        texts = [q.query for q in queries]
        static = node_search(out, texts)
        results = {
            "live": evaluate(queries, lambda q: [h.id for h in snapshot.search(q, limit=10, audiences=PUBLIC).hits]),
            "static (JS)": evaluate(queries, static.__getitem__),
        }
        if args.pagefind:
            found = pagefind_search(out, texts)
            results["pagefind"] = evaluate(queries, found.__getitem__)
        print(table(name, results))
        print()
        live, static_scores = results["live"], results["static (JS)"]
        for scores in [(live[0], static_scores[0])] + [(live[1][k], static_scores[1][k]) for k in live[1]]:
            gap = max(scores[0].mrr - scores[1].mrr, scores[0].recall_at_5 - scores[1].recall_at_5)
            worst = max(worst, gap)
    print(f"largest gap (live - static) in MRR@10 or R@5 over sets and labels: {worst:.3f}")


if __name__ == "__main__":
    main()
