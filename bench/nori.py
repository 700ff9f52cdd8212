"""Search quality of a Lucene + Nori baseline, a stand-in for "Elasticsearch with the nori analyzer".

    python bench/nori.py                         # public articles, bench/queries/dev.tsv, holdout.tsv, natural.tsv
    python bench/nori.py --queries my.tsv        # any labelled set

Indexes the public articles with Lucene 8.7's KoreanAnalyzer (decompound mode DISCARD, default stop tags) and
BM25, queries title^3 questions^2.5 tags^2 body^1 (OR) through MultiFieldQueryParser, and prints
MRR@10 / Recall@1 / Recall@5 per label in the same tables as bench/quality.py. The Java side is
bench/nori/NoriBench.java, compiled into a temporary folder on every run. It needs a JDK and Debian's Lucene jars:

    apt-get install -y openjdk-17-jdk-headless liblucene8-java

Without them the baseline is skipped with a one-line note.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer import IndexDoc  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.evaluate import LabelledQuery, evaluate, format_table, read_queries  # noqa: E402
from kb.indexing import to_index_doc  # noqa: E402

JAVA_SOURCE = REPO / "bench" / "nori" / "NoriBench.java"
JARS = ("lucene-core", "lucene-analyzers-common", "lucene-analyzers-nori", "lucene-queryparser")
INSTALL = "apt-get install -y openjdk-17-jdk-headless liblucene8-java"
JAR_DIR = Path("/usr/share/java")


def find_jars(jar_dir: Path) -> tuple[list[Path], list[str]]:
    """The Lucene jars the program needs, and the names of any that are missing."""
    found, missing = [], []
    for name in JARS:
        candidates = sorted(jar_dir.glob(f"{name}-8*.jar")) or sorted(jar_dir.glob(f"{name}.jar"))
        if candidates:
            found.append(candidates[-1])
        else:
            missing.append(name)
    return found, missing


def escape(value: str) -> str:
    """One TSV cell: backslash, tab, newline and carriage return written as \\\\, \\t, \\n and \\r."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_docs(docs: list[IndexDoc], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for doc in docs:
            cells = [doc.id, doc.title, "\n".join(doc.questions), "\n".join(doc.tags), doc.body]
            out.write("\t".join(escape(cell) for cell in cells) + "\n")


def compile_java(jars: list[Path], workdir: Path) -> Path:
    classes = workdir / "classes"
    classes.mkdir()
    classpath = ":".join(str(j) for j in jars)
    subprocess.run(["javac", "-encoding", "UTF-8", "-cp", classpath, "-d", str(classes), str(JAVA_SOURCE)], check=True)
    return classes


def search_all(classes: Path, jars: list[Path], docs_file: Path, queries: list[str]) -> dict[str, list[str]]:
    """Run every query through one Java process; query -> top-10 ids."""
    lines = [" ".join(q.split()) for q in queries]
    classpath = ":".join(str(p) for p in [classes, *jars])
    result = subprocess.run(
        ["java", "-cp", classpath, "NoriBench", str(docs_file)],
        input="".join(line + "\n" for line in lines).encode("utf-8"),
        capture_output=True,
        check=True,
    )
    output = result.stdout.decode("utf-8").split("\n")[:-1]
    if len(output) != len(lines):
        raise RuntimeError(
            f"NoriBench answered {len(output)} lines for {len(lines)} queries\n"
            f"{result.stderr.decode('utf-8', 'replace')}"
        )
    return {q: [i for i in ranked.split("\t") if i] for q, ranked in zip(queries, output, strict=True)}


def results_or_none(docs: list[IndexDoc], queries: list[str], workdir: Path, jar_dir: Path = JAR_DIR):
    """Query -> top-10 ids from Lucene + Nori, or None (with a note) when Java or the jars are missing."""
    missing_tools = [tool for tool in ("java", "javac") if shutil.which(tool) is None]
    jars, missing_jars = find_jars(jar_dir)
    if missing_tools or missing_jars:
        why = ", ".join([*missing_tools, *(f"{name} jar in {jar_dir}" for name in missing_jars)])
        print(f"Nori baseline skipped: missing {why} (install with: {INSTALL})")
        return None
    workdir.mkdir(parents=True)
    classes = compile_java(jars, workdir)
    docs_file = workdir / "docs.tsv"
    write_docs(docs, docs_file)
    return search_all(classes, jars, docs_file, list(dict.fromkeys(queries)))


def run(docs: list[IndexDoc], jars: list[Path], query_sets: dict[str, list[LabelledQuery]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        classes = compile_java(jars, workdir)
        docs_file = workdir / "docs.tsv"
        write_docs(docs, docs_file)
        for set_name, queries in query_sets.items():
            results = search_all(classes, jars, docs_file, [q.query for q in queries])
            overall, by_label = evaluate(queries, results.__getitem__)
            print(f"\n## lucene-nori on {set_name} ({len(queries)} queries)")
            print(format_table(overall, by_label))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=REPO / "articles")
    parser.add_argument(
        "--queries",
        type=Path,
        nargs="*",
        default=[REPO / "bench/queries" / n for n in ("dev.tsv", "holdout.tsv", "natural.tsv")],
    )
    parser.add_argument("--jars", type=Path, default=Path("/usr/share/java"), help="folder with the Lucene 8 jars")
    args = parser.parse_args()

    missing_tools = [tool for tool in ("java", "javac") if shutil.which(tool) is None]
    jars, missing_jars = find_jars(args.jars)
    if missing_tools or missing_jars:
        why = ", ".join([*missing_tools, *(f"{name} jar in {args.jars}" for name in missing_jars)])
        print(f"Nori baseline skipped: missing {why} (install with: {INSTALL})")
        return

    corpus = load_corpus(args.articles)
    docs = [to_index_doc(a) for a in corpus.articles if a.audience == "public"]
    print(f"# {len(docs)} public articles from {args.articles}")
    run(docs, jars, {p.name: read_queries(p) for p in args.queries})


if __name__ == "__main__":
    main()
