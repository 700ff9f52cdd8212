"""Keep-alive latency: one client, requests one after another on one connection, against gunicorn.conf.py.

    .venv/bin/python bench/load/keepalive.py [--requests 300]

A keep-alive connection whose responses are written in two parts (headers, then body) stalls ~40 ms
per request when Nagle's algorithm waits for the client's delayed ACK. This prints p50/p95 of the
same requests on one kept-alive connection and on a new connection each time: with TCP_NODELAY the
kept-alive ones are the faster, far below 40 ms; with the stall they would sit at 40 ms or more.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, REPO, free_port, wait_healthy  # noqa: E402

SEARCHES = [
    "/api/search?" + urllib.parse.urlencode({"q": q, "typing": "1"})
    for q in ("카드 분실", "결재 안돼요", "zkem qnstlf", "포인트 현금화", "해외 결제")
]
HEALTH = ["/healthz"]  # almost no work: what is left is the transport, where a Nagle stall would show


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(connection_for, requests: int, paths: list[str]) -> list[float]:
    times = []
    for i in range(requests):
        connection = connection_for()
        started = time.perf_counter()
        connection.request("GET", paths[i % len(paths)])
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.status
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-keepalive-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_INDEX=str(work / "index"),
        KB_DB=str(work / "analytics.sqlite3"),
        KB_STATE_DB=str(work / "state.sqlite3"),
        KB_SECRET_KEY="keepalive-bench",
    )
    subprocess.run([str(BIN / "kb"), "index"], env=env, cwd=REPO, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"), "-b", f"127.0.0.1:{port}", "-w", "1"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        kept = http.client.HTTPConnection("127.0.0.1", port)
        timed(lambda: kept, len(SEARCHES) * 2, SEARCHES)  # warm-up: Kiwi, caches
        rows = []
        for what, paths in (("/healthz", HEALTH), ("/api/search", SEARCHES)):
            rows.append((what, "one kept-alive connection", timed(lambda: kept, args.requests, paths)))
            new = timed(lambda: http.client.HTTPConnection("127.0.0.1", port), args.requests, paths)
            rows.append((what, "a new connection each", new))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("| path | connection | requests | p50 ms | p95 ms | mean ms |\n|---|---|---|---|---|---|")
    for what, name, values in rows:
        print(
            f"| {what} | {name} | {len(values)} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} |"
            f" {statistics.mean(values):.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
