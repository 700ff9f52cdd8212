"""A served article's plain text is not held in memory, yet reads exactly as the build wrote it."""

from __future__ import annotations

from indexer import live_path
from kb.published import article_from_record, read_records


def test_text_is_derived_on_demand_and_equals_the_stored_one(real_index):
    records = read_records(live_path(real_index))
    for record in records:
        assert article_from_record(record).__dict__["text"] == record["text"]  # the export reads every text
        article = article_from_record(record, keep_text=False)
        assert "text" not in article.__dict__  # not kept per article by a server
        assert article.html == record["html"] and article.short_answer == record["short_answer"]
        assert article.text == record["text"]
