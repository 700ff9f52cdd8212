"""Near-duplicates from candidate pairs find what comparing every pair finds.

``kb/checks/similar.py`` takes candidate pairs from shared rare terms instead of comparing all
pairs (minutes at 20,000 articles). These tests hold its findings to an all-pairs reference: the
same check with every pair compared, on the sample, on ~550 articles made of families of
reworded copies (similarities spread across both thresholds), and on the generator's 1,000.
"""

import dataclasses
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from kb.checks import duplicates
from kb.corpus import load_corpus
from tests.conftest import REPO

GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def all_pairs(sets, threshold, focus=None):
    """The reference: every pair (i < j) compared by Jaccard, in one matrix product.

    Keeps pairs a hair under ``threshold`` too (float error); the check itself then judges them
    with its own measure, as it judges any candidate."""
    vocabulary = {term: k for k, term in enumerate({t for terms in sets for t in terms})}
    matrix = np.zeros((len(sets), max(1, len(vocabulary))), dtype=np.float32)
    for i, terms in enumerate(sets):
        matrix[i, [vocabulary[t] for t in terms]] = 1
    sizes = matrix.sum(axis=1)
    shared = matrix @ matrix.T
    union = sizes[:, None] + sizes[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    i, j = np.nonzero(np.triu(jaccard >= threshold - 1e-4, k=1))
    pairs = list(zip(i.tolist(), j.tolist(), strict=True))
    if focus is not None:
        pairs = [(a, b) for a, b in pairs if a in focus or b in focus]
    return sorted(pairs)


def findings(corpus, monkeypatch, reference: bool, changed=None) -> list[str]:
    with monkeypatch.context() as patch:
        if reference:
            patch.setattr(duplicates, "_pairs", lambda kind, sets, threshold, focus: all_pairs(sets, threshold, focus))
        return [str(f) for f in duplicates.check_duplicates(corpus, changed)]


def _variant(text: str, article_id: str, k: int) -> str:
    """Copy ``k`` of an article: new id, every line of the body missing some of its words (more
    for larger k: from a copy to a different answer), the title sometimes reworded."""
    head, body = text.split("\n---\n", 1)
    head = head.replace(f"id: {article_id}", f"id: {article_id}-v{k}")
    if k % 3 == 1:
        head = re.sub(r"^title: (.*?)\S+$", r"title: \1", head, count=1, flags=re.MULTILINE)
    elif k % 3 == 2:
        head = re.sub(r"^title: ", "title: 요즘 ", head, count=1, flags=re.MULTILINE)
    lines = []
    for n, line in enumerate(body.split("\n")):
        words = line.split(" ")
        kept = [w for p, w in enumerate(words) if p == 0 or (p * 7 + n + k) % 20 >= k]
        lines.append(" ".join(kept))
    return head + "\n---\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    """The sample plus 6 reworded copies of every article: ~550 articles, many near-duplicates."""
    root = shutil.copytree(REPO / "articles", tmp_path_factory.mktemp("families") / "articles")
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        article_id = re.search(r"^id: (\S+)$", text, re.MULTILINE).group(1)
        for k in range(1, 13, 2):
            path.with_name(f"{article_id}-v{k}.md").write_text(_variant(text, article_id, k), encoding="utf-8")
    return load_corpus(root)


def test_sample_findings_equal_all_pairs(monkeypatch):
    corpus = load_corpus(REPO / "articles")
    assert findings(corpus, monkeypatch, reference=False) == findings(corpus, monkeypatch, reference=True)


def test_reworded_copies_findings_equal_all_pairs(families, monkeypatch):
    assert len(families.articles) > 500
    expected = findings(families, monkeypatch, reference=True)
    copies = [f for f in expected if "거의 같습니다" in f]
    reworded = [f for f in expected if "많이 비슷합니다" in f]
    questions = [f for f in expected if "같은 질문입니다" in f]
    assert len(copies) > 100 and len(reworded) > 100 and len(questions) > 100  # both thresholds are crossed
    assert findings(families, monkeypatch, reference=False) == expected


def test_findings_for_changed_articles_equal_all_pairs(families, monkeypatch):
    """The watcher's case: only pairs that include an article saved since the live build."""
    changed = {a.id for a in families.articles[::97]}
    expected = findings(families, monkeypatch, reference=True, changed=changed)
    assert expected and findings(families, monkeypatch, reference=False, changed=changed) == expected
    # again, from the index the first call left (as the watcher's next save does), after an edit
    edited = families.articles[5]
    families.articles[5] = dataclasses.replace(edited, body=edited.body + "\n\n연회비 환불 기준을 덧붙였습니다.\n")
    try:
        changed = {edited.id, *list(changed)[:3]}
        expected = findings(families, monkeypatch, reference=True, changed=changed)
        assert expected and findings(families, monkeypatch, reference=False, changed=changed) == expected
    finally:
        families.articles[5] = edited


def test_generated_corpus_findings_equal_all_pairs(tmp_path, monkeypatch):
    if not GENERATOR.exists():
        pytest.skip(f"the shared corpus generator is not beside this checkout ({GENERATOR})")
    subprocess.run([sys.executable, str(GENERATOR), "1000", str(tmp_path)], check=True, capture_output=True)
    for name in ("categories.yml", "synonyms.yml"):
        if not (tmp_path / "docs" / name).exists():
            shutil.copy(REPO / "articles" / name, tmp_path / "docs" / name)
    corpus = load_corpus(tmp_path / "docs")
    assert len(corpus.articles) == 1000
    expected = findings(corpus, monkeypatch, reference=True)
    assert findings(corpus, monkeypatch, reference=False) == expected
