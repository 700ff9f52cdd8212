"""The search engine: Korean analysis, the Whoosh index, query parsing, search, highlighting.

The only package that imports Whoosh. ``kb`` talks to it through these names.
"""

from indexer.analysis import Term, analyze, ngrams
from indexer.build import BuildInfo, IndexNotFound, build_index, content_hash, live_path, read_meta
from indexer.highlight import Snippet
from indexer.normalize import normalize, normalize_query
from indexer.query import QueryPlan
from indexer.schema import IndexDoc
from indexer.search import Hit, SearchEngine, SearchResponse
from indexer.synonyms import Synonyms

__all__ = [
    "BuildInfo",
    "Hit",
    "IndexDoc",
    "IndexNotFound",
    "QueryPlan",
    "SearchEngine",
    "SearchResponse",
    "Snippet",
    "Synonyms",
    "Term",
    "analyze",
    "build_index",
    "ngrams",
    "normalize",
    "normalize_query",
    "content_hash",
    "live_path",
    "read_meta",
]
