"""The one split of a word against a vocabulary (indexer.segment.split_known)."""

from __future__ import annotations

from indexer.segment import split_known

VOCABULARY = {"카드", "분실", "신고", "분실신고", "결제", "취소", "할부"}


def known(piece: str) -> bool:
    return piece in VOCABULARY


def test_longest_known_pieces_win():
    assert split_known("카드분실신고", known) == (["카드", "분실신고"], False)
    assert split_known("결제취소", known) == (["결제", "취소"], False)


def test_text_between_known_pieces_is_kept_as_written():
    assert split_known("카드를분실했는데", known) == (["카드", "를", "분실", "했는데"], False)
    assert split_known("뷁", known) == (["뷁"], False)
    assert split_known("", known) == ([], False)


def test_fix_mends_only_what_no_known_piece_covers():
    asked = []

    def fix(piece: str) -> str | None:
        asked.append(piece)
        return {"분싫": "분실", "할뷰": "할부"}.get(piece)

    assert split_known("분싫신고", known, fix) == (["분실", "신고"], True)
    assert "신고" not in asked  # a known piece is never sent to the corrector
    assert split_known("카드할뷰", known, fix) == (["카드", "할부"], True)
    assert split_known("카드뷁", known, fix) == (["카드", "뷁"], False)


def test_one_character_pieces_are_not_vocabulary_matches():
    # a one-syllable word in the vocabulary would cut anything (무 in 주문무르기): pieces are 2+ long
    assert split_known("무카드", lambda p: p in {"무", "카드"}) == (["무", "카드"], False)
    assert split_known("주문무르기", lambda p: p in {"무", "주문"}) == (["주문", "무르기"], False)
