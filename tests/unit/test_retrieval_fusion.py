"""Fusion of retriever results: reciprocal rank fusion, convex score fusion, and the heading signal."""

from __future__ import annotations

import pytest

from assistant.retrieval import LexicalIndex, convex_fusion, reciprocal_rank_fusion
from assistant.store import StoredChunk
from assistant.text import match_terms


def test_scores_and_order_of_two_rankings_with_k_60() -> None:
    # a: rank 1 in list one only             -> 1/61
    # b: rank 2 in list one, rank 1 in two   -> 1/62 + 1/61
    # c: rank 3 in list one only             -> 1/63
    # d: rank 2 in list two only             -> 1/62
    # Order by score: b (0.03253) > a (0.01639) > d (0.01613) > c (0.01587).
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert [item for item, _ in fused] == ["b", "a", "d", "c"]
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 61 + 1 / 62)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)
    assert scores["c"] == pytest.approx(1 / 63)


def test_default_k_is_60() -> None:
    ((item, score),) = reciprocal_rank_fusion([["only"]])
    assert item == "only"
    assert score == pytest.approx(1 / 61)


def test_other_k() -> None:
    # k = 0: rank 1 earns 1/1, rank 2 earns 1/2.
    assert reciprocal_rank_fusion([["x", "y"]], k=0) == [("x", pytest.approx(1.0)), ("y", pytest.approx(0.5))]


def test_item_in_only_one_list_keeps_its_single_contribution() -> None:
    # "solo" is rank 1 in list two only: 1/61; "both" is rank 1 and rank 2: 1/61 + 1/62.
    fused = dict(reciprocal_rank_fusion([["both"], ["solo", "both"]]))
    assert fused["solo"] == pytest.approx(1 / 61)
    assert fused["both"] == pytest.approx(1 / 61 + 1 / 62)


@pytest.mark.parametrize(
    ("rankings", "expected_order"),
    [
        # x = 1/61 + 1/62 and y = 1/62 + 1/61: equal; x appeared first.
        ([["x", "y"], ["y", "x"]], ["x", "y"]),
        ([["y", "x"], ["x", "y"]], ["y", "x"]),
        # Each item is rank 1 of its own list: all 1/61; first appearance decides.
        ([["p"], ["q"], ["r"]], ["p", "q", "r"]),
        ([["r"], ["q"], ["p"]], ["r", "q", "p"]),
    ],
)
def test_ties_are_broken_by_first_appearance(rankings: list[list[str]], expected_order: list[str]) -> None:
    assert [item for item, _ in reciprocal_rank_fusion(rankings)] == expected_order


@pytest.mark.parametrize("rankings", [[], [[]], [[], []]])
def test_empty_input_gives_empty_result(rankings: list[list[str]]) -> None:
    assert reciprocal_rank_fusion(rankings) == []


def test_each_item_appears_once() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"], ["c"]])
    assert sorted(item for item, _ in fused) == ["a", "b", "c"]


# -- convex fusion: alpha * bm25 / max + (1 - alpha) * min-max(dense) + bonus * heading share --


def test_convex_fusion_hand_worked() -> None:
    # BM25: a 10, b 5 (max 10 -> a 1.0, b 0.5). Dense: b 0.9, c 0.7, a missing -> min 0.7
    # (min-max over [0.7, 0.9]: b 1.0, c 0.0, a 0.0). Heading: c named fully (share 1.0).
    # alpha 0.8, bonus 0.2:
    #   a = 0.8 * 1.0 + 0.2 * 0.0          = 0.80
    #   b = 0.8 * 0.5 + 0.2 * 1.0          = 0.60
    #   c = 0.8 * 0.0 + 0.2 * 0.0 + 0.2    = 0.20
    fused = convex_fusion(
        [("b", 0.9), ("c", 0.7)], [("a", 10.0), ("b", 5.0)], [("c", 1.0)], alpha=0.8, heading_bonus=0.2
    )
    assert [item for item, _ in fused] == ["a", "b", "c"]
    scores = dict(fused)
    assert scores["a"] == pytest.approx(0.80)
    assert scores["b"] == pytest.approx(0.60)
    assert scores["c"] == pytest.approx(0.20)


def test_convex_fusion_heading_lifts_a_named_section_past_a_keyword_match() -> None:
    # x and y tie on BM25 (1.0 each) and dense (one value: min == max -> 0); y is named.
    fused = convex_fusion(
        [("x", 0.5), ("y", 0.5)], [("x", 3.0), ("y", 3.0)], [("y", 0.5)], alpha=0.8, heading_bonus=0.2
    )
    assert [item for item, _ in fused] == ["y", "x"]
    assert dict(fused)["y"] == pytest.approx(0.8 + 0.1)


def test_convex_fusion_ranks_only_retrieved_candidates_and_breaks_ties_by_appearance() -> None:
    assert convex_fusion([], [], [("z", 1.0)]) == []
    fused = convex_fusion([], [("p", 2.0), ("q", 2.0)], [])
    assert [item for item, _ in fused] == ["p", "q"]


def test_heading_search_finds_the_section_a_question_names() -> None:
    chunks = [
        StoredChunk("c1", "Open-source and proprietary tools compete on cost.", {"section": "Evolution Analysis"}),
        StoredChunk("c2", "Position: high value (0.62, 0.80).", {"section": "Component Analysis > MLOps"}),
        StoredChunk("c3", "Cost efficiency; scalability.", {"section": "Competitive Analysis > Areas of Competition"}),
        StoredChunk("c4", "A platform for data.", {"section": "Component Analysis > Centralized Platform"}),
    ]
    index = LexicalIndex(chunks)
    assert [cid for cid, _ in index.heading_search("Where is MLOps positioned?", 5, None)] == ["c2"]
    # "compete" meets "Competition" through the six-letter match keys; "areas" names the rest.
    named = index.heading_search("In which areas do vendors compete?", 5, None)
    assert [cid for cid, _ in named] == ["c3"] and named[0][1] == pytest.approx(1.0)
    # Half a heading (equally rare words) is enough; filters by kind or source still apply.
    assert [cid for cid, _ in index.heading_search("Which platform?", 5, None)] == ["c4"]
    assert index.heading_search("Which platform?", 5, {"c1", "c2", "c3"}) == []


def test_match_terms_meet_across_word_forms() -> None:
    assert match_terms("compete") == match_terms("competition") == match_terms("competitive")
    assert match_terms("organisation") == match_terms("organizations")
    assert match_terms("model") != match_terms("modern")
    assert match_terms("version 0.62") == ["versio", "0.62"]
