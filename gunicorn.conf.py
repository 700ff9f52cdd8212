"""Production serving: ``.venv/bin/gunicorn -c gunicorn.conf.py`` (from the repository root).

The app reads its own settings from ``KB_*`` variables (kb/config.py); this file only says how gunicorn
runs it. Any value here can be overridden on the command line (``-b 0.0.0.0:8000``, ``-w 4``) or with
``GUNICORN_CMD_ARGS``.
"""

import multiprocessing
import os

wsgi_app = "kb.web:create_app()"
bind = "127.0.0.1:8000"

# Searching is CPU-bound Python, so processes, not threads, give throughput: one worker per core.
# Each worker holds Kiwi and one build in memory (a few hundred MB), which caps the count, not the
# CPU. WEB_CONCURRENCY is gunicorn's own convention for the worker count.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count(), 4)))

# gthread, not sync: the sync worker closes every connection after one response (no keep-alive),
# so each instant-search keystroke would pay a new TCP connection. A few threads per worker keep
# idle keep-alive connections in a poller and let one slow client not block the worker.
worker_class = "gthread"
threads = 4
worker_connections = 1000
# Longer than a load balancer's idle timeout (60 s on most), so the balancer, not gunicorn, closes
# idle connections: otherwise a request can race a close and fail.
keepalive = 75
# gunicorn sets TCP_NODELAY on its TCP listener and Linux passes it on to every accepted
# connection: a response written as headers + body is not held back by Nagle's algorithm waiting
# for the client's delayed ACK (the ~40 ms stall of keep-alive connections). Measured in
# docs/benchmarks.md (load test, p50 on keep-alive connections).

# A search answers in milliseconds; a worker silent for 30 s is stuck and is replaced. Workers get
# 30 s to finish their requests on restart or reload (kill -HUP).
timeout = 30
graceful_timeout = 30

# No preload: every worker creates the app itself after the fork. Preloading would share Kiwi's
# native state, Whoosh's open files and the SQLite/PostgreSQL connections opened at start-up across
# fork(), which none of them support; and a code update could not be picked up by kill -HUP. The
# price is each worker loading Kiwi (~2 s) and the build itself, in parallel, at start.
preload_app = False

# A worker that is killed (timeout, out of memory) is replaced by the master; max_requests stays 0:
# recycling workers would make each one pay its start-up again under load, for no leak we know of.
max_requests = 0

errorlog = "-"
loglevel = "info"
accesslog = None  # the search log is the app's business (without IP addresses); no access log by default
