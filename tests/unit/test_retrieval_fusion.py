"""Reciprocal rank fusion: score(d) = sum over lists of 1 / (k + rank), ranks from 1."""

from __future__ import annotations

import pytest

from assistant.retrieval import reciprocal_rank_fusion


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
