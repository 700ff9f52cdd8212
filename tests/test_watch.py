"""kb serve --watch: checked, rebuilt through kb index's path, live; a broken file never goes live."""

import time
from pathlib import Path

import pytest

from kb.snapshot import LiveBuild
from kb.watch import Watcher, watched

TITLE_LINE = "title: 카드를 분실했을 때 어떻게 신고하나요?"


@pytest.fixture
def live(settings):
    live = LiveBuild(settings.index_dir)
    yield live
    live.close()


def title_of(live, article_id):
    with live.snapshot() as snapshot:
        return snapshot.get(article_id).title


def test_a_valid_save_goes_live_and_a_broken_one_does_not(settings, live):
    lines = []
    watcher = Watcher(settings, live, echo=lines.append)
    path = settings.articles_dir / "lost-cards" / "lost-report.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(TITLE_LINE, "title: 카드를 잃어버렸어요 (새 제목)"), "utf-8"
    )
    assert watcher.rebuild() is True
    assert title_of(live, "lost-report") == "카드를 잃어버렸어요 (새 제목)"
    assert watcher.status()["findings"] == [] and watcher.status()["last_ok"]

    path.write_text(path.read_text(encoding="utf-8").replace("category: lost-cards", "category: [oops"), "utf-8")
    assert watcher.rebuild() is False
    assert title_of(live, "lost-report") == "카드를 잃어버렸어요 (새 제목)"  # customers keep the last good one
    finding = watcher.status()["findings"][0]
    assert finding.path == str(path) and finding.line == 5 and "not valid YAML" in finding.message
    assert any(line.startswith(f"{path}:5: ") for line in lines)


def test_synonyms_and_categories_are_watched_too(settings, live):
    watcher = Watcher(settings, live, echo=lambda line: None)
    (settings.articles_dir / "categories.yml").write_text("- not a mapping\n", encoding="utf-8")
    assert watcher.rebuild() is False
    assert "categories.yml" in watcher.status()["findings"][0].path
    assert [watched(None, p) for p in ("a/b.md", "categories.yml", "a/.b.md.swp", "a/#b.md#", "a/.git/x.md")] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_the_watching_thread_picks_up_a_save(settings, live):
    watcher = Watcher(settings, live, echo=lambda line: None)
    watcher.start()
    try:
        time.sleep(0.3)  # let the watcher register with inotify before the save
        path = settings.articles_dir / "points" / "pts-cash-out.md"
        path.write_text(path.read_text(encoding="utf-8").replace("현금으로 바꿀", "현금으로 꼭 바꿀"), "utf-8")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and "꼭" not in title_of(live, "pts-cash-out"):
            time.sleep(0.05)
        assert "꼭" in title_of(live, "pts-cash-out")
        assert watcher.status()["running"]
    finally:
        watcher.stop()
    assert not watcher.status()["running"]


def test_renames_moves_and_deletions_go_live_without_a_full_reload(settings, live):
    """Every save looks at every file's state (not only the paths an event named): a file renamed,
    moved to another folder with an edit, or deleted is seen as it is now."""
    watcher = Watcher(settings, live, echo=lambda line: None)
    assert watcher.rebuild() is True
    folder = settings.articles_dir / "lost-cards"
    source = folder / "lost-report.md"
    renamed = folder / "lost-report-renamed.md"
    source.rename(renamed)
    assert watcher.rebuild() is True
    with live.snapshot() as snapshot:
        assert snapshot.get("lost-report").path == str(renamed)
    other = settings.articles_dir / "points"
    moved = other / "moved-here.md"
    text = renamed.read_text(encoding="utf-8").replace(TITLE_LINE, "title: 옮긴 뒤 고친 제목입니다")
    renamed.unlink()
    moved.write_text(text, encoding="utf-8")
    assert watcher.rebuild() is True
    assert title_of(live, "lost-report") == "옮긴 뒤 고친 제목입니다"
    with live.snapshot() as snapshot:
        assert snapshot.get("lost-report").path == str(moved)
        linked = {target for b in snapshot.articles for target in b.related}
        unreferenced = next(a for a in snapshot.articles if a.id != "lost-report" and a.id not in linked)
    Path(unreferenced.path).unlink()
    assert watcher.rebuild() is True
    with live.snapshot() as snapshot:
        assert snapshot.get(unreferenced.id) is None


def test_a_rebuild_leaves_nothing_frozen_for_the_garbage_collector(settings, live):
    """The rebuild freezes what was in memory before it (for speed); a replaced snapshot's cycles
    must still be collectable afterwards, after a good save and after a broken one."""
    import gc

    watcher = Watcher(settings, live, echo=lambda line: None)
    path = settings.articles_dir / "lost-cards" / "lost-report.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(TITLE_LINE, "title: 카드를 잃어버렸어요 (gc)"), "utf-8")
    assert watcher.rebuild() is True and gc.get_freeze_count() == 0
    path.write_text(text.replace("category: lost-cards", "category: [oops"), "utf-8")
    assert watcher.rebuild() is False and gc.get_freeze_count() == 0
