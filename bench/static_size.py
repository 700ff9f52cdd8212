"""The static export at scale: export time and memory, download before the first result, query time.

    python bench/static_size.py                         # the sample knowledge base, dev queries
    python bench/static_size.py --synthetic 1000        # ../shared/bench/gen_corpus.py 1000, its 300 queries
    python bench/static_size.py --synthetic 1000 --pagefind   # Pagefind on the same pages, side by side
    python bench/static_size.py --articles C/docs --queries C/queries.tsv --index IX   # an existing corpus
                                                        # and its build folder (kb export brings it up to date)

Download before the first result: every file a fresh page needs to answer one query (search.js,
hangul.js, static-search.js, meta.js and each shard the query loads, from a cold cache), gzipped,
median over the queries; measured on the exported files by the same JavaScript in Node.
Suggestion list: the shards each keystroke loads (a fresh page typing the query, 카 ㅋ 카ㄷ 카드 ...),
gzipped, per keystroke and per query typed.
Query time: headless Chromium over ``python -m http.server``, after the query's shards are loaded.
Pagefind: the same exported article pages indexed by ``python -m pagefind`` (pip pagefind[extended]),
searched in the same Chromium; its bytes are the files the page fetched for one cold query.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.static_browser import chromium, gzipped, pagefind_search, run_pagefind, run_timed, serve  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402

GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
CATEGORIES = {
    "payments": "결제",
    "cancellation": "취소·환불",
    "installments": "할부",
    "benefits": "혜택",
    "points": "포인트",
    "lost-cards": "분실·도난",
    "customer-center": "고객센터",
}
FIXED = ("static/search.js", "static/hangul.js", "static/static-search.js", "static/search/meta.js")
TIMED_SEARCH = """async (queries) => {
  const times = [];
  for (const q of queries) await window.KBStaticSearch.search(q, {limit: 20});  // loads the shards
  for (const q of queries) {
    const started = performance.now();
    await window.KBStaticSearch.search(q, {limit: 20});
    times.push(performance.now() - started);
  }
  return times;
}"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def synthetic(size: int, work: Path) -> tuple[Path, list[str]]:
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), str(size), str(work / "gen")], check=True, stdout=subprocess.DEVNULL
    )
    articles = work / "gen" / "docs"
    lines = [f"{key}:\n  label: {label}\n" for key, label in CATEGORIES.items()]
    (articles / "categories.yml").write_text("".join(lines), encoding="utf-8")
    queries = [line.split("\t")[2] for line in (work / "gen" / "queries.tsv").read_text(encoding="utf-8").splitlines()]
    return articles, queries


def cold_downloads(site: Path, queries: list[str]) -> list[int]:
    result = subprocess.run(
        ["node", str(REPO / "tests/js/node_search.js"), str(site), "--cold", "--limit", "20"],
        input="\n".join(queries) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    fixed = sum(gzipped(site / name) for name in FIXED)
    sizes: dict[str, int] = {}
    out = []
    for line in result.stdout.splitlines():
        files = json.loads(line)["files"]
        for name in files:
            if name not in sizes:
                sizes[name] = gzipped(site / "static" / "search" / name)
        out.append(fixed + sum(sizes[name] for name in set(files)))
    return out


def keystrokes(query: str) -> list[str]:
    """What the box holds while ``query`` is typed: 카 then 카ㄷ, 카드 (a syllable's first consonant first)."""
    from indexer.hangul import decompose, is_syllable

    out = []
    for i, ch in enumerate(query, 1):
        if is_syllable(ch):
            out.append(query[: i - 1] + decompose(ch)[0])
        out.append(query[:i])
    return out


def typing_downloads(site: Path, queries: list[str]) -> tuple[list[int], list[int]]:
    """Gzipped bytes of the suggestion shards: (per keystroke, per query typed from an empty box)."""
    lines = [json.dumps(keystrokes(q), ensure_ascii=False) for q in queries]
    result = subprocess.run(
        ["node", str(REPO / "tests/js/node_search.js"), str(site), "--typing"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    sizes: dict[str, int] = {}
    per_key, per_query = [], []
    for line in result.stdout.splitlines():
        total = 0
        for files in json.loads(line)["files"]:
            for name in files:
                if name not in sizes:
                    sizes[name] = gzipped(site / "static" / "search" / name)
            per_key.append(sum(sizes[name] for name in files))
            total += per_key[-1]
        per_query.append(total)
    return per_key, per_query


def read_query_file(path: Path) -> list[str]:
    """bench/queries/*.tsv (query first) or gen_corpus's queries.tsv (label, category, query)."""
    if path.name == "queries.tsv":
        return [line.split("\t")[2] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q.query for q in read_queries(path)]


def query_times(site: Path, queries: list[str]) -> list[float]:
    with serve(site) as root, chromium() as browser:
        page = browser.new_page()
        page.goto(root + "search.html")
        page.wait_for_function("window.KBStaticSearch !== undefined")
        return page.evaluate(TIMED_SEARCH, queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0, help="Articles to generate (0: the sample knowledge base).")
    parser.add_argument("--pagefind", action="store_true", help="Index the same pages with Pagefind and compare.")
    parser.add_argument("--pagefind-queries", type=int, default=60, help="Cold Pagefind queries to measure.")
    parser.add_argument("--articles", type=Path, help="An existing corpus (instead of --synthetic).")
    parser.add_argument("--queries", type=Path, help="Its queries (gen_corpus queries.tsv or bench/queries/*.tsv).")
    parser.add_argument("--index", type=Path, help="An existing index folder to export from (not rebuilt if current).")
    parser.add_argument("--work", type=Path, help="Where the export goes (default: a new temporary folder).")
    parser.add_argument("--site", type=Path, help="Measure this finished export only (no index, no export runs).")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="static-size-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.articles:
        articles = args.articles
        queries = read_query_file(args.queries)
        name = f"{articles}"
    elif args.synthetic:
        articles, queries = synthetic(args.synthetic, work)
        name = f"{args.synthetic:,} synthetic articles"
    else:
        articles = REPO / "articles"
        queries = [q.query for q in read_queries(REPO / "bench" / "queries" / "dev.tsv")]
        name = "sample knowledge base"
    kb = [sys.executable, "-m", "kb.cli"]
    index, site = args.index or work / "index", args.site or work / "site"
    index_s = index_mb = export_s = export_mb = again_s = one_s = None
    if not args.index and not args.site:  # a given build is brought up to date by kb export itself
        index_s, index_mb = run_timed(kb + ["index", "--articles", str(articles), "--index", str(index)])
    if not args.site:
        export_s, export_mb = run_timed(kb + ["export", str(site), "--articles", str(articles), "--index", str(index)])
        again_s, _ = run_timed(kb + ["export", str(site), "--articles", str(articles), "--index", str(index)])
    if args.articles and not args.site:  # one article edited (on a copy of the corpus: the given one may be read-only)
        import shutil

        edited = work / "articles-edited"
        shutil.rmtree(edited, ignore_errors=True)
        shutil.copytree(articles, edited)
        path = sorted(edited.rglob("*.md"))[0]
        path.write_text(path.read_text(encoding="utf-8") + "\n추가된 문장입니다.\n", encoding="utf-8")
        one_s, _ = run_timed(kb + ["export", str(site), "--articles", str(edited), "--index", str(index)])
    files = [p for p in (site / "static" / "search").rglob("*.js")]
    downloads = cold_downloads(site, queries)
    per_key, per_query = typing_downloads(site, queries)
    times = query_times(site, queries)
    print(f"## {name}: {len(queries)} queries")
    if index_s is not None:
        print(f"kb index: {index_s:.1f} s, peak RSS {index_mb:.0f} MB")
    if export_s is not None:
        print(f"kb export: {export_s:.1f} s, peak RSS {export_mb:.0f} MB; unchanged re-export {again_s:.1f} s")
    if one_s is not None:
        print(f"kb export after one article changed (rebuild + re-export): {one_s:.1f} s")
    print(f"search index: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB")
    print(
        f"download before the first result (gzip): median {statistics.median(downloads) / 1024:.1f} kB, "
        f"p90 {percentile(downloads, 90) / 1024:.1f} kB, max {max(downloads) / 1024:.1f} kB"
    )
    print(
        f"suggestion list while typing (gzip): per keystroke median {statistics.median(per_key) / 1024:.2f} kB, "
        f"p95 {percentile(per_key, 95) / 1024:.2f} kB, max {max(per_key) / 1024:.1f} kB; "
        f"per query typed median {statistics.median(per_query) / 1024:.1f} kB"
    )
    print(
        f"query time in Chromium (shards loaded): p50 {percentile(times, 50):.1f} ms, "
        f"p95 {percentile(times, 95):.1f} ms, p99 {percentile(times, 99):.1f} ms"
    )
    if args.pagefind:
        pagefind_s, pagefind_mb = run_pagefind(site)
        subset = queries[:: max(1, len(queries) // args.pagefind_queries)][: args.pagefind_queries]
        _, cold = pagefind_search(site, subset, cold_bytes=True)
        print(f"pagefind index: {pagefind_s:.1f} s, peak RSS {pagefind_mb:.0f} MB")
        print(
            f"pagefind download before the first result (gzip, {len(subset)} cold queries): "
            f"median {statistics.median(cold) / 1024:.1f} kB, max {max(cold) / 1024:.1f} kB"
        )


if __name__ == "__main__":
    main()
