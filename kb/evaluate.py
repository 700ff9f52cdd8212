"""Search quality on labelled queries: MRR@10, Recall@1 and Recall@5, overall and per label."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

Ranker = Callable[[str], list[str]]


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    expected: str
    label: str = ""
    line: int = 0


@dataclass
class Scores:
    count: int = 0
    reciprocal_rank: float = 0.0
    hits_at_1: int = 0
    hits_at_5: int = 0
    misses: list[tuple[LabelledQuery, list[str]]] = field(default_factory=list)

    def add(self, query: LabelledQuery, ranked: list[str]) -> None:
        self.count += 1
        rank = ranked.index(query.expected) + 1 if query.expected in ranked[:10] else None
        if rank:
            self.reciprocal_rank += 1 / rank
            self.hits_at_1 += rank == 1
            self.hits_at_5 += rank <= 5
        if rank != 1:
            self.misses.append((query, ranked[:5]))

    @property
    def mrr(self) -> float:
        return self.reciprocal_rank / self.count if self.count else 0.0

    @property
    def recall_at_1(self) -> float:
        return self.hits_at_1 / self.count if self.count else 0.0

    @property
    def recall_at_5(self) -> float:
        return self.hits_at_5 / self.count if self.count else 0.0


class EvalFileError(ValueError):
    pass


def read_queries(path: Path) -> list[LabelledQuery]:
    """TSV: query, expected id, optional label; '#' starts a comment line."""
    queries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 2 or not columns[0].strip() or not columns[1].strip():
            raise EvalFileError(f"{path}:{number}: expected 'query<TAB>expected id[<TAB>label]'")
        label = columns[2].strip() if len(columns) > 2 else ""
        queries.append(LabelledQuery(columns[0].strip(), columns[1].strip(), label, number))
    return queries


def evaluate(queries: Iterable[LabelledQuery], rank: Ranker) -> tuple[Scores, dict[str, Scores]]:
    overall = Scores()
    by_label: dict[str, Scores] = defaultdict(Scores)
    for query in queries:
        ranked = rank(query.query)
        overall.add(query, ranked)
        if query.label:
            by_label[query.label].add(query, ranked)
    return overall, dict(sorted(by_label.items()))


def format_table(overall: Scores, by_label: dict[str, Scores]) -> str:
    rows = [("label", "n", "MRR@10", "R@1", "R@5")]
    for label, scores in [*by_label.items(), ("overall", overall)]:
        rows.append(
            (label, str(scores.count), f"{scores.mrr:.3f}", f"{scores.recall_at_1:.3f}", f"{scores.recall_at_5:.3f}")
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]

    def line(row):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join(line(r) for r in rows)
