"""Many articles parsed in forked processes (kb/parse_many.py): the same articles, renderings and
problems, in the same order, as one by one."""

from __future__ import annotations

import shutil

import kb.parse_many as parse_many
from kb.articles import parse_article
from kb.corpus import load_corpus
from tests.conftest import REPO


def test_parsing_on_every_core_equals_parsing_one_by_one(tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    shutil.copytree(REPO / "articles", folder)
    broken = folder / "payments" / "zz-broken.md"
    broken.write_text("---\nid: Not An Id\ntitle: [\n---\n본문\n", encoding="utf-8")
    (folder / "payments" / "zz-no-front-matter.md").write_text("그냥 글\n", encoding="utf-8")
    files = [(path, str(path), path.read_bytes()) for path in sorted(folder.rglob("*.md"))]
    one_by_one = [parse_article(*file) for file in files]
    monkeypatch.setattr(parse_many, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(parse_many.threading, "active_count", lambda: 1)  # whatever else pytest runs
    together = parse_many.parse_many(files)
    assert [problems for _, problems in together] == [problems for _, problems in one_by_one]
    assert sum(1 for _, problems in together if problems) == 2
    for (mine, _), (reference, _) in zip(together, one_by_one, strict=True):
        assert (mine is None) == (reference is None)
        if reference is not None:
            assert mine == reference  # every field of the dataclass
            assert (mine.html, mine.text, mine.short_answer) == (reference.html, reference.text, reference.short_answer)
    # and a whole load through it reports the broken files as before
    errors = []
    try:
        load_corpus(folder)
    except Exception as error:  # noqa: BLE001 CorpusError: what it lists is checked
        errors = [str(p) for p in error.problems]
    assert any("zz-broken.md" in e for e in errors) and any("zz-no-front-matter.md" in e for e in errors)
