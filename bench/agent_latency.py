"""Agent console search round trip through a real gunicorn on 127.0.0.1.

    python bench/agent_latency.py                 # sample articles, dev queries, 3 rounds
    python bench/agent_latency.py --rounds 5 --workers 2

Logs in like an agent, then sends every query of bench/queries/dev.tsv to
/agent/api/search (keep-alive, one client, sequential) and reports p50/p95/p99.
The same run times /healthz (no search) as the baseline of server + HTTP overhead,
so the ratio shows what search itself costs on this machine right now.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.evaluate import read_queries  # noqa: E402
from kb.indexing import build  # noqa: E402
from kb.users import add_user  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Client:
    """A keep-alive HTTP client with a cookie, like one agent's browser tab."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode("utf-8")
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=REPO / "articles")
    parser.add_argument("--queries", type=Path, default=REPO / "bench/queries/dev.tsv")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kb-latency-"))
    build(args.articles, work / "index")
    add_user(work / "users.json", "bench", "benchmark-password")
    port = free_port()
    env = {
        **os.environ,
        "KB_ARTICLES": str(args.articles),
        "KB_INDEX": str(work / "index"),
        "KB_DB": str(work / "analytics.sqlite3"),
        "KB_STATE_DB": str(work / "state.sqlite3"),
        "KB_USERS_FILE": str(work / "users.json"),
        "KB_SECRET_KEY": "benchmark",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "kb.web:create_app()",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        client = Client(port)
        status, page = client.request("GET", "/agent/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": "bench", "password": "benchmark-password", "csrf_token": token})
        status, _ = client.request("POST", "/agent/login", form)
        assert status == 303, f"login failed: {status}"

        queries = [q.query for q in read_queries(args.queries)]
        paths = [f"/agent/api/search?q={urllib.parse.quote(q)}&limit=10&typing=1" for q in queries]
        for path in paths:  # warm-up: every worker's caches, Kiwi loaded
            client.request("GET", path)
        search_ms, health_ms = [], []
        for _ in range(args.rounds):
            for path in paths:
                started = time.perf_counter()
                status, body = client.request("GET", path)
                search_ms.append((time.perf_counter() - started) * 1000)
                assert status == 200, body[:200]
                started = time.perf_counter()
                client.request("GET", "/healthz")
                health_ms.append((time.perf_counter() - started) * 1000)
        json.loads(body)
    finally:
        server.terminate()
        server.wait(timeout=20)

    def row(name, values):
        return (
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} | "
            f"{percentile(values, 99):.1f} | {max(values):.1f} |"
        )

    print(f"# agent search round trip, gunicorn -w {args.workers}, {len(queries)} queries x {args.rounds} rounds")
    print("| request | n | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    print(row("/agent/api/search", search_ms))
    print(row("/healthz (baseline)", health_ms))
    ratio = percentile(search_ms, 95) / percentile(health_ms, 95)
    print(
        f"\np95 search / p95 baseline = {ratio:.1f}x; target p95 < 50 ms: "
        f"{'met' if percentile(search_ms, 95) < 50 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
