"""bench/scale.py's build and HTTP measurements alone (the in-process Whoosh comparison takes ~3.6 s a query at 20k).

    .venv/bin/python bench/scale_http.py 20000 /tmp/kb-speed            # generate, build, reindex one, serve
    .venv/bin/python bench/scale_http.py 20000 /tmp/kb-speed --reuse    # serve the build already in DATA/ix20000

``--reuse`` skips the build and the one-article reindex (minutes at 20,000) and measures only the server: start-up,
HTTP p50/p95/p99 on new connections, suggestions, the same queries on one kept-alive connection, and the worker's
RSS; the load average is printed beside them. ``--no-reindex`` builds from nothing and serves, without the
one-article reindex (the 100,000-article run: two more builds would not fit its time). Wrap it in
``bench/memory_watch.py`` for the memory of the build's whole process tree (its writer processes).
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("size", type=int)
parser.add_argument("data", type=Path, nargs="?", default=Path("/tmp/kb-scale"))
parser.add_argument("--reuse", action="store_true", help="serve the existing build DATA/ixSIZE: no build, no reindex")
parser.add_argument("--no-reindex", action="store_true", help="build from nothing and serve; no one-article reindex")
parser.add_argument("--json", type=Path, help="also write the numbers here")
args = parser.parse_args()
folder = scale.corpus(args.size, args.data, scale.GENERATOR)
index = args.data / f"ix{args.size}"
env = {**os.environ, "KB_DB": str(args.data / f"analytics{args.size}.sqlite3"), "PYTHONPATH": str(scale.REPO)}
queries = [line.rstrip("\n").split("\t")[2] for line in open(folder / "queries.tsv", encoding="utf-8")]
result = {"size": args.size, "load_before": os.getloadavg()}
if args.reuse:
    if not (index / "current").exists():
        raise SystemExit(f"--reuse: no build in {index}")
    result["index_mb"] = scale.folder_mb((index / "current").resolve())
elif args.no_reindex:
    shutil.rmtree(index, ignore_errors=True)
    result["build_s"], result["build_rss_mb"] = scale.timed_child(
        [*scale.KB, "index", "--articles", str(folder / "docs"), "--index", str(index)], env
    )
    built = (index / "current").resolve()
    result["index_mb"] = scale.folder_mb(built)
    result["build_steps"] = json.loads((built / "meta.json").read_text(encoding="utf-8"))["steps"]
else:
    result.update(scale.build(args.size, folder, index, env, False))
print(json.dumps(result), flush=True)
result.update(scale.serve(folder, index, env, queries))
result["load_after"] = os.getloadavg()
print(json.dumps(result, indent=1), flush=True)
if args.json:
    args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
scale.report({args.size: result})
