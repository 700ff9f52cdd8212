"""Locust clients for the load test (bench/load/run.py starts gunicorn and runs this headless).

Each simulated customer does what the site's visitors do: types a query (instant-search keystrokes
through /api/suggest and /api/search?typing=1), finishes it (a logged search), opens the top article,
sometimes loads the search page or the home page. Queries come from bench/queries/dev.tsv. Connections
are kept alive (FastHttpUser), as a browser keeps them.
"""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

QUERIES = [
    line.split("\t", 1)[0]
    for line in (Path(__file__).resolve().parents[1] / "queries" / "dev.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


class Customer(FastHttpUser):
    wait_time = between(0.5, 1.5)

    @task(6)
    def search_as_you_type(self):
        query = random.choice(QUERIES)
        for end in sorted({max(1, len(query) // 2), len(query)}):
            self.client.get("/api/suggest?" + urlencode({"q": query[:end]}), name="/api/suggest")
            typing = urlencode({"q": query[:end], "typing": "1", "from": "web"})
            self.client.get("/api/search?" + typing, name="/api/search?typing")
        final = urlencode({"q": query, "from": "web"})
        with self.client.get("/api/search?" + final, name="/api/search", catch_response=True) as response:
            data = response.json()
            if not isinstance(data.get("results"), list):
                response.failure(f"no results list for {query!r}")
                return
        if data["results"]:
            click = urlencode({"sid": data.get("search_id") or "", "r": 1})
            self.client.get(f"{data['results'][0]['url']}?{click}", name="/articles/[id]")

    @task(2)
    def search_page(self):
        self.client.get("/search?" + urlencode({"q": random.choice(QUERIES)}), name="/search")

    @task(1)
    def home(self):
        self.client.get("/", name="/")
