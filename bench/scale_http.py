"""bench/scale.py's build and HTTP measurements alone (the in-process Whoosh comparison takes ~3.6 s a query at 20k)."""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402

size = int(sys.argv[1])
data = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/kb-scale")
folder = scale.corpus(size, data, scale.GENERATOR)
index = data / f"ix{size}"
env = {**os.environ, "KB_DB": str(data / f"analytics{size}.sqlite3"), "PYTHONPATH": str(scale.REPO)}
queries = [line.rstrip("\n").split("\t")[2] for line in open(folder / "queries.tsv", encoding="utf-8")]
result = {"size": size, **scale.build(size, folder, index, env, False)}
print(json.dumps(result), flush=True)
result.update(scale.serve(folder, index, env, queries))
print(json.dumps(result, indent=1), flush=True)
