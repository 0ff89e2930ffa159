"""Notes without storage: anchoring, Markdown sanitising, W3C export and import."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.domain import ArticleInfo
from reader.errors import BadInput
from reader.notes import (
    CONTEXT,
    Note,
    entity_links,
    export_json,
    export_markdown,
    make_anchor,
    parse_annotations,
    reanchor,
    refresh_anchor,
    render_markdown,
    to_annotation,
)
from reader.store import Store

BODY = ("The council said the review was late. Inspectors from Ofsted visited in May. "
        "Later the council said the review was fine, and the minister agreed.")


def _note(text: str, start: int, end: int, **extra) -> Note:
    anchor = make_anchor(text, start, end)
    return Note(id=1, doc="doc1", start=anchor.start, end=anchor.end, quote=anchor.quote,
                prefix=anchor.prefix, suffix=anchor.suffix, **extra)


# -- anchors -----------------------------------------------------------------------------------

def test_make_anchor_keeps_quote_and_context_and_trims_whitespace():
    start = BODY.index("Inspectors")
    anchor = make_anchor(BODY, start - 1, start + len("Inspectors from Ofsted") + 1)
    assert anchor.quote == "Inspectors from Ofsted"
    assert (anchor.start, anchor.end) == (start, start + len(anchor.quote))
    assert anchor.prefix == BODY[start - CONTEXT:start] and len(anchor.prefix) == CONTEXT
    assert anchor.suffix == BODY[anchor.end:anchor.end + CONTEXT]
    assert make_anchor(BODY, 0, 3).prefix == ""


@pytest.mark.parametrize("start,end,message", [(5, 5, "outside"), (-1, 4, "outside"),
                                               (0, len(BODY) + 1, "outside"),
                                               (3, 4, "empty"), ("1", 4, "whole numbers")])
def test_make_anchor_rejects_bad_selections(start, end, message):
    with pytest.raises(BadInput, match=message):
        make_anchor(BODY, start, end)


def test_reanchor_keeps_an_unchanged_position():
    note = _note(BODY, 4, 11)
    assert reanchor(note, BODY) == (4, 11)


def test_reanchor_follows_text_inserted_before():
    note = _note(BODY, BODY.index("Ofsted"), BODY.index("Ofsted") + 6)
    new = "Update: a new first paragraph. " + BODY
    assert reanchor(note, new) == (new.index("Ofsted"), new.index("Ofsted") + 6)


def test_reanchor_uses_context_to_pick_between_repeated_quotes():
    second = BODY.rindex("the review")
    note = _note(BODY, second, second + len("the review"))
    # The position now holds the *first* "the review"; context says it is the second one.
    new = BODY[BODY.index("the review"):]
    found = reanchor(note, new)
    assert found == (new.rindex("the review"), new.rindex("the review") + len("the review"))


def test_reanchor_ties_go_to_the_occurrence_nearest_the_old_position():
    body = "alpha beta. " * 20
    start = body.index("beta", 100)
    note = replace(_note(body, start, start + 4), prefix="", suffix="")
    found = reanchor(note, "x" + body)
    assert found == (start + 1, start + 5)


def test_reanchor_finds_a_slightly_edited_quote():
    start = BODY.index("Inspectors")
    note = _note(BODY, start, start + len("Inspectors from Ofsted visited in May"))
    new = BODY.replace("Inspectors from Ofsted visited in May",
                       "Inspectors from Ofsted visited in early May")
    s, e = reanchor(note, new)
    assert new[s:e] == "Inspectors from Ofsted visited in early May"


def test_reanchor_orphans_a_removed_quote_and_refresh_keeps_it():
    start = BODY.index("Inspectors")
    note = _note(BODY, start, start + len("Inspectors from Ofsted visited in May"),
                 text_hash="old", body="my thoughts")
    new = BODY.replace("Inspectors from Ofsted visited in May. ", "")
    assert reanchor(note, new) is None
    orphan = refresh_anchor(note, new, "new")
    assert orphan.orphan and orphan.text_hash == "new"
    assert (orphan.start, orphan.quote, orphan.body) == (note.start, note.quote, "my thoughts")
    back = refresh_anchor(orphan, BODY, "old-again")
    assert not back.orphan and (back.start, back.end) == (note.start, note.end)


def test_refresh_anchor_leaves_current_and_whole_article_notes():
    note = _note(BODY, 4, 11, text_hash="h")
    assert refresh_anchor(note, "totally different", "h") is note
    whole = Note(id=2, doc="doc1", text_hash="h", body="about all of it")
    assert refresh_anchor(whole, "new text", "h2") == replace(whole, text_hash="h2")
    with pytest.raises(ValueError):
        reanchor(whole, "text")


def test_reanchor_is_quick_on_a_long_article():
    import time

    rng = random.Random(3)
    words = [rng.choice(["council", "review", "child", "social", "care", "the", "of", "and",
                         "Ofsted", "report", "minister", "said"]) + " " for _ in range(12000)]
    body = "".join(words)
    start = len("".join(words[:6000]))
    note = _note(body, start, start + 300)
    edited = body[:start + 100] + "CHANGED" + body[start + 107:]
    began = time.perf_counter()
    found = reanchor(note, edited[:1000] + edited[1500:])
    assert time.perf_counter() - began < 1.0
    assert found is not None and abs(found[0] - (start - 500)) <= 5


# Text outside the quote uses lowercase letters; the quote uses capitals, so the passage is
# unique and the test knows exactly where it must end up.
OUTSIDE = st.text(alphabet="abcde fgh.\n", max_size=120)
QUOTE = st.from_regex(r"[A-H][A-H ]{2,40}[A-H]", fullmatch=True)


@st.composite
def article_with_edits(draw):
    left, quote, right = draw(OUTSIDE), draw(QUOTE), draw(OUTSIDE)
    edits = draw(st.lists(st.tuples(st.booleans(), st.floats(0, 1), st.integers(0, 15),
                                    OUTSIDE), max_size=6))
    return left, quote, right, edits


def _edit(text: str, where: float, cut: int, insert: str) -> str:
    at = int(where * len(text))
    return text[:at] + insert + text[at + cut:]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_with_edits())
def test_edits_outside_the_quote_keep_the_note_on_its_passage(case):
    left, quote, right, edits = case
    body = left + quote + right
    note = _note(body, len(left), len(left) + len(quote))
    for on_left, where, cut, insert in edits:
        if on_left:
            left = _edit(left, where, cut, insert)
        else:
            right = _edit(right, where, cut, insert)
    new = left + quote + right
    assert reanchor(note, new) == (len(left), len(left) + len(quote))


@settings(max_examples=200, deadline=None)
@given(article_with_edits(), st.text(alphabet="abcde fgh.\n", max_size=40))
def test_edits_that_remove_the_quote_orphan_the_note(case, replacement):
    left, quote, right, edits = case
    body = left + quote + right
    note = _note(body, len(left), len(left) + len(quote), text_hash="old")
    for _on_left, where, cut, insert in edits:
        left = _edit(left, where, cut, insert)
    new = left + replacement + right
    assert reanchor(note, new) is None
    assert refresh_anchor(note, new, "new").orphan


# -- Markdown ----------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _assert_safe(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "style", "iframe", "img", "object", "embed", "form"}, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name in {"href", "title", "align", "start"}, html
            if name == "href":
                assert re.match(r"(https?|mailto|entity):", value or ""), html
                # The scheme is what a viewer acts on; "entity:javascript%3A" is just a
                # (percent-encoded) entity name and never runs.
                assert not re.match(r"\s*javascript:", (value or "").lower()), html
    # Markup that was not allowed is escaped or gone; a word like "javascript:" may remain
    # as plain text, which is harmless.
    assert "<script" not in html.lower()


@pytest.mark.parametrize("evil", [
    "<script>alert(1)</script>",
    "<SCRIPT src=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JavaScript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="java&#115;cript:alert(1)">x</a>',
    "[x]( javascript:alert(1) )",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "[[x]](javascript:alert(1))",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "<data:text/html,<script>alert(1)</script>>",
])
def test_dangerous_markup_never_survives_rendering(evil):
    html = render_markdown(f"Before {evil} after")
    _assert_safe(html)
    assert "alert(1)</script>" not in html
    assert "onerror" not in html and "onload" not in html and "onclick" not in html


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "<script>", "</script>", "alert(1)", "<img src=x onerror=", "javascript:", "[a](", ")",
    "<a href=", '"', "'", ">", "[[", "]]", "**", "`", "\n", "on", "mouseover=", "&#106;",
    "<", "x", " ", "http://ok.example/", "<svg", "/>", "style=",
]), max_size=30))
def test_rendering_random_markup_stays_safe(pieces):
    _assert_safe(render_markdown("".join(pieces)))


def test_entity_links_render_as_internal_links():
    html = render_markdown("See [[Entity Name]] and [[ Ofsted ]], not `[[code]]`.")
    assert '<a href="entity:Entity%20Name">Entity Name</a>' in html
    assert '<a href="entity:Ofsted">Ofsted</a>' in html
    assert "<code>[[code]]</code>" in html
    assert entity_links("[[A & B]] and [[A  &  B]] [[C]]") == ["A & B", "C"]
    assert 'href="entity:A%20%26%20B"' in render_markdown("[[A & B]]")


def test_ordinary_markdown_and_safe_links_render():
    html = render_markdown("# Title\n\n**bold** and [site](https://example.org)\n\n- one\n- two\n"
                           "\nline one\nline two\n\n[mail](mailto:a@example.org)")
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://example.org">site</a>' in html
    assert "<li>one</li>" in html
    assert "line one<br>" in html
    assert 'href="mailto:a@example.org"' in html


# -- export and import -------------------------------------------------------------------------

ARTICLES = {
    "doc1": ArticleInfo(id="doc1", title="Council review late", source="BBC News",
                        author="Jane Smith", date="2024-05-01"),
    "doc2": ArticleInfo(id="doc2", title="Ofsted report", source="The Guardian", date="2023-02-01"),
}


def _sample_notes() -> list[Note]:
    quoted = replace(_note(BODY, 4, 11), id=1, body="Why **late**?", tags=("review", "council"),
                     created="2024-06-01T10:00:00.000Z", updated="2024-06-02T10:00:00.000Z",
                     uid="urn:uuid:11111111-1111-4111-8111-111111111111")
    whole = Note(id=2, doc="doc2", body="The whole report matters.", tags=("ofsted",),
                 created="2024-06-03T10:00:00.000Z", updated="2024-06-03T10:00:00.000Z",
                 uid="urn:uuid:22222222-2222-4222-8222-222222222222")
    gone = Note(id=3, doc="doc9", start=3, end=8, quote="vanished", body="", orphan=True,
                created="2024-06-04T10:00:00.000Z", updated="2024-06-04T10:00:00.000Z",
                uid="urn:uuid:33333333-3333-4333-8333-333333333333")
    return [quoted, whole, gone]


def test_markdown_export_groups_by_article_with_quotes_and_citations():
    text = export_markdown(_sample_notes(), ARTICLES)
    # Oldest article first; a missing article still gets its notes.
    assert text.index("## doc9") < text.index("## Ofsted report") < text.index("## Council review")
    assert "Jane Smith, “Council review late”, *BBC News*, 2024-05-01." in text
    assert "“Ofsted report”, *The Guardian*, 2023-02-01." in text
    assert "> council\n\nWhy **late**?" in text
    assert "Tags: #review, #council" in text
    assert "_On the whole article._" in text
    assert "no longer in the library" in text and "no longer in the article" in text
    assert export_markdown([], ARTICLES).strip().endswith("_No notes._")


def test_json_export_is_a_w3c_annotation_collection():
    data = json.loads(export_json(_sample_notes()))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 3
    items = {a["id"]: a for a in data["first"]["items"]}
    quoted = items["urn:uuid:11111111-1111-4111-8111-111111111111"]
    assert quoted["type"] == "Annotation" and quoted["@context"] == data["@context"]
    assert quoted["created"] == "2024-06-01T10:00:00.000Z"
    assert quoted["modified"] == "2024-06-02T10:00:00.000Z"
    assert quoted["body"] == [
        {"type": "TextualBody", "value": "Why **late**?", "format": "text/markdown",
         "purpose": "commenting"},
        {"type": "TextualBody", "value": "review", "purpose": "tagging"},
        {"type": "TextualBody", "value": "council", "purpose": "tagging"},
    ]
    assert quoted["target"] == {"source": "doc1", "selector": [
        {"type": "TextQuoteSelector", "exact": "council", "prefix": "The ",
         "suffix": BODY[11:11 + CONTEXT]},
        {"type": "TextPositionSelector", "start": 4, "end": 11},
    ]}
    assert items["urn:uuid:22222222-2222-4222-8222-222222222222"]["target"] == {"source": "doc2"}
    assert "body" not in items["urn:uuid:33333333-3333-4333-8333-333333333333"]


def test_parse_annotations_restores_the_notes():
    notes, problems = parse_annotations(export_json(_sample_notes()))
    assert problems == []
    by_uid = {n.uid: n for n in notes}
    for original in _sample_notes():
        back = by_uid[original.uid]
        for field in ("doc", "start", "end", "quote", "prefix", "suffix", "body", "tags",
                      "created", "updated"):
            assert getattr(back, field) == getattr(original, field), field


def test_export_import_round_trip_through_the_store_has_no_duplicates(tmp_path):
    store = Store.open(tmp_path / "reader.sqlite3")
    try:
        quoted = store.add_note("doc1", make_anchor(BODY, 4, 11), "h", "Why **late**?",
                                ["review"])
        store.add_note("doc2", body="whole article")
        exported = export_json(store.list_notes())

        other = Store.open(tmp_path / "other" / "reader.sqlite3")
        try:
            notes, _ = parse_annotations(exported)
            assert other.import_notes(notes) == {"added": 2, "updated": 0, "unchanged": 0}
            assert other.import_notes(parse_annotations(exported)[0]) == {
                "added": 0, "updated": 0, "unchanged": 2}
            assert export_json(other.list_notes()) == exported
            assert other.list_notes()[0].text_hash == ""  # to be re-anchored by the library
        finally:
            other.close()

        # Importing into the original store changes nothing; a newer copy updates in place.
        assert store.import_notes(parse_annotations(exported)[0])["added"] == 0
        data = json.loads(exported)
        item = next(a for a in data["first"]["items"] if a["id"] == quoted.uid)
        item["modified"] = "2999-01-01T00:00:00Z"
        item["body"][0]["value"] = "edited elsewhere"
        counts = store.import_notes(parse_annotations(json.dumps(data))[0])
        assert counts == {"added": 0, "updated": 1, "unchanged": 1}
        assert len(store.list_notes()) == 2
        assert store.get_note(quoted.id).body == "edited elsewhere"
        assert [n.id for n in store.search_notes("elsewhere")] == [quoted.id]
    finally:
        store.close()


def test_parse_annotations_accepts_other_shapes_and_reports_problems():
    bare = {"type": "Annotation", "bodyValue": "plain text",
            "target": {"source": "doc1", "selector": {"type": "TextPositionSelector",
                                                      "start": 1, "end": 4}}}
    notes, problems = parse_annotations(json.dumps([bare, {"type": "Other"}, "nonsense"]))
    assert len(notes) == 1 and notes[0].body == "plain text" and notes[0].whole_article
    assert any("no quote" in p for p in problems)
    assert sum("skipped" in p for p in problems) == 2
    # No id: a stable one derived from the content, so a second import is not a duplicate.
    assert parse_annotations(json.dumps(bare))[0][0].uid == notes[0].uid
    single = to_annotation(_sample_notes()[0])
    assert parse_annotations(json.dumps(single))[0][0].uid == single["id"]
    page = {"type": "AnnotationPage", "items": [single]}
    assert len(parse_annotations(json.dumps(page))[0]) == 1


@pytest.mark.parametrize("text,message", [("{not json", "invalid JSON"),
                                          ('{"hello": 1}', "no Web Annotations"),
                                          ("42", "no Web Annotations")])
def test_parse_annotations_rejects_other_files_clearly(text, message):
    with pytest.raises(BadInput, match=message):
        parse_annotations(text)


def test_the_markdown_export_never_copies_a_title_as_raw_html():
    from reader.domain import ArticleInfo, Note
    from reader.notes import export_markdown

    info = ArticleInfo(id="x", title='<img src=x onerror="alert(1)"> Budget', source="<b>S</b>")
    text = export_markdown([Note(id=1, doc="x", body="A note")], {"x": info})
    assert "<img" not in text and "<b>" not in text
    assert "&lt;img" in text and "Budget" in text
