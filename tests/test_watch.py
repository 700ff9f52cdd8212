"""kb serve --watch: checked, rebuilt through kb index's path, live; a broken file never goes live."""

import time
from pathlib import Path

import pytest

from kb.snapshot import LiveBuild
from kb.watch import Watcher, watched

TITLE_LINE = "title: 카드를 분실했을 때 어떻게 신고하나요?"
MOVED_IN = """---
id: moved-in
title: 폴더째 옮겨 온 글
category: points
questions: [공항 라운지 동반자도 무료인가요]
tags: [라운지]
audience: public
updated: 2026-11-24
---
공항 라운지는 카드 회원 본인만 무료로 이용하실 수 있어요. 동반자는 라운지 입구에서 요금을 따로 내셔야 하며,
요금은 라운지마다 달라요. 이용 전에 앱의 혜택 메뉴에서 이용 가능한 라운지 목록과 남은 횟수를 확인해 주세요.
"""


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
    other = settings.articles_dir / "notes.txt"
    other.write_text("not an article", encoding="utf-8")
    paths = ("a/b.md", "categories.yml", "a/.b.md.swp", "a/#b.md#", "a/.git/x.md", "a/gone-folder.v2", "a/.hidden")
    assert [watched(None, p) for p in (*paths, str(other), str(settings.articles_dir))] == [
        *(True, True, False, False, False, True, False),
        False,  # a file that is not an article
        True,  # a folder
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
    """A rebuild told no paths (at start, and the sweep) looks at every file's state: a file
    renamed, moved to another folder with an edit, or deleted is seen as it is now."""
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


def test_the_watcher_reports_what_a_full_check_reports_for_the_changed_articles(settings, live):
    """The watcher compares only the changed articles with the others, from indexes and findings
    it keeps between saves; for those articles it must find what ``kb check`` finds, and every
    finding of one article alone (stale dates, short answers, links) as ``kb check`` does."""
    from kb.checks import check_folder

    watcher = Watcher(settings, live, echo=lambda line: None)
    assert watcher.rebuild() is True  # its indexes now hold the folder as built
    folder = settings.articles_dir
    original = (folder / "lost-cards" / "lost-report.md").read_text(encoding="utf-8")
    body = "\n\n카드를 잃어버렸다면 앱에서 바로 분실 신고를 하고, 재발급은 영업점이나 앱에서 신청할 수 있습니다.\n"
    copy = original.replace("id: lost-report", "id: lost-report-copy").replace("related: [lost-reissue]", "related: []")
    (folder / "lost-cards" / "lost-report-copy.md").write_text(copy + body, encoding="utf-8")
    (folder / "lost-cards" / "lost-report.md").write_text(original + body, encoding="utf-8")
    edited = folder / "payments" / "pay-declined.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("updated: 2026-11-01", "updated: 2020-01-02")
        + "\n[없는 문서](/articles/no-such-article)\n",
        encoding="utf-8",
    )
    corpus, problems = watcher._load()
    assert corpus is not None and not problems
    found = watcher._check(corpus)
    _, full = check_folder(folder, search=False)
    changed = {"lost-report", "lost-report-copy", "pay-declined"}
    paths = {str(p) for p in folder.rglob("*.md") if any(f"id: {i}\n" in p.read_text("utf-8") for i in changed)}

    def involves_a_changed_article(finding) -> bool:
        return finding.path in paths or any(f"'{i}'" in finding.message for i in changed)

    pairwise = [f for f in full if "같습니다" in f.message or "비슷합니다" in f.message or "같은 질문" in f.message]
    assert [f for f in pairwise if involves_a_changed_article(f)], "the copy is found"
    assert any("no-such-article" in f.message and f.is_error for f in found)
    assert any("수정되지 않았습니다" in f.message and f.path == str(edited) for f in found)
    assert found == [f for f in full if f not in pairwise or involves_a_changed_article(f)]
    live_build = (settings.index_dir / "current").resolve()
    folders = sorted(p.name for p in (settings.index_dir / "builds").iterdir())
    assert watcher.rebuild() is False  # the broken link and the copy are errors: nothing went live
    assert sorted(f.message for f in watcher.status()["findings"]) == sorted(f.message for f in found if f.is_error)
    # the build made beside the checks was thrown away: the live build and the folder are as they were
    assert (settings.index_dir / "current").resolve() == live_build
    assert sorted(p.name for p in (settings.index_dir / "builds").iterdir()) == folders
    with live.snapshot() as snapshot:
        assert snapshot.get("lost-report-copy") is None


def test_the_watcher_opens_the_new_build_before_it_goes_live(settings, live, monkeypatch):
    """No request opens a build the watcher made: it is opened before ``current`` points at it, and
    the first request after the switch finds it ready. A build that does not open never goes live."""
    import kb.snapshot

    watcher = Watcher(settings, live, echo=lambda line: None)
    path = settings.articles_dir / "lost-cards" / "lost-report.md"
    text = path.read_text(encoding="utf-8")
    opened: list[tuple[str, bool]] = []
    original = kb.snapshot.Snapshot.open.__func__

    def recording(cls, build, previous=None, derived=None, spellers=True):
        opened.append((build.name, (settings.index_dir / "current").resolve() == build))
        assert derived is not None  # the tables the build derived, not read back
        assert spellers is False  # spelled out after the switch, by the watcher
        return original(cls, build, previous, derived, spellers)

    monkeypatch.setattr(kb.snapshot.Snapshot, "open", classmethod(recording))
    path.write_text(text.replace(TITLE_LINE, "title: 미리 연 제목입니다"), "utf-8")
    assert watcher.rebuild() is True
    assert len(opened) == 1 and opened[0][1] is False  # opened once, before it was live
    with live.snapshot() as snapshot:  # and its spellers ready when the rebuild returned
        assert all("_spelled_out" in vars(s) for s in snapshot.engine._spellers.values())
    assert title_of(live, "lost-report") == "미리 연 제목입니다" and len(opened) == 1

    before = (settings.index_dir / "current").resolve()
    folders = sorted(p.name for p in (settings.index_dir / "builds").iterdir())

    def broken(cls, build, previous=None, derived=None, spellers=True):
        raise kb.snapshot.DamagedBuild(f"{build}: cannot open")

    monkeypatch.setattr(kb.snapshot.Snapshot, "open", classmethod(broken))
    path.write_text(text.replace(TITLE_LINE, "title: 열리지 않는 빌드"), "utf-8")
    assert watcher.rebuild() is False
    assert (settings.index_dir / "current").resolve() == before
    assert title_of(live, "lost-report") == "미리 연 제목입니다"
    assert sorted(p.name for p in (settings.index_dir / "builds").iterdir()) == folders  # nothing left behind


def test_a_change_no_event_named_is_found_by_the_sweep(settings, live):
    """A save looks only at the paths its events named; a change they missed (here: an edit no
    event names) goes live with the sweep, which looks at every file. A sweep that finds nothing
    builds nothing."""
    watcher = Watcher(settings, live, echo=lambda line: None)
    assert watcher.rebuild() is True  # every file looked at
    assert watcher.sweep() is False  # nothing since
    named = settings.articles_dir / "lost-cards" / "lost-report.md"
    missed = settings.articles_dir / "points" / "pts-cash-out.md"
    named.write_text(named.read_text(encoding="utf-8").replace(TITLE_LINE, "title: 이벤트가 알린 제목"), "utf-8")
    missed.write_text(missed.read_text(encoding="utf-8").replace("현금으로 바꿀", "현금으로 놓친 채 바꿀"), "utf-8")
    assert watcher.rebuild(changed={str(named)}) is True
    assert title_of(live, "lost-report") == "이벤트가 알린 제목"
    assert "놓친" not in title_of(live, "pts-cash-out")  # not looked at: no event named it
    finished = watcher.status()["finished"]
    assert watcher.sweep() is True
    assert "놓친" in title_of(live, "pts-cash-out") and watcher.status()["finished"] == finished + 1
    assert watcher.sweep() is False and watcher.status()["finished"] == finished + 1


def test_the_watching_thread_sweeps_once_the_folder_is_quiet(settings, live, monkeypatch):
    """In the running watcher: a save of a file whose events are lost still goes live, by the
    sweep after the next save (the folder then quiet for ``SWEEP_IDLE_MS``)."""
    import kb.watch

    monkeypatch.setattr(kb.watch, "SWEEP_IDLE_MS", 200)
    lost = settings.articles_dir / "points" / "pts-cash-out.md"
    monkeypatch.setattr(kb.watch, "watched", lambda change, path: watched(change, path) and path != str(lost))
    watcher = Watcher(settings, live, echo=lambda line: None)
    assert watcher.rebuild() is True
    watcher.start()
    try:
        time.sleep(0.3)  # let the watcher register with inotify before the saves
        lost.write_text(lost.read_text(encoding="utf-8").replace("현금으로 바꿀", "현금으로 잃은 채 바꿀"), "utf-8")
        seen = settings.articles_dir / "lost-cards" / "lost-report.md"
        seen.write_text(seen.read_text(encoding="utf-8").replace(TITLE_LINE, "title: 보인 제목"), "utf-8")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "잃은" not in title_of(live, "pts-cash-out"):
            time.sleep(0.05)
        assert "잃은" in title_of(live, "pts-cash-out") and title_of(live, "lost-report") == "보인 제목"
    finally:
        watcher.stop()


def test_saves_that_keep_coming_look_at_every_file_now_and_then(settings, live, monkeypatch):
    """No quiet moment for the sweep: once saves have looked only at their events' paths for
    ``SWEEP_AT_MOST`` seconds, the next save looks at every file."""
    import kb.watch

    monkeypatch.setattr(kb.watch, "SWEEP_AT_MOST", 0.5)
    watcher = Watcher(settings, live, echo=lambda line: None)
    assert watcher.rebuild() is True
    named = settings.articles_dir / "lost-cards" / "lost-report.md"
    missed = settings.articles_dir / "points" / "pts-cash-out.md"
    text = named.read_text(encoding="utf-8")
    missed.write_text(missed.read_text(encoding="utf-8").replace("현금으로 바꿀", "현금으로 놓친 채 바꿀"), "utf-8")
    named.write_text(text.replace(TITLE_LINE, "title: 첫 저장"), "utf-8")
    assert watcher.rebuild(changed={str(named)}) is True and "놓친" not in title_of(live, "pts-cash-out")
    time.sleep(0.6)
    named.write_text(text.replace(TITLE_LINE, "title: 둘째 저장"), "utf-8")
    assert watcher.rebuild(changed={str(named)}) is True
    assert "놓친" in title_of(live, "pts-cash-out") and title_of(live, "lost-report") == "둘째 저장"
    assert watcher.sweep() is False  # that save looked at every file: nothing left to sweep


def test_a_folder_moved_in_or_out_whole_goes_live(settings, live, tmp_path):
    """Moving a folder names only the folder, not the articles in it: the running watcher still
    takes a folder of new articles moved in, then renamed, then moved out, each with no other save."""
    import kb.watch
    outside = tmp_path / "outside" / "newcat"
    outside.mkdir(parents=True)
    (outside / "moved-in.md").write_text(MOVED_IN, "utf-8")
    watcher = Watcher(settings, live, echo=lambda line: None)
    assert watcher.rebuild() is True
    watcher.start()

    def live_path():
        with live.snapshot() as snapshot:
            found = snapshot.get("moved-in")
            return found.path if found else None

    def wait_for(expected):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and live_path() != expected:
            time.sleep(0.05)
        return live_path()

    try:
        time.sleep(0.3)  # let the watcher register with inotify first
        inside = settings.articles_dir / "newcat"
        outside.rename(inside)
        assert wait_for(str(inside / "moved-in.md")) == str(inside / "moved-in.md")
        assert title_of(live, "moved-in") == "폴더째 옮겨 온 글"
        renamed = settings.articles_dir / "renamed.v2"  # a dot: a gone path cannot say it was a folder
        inside.rename(renamed)
        assert wait_for(str(renamed / "moved-in.md")) == str(renamed / "moved-in.md")
        time.sleep(kb.watch.SWEEP_IDLE_MS / 1000 + 1)  # the sweep after the rename is over: the event alone tells
        renamed.rename(outside)
        assert wait_for(None) is None
    finally:
        watcher.stop()
