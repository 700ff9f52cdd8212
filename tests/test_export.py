"""``kb export``: every public page as files with relative links, nothing internal, reproducible and incremental."""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from kb.cli import main
from tests.conftest import ARTICLES, write_corpus

INTERNAL_ID = "agent-script"
INTERNAL_TITLE = "상담 시작 스크립트 (상담원용)"
INTERNAL_SENTENCES = ["비밀 내부 안내", "소속과 이름을 밝히고"]
LINK = re.compile(r'(?:href|src|action|data-static-index)="([^"]*)"')


def export(runner, corpus: Path, out: Path, *extra: str):
    return runner.invoke(
        main, ["export", str(out), "--articles", str(corpus), "--index", str(out.parent / "index"), *extra]
    )


@pytest.fixture
def exported(runner, corpus, tmp_path) -> Path:
    out = tmp_path / "site"
    result = export(runner, corpus, out, "--base-url", "https://help.example.com/faq/")
    assert result.exit_code == 0, result.output
    return out


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_public_page_is_exported(exported):
    names = set(files(exported))
    for page in ("index.html", "search.html", "404.html", "robots.txt", "sitemap.xml", "static/style.css"):
        assert page in names
    for article in ("lost-report", "lost-reissue", "pay-declined", "cc-phone-hours", "pts-cash-out"):
        assert f"articles/{article}.html" in names
    for category in ("customer-center", "payments", "lost-cards", "points"):
        assert f"categories/{category}.html" in names
    page = (exported / "articles/lost-report.html").read_text(encoding="utf-8")
    assert "<h1>카드를 분실했을 때 어떻게 신고하나요?</h1>" in page
    assert '<link rel="stylesheet" href="../static/style.css">' in page
    assert '<link rel="canonical" href="https://help.example.com/faq/articles/lost-report.html">' in page


def test_links_are_relative_and_resolve_to_exported_files(exported):
    for name, data in files(exported).items():
        if not name.endswith(".html"):
            continue
        for link in LINK.findall(data.decode("utf-8")):
            if link.startswith(("tel:", "mailto:", "#", "data:", "https://help.example.com/faq/")):
                continue
            assert not link.startswith(("/", "http:", "https:")), f"{name}: absolute link {link}"
            path = unquote(urlsplit(link).path)
            target = (exported / name).parent / path
            assert target.exists(), f"{name}: {link} points at nothing"


def test_no_server_only_parts(exported):
    for name, data in files(exported).items():
        if not name.endswith(".html"):
            continue
        text = data.decode("utf-8", errors="replace")
        assert "/api/" not in text, name
        assert 'method="post"' not in text, name
        assert "csrf_token" not in text and "/agent" not in text, name


def test_no_internal_article_anywhere(exported):
    for name, data in files(exported).items():
        text = data.decode("utf-8", errors="replace")
        assert INTERNAL_ID not in text, name
        assert INTERNAL_TITLE not in text, name
        for sentence in INTERNAL_SENTENCES:
            assert sentence not in text, name
    assert not any("sqlite" in n or "users" in n for n in files(exported))


def test_search_page_without_javascript_lists_categories(exported):
    page = (exported / "search.html").read_text(encoding="utf-8")
    noscript = page[page.index('<section id="needs-javascript">') :]
    assert "자바스크립트가 필요합니다" in noscript
    assert 'href="categories/lost-cards.html"' in noscript


def test_sitemap_and_robots(exported):
    sitemap = (exported / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://help.example.com/faq/</loc>" in sitemap
    assert "<loc>https://help.example.com/faq/articles/lost-report.html</loc><lastmod>2026-11-24</lastmod>" in sitemap
    assert INTERNAL_ID not in sitemap
    assert "Sitemap: https://help.example.com/faq/sitemap.xml" in (exported / "robots.txt").read_text()


def test_re_export_is_byte_identical_and_keeps_mtimes(runner, corpus, exported):
    before = files(exported)
    mtimes = {p: os.stat(exported / p).st_mtime_ns for p in before}
    result = export(runner, corpus, exported, "--base-url", "https://help.example.com/faq/")
    assert result.exit_code == 0, result.output
    assert "0 written" in result.output
    assert files(exported) == before
    assert {p: os.stat(exported / p).st_mtime_ns for p in before} == mtimes


def test_only_changed_files_are_rewritten(runner, corpus, exported):
    before = files(exported)
    mtimes = {p: os.stat(exported / p).st_mtime_ns for p in before}
    path = corpus / "points/pts-cash-out.md"
    path.write_text(path.read_text(encoding="utf-8").replace("1포인트를 1원으로", "1포인트를 1원으로 바로"), "utf-8")
    result = export(runner, corpus, exported, "--base-url", "https://help.example.com/faq/")
    assert result.exit_code == 0, result.output
    after = files(exported)
    changed = {p for p in after if after[p] != before.get(p)}
    assert "articles/pts-cash-out.html" in changed
    assert "articles/lost-report.html" not in changed
    for p in set(after) - changed:
        assert os.stat(exported / p).st_mtime_ns == mtimes[p], p


def test_invalid_article_fails_with_path_and_line_and_keeps_previous_export(runner, corpus, exported):
    before = files(exported)
    bad = corpus / "payments/broken.md"
    bad.write_text(
        textwrap.dedent("""\
        ---
        id: broken
        title: 고장
        category: no-such-category
        ---
        본문
        """),
        encoding="utf-8",
    )
    result = export(runner, corpus, exported)
    assert result.exit_code != 0
    assert f"{bad}:4: unknown category 'no-such-category'" in result.output
    assert files(exported) == before
    assert not (exported.parent / "site.new").exists()


def test_export_into_a_new_folder_without_base_url(runner, tmp_path):
    corpus = write_corpus(tmp_path / "articles", {k: v for k, v in ARTICLES.items() if "agent" not in k})
    out = tmp_path / "deep" / "out"
    result = export(runner, corpus, out)
    assert result.exit_code == 0, result.output
    assert not (out / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (out / "articles/lost-report.html").read_text(encoding="utf-8")


def shard_data(path: Path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index(",", text.index(",") + 1) + 1 : text.rindex(")")])


def test_internal_only_words_are_not_in_the_search_index(exported):
    from indexer import analyze
    from kb.corpus import load_corpus

    corpus = load_corpus(exported.parent / "articles")

    def words(articles):
        return {t.text for a in articles for x in (a.title, *a.questions, *a.tags, a.text) for t in analyze(x)}

    internal_only = words(a for a in corpus.articles if not a.is_public) - words(corpus.public)
    assert {"스크립트", "소속"} <= internal_only
    search = exported / "static" / "search"
    keys: set[str] = set()
    for path in search.glob("[tlvis]/*.js"):
        data = shard_data(path)
        if path.parent.name == "t":  # "t" + term; "g" + bigram are cuts of public text (비밀 of 비밀번호)
            keys |= {k[1:] for k in data if k.startswith("t")}
        else:
            keys |= set(data)
        if path.parent.name == "l":
            keys |= {entry[0] for entry in data.values()}
        if path.parent.name == "i":
            keys |= {w for reading in data.values() for w in reading.split()}
        if path.parent.name == "s":  # the suggestion list: titles and questions of public articles
            records = [r for node in data.values() for r in node.get("a", node.get("t", []))]
            assert records and all(r[1] != INTERNAL_ID and INTERNAL_TITLE not in r[2:] for r in records)
            keys |= {t.text for r in records for text in r[2:] if isinstance(text, str) for t in analyze(text)}
    meta = (search / "meta.js").read_text(encoding="utf-8")
    meta = json.loads(meta[meta.index("=") + 1 : meta.rindex(";")])
    keys |= {t for group in meta["synonyms"] for variant in group for t in variant}
    assert "분실" in keys and "잃어버리" in keys  # the public vocabulary is there
    assert not internal_only & keys


def test_export_reads_the_builds_analyses_and_runs_no_kiwi(corpus, tmp_path, monkeypatch):
    """Kiwi read every text when the build was made: the export takes those analyses from the
    build's cache; without the cache it asks Kiwi again and writes the same bytes."""
    import shutil

    from kb.corpus import load_corpus
    from kb.export import export_site, published_corpus
    from kb.indexing import build

    index = tmp_path / "index"
    build(load_corpus(corpus), index)
    published, _ = published_corpus(index)
    asked: list[int] = []

    def no_kiwi(texts, progress=None):
        asked.append(len(texts))
        raise AssertionError(f"Kiwi asked for {len(texts)} texts the build analysed")

    with monkeypatch.context() as patched:
        patched.setattr("kb.export_lexicon.analyze_batch", no_kiwi)
        export_site(published, tmp_path / "from-cache", index_dir=index)
    assert not asked
    shutil.rmtree(index / "cache")
    export_site(published, tmp_path / "from-kiwi", index_dir=index)
    assert files(tmp_path / "from-cache") == files(tmp_path / "from-kiwi")
    lexicon = {}
    for path in (tmp_path / "from-cache" / "static" / "search" / "l").glob("*.js"):
        lexicon |= shard_data(path)
    assert lexicon["잃어버렸"][0] == "잃어버리" and lexicon["분실"][0] == "분실"
    assert lexicon["를"] == ["", 0]  # a particle: known, not searched


def keystrokes(query: str) -> list[str]:
    """What the box holds while ``query`` is typed: 카, 카ㄷ, 카드, ... (a syllable's first consonant first)."""
    from indexer.hangul import decompose, is_syllable

    out = []
    for i, ch in enumerate(query, 1):
        if is_syllable(ch):
            out.append(query[: i - 1] + decompose(ch)[0])
        out.append(query[:i])
    return out


def test_suggestion_list_in_the_browser_is_the_live_one(exported):
    """Every keystroke of these queries gets the live suggestion list (indexer.suggest) from the
    exported prefix shards, run in Node on the exported JavaScript."""
    import shutil
    import subprocess

    from indexer import live_path
    from indexer.tables import load

    node = shutil.which("node")
    assert node, "Node runs the exported JavaScript"
    suggester = load(live_path(exported.parent / "index")).suggester
    single = [s for q in ("분실", "결제 취소", "ㅂㅅㅅㄱ", "포인트 현금", "마일리지") for s in keystrokes(q)]
    typed = list(dict.fromkeys(single))
    script = Path(__file__).parent / "js" / "node_search.js"
    answer = subprocess.run(
        [node, str(script), str(exported), "--suggest"], input="\n".join(typed) + "\n", capture_output=True, text=True
    )
    assert answer.returncode == 0, answer.stderr
    static = {line["query"]: line["suggestions"] for line in map(json.loads, answer.stdout.splitlines())}
    live = {q: [f"{s.id} {s.text}" for s in suggester.suggest(q, limit=20)[:6]] for q in typed}
    assert static["분ㅅ"] and static["분ㅅ"][0].split()[1].startswith("분실")
    assert static["ㅂㅅㅅㄱ"]
    assert not any(INTERNAL_ID in s for found in static.values() for s in found)
    assert {q: static[q] for q in typed} == live


def test_browser_search_reads_typos_as_the_live_search_does(exported):
    """The browser decides as the live search what is a typo ("did you mean"), what a sound-alike
    spelling to search as the corpus's common word (autocorrected), and what a real word in a form
    the articles never used (가려는데: left alone)."""
    import shutil
    import subprocess

    from indexer import PUBLIC, live_path
    from kb.snapshot import Snapshot

    snapshot = Snapshot.open(live_path(exported.parent / "index"))
    queries = ["결재 취소", "분싫 신고", "헤제", "직접 가려는데", "카드 분실"]
    answer = subprocess.run(
        [shutil.which("node"), str(Path(__file__).parent / "js" / "node_search.js"), str(exported)],
        input="\n".join(queries) + "\n",
        capture_output=True,
        text=True,
    )
    assert answer.returncode == 0, answer.stderr
    static = {line["query"]: line for line in map(json.loads, answer.stdout.splitlines())}
    for q in queries:
        plan = snapshot.search(q, limit=10, audiences=PUBLIC).plan
        assert static[q]["autocorrected_from"] == plan.autocorrected_from, q
        assert static[q]["did_you_mean"] == plan.did_you_mean, q
    assert static["분싫 신고"]["did_you_mean"] == "분실 신고"
    assert static["직접 가려는데"]["did_you_mean"] is None
