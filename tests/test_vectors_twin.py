"""tests/vectors/hangul.json holds the Python functions and their JavaScript twins to the same answers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from indexer import hangul
from indexer.normalize import normalize, normalize_query
from indexer.segment import ENDINGS, explained, segment

REPO = Path(__file__).resolve().parents[1]
VECTORS_PATH = REPO / "tests" / "vectors" / "hangul.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
LEXICON = VECTORS["segment"]["lexicon"]


@pytest.mark.parametrize("text,expected", VECTORS["normalize"])
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text,expected", VECTORS["normalize_query"])
def test_normalize_query(text, expected):
    assert normalize_query(text) == expected


@pytest.mark.parametrize("word,expected", VECTORS["segment"]["cases"])
def test_segment(word, expected):
    assert [word[s:e] for s, e in segment(word, LEXICON.get)] == expected


@pytest.mark.parametrize("word,expected", VECTORS["explained"])
def test_explained(word, expected):
    assert explained(word, LEXICON.get) is expected


@pytest.mark.parametrize("word,expected", VECTORS["looks_like_wrong_layout"])
def test_looks_like_wrong_layout(word, expected):
    assert hangul.looks_like_wrong_layout(word) is expected


def test_every_vector_passes_in_node(tmp_path):
    node = shutil.which("node")
    assert node, "Node.js is needed to run the JavaScript twin of the Hangul functions"
    endings = tmp_path / "endings.json"
    endings.write_text(json.dumps(list(ENDINGS), ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [node, str(REPO / "tests/js/vectors.js"), str(VECTORS_PATH), str(endings)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    total = sum(len(v) for k, v in VECTORS.items() if isinstance(v, list)) + len(VECTORS["segment"]["cases"])
    assert f"{total}/{total} vectors pass in Node" in result.stdout
