"""Peer engines on the same articles and queries: SQLite FTS5 (stdlib) and tantivy (optional).

Each peer is built from the importer's clean articles (the same parse work reader does) and
answers each query with its top 10 hits, a snippet per hit and the total count, like
`lib.search.run(q, limit=10)`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .queries import Query

Searcher = Callable[[Query], int]  # runs one query, returns the total number of hits


def _articles(files: list[Path]):
    from reader import importer
    from reader.errors import BadInput

    for path in files:
        try:
            yield importer.parse_file(path)
        except (BadInput, OSError):
            continue


def build_fts5(files: list[Path], db_path: Path) -> tuple[float, Searcher]:
    """(build seconds including parsing, search function)."""
    t0 = time.perf_counter()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, source, "
                "author, date UNINDEXED, tokenize='porter unicode61 remove_diacritics 2')")
    with con:
        con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?)",
                        ((a.id, a.title, a.body, a.source, a.author, a.date)
                         for a in _articles(files)))
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    build = time.perf_counter() - t0

    def search(q: Query) -> int:
        where = f" AND {q.fts5_where}" if q.fts5_where else ""
        rows = con.execute(
            "SELECT id, title, snippet(docs, 2, '<b>', '</b>', ' … ', 32), "
            "bm25(docs, 0, 2.0, 1.0, 1.0, 1.0, 0) AS score "
            f"FROM docs WHERE docs MATCH ?{where} ORDER BY score LIMIT 10", (q.fts5,)).fetchall()
        total = con.execute(f"SELECT count(*) FROM docs WHERE docs MATCH ?{where}",
                            (q.fts5,)).fetchone()[0]
        assert len(rows) <= total
        return total

    return build, search


def tantivy_version() -> str | None:
    try:
        from importlib.metadata import version

        import tantivy  # noqa: F401  (only checking that it imports)

        return version("tantivy")
    except Exception:  # not installed or broken wheel: the peer is reported n/a
        return None


def build_tantivy(files: list[Path], folder: Path) -> tuple[float, Searcher]:
    """(build seconds including parsing, search function). tantivy uses its default threads."""
    import tantivy

    t0 = time.perf_counter()
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("source", stored=True)
    sb.add_text_field("author", stored=True)
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    schema = sb.build()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=128_000_000)
    for a in _articles(files):
        fields = dict(id=a.id, title=a.title, body=a.body, source=a.source, author=a.author)
        if a.date:
            d = dt.date.fromisoformat(a.date)
            fields["date"] = dt.datetime(d.year, d.month, d.day)
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build = time.perf_counter() - t0
    searcher = index.searcher()
    fuzzy = {"title": (False, 1, True), "body": (False, 1, True)}

    def search(q: Query) -> int:
        kwargs = {}
        if q.fuzzy:
            kwargs["fuzzy_fields"] = fuzzy
        if q.regex:
            kwargs["allow_regexes"] = True
        query = index.parse_query(q.tantivy, ["title", "body"], field_boosts={"title": 2.0},
                                  conjunction_by_default=True, **kwargs)
        result = searcher.search(query, 10, count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        snippets.set_max_num_chars(240)
        for _score, address in result.hits:
            doc = searcher.doc(address)
            snippets.snippet_from_doc(doc).to_html()
            doc.get_first("title")
        return result.count

    return build, search
