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
4. in-process, the same build and the same query plans, ranking only (200 candidates): Whoosh's own matchers
   (the old path, ``SearchEngine(scorer="whoosh")``), the score table (``scorer="table"``), and, with
   ``--tantivy``, tantivy on the same Kiwi terms, fields, weights and n-grams; ratios against the table.

Builds are reused with ``--reuse`` (a 20,000-article build takes minutes on two cores). Prints one Markdown table
per measurement; ``--json FILE`` also writes the numbers (``bench/plot_scale.py`` draws docs/scale.svg from them).
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


def in_process(index: Path, queries: list[str], with_tantivy: bool) -> dict:
    from indexer.search import SearchEngine

    table = SearchEngine(index)
    whoosh = SearchEngine(index, verified=True, scorer="whoosh")
    plans = [table.plan(q) for q in queries]
    out = {}
    for name, engine in (("table", table), ("whoosh", whoosh)):
        for plan in plans:  # warm-up
            engine.rank(plan)
        times = []
        for plan in plans:
            started = time.perf_counter()
            engine.rank(plan)
            times.append((time.perf_counter() - started) * 1000)
        out[name] = stats(times)
    same = sum([n for n, _ in table.rank(p)[:10]] == [n for n, _ in whoosh.rank(p)[:10]] for p in plans)
    out["same_top10"] = same
    if with_tantivy:
        out["tantivy"] = tantivy_ranking(table, plans)
    table.close()
    whoosh.close()
    return out


def tantivy_ranking(engine, plans) -> dict:
    """tantivy on the same terms: the build's Kiwi terms and n-grams per field, the plan's weights."""
    import tantivy

    from indexer.analysis import analyze, analyze_many, ngrams
    from indexer.query import FIELD_WEIGHTS, NGRAM_WEIGHTS, weighted_terms
    from indexer.schema import NGRAM_FIELDS, TEXT_FIELDS

    builder = tantivy.SchemaBuilder()
    for name in (*TEXT_FIELDS, *NGRAM_FIELDS):
        builder.add_text_field(name, tokenizer_name="whitespace")
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    searcher = engine._searcher()
    reader = searcher.reader()
    stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
    texts = {name: [s.get(name, "") or "" for s in stored] for name in ("title", "questions", "tags", "body")}
    started = time.perf_counter()
    analyze_many(t for values in texts.values() for t in values)
    for n in range(len(stored)):
        fields = {name: " ".join(t.text for t in analyze(texts[name][n])) for name in TEXT_FIELDS if name in texts}
        head = "\n".join([texts["title"][n], texts["questions"][n], texts["tags"][n]])
        fields["head_ng"] = " ".join(t.text for t in ngrams(head))
        fields["body_ng"] = " ".join(t.text for t in ngrams(texts["body"][n]))
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    index.reload()
    build_s = time.perf_counter() - started
    tsearcher = index.searcher()
    Query, Occur = tantivy.Query, tantivy.Occur

    def term(field, text, boost):
        return (Occur.Should, Query.boost_query(Query.term_query(schema, field, text), boost))

    def query(plan):
        parts = []
        for terms, weight in weighted_terms(plan):
            if len(terms) == 1:
                parts += [term(f, terms[0], w * weight) for f, w in FIELD_WEIGHTS.items()]
            else:
                words = [
                    (
                        Occur.Must,
                        Query.boolean_query([term(f, t, w * weight / len(terms)) for f, w in FIELD_WEIGHTS.items()]),
                    )
                    for t in terms
                ]
                parts.append((Occur.Should, Query.boolean_query(words)))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/kb-scale"))
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    parser.add_argument("--reuse", action="store_true", help="reuse corpora and builds found in --data")
    parser.add_argument("--tantivy", action="store_true", help="also rank with tantivy on the same terms")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in args.sizes:
        folder = corpus(size, args.data, args.generator)
        index = args.data / f"ix{size}"
        env = {**os.environ, "KB_DB": str(args.data / f"analytics{size}.sqlite3"), "PYTHONPATH": str(REPO)}
        queries = [line.rstrip("\n").split("\t")[2] for line in open(folder / "queries.tsv", encoding="utf-8")]
        result = {"size": size, **build(size, folder, index, env, args.reuse)}
        result.update(serve(folder, index, env, queries))
        result["in_process"] = in_process(index, queries, args.tantivy)
        results[size] = result
        print(json.dumps(result, indent=1), flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    report(results)


def report(results: dict) -> None:
    nan = float("nan")
    print(
        "\n| articles | build s | peak RSS MB | build MB | one changed, reindex s | start-up s | HTTP p50 | p95 | p99 |"
        " suggest p50 | p95 | server RSS MB (peak) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results.values():
        h, s = r["http"], r["suggest"]
        print(
            f"| {r['size']:,} | {r.get('build_s', nan):.1f} | {r.get('build_rss_mb', nan):.0f} |"
            f" {r['index_mb']:.1f} | {r.get('reindex_s', nan):.1f} | {r['startup_s']:.1f} | {h['p50']:.1f} |"
            f" {h['p95']:.1f} | {h['p99']:.1f} | {s['p50']:.1f} | {s['p95']:.1f} |"
            f" {r.get('rss_mb', nan):.0f} ({r.get('peak_rss_mb', nan):.0f}) |"
        )
    print("\n| articles | kept-alive connection | p50 ms | p95 ms | max ms | requests >= 35 ms |")
    print("|---|---|---|---|---|---|")
    for r in results.values():
        for name, k in r.get("keep_alive", {}).items():
            print(f"| {r['size']:,} | {name} | {k['p50']:.1f} | {k['p95']:.1f} | {k['max']:.1f} | {k['stalls']} |")
    print("\n| articles | ranking | p50 ms | p95 ms | p99 ms | p95 / table |")
    print("|---|---|---|---|---|---|")
    for r in results.values():
        if "in_process" not in r:
            continue
        p = r["in_process"]
        for name in ("table", "whoosh", "tantivy"):
            if name in p:
                s = p[name]
                print(
                    f"| {r['size']:,} | {name} | {s['p50']:.2f} | {s['p95']:.2f} | {s['p99']:.2f} |"
                    f" {s['p95'] / p['table']['p95']:.2f} |"
                )
        print(f"| {r['size']:,} | same top 10, table vs Whoosh | {p['same_top10']}/300 | | | |")


if __name__ == "__main__":
    main()
