"""Search quality on the sample knowledge base: a drop below these floors fails the build.

The floors sit a little under what the engine scores today (docs/benchmarks.md), so a
change that makes real customer queries rank worse is caught here, not in production.
"""

import pytest

from kb.cli import main
from tests.conftest import REPO

FLOORS = {  # file: (MRR@10, Recall@5)
    "dev.tsv": (0.96, 0.985),
    "holdout.tsv": (0.93, 0.98),
    "natural.tsv": (0.915, 0.975),  # long natural phrasings: blog titles, inflected compounds, other brands
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_quality_floor(runner, real_index, name):
    result = runner.invoke(
        main,
        [
            "eval",
            str(REPO / "bench" / "queries" / name),
            "--articles",
            str(REPO / "articles"),
            "--index",
            str(real_index),
        ],
    )
    assert result.exit_code == 0, result.output
    overall = next(line.split() for line in result.output.splitlines() if line.startswith("overall"))
    mrr, recall_at_5 = float(overall[2]), float(overall[4])
    floor_mrr, floor_recall = FLOORS[name]
    assert mrr >= floor_mrr and recall_at_5 >= floor_recall, result.output


def test_dev_set_is_big_and_varied():
    from kb.evaluate import read_queries

    queries = read_queries(REPO / "bench" / "queries" / "dev.tsv")
    labels = {q.label for q in queries}
    assert len(queries) >= 120
    assert {"colloquial", "nospace", "typo", "keyboard", "synonym", "keyword"} <= labels


def test_natural_set_is_big_and_varied():
    from kb.evaluate import read_queries

    queries = read_queries(REPO / "bench" / "queries" / "natural.tsv")
    assert len(queries) >= 150
    assert {"blog", "howto", "reader", "inflected", "brand", "mixed", "news"} <= {q.label for q in queries}
