"""Load test: gunicorn (gunicorn.conf.py) on 127.0.0.1 with the sample corpus, driven by locust.

    .venv/bin/pip install -e '.[load]'
    .venv/bin/python bench/load/run.py                     # 100 clients for 60 s
    .venv/bin/python bench/load/run.py --reindex 3         # ... and on while `kb index --force` runs three times

Everything lives in a temporary folder (index, search log, security state); the server's settings come
from KB_* variables only. Prints one Markdown table row for docs/benchmarks.md and exits 1 if any
request failed (an HTTP error, a refused connection, or a response that is not a result list).
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def reindex(times: int, env: dict, delay: float, log: list) -> None:
    """`kb index --force` ``times`` times, one after the other, starting after ``delay`` seconds.

    Logs (exit code, start and end in seconds since the load began, output) for each run.
    """
    began = time.monotonic()
    time.sleep(delay)
    for _ in range(times):
        started = time.monotonic() - began
        done = subprocess.run([str(BIN / "kb"), "index", "--force"], env=env, cwd=REPO, capture_output=True, text=True)
        output = done.stdout.strip() or done.stderr.strip()[-300:]
        log.append((done.returncode, started, time.monotonic() - began, output))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--reindex", type=int, default=0, help="run `kb index --force` this many times meanwhile")
    parser.add_argument("--articles", type=Path, default=REPO / "articles")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kb-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_ARTICLES=str(args.articles),
        KB_INDEX=str(work / "index"),
        KB_DB=str(work / "analytics.sqlite3"),
        KB_STATE_DB=str(work / "state.sqlite3"),
        KB_USERS_FILE=str(work / "users.json"),
        KB_SECRET_KEY="load-test-secret",
    )
    subprocess.run([str(BIN / "kb"), "index"], env=env, cwd=REPO, check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = work / "gunicorn.log"
    with server_log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"), "-b", f"127.0.0.1:{port}"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    builds: list = []
    try:
        wait_healthy(url, server)
        builder = threading.Thread(target=reindex, args=(args.reindex, env, 3, builds), daemon=True)
        builder.start()
        prefix = work / "locust"
        load = subprocess.Popen(
            [
                str(BIN / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.seconds + 3600 if args.reindex else args.seconds}s",  # with builds: stopped below
                "--host",
                url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=REPO,
        )
        began = time.monotonic()
        if args.reindex:  # the load goes on for --seconds, and longer if the builds are not done by then
            builder.join()
            time.sleep(max(0.0, args.seconds - (time.monotonic() - began)) + 2)
            load.send_signal(signal.SIGTERM)  # locust stops and writes its CSV files
        load.wait()
        seconds = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(timeout=60)

    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])
    requests = int(total["Request Count"])
    print(f"gunicorn log: {server_log}")
    for code, start, end, output in builds:
        print(f"kb index --force: exit {code}, from {start:.0f} s to {end:.0f} s of the load: {output}")
    print(
        "| clients | seconds | reindex runs | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
        f"| {args.users} | {seconds:.0f} | {args.reindex} | {requests} | {failures} |"
        f" {float(total['Requests/s']):.0f} | {total['50%']} | {total['95%']} | {total['99%']} |"
        f" {float(total['Max Response Time']):.0f} |"
    )
    with open(f"{prefix}_failures.csv", encoding="utf-8") as errors:
        for row in csv.DictReader(errors):
            print(f"FAILED {row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}")
    builds_ok = len(builds) == args.reindex and all(code == 0 for code, _, _, _ in builds)
    ok = failures == 0 and requests > 0 and builds_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
