"""Helpers for the static-export benchmarks: serve an export, drive Chromium, run Pagefind.

Used by bench/static_parity.py and bench/static_size.py; not a benchmark on its own.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``python -m http.server`` on 127.0.0.1 over ``folder``; yields the root URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run_timed(command: list[str]) -> tuple[float, float]:
    """Run ``command``; (seconds, its peak RSS in MB), measured in a fresh wrapper process of its own."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _PEAK, *command], check=True, capture_output=True, text=True)
    return time.perf_counter() - started, int(result.stdout.split()[-1]) / 1024


def run_pagefind(site: Path) -> tuple[float, float]:
    """Index the exported article pages with Pagefind (pip pagefind[extended]): (seconds, peak MB)."""
    return run_timed(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(site),
            "--glob",
            "articles/*.html",
            "--root-selector",
            "article",
        ]
    )


PAGEFIND_SEARCH = """async (q) => {
  if (!window.__pf) { window.__pf = await import('./pagefind/pagefind.js'); await window.__pf.init(); }
  const started = performance.now();
  const found = await window.__pf.search(q);
  const top = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  return {ms: performance.now() - started, urls: top.map((d) => d.url)};
}"""


def article_id(url: str) -> str:
    return unquote(urlsplit(url).path).rsplit("/", 1)[-1].removesuffix(".html")


def pagefind_search(site: Path, queries: list[str], cold_bytes: bool = False) -> dict[str, list[str]] | tuple:
    """Top 10 article ids per query from Pagefind in Chromium; with ``cold_bytes`` also the gzipped
    bytes each query fetched on a fresh page (script, WASM, index chunks, fragments of the top 10)."""
    ranked: dict[str, list[str]] = {}
    downloads: list[int] = []
    with serve(site) as root, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(root + "search.html")
        for q in queries:
            ranked[q] = [article_id(u) for u in page.evaluate(PAGEFIND_SEARCH, q)["urls"]]
        context.close()
        if cold_bytes:
            for q in queries:
                context = browser.new_context()
                page = context.new_page()
                page.goto(root + "search.html")
                fetched: list[str] = []
                page.on("request", lambda r, fetched=fetched: fetched.append(r.url))
                page.evaluate(PAGEFIND_SEARCH, q)
                downloads.append(sum(gzipped(site / unquote(urlsplit(u).path).lstrip("/")) for u in fetched))
                context.close()
    return (ranked, downloads) if cold_bytes else ranked
