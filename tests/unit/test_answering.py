"""Question validation and extractive sentence selection (no retriever, no model)."""

from __future__ import annotations

import pytest

from assistant.answering import (
    ANSWER_TYPE_BONUS,
    MAX_QUESTION_CHARS,
    MAX_SENTENCES,
    NAMED_SECTION_BONUS,
    _labelled_units,
    _units,
    answer_patterns,
    asks_for_money,
    asks_for_quantity,
    select_sentences,
    validate_question,
)
from assistant.errors import InputError
from assistant.retrieval import Passage


def passage(text: str, section: str = "", title: str = "", chunk_id: str = "c") -> Passage:
    return Passage(
        chunk_id=chunk_id, text=text, source="doc.md", title=title, section=section, kind="document", score=1.0
    )


# ---------------------------------------------------------------- validate_question


def test_validate_question_strips_and_collapses_whitespace() -> None:
    assert validate_question("  What   is\n level 3?\t ") == "What is level 3?"


@pytest.mark.parametrize("question", ["", "   ", "\n\t  \n"])
def test_validate_question_rejects_empty(question: str) -> None:
    with pytest.raises(InputError, match="empty"):
        validate_question(question)


def test_validate_question_length_limit() -> None:
    assert MAX_QUESTION_CHARS == 2000
    assert validate_question("a" * 2000) == "a" * 2000
    with pytest.raises(InputError, match="2,001 characters"):
        validate_question("a" * 2001)
    # The limit applies after whitespace is collapsed: 3000 spaces between two words are one.
    assert validate_question("a" + " " * 3000 + "b") == "a b"


# ---------------------------------------------------------------- asks_for_quantity


@pytest.mark.parametrize(
    "question",
    [
        "How many employees work at Aurora Dynamics?",
        "How much does it cost?",
        "how long does a deployment take?",
        "What percentage of models are monitored?",
        "In which year was the platform built?",
        "When was the model registry introduced?",
    ],
)
def test_asks_for_quantity(question: str) -> None:
    assert asks_for_quantity(question)


@pytest.mark.parametrize(
    "question",
    ["What is level 3?", "Which tools are recommended for monitoring?", "How do models reach production?"],
)
def test_does_not_ask_for_quantity(question: str) -> None:
    assert not asks_for_quantity(question)


# ---------------------------------------------------------------- _units


def test_units_join_consecutive_short_list_items() -> None:
    text = "Tools we use:\n- MLflow\n- DVC\n- Airflow.\nThey are all open source."
    assert _units(text) == ["Tools we use:", "MLflow; DVC; Airflow", "They are all open source."]


def test_units_numbered_and_bold_items() -> None:
    assert _units("1. **Plan** the work\n2. Build it\n3. Ship it.") == ["Plan the work; Build it; Ship it"]


def test_units_long_list_item_stands_alone() -> None:
    # "- " plus 17 words is 18 whitespace-separated tokens: more than 16, so not a short item.
    long_item = " ".join(f"word{i}" for i in range(17))
    assert _units(f"- a\n- b\n- {long_item}\n- c") == ["a; b", long_item, "c"]


def test_units_plain_sentences() -> None:
    assert _units("One sentence. Another one!\n\nA new paragraph.") == [
        "One sentence.",
        "Another one!",
        "A new paragraph.",
    ]


# ---------------------------------------------------------------- select_sentences

# Question terms: "how"/"does" are stopwords -> {evidently, detect, drift}.
# documents = 10; weight = log(1 + 11 / (df + 0.5)):
#   evidently (df 0): log(23) ~ 3.1355   (rare)
#   detect, drift (df 9): log(1 + 11/9.5) ~ 0.7691 each   (common)
#   total ~ 4.6737
QUESTION = "How does Evidently detect drift?"
DF = {"detect": 9, "drift": 9}
DOCS = 10


def test_the_rare_term_sentence_wins_over_an_earlier_common_one() -> None:
    # One passage (rank 0, prior 0.3):
    #   s0 "Teams detect problems in many ways."  own 0.7691 / 4.6737 = 0.1646 -> 0.4646
    #   s1 "Evidently is an open-source library." own 3.1355 / 4.6737 = 0.6709 -> 0.9709
    #   s2 "The office has plants."               own 0               -> 0.3
    # Runner-up cut: 0.35 * 0.9709 = 0.3398 -> s1 and s0 survive, s2 does not; s1 ranks first.
    text = "Teams detect problems in many ways. Evidently is an open-source library. The office has plants."
    chosen = select_sentences(QUESTION, [passage(text)], DF, DOCS)
    assert [c.text for c in chosen] == ["Teams detect problems in many ways.", "Evidently is an open-source library."]
    best = max(chosen, key=lambda c: c.score)
    assert best.position == 1
    assert best.score == pytest.approx(0.9709, abs=1e-3)


def test_selection_is_in_document_order_without_near_duplicates() -> None:
    # Passage 0 (prior 0.3):
    #   s0 "Teams detect drift in many ways."        own (0.7691 * 2) / 4.6737 = 0.3291 -> 0.6291
    #   s1 "Evidently is an open-source library."    own 0.6709                       -> 0.9709
    #   s2 "The office has plants."                                                    -> 0.3
    # Passage 1 (prior 0.3 / 2 = 0.15):
    #   t0 "Evidently detects drift with statistical tests."      own 1.0 -> 1.15 (best)
    #   t1 "Evidently detects drift with statistical tests too."  own 1.0 -> 1.15, but its terms
    #      (stopwords kept) overlap t0's 6 of 7 (Jaccard 0.86 > 0.6): a near-duplicate, left out.
    # Cut: 0.35 * 1.15 = 0.4025 -> s2 (0.3) is left out.  Chosen: t0, s1, s0; returned in document
    # order (passage, position): s0, s1, t0.
    p0 = passage("Teams detect drift in many ways. Evidently is an open-source library. The office has plants.")
    p1 = passage(
        "Evidently detects drift with statistical tests. Evidently detects drift with statistical tests too.",
        chunk_id="c1",
    )
    chosen = select_sentences(QUESTION, [p0, p1], DF, DOCS)
    assert [(c.passage, c.position, c.text) for c in chosen] == [
        (0, 0, "Teams detect drift in many ways."),
        (0, 1, "Evidently is an open-source library."),
        (1, 0, "Evidently detects drift with statistical tests."),
    ]
    assert [c.score for c in chosen] == pytest.approx([0.6291, 0.9709, 1.15], abs=1e-3)


def test_at_most_seven_sentences() -> None:
    # Eight sentences, each with "Evidently" and three words of its own: all score 0.9709, pairwise
    # Jaccard 1/7, so the cap decides: the first seven by position.
    groups = [
        "alpha bravo charlie",
        "delta echo foxtrot",
        "golf hotel india",
        "juliet kilo lima",
        "mike november oscar",
        "papa quebec romeo",
        "sierra tango uniform",
        "victor whiskey xray",
    ]
    text = " ".join(f"Evidently {g}." for g in groups)
    chosen = select_sentences(QUESTION, [passage(text)], DF, DOCS)
    assert MAX_SENTENCES == 7
    assert len(chosen) == 7
    assert [c.position for c in chosen] == [0, 1, 2, 3, 4, 5, 6]


def test_heading_terms_count_half() -> None:
    # "Drift" in the section heading is inherited by sentences that lack it, at half weight:
    #   "Evidently is used." own 3.1355 + 0.5 * 0.7691 (drift, inherited) = 3.5201 / 4.6737 = 0.7532
    #   + prior 0.3 -> 1.0532; the question names the whole heading "Drift": + 0.2 * 1.0 -> 1.2532
    chosen = select_sentences(QUESTION, [passage("Evidently is used.", section="Drift")], DF, DOCS)
    assert chosen[0].score == pytest.approx(1.0532 + NAMED_SECTION_BONUS, abs=1e-3)
    # Under a heading the question does not name, no bonus.
    chosen = select_sentences(QUESTION, [passage("Evidently is used.", section="Tools")], DF, DOCS)
    assert chosen[0].score == pytest.approx(3.1355 / 4.6737 + 0.3, abs=1e-3)


def test_no_passages_no_sentences() -> None:
    assert select_sentences(QUESTION, [], DF, DOCS) == []
    assert select_sentences(QUESTION, [passage("")], DF, DOCS) == []


# ---------------------------------------------------------------- labels, markup, answer types


def test_a_paragraph_label_is_carried_into_its_later_sentences() -> None:
    text = "Optimization: The final stage. This involves fine-tuning the pipeline.\n\nAnother paragraph here."
    assert _labelled_units(text) == [
        ("Optimization: The final stage.", "Optimization"),
        ("This involves fine-tuning the pipeline.", "Optimization"),
        ("Another paragraph here.", ""),
    ]


def test_a_long_lead_before_a_colon_is_not_a_label() -> None:
    text = "The report makes one thing clear about all seven of the teams: they never meet. Nothing else."
    assert {label for _, label in _labelled_units(text)} == {""}


def test_units_made_only_of_links_or_images_are_left_out() -> None:
    text = "![Wardley Map](https://example.org/map.png)  \n[Edit Wardley Map](https://example.org/edit)\n\nReal text."
    assert _units(text) == ["Real text."]


@pytest.mark.parametrize(
    ("question", "sentence", "holds_it"),
    [
        ("When was the report published?", "Published in January 2023.", True),
        ("When was the report published?", "The report covers the main areas.", False),
        ("What e-mail address can I contact?", "Write to info@example.com for details.", True),
        ("Where is MLOps positioned on the map?", "Position: high value, evolving (0.62, 0.80).", True),
        ("Where is MLOps positioned on the map?", "MLOps streamlines AI development.", False),
        ("How many employees does the firm have?", "It has more than 450 people.", True),
    ],
)
def test_answer_patterns(question: str, sentence: str, holds_it: bool) -> None:
    assert any(p.search(sentence) for p in answer_patterns(question)) is holds_it


def test_a_question_asking_for_nothing_in_particular_has_no_answer_pattern() -> None:
    assert answer_patterns("What does level 3 mean?") == []


def test_a_sentence_holding_the_asked_for_kind_of_answer_gains_the_bonus() -> None:
    question = "When was the Aurora Dynamics report published?"
    (dated,) = select_sentences(question, [passage("It was published in January 2023.")], DF, DOCS)
    (undated,) = select_sentences(question, [passage("It was published in the spring.")], DF, DOCS)
    assert dated.score - undated.score == pytest.approx(ANSWER_TYPE_BONUS)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("How much does the firm charge for an assessment?", True),
        ("What is the annual revenue of Aurora Dynamics?", True),
        ("What does the platform cost per month to run?", True),
        ("How much does monitoring matter?", False),
        ("What is the trade-off of proprietary tools?", False),
        ("Which emerging technologies could feed into the framework?", False),
    ],
)
def test_asks_for_money(question: str, asks: bool) -> None:
    assert asks_for_money(question) is asks
