"""Policies: the codebook format and the pattern language, each pattern against a false friend."""

from __future__ import annotations

import pytest

from reader.errors import BadInput
from reader.extraction.policies import (
    build_policies,
    compile_pattern,
    load_codebook,
    validate_policies,
)

from .policy_fakes import CODEBOOK, article, hand_analysis, policy_entry

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


# -- without the model -------------------------------------------------------------------


def test_pattern_matches_lemmas_skips_punctuation_and_respects_gaps():
    art = article("a", "Councils outsourced third-party services.")
    words = [("Councils", "council", "NOUN"), ("outsourced", "outsource", "VERB"),
             ("third", "third", "ADJ"), ("-", "-", "PUNCT"), ("party", "party", "NOUN"),
             ("services", "service", "NOUN"), (".", ".", "PUNCT")]
    analyses = {"a": hand_analysis(art, words)}
    book = [policy_entry("lemma", "outsource"), policy_entry("hyphen", "third-party service"),
            policy_entry("plural", "council outsource"), policy_entry("gap", "council ..1 party"),
            policy_entry("gap-ok", "council ..3 party"), policy_entry("exact", "Outsourced"),
            policy_entry("pos", "outsource:VERB"), policy_entry("wrong-pos", "outsource:NOUN")]
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
        validate_policies([policy_entry("outsourcing", "x")], taken=["outsourcing"])


# -- with the model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pattern_docs(nlp, tmp_path_factory):
    """Each test sentence as its own article, analysed in one batch."""
    from reader.extraction.nlp import analyse

    arts = []
    for n, (true, false) in enumerate(PATTERN_CASES.values()):
        arts += [article(f"t{n}", true), article(f"f{n}", false)]
    return arts, analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp)


@pytest.mark.spacy
def test_each_pattern_matches_its_sentence_and_not_its_false_friend(pattern_docs):
    arts, analyses = pattern_docs
    book = [policy_entry(f"p{n}", pattern) for n, pattern in enumerate(PATTERN_CASES)]
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

    arts = [article("good", "The report praised good social work practices in Leeds."),
            article("swp", "Why aren't there more independent social work practices?")]
    book = [p for p in load_codebook(CODEBOOK) if p["id"] == "social-work-practices"]
    table = build_policies(arts, analyse(arts, tmp_path, nlp=nlp), book)
    assert table.get("social-work-practices").docs == ["swp"]

