"""The Whoosh full-text index (the only package importing Whoosh): build, update, search."""

from reader.search.doc import IndexDoc
from reader.search.index import SCHEMA_VERSION, SearchIndex

__all__ = ["SCHEMA_VERSION", "IndexDoc", "SearchIndex"]
