"""The search engine: Korean analysis, the Whoosh index, query parsing, search, highlighting.

The only package that imports Whoosh. ``kb`` talks to it through these names.
"""

from indexer.analysis import Term, analyze, ngrams
from indexer.artifact import (
    DamagedBuild,
    IndexNotFound,
    finished_builds,
    identities,
    live_path,
    newest_good_build,
    read_build_meta,
    read_meta,
    verify_build,
)
from indexer.audience import AUDIENCES, EVERYONE, PUBLIC, Audience, Audiences
from indexer.build import BuildInfo, JSONText, build_index, content_hash, read_attachment
from indexer.highlight import Snippet, marked_parts
from indexer.normalize import MAX_QUERY_CHARS, normalize, normalize_query
from indexer.query import QueryPlan
from indexer.schema import IndexDoc
from indexer.search import Hit, SearchEngine, SearchResponse
from indexer.suggest import Suggestion
from indexer.synonyms import Synonyms

__all__ = [
    "AUDIENCES",
    "EVERYONE",
    "MAX_QUERY_CHARS",
    "PUBLIC",
    "Audience",
    "Audiences",
    "BuildInfo",
    "DamagedBuild",
    "Hit",
    "IndexDoc",
    "IndexNotFound",
    "JSONText",
    "QueryPlan",
    "SearchEngine",
    "SearchResponse",
    "Snippet",
    "Suggestion",
    "Synonyms",
    "Term",
    "analyze",
    "build_index",
    "content_hash",
    "finished_builds",
    "identities",
    "live_path",
    "marked_parts",
    "newest_good_build",
    "ngrams",
    "normalize",
    "normalize_query",
    "read_attachment",
    "read_build_meta",
    "read_meta",
    "verify_build",
]
