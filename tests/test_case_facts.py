"""Case facts from text (issue 12, item 3): the rules of docs/case-facts.md, one sentence at a
time, with the decoys each rule must refuse. Sentences written for these tests (not from the
labelled set, so they check the rules, not the set)."""

from __future__ import annotations

import pytest

from library.ages import age_band, months_of, parse_number
from library.case_dates import possible_ages
from library.case_facts import about_several, document_facts, extract_facts
from library.case_subject import sentences, subject_pattern


@pytest.mark.parametrize(
    ("text", "number"),
    [("14", 14), ("fourteen", 14), ("Seven", 7), ("twenty-three", 23), ("twenty one", 21)],
)
def test_number_words(text: str, number: int) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "teen", "seventy-fourteen", "many"])
def test_not_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("phrase", "band"),
    [
        ("seven weeks old", "under-1"),
        ("a ten-week-old baby", "under-1"),
        ("18 months", "1-5"),
        ("11 months", "under-1"),
        ("aged 2 years and 4 months", "1-5"),
        ("14 years old", "11-15"),
        ("a 16-year-old", "16-17"),
        ("aged 3", "1-5"),
        ("nineteen", None),  # an adult
    ],
)
def test_age_phrases(phrase: str, band: str | None) -> None:
    assert age_band(phrase) == band


def test_months() -> None:
    assert months_of("seven", "weeks") == 1
    assert months_of("2", "years", "4") == 28
    assert months_of("18", "months") == 18


def _facts(text: str, case: str = "Child N"):
    return extract_facts([text], case)


@pytest.mark.parametrize(
    ("text", "case", "band"),
    [
        ("Baby Q was eight weeks old when she died at home in May 2022.", "Baby Q", "under-1"),
        ("Child N was 14 years old when he was seriously injured.", "Child N", "11-15"),
        ("N was fourteen when he was stabbed in a park.", "Child N", "11-15"),
        ("This review concerns Child L, aged 11 months.", "Child L", "under-1"),
        ("Child T, then aged nine, was found alone at home.", "Child T", "6-10"),
        ("This review is about Kai (13), who was seriously injured.", "Kai", "11-15"),
        ("Child P, who was 17, drowned in the canal.", "Child P", "16-17"),
        ("Child R was a three-year-old boy who lived with his mother.", "Child R", "1-5"),
        (
            "The subject of this review is a 15-year-old girl, known in this report as J, "
            "who was seriously harmed.",
            "Child J",
            "11-15",
        ),
        ("Child M was a baby who died in 2020 at the age of nine weeks.", "Child M", "under-1"),
        (
            "Child C was born in March 2015. Child C was taken to hospital on 3 June 2021.",
            "Child C",
            "6-10",
        ),
    ],
)
def test_the_childs_age(text: str, case: str, band: str) -> None:
    facts = _facts(text, case)
    assert facts.age_band.value == band
    assert facts.age_band.sentences and facts.age_band.sentences[0].page == 1


@pytest.mark.parametrize(
    "text",
    [
        # a sibling, a parent, another child, guidance, a weight, an earlier age
        "Child N's brother, aged 12, was at school. N lived with his mother.",
        "Ms W was nineteen when Child N was born.",
        "Mr N was 31.",
        "A 16-year-old boy died in the same town in 2015.",
        "Children under one are at the greatest risk of sudden unexpected death.",
        "Child N was a healthy baby weighing 2.9 kg.",
        "Child N had been abused from the age of nine.",
        "When she was fifteen, N had told a teacher.",
        # a date of birth alone, or a birth date and an incident whose band is in doubt
        "Child N was born in 2009.",
        "Child N was born in 2010. N was admitted to hospital in 2016.",
        # words that are not ages
        "Child N was a young person known to the youth offending team.",
        "N was one of three children.",
    ],
)
def test_no_age_is_guessed(text: str) -> None:
    assert _facts(text).age_band.value == "unknown"


def test_a_date_of_birth_and_an_incident_date_give_both_sentences() -> None:
    facts = _facts(
        "Child N was born in May 2013. The incident that led to this review "
        "happened on 14 October 2022, when N was taken to hospital."
    )
    assert facts.age_band.value == "6-10"
    assert len(facts.age_band.sentences) == 2


def test_possible_ages() -> None:
    assert possible_ages("2013-05", "2022-10-14") == [112, 113]
    assert possible_ages("2013-05-20", "2022-05-14") == [107]
    # 5 or 6 years old: not one band
    assert {months // 12 for months in possible_ages("2010", "2016")} == {5, 6}


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Child N died in hospital in June 2021.", "death"),
        ("Child N was killed by his father.", "death"),
        ("The review into the death of Child N was published in 2022.", "death"),
        ("Child N, who was 16, drowned in the river.", "death"),
        ("Child N sustained life-changing injuries.", "serious-harm"),
        ("N was seriously harmed.", "serious-harm"),
        ("Child N had suffered significant harm through neglect.", "serious-harm"),
        ("Child N survived, but he sustained a serious brain injury.", "serious-harm"),
        # decoys: someone else, a hedge, nothing stated
        ("Child N's older sister died in 2015.", "unknown"),
        ("Child N's father died when N was three.", "unknown"),
        ("Child N nearly died.", "unknown"),
        ("Child N was at risk of significant harm.", "unknown"),
        ("There was a serious incident at the family home.", "unknown"),
        ("A previous child of the family died in 2012.", "unknown"),
    ],
)
def test_the_outcome(text: str, outcome: str) -> None:
    assert _facts(text).outcome.value == outcome


def test_death_wins_over_harm_before_it() -> None:
    facts = _facts("Child N had suffered significant harm for years. Child N died in May 2021.")
    assert facts.outcome.value == "death"
    assert facts.outcome.sentences[0].text == "Child N died in May 2021."


def test_a_pronoun_carries_the_child_only_after_a_sentence_about_the_child_alone() -> None:
    assert _facts("Baby J was born early. She died aged five months.", "Baby J").age_band.value == (
        "under-1"
    )
    # "She" here may be the mother, named in the sentence before
    assert _facts("Baby J lived with her mother. She died aged 23.", "Baby J").outcome.value == (
        "unknown"
    )


@pytest.mark.parametrize(
    ("text", "harms"),
    [
        ("Child N was sexually abused by a family friend.", ["sexual-abuse"]),
        ("N was being criminally exploited by a county lines network.", ["exploitation"]),
        ("Child N had been neglected for years.", ["neglect"]),
        ("Child N had suffered emotional abuse and neglect.", ["neglect", "emotional-abuse"]),
        ("Child N's injuries were inflicted by his stepfather.", ["physical-abuse"]),
        # decoys: a parent's history, a hedge, a relative's death
        ("Ms N had been neglected as a child.", []),
        ("Child N was at risk of exploitation.", []),
        ("Child N's father took his own life in 2019.", []),
    ],
)
def test_harms(text: str, harms: list[str]) -> None:
    assert [h.value for h in _facts(text).harms] == harms


def test_fatal_harms_need_the_childs_death() -> None:
    text = "Baby N's cousin died of sudden unexpected death in infancy. Baby N was injured."
    assert _facts(text, "Baby N").harms == []
    died = "Baby N died in her cot. Baby N's death was a sudden unexpected death in infancy."
    assert [h.value for h in _facts(died, "Baby N").harms] == ["sudi"]


def test_a_review_of_several_children_has_harms_but_no_single_age_or_outcome() -> None:
    text = (
        "The review looked at the cases of six children. All six had been neglected. "
        "One of them, a 15-year-old, died by suicide."
    )
    facts = extract_facts([text], "", several=True)
    assert facts.age_band.value == "unknown" and facts.outcome.value == "unknown"
    assert [h.value for h in facts.harms] == ["neglect", "suicide"]
    assert about_several("", "thematic-review", "overview-report")
    assert not about_several("", "guidance", "protocol")  # guidance is about no child
    assert not about_several("Child N", "lcspr", "overview-report")


def test_guidance_states_no_facts() -> None:
    text = (
        "Babies under six months with bruising must be referred. Neglect is the most common "
        "reason for a child protection plan. Children who are exploited may go missing."
    )
    facts = document_facts([text], "", "guidance", "protocol")
    assert (facts.age_band.value, facts.outcome.value, facts.harms) == ("unknown", "unknown", [])


def test_catalogue_values_override_and_bad_ones_are_ignored() -> None:
    text = "Child N was 14 years old when he was seriously injured."
    facts = document_facts([text], "Child N", "lcspr", "overview-report", {"age_band": "16-17"})
    assert facts.age_band.value == "16-17" and facts.age_band.source == "catalogue"
    assert facts.outcome.value == "serious-harm" and facts.outcome.source == "text"
    bad = document_facts([text], "Child N", "lcspr", "overview-report", {"outcome": "dead"})
    assert bad.outcome.value == "serious-harm"


def test_the_child_is_named_as_the_case_is() -> None:
    rx = subject_pattern("Child N")
    assert rx.search("Child N was") and rx.search("N was") and rx.search("N's school")
    assert not rx.search("Mr N was") and not rx.search("NHS") and not rx.search("a N-type")
    article = subject_pattern("Child A")
    assert article.search("A was seriously harmed")
    assert not article.search("A post-mortem examination found")
    assert subject_pattern("Jordan").search("Jordan (15)")
    both = subject_pattern("Leo and Finn")
    assert both.search("Leo was") and both.search("Finn was")
    assert subject_pattern("").search("the subject child was")
    assert subject_pattern("Adult D").search("D was") is None  # not a child


def test_sentences_keep_headings_and_contents_lines_apart() -> None:
    page = (
        "1. Introduction\n\n1.1 Child N was 14 years old when he was seriously\n\n"
        "injured in a park.\n\nThe night of Child N's death . . . . . . . 4\n"
    )
    got = [s.text for s in sentences([page])]
    assert got == [
        "Introduction",
        "Child N was 14 years old when he was seriously injured in a park.",
    ]


def test_several_children_harms_come_from_what_happened_to_them() -> None:
    general = (
        "Each year some children are sexually abused by people they know. "
        "All staff should know that a child who is neglected may be hungry."
    )
    assert extract_facts([general], "", several=True).harms == []
