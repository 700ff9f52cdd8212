"""Speed as the knowledge base grows, measured from outside on the generator's synthetic corpora.

    python bench/scale.py --sizes 1000 20000 --data /tmp/kb-scale          # full run
    python bench/scale.py --sizes 20000 --data /tmp/kb-scale --reuse       # reuse corpora and builds

For each size N, with ``../shared/bench/gen_corpus.py N`` (deterministic articles, the fixed 300 queries) and the
project's categories.yml and synonyms.yml:

1. ``kb index`` from nothing: wall time, peak RSS of the process, size of the build folder;
2. one article changed (a sentence appended), ``kb index`` again: wall time (then changed back and indexed again);
3. ``kb serve --no-build``: seconds until /healthz answers; the 300 queries to /api/search over HTTP, a new
   connection per request (one warm-up pass): p50/p95/p99; suggestions (/api/suggest) on 2-4 character prefixes
   of the queries: p95; the same queries and /healthz on one kept-alive connection (a Nagle stall would put
   requests at ~40 ms: counted); the server process's RSS (now and peak) after all of it;
4. in-process, the same build and the same query plans, ranking only (200 candidates): the score table
   (``scorer="table"``, the live path) on all 300, Whoosh's own matchers (``SearchEngine(scorer="whoosh")``) on all
   300 below 20,000 articles and on every 10th query from 20,000 on (~3.6 s a query at 20,000; ``--whoosh-every``),
   and, with ``--tantivy`` (``pip install -e '.[bench]'``), tantivy on the same Kiwi terms (read from the build's
   analysis cache), fields, weights and n-grams; ratios against the table on the same queries.

Builds are reused with ``--reuse`` (a 20,000-article build takes minutes on two cores); ``--steps`` picks what to
measure (build, serve, rank), e.g. the ranking comparison alone on an existing build:

    python bench/scale.py --sizes 100000 --data /tmp/kb-speed --reuse --steps rank --tantivy --json /tmp/r-{size}.json

Prints one Markdown table per measurement, with the load average; ``--json FILE`` also writes the numbers (``{size}``
in the name: one file per size), which ``bench/plot_scale.py`` draws as docs/scale.svg.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"
KB = [sys.executable, "-m", "kb.cli"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def stats(times: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "p99": percentile(times, 99)}


def corpus(size: int, data: Path, generator: Path) -> Path:
    folder = data / f"c{size}"
    if not (folder / "queries.tsv").exists():
        subprocess.run([sys.executable, str(generator), str(size), str(folder)], check=True)
    for name in ("categories.yml", "synonyms.yml"):
        if not (folder / "docs" / name).exists():
            shutil.copy(REPO / "articles" / name, folder / "docs" / name)
    return folder


def timed_child(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a child process (its own, not an earlier child's)."""
    started = time.perf_counter()
    pid = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).pid
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({status})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def build(size: int, folder: Path, index: Path, env: dict, reuse: bool) -> dict:
    out: dict = {}
    if not (reuse and (index / "current").exists()):
        shutil.rmtree(index, ignore_errors=True)
        out["build_s"], out["build_rss_mb"] = timed_child(
            [*KB, "index", "--articles", str(folder / "docs"), "--index", str(index)], env
        )
    out["index_mb"] = folder_mb((index / "current").resolve())
    # one article changed: a sentence appended to the first article's body, then undone
    article = next((folder / "docs").rglob("*.md"))
    original = article.read_text(encoding="utf-8")
    article.write_text(original + "\n이 문서는 벤치마크에서 한 문장을 고친 글입니다.\n", encoding="utf-8")
    try:
        out["reindex_s"], out["reindex_rss_mb"] = timed_child(
            [*KB, "index", "--articles", str(folder / "docs"), "--index", str(index)], env
        )
    finally:
        article.write_text(original, encoding="utf-8")
    timed_child([*KB, "index", "--articles", str(folder / "docs"), "--index", str(index)], env)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, connection: http.client.HTTPConnection | None = None) -> float:
    """Milliseconds for one GET, body read: on a new connection, or on ``connection`` kept alive."""
    started = time.perf_counter()
    kept = connection is not None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if not kept:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return (time.perf_counter() - started) * 1000


STALL_MS = 35  # a Nagle stall waits for the client's delayed ACK: ~40 ms on Linux


def keep_alive(port: int, paths: list[str]) -> dict:
    """The same requests on one kept-alive connection: latency, and how many took a stall's 35 ms or more."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        health = [get(port, "/healthz", connection) for _ in range(200)]
        search = [get(port, path, connection) for path in paths]
    finally:
        connection.close()
    return {
        "healthz": {**stats(health), "max": max(health), "stalls": sum(t >= STALL_MS for t in health)},
        "search": {**stats(search), "max": max(search), "stalls": sum(t >= STALL_MS for t in search)},
    }


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory of a process now and at its peak (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": fields.get("VmRSS", float("nan")), "peak_rss_mb": fields.get("VmHWM", float("nan"))}


def serve(folder: Path, index: Path, env: dict, queries: list[str]) -> dict:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*KB, "serve", "--no-build", "--port", str(port), "--articles", str(folder / "docs"), "--index", str(index)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                get(port, "/healthz")
                break
            except (OSError, RuntimeError):
                if server.poll() is not None:
                    raise RuntimeError("kb serve exited") from None
                time.sleep(0.1)
        startup = time.perf_counter() - started
        paths = [f"/api/search?q={urllib.parse.quote(q)}" for q in queries]
        for path in paths:  # warm-up
            get(port, path)
        search = [get(port, path) for path in paths]
        prefixes = [q[:n] for q in queries[:100] for n in (2, 3, 4) if len(q) >= n]
        suggest = [get(port, f"/api/suggest?q={urllib.parse.quote(p)}") for p in prefixes]
        kept = keep_alive(port, paths)
        return {
            "startup_s": startup,
            "http": stats(search),
            "suggest": stats(suggest),
            "keep_alive": kept,
            **rss_mb(server.pid),
        }
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


WHOOSH_SAMPLE_FROM = 20_000  # Whoosh's own matchers cost ~3.6 s a query at 20,000 articles: a sample from here on
WHOOSH_EVERY = 10


def whoosh_sample(size: int, every: int | None) -> list[int]:
    """Positions of the queries ranked by Whoosh's matchers: all 300 below 20,000 articles, else every
    10th (0, 10, ..., 290: the same 30 for every run and size, all three kinds of query)."""
    step = every or (WHOOSH_EVERY if size >= WHOOSH_SAMPLE_FROM else 1)
    return list(range(0, 300, step))


def sample_note(sample: list[int]) -> str:
    if len(sample) >= 300:
        return "all 300 queries"
    return f"every {sample[1] - sample[0]}th of the 300 queries ({len(sample)}: positions 0, {sample[1]}, ...)"


def timed_ranks(engine, plans) -> tuple[list[float], list[list[int]]]:
    """Milliseconds per plan and the top 10 document numbers, ranking alone (200 candidates)."""
    times, tops = [], []
    for plan in plans:
        started = time.perf_counter()
        ranked = engine.rank(plan)
        times.append((time.perf_counter() - started) * 1000)
        tops.append([n for n, _ in ranked[:10]])
    return times, tops


def in_process(index: Path, queries: list[str], with_tantivy: bool, sample: list[int]) -> dict:
    """Ranking alone on the same build and the same query plans: the score table (the live path),
    Whoosh's matchers (``scorer="whoosh"``, on ``sample``), tantivy on the same terms; ratios on the same queries."""
    from indexer.search import SearchEngine

    table = SearchEngine(index)
    plans = [table.plan(q) for q in queries]
    timed_ranks(table, plans)  # warm-up
    table_ms, table_top = timed_ranks(table, plans)
    out: dict = {"load_before": os.getloadavg(), "queries": len(plans), "table": stats(table_ms)}
    whoosh = SearchEngine(index, verified=True, scorer="whoosh")
    timed_ranks(whoosh, [plans[i] for i in sample[:3]])  # warm-up: a few, at ~3.6 s a query at 20,000
    whoosh_ms, whoosh_top = timed_ranks(whoosh, [plans[i] for i in sample])
    whoosh.close()
    on_sample = stats([table_ms[i] for i in sample])
    out["whoosh"] = {
        **stats(whoosh_ms),
        "queries": len(sample),
        "sample": sample_note(sample),
        "table_same_queries": on_sample,
        "p50_ratio": statistics.median(whoosh_ms) / on_sample["p50"],
        "p95_ratio": percentile(whoosh_ms, 95) / on_sample["p95"],
        "same_top10": sum(whoosh_top[k] == table_top[i] for k, i in enumerate(sample)),
    }
    if with_tantivy:
        tantivy = tantivy_ranking(table, plans, index)
        tantivy["p50_ratio"] = tantivy["p50"] / out["table"]["p50"]
        tantivy["p95_ratio"] = tantivy["p95"] / out["table"]["p95"]
        out["tantivy"] = tantivy
    table.close()
    out["load_after"] = os.getloadavg()
    return out


def analysed_terms(texts: list[str], index: Path) -> dict[str, str]:
    """Each text's Kiwi terms as one space-separated string, from the build's analysis cache (Kiwi only
    for texts not there): analysing 20,000 bodies again took a minute; one string per text, not the
    decoded analyses, so 100,000 articles fit in memory."""
    from indexer.analysis import analyze
    from indexer.analysis_cache import iter_cached
    from indexer.build import ANALYZER_VERSION

    joined = {t: " ".join(term.text for term in a[0]) for t, a in iter_cached(texts, index, ANALYZER_VERSION)}
    for text in texts:
        if text not in joined:
            joined[text] = " ".join(term.text for term in analyze(text))
    return joined


def tantivy_ranking(engine, plans, index: Path) -> dict:
    """tantivy on the same terms: the build's Kiwi terms and n-grams per field, the plan's weights."""
    import tantivy

    from indexer.analysis import ngrams
    from indexer.query import FIELD_WEIGHTS, NGRAM_WEIGHTS, weighted_terms
    from indexer.schema import NGRAM_FIELDS, TEXT_FIELDS

    builder = tantivy.SchemaBuilder()
    for name in (*TEXT_FIELDS, *NGRAM_FIELDS):
        builder.add_text_field(name, tokenizer_name="whitespace")
    schema = builder.build()
    tindex = tantivy.Index(schema)
    writer = tindex.writer(heap_size=200_000_000, num_threads=1)
    with engine._borrowed() as searcher:
        reader = searcher.reader()
        stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
    texts = {name: [s.get(name, "") or "" for s in stored] for name in ("title", "questions", "tags", "body")}
    started = time.perf_counter()
    terms = analysed_terms(list({t for values in texts.values() for t in values}), index)
    for n in range(len(stored)):
        fields = {name: terms[texts[name][n]] for name in TEXT_FIELDS if name in texts}
        head = "\n".join([texts["title"][n], texts["questions"][n], texts["tags"][n]])
        fields["head_ng"] = " ".join(t.text for t in ngrams(head))
        fields["body_ng"] = " ".join(t.text for t in ngrams(texts["body"][n]))
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    tindex.reload()
    build_s = time.perf_counter() - started
    tsearcher = tindex.searcher()
    Query, Occur = tantivy.Query, tantivy.Occur

    def term(field, text, boost):
        return (Occur.Should, Query.boost_query(Query.term_query(schema, field, text), boost))

    def query(plan):
        parts = []
        for words, weight in weighted_terms(plan):
            if len(words) == 1:
                parts += [term(f, words[0], w * weight) for f, w in FIELD_WEIGHTS.items()]
            else:
                each = [
                    (
                        Occur.Must,
                        Query.boolean_query([term(f, t, w * weight / len(words)) for f, w in FIELD_WEIGHTS.items()]),
                    )
                    for t in words
                ]
                parts.append((Occur.Should, Query.boolean_query(each)))
        parts += [term(f, g, w) for g in plan.ngrams for f, w in NGRAM_WEIGHTS.items()]
        return Query.boolean_query(parts)

    queries = [query(p) for p in plans]
    for q in queries:
        tsearcher.search(q, 200)
    times = []
    for q in queries:
        started = time.perf_counter()
        hits = tsearcher.search(q, 200).hits
        assert hits is not None
        times.append((time.perf_counter() - started) * 1000)
    return {**stats(times), "build_s_terms_given": build_s}


STEPS = ("build", "serve", "rank")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/kb-scale"))
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    parser.add_argument("--reuse", action="store_true", help="reuse corpora and builds found in --data")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS), help="what to measure")
    parser.add_argument("--tantivy", action="store_true", help="also rank with tantivy on the same terms")
    parser.add_argument(
        "--whoosh-every", type=int, help=f"rank every Nth query with Whoosh (default 1, {WHOOSH_EVERY} from 20,000)"
    )
    parser.add_argument("--json", type=Path, help="write the numbers here ({size} in the name: one file per size)")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in args.sizes:
        folder = corpus(size, args.data, args.generator)
        index = args.data / f"ix{size}"
        env = {**os.environ, "KB_DB": str(args.data / f"analytics{size}.sqlite3"), "PYTHONPATH": str(REPO)}
        queries = [line.rstrip("\n").split("\t")[2] for line in open(folder / "queries.tsv", encoding="utf-8")]
        result = {"size": size, "load_before": os.getloadavg(), "steps": args.steps}
        if "build" in args.steps:
            result.update(build(size, folder, index, env, args.reuse))
        elif not (index / "current").exists():
            raise SystemExit(f"no build in {index}: run with the build step")
        else:
            result["index_mb"] = folder_mb((index / "current").resolve())
        if "serve" in args.steps:
            result.update(serve(folder, index, env, queries))
        if "rank" in args.steps:
            result["in_process"] = in_process(index, queries, args.tantivy, whoosh_sample(size, args.whoosh_every))
        result["load_after"] = os.getloadavg()
        results[size] = result
        print(json.dumps(result, indent=1), flush=True)
        if args.json and "{size}" in args.json.name:
            Path(str(args.json).format(size=size)).write_text(json.dumps({size: result}, indent=1), encoding="utf-8")
        elif args.json:
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    report(results)


def report(results: dict) -> None:
    nan, empty = float("nan"), {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    print(
        "\n| articles | build s | peak RSS MB | build MB | one changed, reindex s | start-up s | HTTP p50 | p95 | p99 |"
        " suggest p50 | p95 | server RSS MB (peak) | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results.values():
        h, s = r.get("http", empty), r.get("suggest", empty)
        load = f"{r['load_before'][0]:.1f} → {r['load_after'][0]:.1f}" if "load_after" in r else ""
        print(
            f"| {r['size']:,} | {r.get('build_s', nan):.1f} | {r.get('build_rss_mb', nan):.0f} |"
            f" {r.get('index_mb', nan):.1f} | {r.get('reindex_s', nan):.1f} | {r.get('startup_s', nan):.1f} |"
            f" {h['p50']:.1f} | {h['p95']:.1f} | {h['p99']:.1f} | {s['p50']:.1f} | {s['p95']:.1f} |"
            f" {r.get('rss_mb', nan):.0f} ({r.get('peak_rss_mb', nan):.0f}) | {load} |"
        )
    print("\n| articles | kept-alive connection | p50 ms | p95 ms | max ms | requests >= 35 ms |")
    print("|---|---|---|---|---|---|")
    for r in results.values():
        for name, k in r.get("keep_alive", {}).items():
            print(f"| {r['size']:,} | {name} | {k['p50']:.1f} | {k['p95']:.1f} | {k['max']:.1f} | {k['stalls']} |")
    print(
        "\n| articles | ranking (in-process, same plans) | queries | p50 ms | p95 ms | p99 ms |"
        " p50 / table | p95 / table |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results.values():
        if "in_process" not in r:
            continue
        p, size = r["in_process"], f"{r['size']:,}"
        t, w = p["table"], p["whoosh"]
        print(
            f"| {size} | score table (live path) | {p['queries']} | {t['p50']:.2f} | {t['p95']:.2f} |"
            f" {t['p99']:.2f} | 1 | 1 |"
        )
        print(
            f"| {size} | Whoosh matchers | {w['queries']} ({w['sample']}) | {w['p50']:.1f} | {w['p95']:.1f} |"
            f" {w['p99']:.1f} | {w['p50_ratio']:.0f} | {w['p95_ratio']:.0f} |"
        )
        if "tantivy" in p:
            x = p["tantivy"]
            print(
                f"| {size} | tantivy, same terms | {p['queries']} | {x['p50']:.2f} | {x['p95']:.2f} | {x['p99']:.2f} |"
                f" {x['p50_ratio']:.2f} | {x['p95_ratio']:.2f} |"
            )
        print(f"| {size} | same top 10, Whoosh vs table | {w['same_top10']} of {w['queries']} | | | | | |")
        print(f"| {size} | load average (ranking) | {p['load_before'][0]:.1f} → {p['load_after'][0]:.1f} | | | | | |")


if __name__ == "__main__":
    main()
