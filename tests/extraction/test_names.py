"""String rules for names: cleaning spans, titles, initials, dates, shapes, resources."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.extraction import names as N


def cleaned(text: str) -> str:
    s, e = N.clean_span(text, 0, len(text))
    return text[s:e]


@pytest.mark.parametrize("raw, name", [
    ("the Department for Education’s", "Department for Education"),
    ("The London School of Economics", "London School of Economics"),
    ("Peter Wanless-", "Peter Wanless"),
    ("“Ofsted,”", "Ofsted"),
    ("– Haringey —", "Haringey"),
    ("Lord Laming's", "Lord Laming"),
    ("the Social Workers’", "Social Workers"),
    ("(LGA)", "LGA"),
    ("a LGA", "LGA"),
    ("Theresa May", "Theresa May"),  # "The" inside a word is not an article
    ("Andrew", "Andrew"),  # "An" inside a word is not an article either
    ("the", "the"),  # an article alone is left for the shape checks to reject
    ("...", ""),
    ("Mike (Ruddock", "Mike"),  # half a bracket: "Mike (Ruddock) asked me"
    ("Ruddock) asked", "asked"),
    ("Tait (Newcastle)", "Tait"),  # the closing one trimmed as trailing punctuation
    ("Sport [BBC", "Sport"),
])
def test_clean_span_trims_articles_possessives_punctuation_and_dashes(raw, name):
    assert cleaned(raw) == name


def test_clean_span_works_inside_a_longer_text():
    text = "Today the Department for Education’s plan."
    s, e = N.clean_span(text, 6, 36)
    assert (s, e) == (10, 34)
    assert text[s:e] == "Department for Education"


_JUNK = st.text(alphabet=" \"'“”‘’-–—,.;:()!?", max_size=4)
_NAME = st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,2}", fullmatch=True).filter(
    lambda n: n.split()[0] not in ("The", "An"))  # those are articles, rightly trimmed


@settings(database=None)  # no .hypothesis folder in the checkout
@given(prefix=st.text(max_size=12), lead=_JUNK, article=st.sampled_from(["", "the ", "The "]),
       name=_NAME, possessive=st.sampled_from(["", "’s", "'s"]), trail=_JUNK,
       suffix=st.text(max_size=12))
def test_clean_span_offsets_stay_inside_and_match_the_text(prefix, lead, article, name,
                                                           possessive, trail, suffix):
    text = prefix + lead + article + name + possessive + trail + suffix
    start = len(prefix)
    end = len(text) - len(suffix)
    s, e = N.clean_span(text, start, end)
    assert start <= s <= e <= end
    assert text[s:e] == name


def test_money_is_extended_to_its_symbol_and_unit():
    text = "the Department for Education’s £30m innovation programme"
    s = text.index("30")
    assert text[slice(*N.extend_money(text, s, s + 2))] == "£30m"
    text = "a $5 billion fund"
    s = text.index("5")
    assert text[slice(*N.extend_money(text, s, s + 1))] == "$5 billion"


def test_a_work_title_cut_at_its_subtitle_is_extended():
    text = "paper, Child Protection: Back to the Frontline, the minister said"
    s = text.index("Child")
    e = text.index(" to the")
    assert text[slice(*N.extend_title(text, s, e))] == "Child Protection: Back to the Frontline"
    plain = "a debate on Child Protection on Tuesday"
    s = plain.index("Child")
    assert N.extend_title(plain, s, s + 16) == (s, s + 16)  # no colon: left alone


@pytest.mark.parametrize("text, keep", [
    ("30 May", True), ("August 2007", True), ("2008", True), ("November last year", True),
    ("today", False), ("recent years", False), ("the coming months", False),
    ("seventeen month old", False), ("This week", False), ("Tuesday", False),
])
def test_dates_worth_listing_name_a_month_or_a_year(text, keep):
    assert N.keep_date(text) is keep


@pytest.mark.parametrize("prefix, title", [
    ("In 2010 Education Secretary ", "Education Secretary"),
    ("Last November Education Secretary ", "Education Secretary"),
    ("Commenting on it, children’s minister ", "children’s minister"),
    ("the shadow children’s minister, ", ""),  # a comma: an apposition, not a title
    ("such as Sir ", "Sir"),
    ("said Professor ", "Professor"),
    ("Labour MP ", "Labour MP"),
    ("He told ", ""),
    ("met Sir Martin Narey. Children’s minister ", "Children’s minister"),
])
def test_title_before_a_name(prefix, title):
    assert N.title_before(prefix) == title


@pytest.mark.parametrize("span, name", [
    ("Sir Martin Narey", "Martin Narey"),
    ("Education Secretary Michael Gove", "Michael Gove"),
    ("Professor Julian Le Grand", "Julian Le Grand"),
    ("Labour MP Frank Field", "Frank Field"),
    ("Ed Balls", "Ed Balls"),
    ("Home Secretary", ""),
])
def test_titles_inside_a_span_are_found(span, name):
    assert span[N.leading_title_end(span):] == name


def test_titles_after_a_name():
    assert N.trailing_title_start("Tim Loughton MP") == len("Tim Loughton")
    assert N.trailing_title_start("Tim Loughton") == len("Tim Loughton")
    assert N.suffix_after("Tim Loughton MP: Has", 12) == "MP"
    assert N.suffix_after("Tim Loughton is MP", 12) == ""


def test_initials_and_acronyms():
    assert N.initials("Local Government Association") == "LGA"
    assert N.acronym_matches("LGA", "Local Government Association")
    assert N.acronym_matches("LSE", "London School of Economics")
    assert N.acronym_matches("NSPCC",
                             "National Society for the Prevention of Cruelty to Children")
    assert not N.acronym_matches("LGA", "Local Government")
    assert not N.acronym_matches("L", "Labour")
    assert N.is_acronym("LGA") and N.is_acronym("DfE") and not N.is_acronym("Ofsted")


def test_surname_keeps_particles():
    assert N.surname("Michael Gove") == "Gove"
    assert N.surname("Julian Le Grand") == "Le Grand"
    assert N.surname("Gove") == ""


def test_slug_folds_case_quotes_accents_and_ampersands():
    assert N.slug("Children’s Services") == N.slug("children's services")
    assert N.slug("Kensington & Chelsea") == N.slug("Kensington and Chelsea")
    assert N.slug("Sinn Féin") == "sinn-fein"
    assert N.slug("ContactPoint") == N.slug("Contactpoint")


@pytest.mark.parametrize("name, type_, ok", [
    ("Picture_1", "Person", False), ("Tim2", "Person", False), ("tim", "Person", False),
    ("Tim Loughton", "Person", True), ("2008", "Date", True), ("£30m", "Money", True),
    ("", "Place", False), ("A1 Motorway", "Place", True),
])
def test_name_shapes(name, type_, ok):
    assert N.looks_like_name(name, type_) is ok


@pytest.mark.parametrize("name", ["Main", "Top", "AddToAny", "Picture_1", "image 3"])
def test_page_chrome_is_not_a_name(name):
    assert N.is_chrome(name)


def test_lexicon_reads_both_resource_files(resources_dir):
    lex = N.Lexicon.load(resources_dir)
    assert lex.resolve("Tories") == ("Conservative Party", "Organisation")
    assert lex.resolve("tory") == ("Conservative Party", "Organisation")
    assert lex.fixed_type("Haringey") == "Place"
    assert lex.fixed_type("Kensington & Chelsea") == "Place"
    assert lex.fixed_type("Ofsted") == "Organisation"
    assert "government" in lex.ignore
    assert lex.digest


def test_gazetteer_lists_every_london_and_metropolitan_borough(resources_dir):
    import tomllib

    data = tomllib.loads((resources_dir / "gazetteer.toml").read_text(encoding="utf-8"))
    london = {n for n in data["place"]["london_boroughs"]
              if n not in ("City of London", "City of Westminster")}
    # 32 boroughs, plus short forms ("Kingston", "Richmond", ...) that are also listed.
    for borough in ("Barking and Dagenham", "Haringey", "Hackney", "Tower Hamlets",
                    "Waltham Forest", "Kingston upon Thames", "Richmond upon Thames"):
        assert borough in london
    assert len(data["place"]["metropolitan_boroughs"]) == 37  # 36 + "Newcastle"
    every = [n for group in data["place"].values() for n in group]
    assert len(every) > 400
    assert len(every) == len(set(every)), "a place is listed twice"


def test_a_broken_resource_file_is_logged_and_ignored(tmp_path, caplog):
    (tmp_path / "aliases.toml").write_text("this is = = not toml", encoding="utf-8")
    (tmp_path / "gazetteer.toml").write_text('[place]\nx = ["Haringey"]\n[colour]\n',
                                             encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        lex = N.Lexicon.load(tmp_path)
    assert lex.canonical == {}
    assert lex.fixed_type("Haringey") == "Place"
    assert "aliases.toml" in caplog.text and "[colour]" in caplog.text


def test_the_word_lists_are_a_resource_in_the_fingerprint(resources_dir, tmp_path, caplog):
    for name in ("aliases.toml", "gazetteer.toml", "entity_lexicon.toml"):
        (tmp_path / name).write_bytes((resources_dir / name).read_bytes())
    same = N.Lexicon.load(tmp_path)
    assert same.words == N.Lexicon.load(resources_dir).words == N.default_words()
    assert same.digest == N.Lexicon.load(resources_dir).digest
    lexicon = tmp_path / "entity_lexicon.toml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace('"Sir", "Dame"', '"Dame"', 1),
                       encoding="utf-8")
    changed = N.Lexicon.load(tmp_path)
    assert "Sir" not in changed.words.honorifics and changed.digest != same.digest
    assert N.leading_title_end("Sir Martin Narey", changed.words) == 0
    assert N.leading_title_end("Sir Martin Narey") == 4  # the bundled lists by default
    lexicon.write_text("[titles]\nhonorifics = 3\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        broken = N.Lexicon.load(tmp_path)
    assert broken.words == N.default_words() and "entity_lexicon.toml" in caplog.text
