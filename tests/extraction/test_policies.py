"""Policies: codebook format, pattern language, proposals, attribution and the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.domain import Article
from reader.errors import BadInput, NotFound
from reader.extraction.nlp import Analysis
from reader.extraction.policies import (
    PolicyTable,
    build_policies,
    compile_pattern,
    load_codebook,
    promote,
    validate_policies,
)

CODEBOOK = Path(__file__).resolve().parents[2] / "resources" / "codebook.toml"

# Every codebook pattern with a sentence it must match and a false friend it must not.
# The false friends are near misses: same words, another meaning or another shape.
PATTERN_CASES = {
    # outsourcing
    "outsource": ("Ministers want councils to outsource child protection.",
                  "The council sourced its staff from outside the county."),
    "outsourced": ("Adoption services could be outsourced to registered agencies.",
                   "The food was sourced from local farms."),
    "outsourcing": ("The LGA doubts that outsourcing will help failing services.",
                    "Councils rely on sourcing good staff."),
    "contract out": ("Failing councils may have to contract out their children's services.",
                     "Her contract ran out in May."),
    "delegate ..3 function": ("Councils may delegate their functions for care leavers.",
                              "Delegates at the conference discussed the function of boards."),
    "function ..8 to third party": (
        "Councils may pass functions for children in care to third parties.",
        "The function was attended by a third party."),
    "third party expertise": ("Authorities could harness third-party expertise.",
                              "A third party reported the abuse."),
    "deliver|provide|run in house": ("Why must all services be delivered in-house?",
                                     "The family delivered food to the house."),
    "trust independent from|of the council": (
        "Services will be run by a trust independent from the council.",
        "Parents do not trust the council."),
    "outside council control": ("Services could be delivered outside council control.",
                                "Outside, the council lost control of the crowd."),
    "outside local authority control": (
        "Children's services may be run outside local authority control.",
        "Outside the local authority, control rests with the police."),
    # independent social work practices
    "independent social work practice": (
        "Gove wants more independent social work practices.",
        "Independent reviewers praised social work practice in Leeds."),
    "social work practices": (
        "Social workers could set up social work practices like GP surgeries.",
        "We must make sure that good social work practice is promoted."),
    "social work practice pilot": ("The social work practice pilot areas were chosen in 2008.",
                                   "The pilot praised social work practice in Leeds."),
    "a social work practice": ("She left the council to set up a social work practice.",
                               "Social work practice has improved in Leeds."),
    # ContactPoint
    "contactpoint": ("The Tories pledged to scrap ContactPoint.",
                     "Families need a single point of contact."),
    # serious case reviews
    "publish|publishing|publication ..3 serious case review": (
        "The Tories want automatic publishing of serious case reviews.",
        "Munro published her report on a serious case."),
    "publish|publishing|publication ..3 scr": ("Ofsted backs the publication of SCRs.",
                                              "The publication of scores was delayed."),
    "serious case review ..4 be publish": (
        "All serious case reviews should be published in full.",
        "The serious case review criticised the council."),
    "scr ..4 be publish": ("SCR overview documents should be published.",
                           "The SCR was delayed by a year."),
    "anonymous|anonymised publication": (
        "They want the anonymous publication of all reviews.",
        "An anonymous source criticised the publication."),
    # chief social worker
    "chief social worker": ("A chief social worker would lead the profession.",
                            "The chief executive praised social workers."),
    # inspection overhaul
    "overhaul ..3 inspection": ("The Tories intend to overhaul the inspection regime.",
                                "Inspection found the overhaul of the computer system was late."),
    "inspection regime|system|framework ..4 overhaul": (
        "The inspection system needs a complete overhaul.",
        "The inspection framework was praised."),
    "inspector ..2 spend time with": ("Care inspectors should spend time with social workers.",
                                      "Inspectors spend little time on paperwork."),
    "inspector ..2 go out with": ("Inspectors would go out with caseworkers on visits.",
                                  "The inspector went out to lunch."),
    "will|would|to|and second ..8 to ofsted": (
        "They will second directors of children's services to Ofsted.",
        "The second report went to Ofsted."),
    "seconded|secondment ..6 to ofsted": ("Two directors were seconded to Ofsted.",
                                          "The seconds ticked by as Ofsted waited."),
    # unannounced inspections
    "unannounced inspection": ("Only unannounced inspections will continue.",
                               "Ofsted announced inspection results today."),
    "unannounced one": ("Announced visits are scrapped, with only unannounced ones continuing.",
                        "The visit was unannounced."),
    "announced inspection ..6 scrap|end|abolish": (
        "Munro recommends that announced inspections are scrapped.",
        "Ofsted announced inspection dates today."),
    "less|fewer inspection": ("The report calls for less inspection by Ofsted.",
                              "Fewer children were inspected this year."),
    "reduce ..2 inspection": ("Ministers will reduce the inspection burden.",
                              "Inspection helped reduce delays."),
    # Ofsted and serious case reviews
    "evaluate|evaluation ..2 serious case review": (
        "Ofsted should stop evaluating serious case reviews.",
        "The evaluation found serious gaps in case reviews."),
    "evaluate|evaluation ..2 scr": ("Ofsted's evaluation of SCRs will end.",
                                    "The evaluation of schools will end."),
    # statutory guidance trials
    "suspension ..6 statutory": ("A trial suspension of some statutory procedures is planned.",
                                 "The teacher's suspension was lifted."),
    "suspend ..4 statutory": ("Councils may suspend parts of statutory guidance.",
                              "The school suspended the pupil."),
    "statutory guidance|procedure ..4 suspend|suspension": (
        "Statutory guidance will be suspended in five councils.",
        "Statutory guidance was updated in June."),
    # bureaucracy
    "cut|cutting|reduce|reducing|remove|removing|free|less ..4 bureaucracy": (
        "She chairs an expert panel on cutting bureaucracy in social care.",
        "Bureaucracy grew under the last government."),
    "amount|volume|level ..2 bureaucracy": (
        "The report criticised the amount of bureaucracy facing social workers.",
        "Staff showed a high level of commitment."),
    "red tape": ("The move frees councils from red tape.",
                 "The red car was taped off."),
    "tick box": ("Social workers spend too much time ticking boxes.",
                 "Tick the box marked yes."),
    "box ticking": ("Computer box ticking wastes time.",
                    "The boxing match was exciting."),
    "box ..2 tick": ("As long as all the boxes were ticked, nobody asked questions.",
                     "The boxes were stacked in the hall."),
    "free|unshackle|cut|reduce ..8 paperwork": (
        "The plan is a bid to unshackle social workers from paperwork.",
        "The paperwork was filed on time."),
    "regulation ..8 reduce": ("Some regulation is needed, but we need to reduce it.",
                              "Regulation of the sector began in 2000."),
    "more time with child|children|family|families": (
        "Professionals should be spending more time with children.",
        "Children need more time to play."),
    # chief executives and political leaders
    "chief executive ..10 political leader": (
        "We need to ask tougher questions of council chief executives and political leaders.",
        "The chief executive met community leaders."),
    "responsibility ..6 chief executive": (
        "Ultimate responsibility should rest with the chief executives.",
        "The chief executive has no responsibility for schools."),
    "chief executive ..4 accountable|responsible|account": (
        "Chief executives should be held accountable.",
        "The chief executive opened the new centre."),
    # shared responsibility
    "inter agency": ("Proper inter-agency working is needed.",
                     "The agency's internal review was published."),
    "multi agency": ("A multi-agency team will review the cases.",
                     "Many agencies were involved."),
    "joint working": ("Inspectors should examine joint working between agencies.",
                      "Working jointly is hard."),
    "importance of other profession|professional": (
        "The report stresses the importance of other professionals.",
        "The importance of other factors was noted."),
    "other profession|professional ..8 account|accountable": (
        "Other professions, including doctors and police, should be held to account.",
        "Other professionals attended the meeting."),
    "not just|only ..3 responsibility of social worker": (
        "Child protection is not just the responsibility of social workers.",
        "It is the responsibility of social workers to visit."),
    # Care First
    "Care First": ("A new scheme, Care First, will recruit graduates.",
                   "We must always put care first."),
    "Teach First": ("It is based on the Teach First model.",
                    "Teachers first met in May."),
    # recruitment and retention
    "recruitment campaign": ("A high profile recruitment campaign is needed.",
                             "The campaign against recruitment fees grew."),
    "recruit ..4 social worker": ("Councils struggle to recruit experienced social workers.",
                                  "Social workers recruit foster carers."),
    "increase the number of social worker": (
        "Initiatives to increase the number of social workers are on track.",
        "The number of social workers fell."),
    "keep|retain the social worker": ("Councils must keep the social workers they have.",
                                      "The social workers kept the records."),
    "retention of ..2 worker|staff": ("Retention of experienced staff is vital.",
                                      "The retention of records is required."),
    # structural change
    "structural change": ("There should be an end to interminable structural change.",
                          "The change to the building's structure was approved."),
    "structural upheaval": ("Years of structural upheaval have drained morale.",
                            "The upheaval in family structures was studied."),
    "constant|interminable upheaval": ("The constant upheaval drains resources.",
                                       "The upheaval was constant."),
    # status of social work
    "status of ..2 profession": ("We must raise the status of the profession.",
                                 "The status of the case was unclear."),
    "status of social work|worker": ("Raising the status of social work matters.",
                                     "The status of the social housing bid is unclear."),
    "profession ..2 profile|status": ("The post would raise the profession's profile.",
                                      "The professional profile of the staff was high."),
    "standing ..5 social worker": ("It would improve the standing and image of social workers.",
                                   "Social workers were left standing."),
    "image of social worker": ("The image of social workers has suffered.",
                               "An image of the social club hung there."),
    # training
    "better|ongoing|more ..4 training": ("We advocate better on the job ongoing training.",
                                         "Training is better than nothing."),
    "training for ..4 staff|worker|workers|manager|managers": (
        "Training for front line staff must improve.",
        "Staff need time for training."),
    # early help
    "early intervention": ("Early intervention saves money.",
                           "The intervention came too late; early signs were missed."),
    "early help": ("Councils should offer early help to families.",
                   "Help arrived early."),
    "child|children|family|families ..2 as early as possible": (
        "She wants to reach the neediest children and families as early as possible.",
        "She arrived as early as possible."),
    # innovation programme
    "innovation programme|program|fund": ("The £30m innovation programme funds new ideas.",
                                          "Innovation could only grow if models changed."),
}

PROPOSAL_CUES = [  # (sentence, expected cue or None)
    ("The council proposes that parking fees should be cut.", "proposes"),
    ("The minister plans to cut parking fees.", "plans to"),
    ("The charity calls for a ban on smacking.", "calls for"),
    ("The report recommends a national register of tutors.", "recommends"),
    ("Foster carers should be paid more.", "should"),
    ("The bill would see the creation of a new agency.", "would see the creation"),
    ("Carers will be able to claim travel costs.", "will be able to"),
    ("The government is considering a ban on energy drinks.", "is considering"),
    ("We need to cut paperwork for social workers.", "We need to"),
    ("Failing councils may be forced to merge.", "may be forced to"),
    ("The consultation calls for the views of parents.", None),
    ("The report lists the changes we need to make.", None),
    ("Should councils pay foster carers more?", None),
    ("The minister visited a school in Leeds.", None),
    ("We should be ashamed of ourselves.", None),
]


def _article(doc_id: str, body: str, date: str = "", title: str = "") -> Article:
    return Article(id=doc_id, title=title, body=body, date=date)


def _policy(pid: str, *patterns: str, unless: tuple[str, ...] = ()) -> dict:
    return {"id": pid, "label": pid.title(), "description": "", "patterns": list(patterns),
            "unless": list(unless)}


# -- without the model -------------------------------------------------------------------


def _hand_analysis(art: Article, words: list[tuple[str, str, str]]) -> Analysis:
    """One-sentence analysis from (text, lemma, pos) words separated by single spaces."""
    tokens, pos = [], 0
    for n, (text, lemma, tag) in enumerate(words):
        start = art.body.index(text, pos)
        tokens.append((start, start + len(text), lemma, tag, "dep", n))
        pos = start + len(text)
    return Analysis(text_hash=art.text_hash, title_len=0, sents=[(0, len(art.body))], ents=[],
                    tokens=tokens)


def test_pattern_matches_lemmas_skips_punctuation_and_respects_gaps():
    art = _article("a", "Councils outsourced third-party services.")
    words = [("Councils", "council", "NOUN"), ("outsourced", "outsource", "VERB"),
             ("third", "third", "ADJ"), ("-", "-", "PUNCT"), ("party", "party", "NOUN"),
             ("services", "service", "NOUN"), (".", ".", "PUNCT")]
    analyses = {"a": _hand_analysis(art, words)}
    book = [_policy("lemma", "outsource"), _policy("hyphen", "third-party service"),
            _policy("plural", "council outsource"), _policy("gap", "council ..1 party"),
            _policy("gap-ok", "council ..3 party"), _policy("exact", "Outsourced"),
            _policy("pos", "outsource:VERB"), _policy("wrong-pos", "outsource:NOUN")]
    table = build_policies([art], analyses, book)
    got = {p.id for p in table.policies if p.mentions}
    assert got == {"lemma", "hyphen", "plural", "gap-ok", "pos"}
    mention = table.get("lemma").mentions[0]
    assert (mention.start, mention.end, mention.text) == (0, len(art.body), art.body)


@pytest.mark.parametrize("bad", ["", "... outsource", "outsource ...", "a ... ... b", "|"])
def test_bad_patterns_are_rejected(bad):
    with pytest.raises(BadInput):
        compile_pattern(bad)


def test_codebook_loads_and_every_pattern_has_a_test_case():
    book = load_codebook(CODEBOOK)
    assert len(book) >= 15
    assert len({p["id"] for p in book}) == len(book)
    patterns = {pat for p in book for pat in p["patterns"]}
    assert patterns == set(PATTERN_CASES), "add a true sentence and a false friend per pattern"
    assert all(p["label"] and p["description"] for p in book)


@pytest.mark.parametrize("text, message", [
    ("[[policy]\n", "not valid TOML"),
    ("title = 'x'\n", r"no \[\[policy\]\]"),
    ("[[policy]]\nid = 'x'\npatterns = ['a']\n", "label"),
    ("[[policy]]\nid = 'Bad Id'\nlabel = 'x'\npatterns = ['a']\n", "id must be"),
    ("[[policy]]\nid = 'x'\nlabel = 'x'\npatterns = []\n", "at least one pattern"),
    ("[[policy]]\nid = 'x'\nlabel = 'x'\npatterns = ['... a']\n", "gap"),
    ("[[policy]]\nid = 'x'\nlabel = 'x'\npatterns = ['a']\ncolour = 1\n", "unknown key"),
    ("[[policy]]\nid = 'x'\nlabel = 'x'\npatterns = ['a']\n"
     "[[policy]]\nid = 'x'\nlabel = 'y'\npatterns = ['b']\n", "duplicate"),
])
def test_malformed_codebook_gives_a_clear_error(tmp_path, text, message):
    path = tmp_path / "codebook.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=message) as info:
        load_codebook(path)
    assert str(path) in str(info.value)


def test_missing_codebook_is_a_reader_error(tmp_path):
    with pytest.raises(BadInput, match="cannot read"):
        load_codebook(tmp_path / "nope.toml")


def test_user_policy_cannot_take_a_codebook_id():
    with pytest.raises(BadInput, match="duplicate"):
        validate_policies([_policy("outsourcing", "x")], taken=["outsourcing"])


def test_a_broken_user_policy_is_skipped_and_reported():
    art = _article("a", "Councils outsourced services.")
    words = [("Councils", "council", "NOUN"), ("outsourced", "outsource", "VERB"),
             ("services", "service", "NOUN"), (".", ".", "PUNCT")]
    users = [_policy("outsourcing", "council"), _policy("user:bad", "... x"),
             _policy("user:good", "council")]
    table = build_policies([art], {"a": _hand_analysis(art, words)},
                           [_policy("outsourcing", "outsource")], users)
    assert [p.id for p in table.policies] == ["outsourcing", "user:good"]
    assert table.get("user:good").user and table.get("user:good").docs == ["a"]
    assert len(table.problems) == 2 and "duplicate" in table.problems[0]


def test_cache_round_trip_and_re_resolution():
    art = _article("a", "Councils outsourced services.", date="2014-04-17")
    words = [("Councils", "council", "NOUN"), ("outsourced", "outsource", "VERB"),
             ("services", "service", "NOUN"), (".", ".", "PUNCT")]
    table = build_policies([art], {"a": _hand_analysis(art, words)},
                           [_policy("outsourcing", "outsource")])
    data = json.loads(json.dumps(table.to_cache()))
    again = PolicyTable.from_cache(data)
    assert [p.to_json() for p in again.policies] == [p.to_json() for p in table.policies]
    assert again.get("outsourcing").first_date == "2014-04-17"
    with pytest.raises(NotFound):
        again.get("nope")
    with pytest.raises(ValueError):
        PolicyTable.from_cache({"version": -1})
    with pytest.raises(ValueError):
        PolicyTable.from_cache({**data, "policies": [{"id": "x"}]})


# -- with the model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pattern_docs(nlp, tmp_path_factory):
    """Each test sentence as its own article, analysed in one batch."""
    from reader.extraction.nlp import analyse

    arts = []
    for n, (true, false) in enumerate(PATTERN_CASES.values()):
        arts += [_article(f"t{n}", true), _article(f"f{n}", false)]
    for n, (sentence, _) in enumerate(PROPOSAL_CUES):
        arts.append(_article(f"c{n}", sentence))
    return arts, analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp)


@pytest.mark.spacy
def test_each_pattern_matches_its_sentence_and_not_its_false_friend(pattern_docs):
    arts, analyses = pattern_docs
    book = [_policy(f"p{n}", pattern) for n, pattern in enumerate(PATTERN_CASES)]
    table = build_policies(arts, analyses, book)
    wrong = []
    for n, pattern in enumerate(PATTERN_CASES):
        docs = set(table.get(f"p{n}").docs)
        if f"t{n}" not in docs:
            wrong.append(f"{pattern!r} missed: {PATTERN_CASES[pattern][0]}")
        if f"f{n}" in docs:
            wrong.append(f"{pattern!r} matched false friend: {PATTERN_CASES[pattern][1]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.spacy
def test_unless_drops_false_friends_of_social_work_practices(nlp, tmp_path):
    from reader.extraction.nlp import analyse

    arts = [_article("good", "The report praised good social work practices in Leeds."),
            _article("swp", "Why aren't there more independent social work practices?")]
    book = [p for p in load_codebook(CODEBOOK) if p["id"] == "social-work-practices"]
    table = build_policies(arts, analyse(arts, tmp_path, nlp=nlp), book)
    assert table.get("social-work-practices").docs == ["swp"]


@pytest.mark.spacy
def test_proposal_cues(pattern_docs):
    arts, analyses = pattern_docs
    cue_arts = [a for a in arts if a.id.startswith("c")]
    table = build_policies(cue_arts, analyses, [_policy("unused", "zzzz")])
    got = {p.doc: p.cue for p in table.proposals}
    for n, (sentence, cue) in enumerate(PROPOSAL_CUES):
        assert got.get(f"c{n}") == cue, sentence
    proposal = next(p for p in table.proposals if p.doc == "c2")
    assert proposal.to_json() == {"doc": "c2", "start": 0, "end": len(PROPOSAL_CUES[2][0]),
                                  "text": PROPOSAL_CUES[2][0], "cue": "calls for"}


@pytest.fixture(scope="module")
def attribution_table(nlp, tmp_path_factory):
    from reader.extraction.nlp import analyse

    bodies = {
        "said": "Failing councils should outsource child protection, Michael Gove said.",
        "quote": ("The minister, Jane Smith, spoke in Leeds today.\n\n"
                  "“We will scrap ContactPoint,” she said. “It is a disaster.\n\n"
                  "“We will also publish all serious case reviews.”"),
        "according": ("According to the Local Government Association, outsourcing will not "
                      "improve failing services."),
        "sceptical": "The Local Government Association is sceptical that outsourcing will work.",
        "opposes": "Unison opposes outsourcing of child protection.",
        "possessive": ("The Conservatives' plans would see the creation of a chief social "
                       "worker."),
        "plain": "Councils in Kent outsourced child protection last year.",
        "verb-first": "Labour has attacked government plans to outsource children's services.",
        "unnamed": "Critics reject outsourcing.",
        "appos": ("According to the charity's chief executive, Peter Wanless, serious case "
                  "reviews should be published in full."),
        "covered": "The minister plans to outsource child protection services.",
    }
    arts = [_article(k, v) for k, v in bodies.items()]
    book = [p for p in load_codebook(CODEBOOK)
            if p["id"] in ("outsourcing", "scrap-contactpoint", "publish-serious-case-reviews",
                           "chief-social-worker")]
    ids = {"Michael Gove": "person:michael-gove", "Conservatives": "organisation:conservatives"}
    return build_policies(arts, analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp), book,
                          resolve_actor=ids.get)


def _only(table: PolicyTable, policy: str, doc: str):
    found = [m for m in table.get(policy).mentions if m.doc == doc]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.spacy
@pytest.mark.parametrize("policy, doc, actor, stance", [
    ("outsourcing", "said", "person:michael-gove", "proposes"),
    ("scrap-contactpoint", "quote", "Jane Smith", "proposes"),
    ("publish-serious-case-reviews", "quote", "Jane Smith", "proposes"),  # quote continued
    ("outsourcing", "according", "Local Government Association", "unknown"),
    ("outsourcing", "sceptical", "Local Government Association", "sceptical"),
    ("outsourcing", "opposes", "Unison", "opposes"),
    ("chief-social-worker", "possessive", "organisation:conservatives", "proposes"),
    ("outsourcing", "plain", None, "unknown"),
    ("outsourcing", "verb-first", "Labour", "opposes"),
    ("outsourcing", "unnamed", None, "opposes"),
    ("publish-serious-case-reviews", "appos", "Peter Wanless", "proposes"),
])
def test_attribution(attribution_table, policy, doc, actor, stance):
    mention = _only(attribution_table, policy, doc)
    assert (mention.actor, mention.stance) == (actor, stance), mention.text


@pytest.mark.spacy
def test_sentence_covered_by_a_policy_is_not_an_unfiled_proposal(attribution_table):
    assert _only(attribution_table, "outsourcing", "covered")
    assert "covered" not in {p.doc for p in attribution_table.proposals}


# -- the bundled corpus ------------------------------------------------------------------

EXPECTED_DOCS = {  # a careful reading of the five articles (ids by their first 3 digits)
    "outsourcing": {"000", "001", "002"},
    "social-work-practices": {"000", "001", "002"},
    "scrap-contactpoint": {"000", "004"},
    "publish-serious-case-reviews": {"000", "003", "004"},
    "chief-social-worker": {"000"},
    "inspection-overhaul": {"000", "004"},
    "unannounced-inspections": {"003"},
    "ofsted-scr-evaluation": {"003"},
    "suspend-statutory-guidance": {"003"},
    "reduce-bureaucracy": {"000", "003", "004"},
    "leadership-accountability": {"001"},
    "shared-responsibility": {"000", "001", "003", "004"},
    "care-first": {"004"},
    "recruitment-retention": {"003", "004"},
    "end-structural-change": {"000", "004"},
    "raise-social-work-status": {"000", "003", "004"},
    "social-work-training": {"004"},
    "early-help": {"003"},
    "innovation-programme": {"002"},
}


@pytest.fixture(scope="module")
def corpus_table(corpus_articles, corpus_analyses):
    return build_policies(corpus_articles, corpus_analyses, load_codebook(CODEBOOK))


@pytest.mark.spacy
def test_corpus_policy_articles(corpus_table):
    got = {p.id: {d[:3] for d in p.docs} for p in corpus_table.policies}
    assert got == EXPECTED_DOCS


@pytest.mark.spacy
def test_corpus_mentions_are_body_sentences(corpus_table, corpus_articles):
    bodies = {a.id: a.body for a in corpus_articles}
    for policy in corpus_table.policies:
        for m in policy.mentions:
            assert bodies[m.doc][m.start:m.end] == m.text
            assert m.text == m.text.strip() and "\n\n" not in m.text


@pytest.mark.spacy
def test_outsourcing_timeline_and_attribution(corpus_table, corpus_articles):
    outsourcing = corpus_table.get("outsourcing")
    dated, undated = corpus_table.timeline("outsourcing")
    assert [m.date for m in dated] == sorted(m.date for m in dated)
    assert [m.doc[:3] for m in dated][0] == "001" and dated[-1].doc[:3] == "002"
    assert {m.doc[:3] for m in undated} == {"000"}
    assert (outsourcing.first_date, outsourcing.last_date) == ("2013-11-13", "2014-04-17")
    actors = {m.actor for m in outsourcing.mentions}
    assert {"Conservatives", "Michael Gove", "Department for Education"} <= actors
    lga = [m for m in outsourcing.mentions if m.actor == "Local Government Association"]
    assert [m.stance for m in lga] == ["sceptical"]
    assert "is sceptical outsourcing will improve" in lga[0].text
    gove = [m for m in outsourcing.mentions if m.actor == "Michael Gove"]
    assert {m.doc[:3] for m in gove} == {"001", "002"}
    assert outsourcing.to_json()["docs"] == outsourcing.docs
    assert set(outsourcing.to_json()["mentions"][0]) == {"doc", "start", "end", "text", "actor",
                                                         "stance"}


@pytest.mark.spacy
def test_corpus_quotes_are_attributed_to_their_speakers(corpus_table):
    def actor_of(policy: str, words: str) -> str | None:
        return next(m.actor for m in corpus_table.get(policy).mentions if words in m.text)

    # "he said" after a named speaker; a quote continued in the next paragraph
    assert actor_of("end-structural-change", "growing body of opinion") == "Tim Loughton"
    assert actor_of("leadership-accountability", "Ultimate responsibility") == "Michael Gove"
    assert actor_of("reduce-bureaucracy", "manageable size") == "Eileen Munro"
    assert actor_of("ofsted-scr-evaluation", "A spokesman from Ofsted") == "Ofsted"
    assert actor_of("early-help", "I welcome") == "Tim Loughton"
    assert actor_of("recruitment-retention", "Initiatives to increase") == "Shireen Ritchie"
    # "we" outside quotes in an opinion piece is its writer ("Tim Loughton MP: ...")
    assert actor_of("inspection-overhaul", "We want to see") == "Tim Loughton"
    contactpoint = [m for m in corpus_table.get("scrap-contactpoint").mentions
                    if m.doc.startswith("004")]
    assert [(m.actor, m.stance) for m in contactpoint] == [("Tim Loughton", "proposes")]


@pytest.mark.spacy
def test_cached_table_re_resolves_actors(corpus_table):
    ids = {"Michael Gove": "person:michael-gove", "Tory": "organisation:conservative-party",
           "Conservatives": "organisation:conservative-party"}
    table = PolicyTable.from_cache(json.loads(json.dumps(corpus_table.to_cache())), ids.get)
    actors = {m.actor for m in table.get("outsourcing").mentions}
    assert {"person:michael-gove", "organisation:conservative-party",
            "Department for Education"} <= actors
    assert "Michael Gove" not in actors
    assert [p.to_json() for p in table.proposals] == [p.to_json() for p in corpus_table.proposals]


@pytest.mark.spacy
def test_corpus_proposals_and_promotion(corpus_table, corpus_articles, corpus_analyses):
    # Unfiled proposals on the corpus: each judged a real proposal (0 false alarms).
    assert sorted((p.doc[:3], p.cue) for p in corpus_table.proposals) == [
        ("001", "has to change"), ("001", "has to change"), ("002", "wants to"),
        ("003", "would be able to")]
    assert all(p.cue in p.text for p in corpus_table.proposals)
    reform = next(p for p in corpus_table.proposals if p.cue == "wants to")
    user = promote(reform, "Intervention reform", ["government intervention"])
    assert user["id"] == "user:intervention-reform"
    assert user["description"] == reform.text
    table = build_policies(corpus_articles, corpus_analyses, load_codebook(CODEBOOK), [user])
    promoted = table.get(user["id"])
    assert promoted.user and [m.text for m in promoted.mentions] == [reform.text]
    assert promoted.mentions[0].actor == "Government"
    assert reform.text not in {p.text for p in table.proposals}
    assert {p.id for p in table.for_doc(reform.doc)} >= {"outsourcing", user["id"]}


# -- reuse of earlier results --------------------------------------------------------------


@pytest.mark.spacy
def test_unchanged_articles_reuse_earlier_results_and_are_not_loaded(
        corpus_articles, corpus_analyses, corpus_table):
    from dataclasses import replace

    from reader.domain import ArticleInfo

    book = load_codebook(CODEBOOK)
    changed = corpus_articles[0]
    moved = replace(changed, date="2001-01-01")  # same text, another date: re-matched
    arts = [moved] + corpus_articles[1:]
    by_id = {a.id: a for a in arts}
    infos = [ArticleInfo(id=a.id, title=a.title, author=a.author, date=a.date,
                         text_hash=a.text_hash) for a in arts]
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return by_id[doc_id]

    previous = json.loads(json.dumps(corpus_table.to_cache()))
    again = build_policies(infos, corpus_analyses, book, previous=previous, load=load)
    fresh = build_policies(arts, corpus_analyses, book)
    assert loaded == [changed.id]
    assert again.to_cache() == fresh.to_cache()
    assert any(m.date == "2001-01-01" for p in again.policies for m in p.mentions)


@pytest.mark.spacy
def test_earlier_results_under_other_policies_are_not_reused(corpus_articles,
                                                            corpus_analyses, corpus_table):
    book = load_codebook(CODEBOOK)
    user = [_policy("user-extra", "social worker")]
    previous = corpus_table.to_cache()
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return next(a for a in corpus_articles if a.id == doc_id)

    table = build_policies(corpus_articles, corpus_analyses, book, user, previous=previous,
                           load=load)
    assert len(loaded) == len(corpus_articles)
    assert table.get("user-extra").mentions
    broken = {**previous, "docs": "not a mapping"}
    again = build_policies(corpus_articles, corpus_analyses, book, previous=broken)
    assert again.to_cache()["policies"] == corpus_table.to_cache()["policies"]
