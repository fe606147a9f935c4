"""Evaluation metrics on hand-worked examples."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from assistant.evaluation.metrics import (
    exact_accuracy,
    mean_absolute_error,
    quadratic_weighted_kappa,
    ratio,
    within_one_accuracy,
)

# (predicted, expected): differences 0, 1, 0, 3.
PAIRS = [(1, 1), (2, 3), (3, 3), (5, 2)]


def test_exact_accuracy() -> None:
    # Two of four pairs agree exactly.
    assert exact_accuracy(PAIRS) == pytest.approx(0.5)


def test_within_one_accuracy() -> None:
    # |diff| <= 1 for 0, 1, 0 but not 3: three of four.
    assert within_one_accuracy(PAIRS) == pytest.approx(0.75)


def test_mean_absolute_error() -> None:
    # (0 + 1 + 0 + 3) / 4 = 1.0
    assert mean_absolute_error(PAIRS) == pytest.approx(1.0)


def test_perfect_agreement_scores() -> None:
    pairs = [(1, 1), (3, 3), (5, 5), (2, 2)]
    assert exact_accuracy(pairs) == 1.0
    assert within_one_accuracy(pairs) == 1.0
    assert mean_absolute_error(pairs) == 0.0
    assert quadratic_weighted_kappa(pairs) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", [exact_accuracy, within_one_accuracy, mean_absolute_error, quadratic_weighted_kappa])
def test_empty_input_gives_none(metric: Callable[[Sequence[tuple[int, int]]], float | None]) -> None:
    assert metric([]) is None


def test_qwk_worked_three_pair_example() -> None:
    # Pairs (predicted, expected) = (1,1), (2,3), (3,3) on levels 1..5, so n = 5 and
    # w_ij = (i - j)^2 / 16 with i, j the 0-based positions.
    # Observed counts: O[0][0] = 1, O[1][2] = 1, O[2][2] = 1 (total 3).
    # Numerator: sum w * O = w(1,2) * 1 = 1/16.
    # Row totals (predicted): r0 = r1 = r2 = 1.  Column totals (expected): c0 = 1, c2 = 2.
    # Chance matrix E_ij = r_i * c_j / 3; sum w * r_i * c_j:
    #   i=0: j=2 -> 4/16 * 1 * 2 = 8/16
    #   i=1: j=0 -> 1/16 * 1 * 1 = 1/16; j=2 -> 1/16 * 1 * 2 = 2/16
    #   i=2: j=0 -> 4/16 * 1 * 1 = 4/16
    #   total 15/16, divided by 3 -> 5/16.
    # kappa = 1 - (1/16) / (5/16) = 1 - 0.2 = 0.8
    assert quadratic_weighted_kappa([(1, 1), (2, 3), (3, 3)]) == pytest.approx(0.8)


def test_qwk_complete_disagreement_is_minus_one() -> None:
    # (1,5), (5,1): O[0][4] = O[4][0] = 1, both weight (4^2)/16 = 1 -> numerator 2.
    # r0 = r4 = 1, c0 = c4 = 1: chance sum w = (w04 + w40) = 2, / total 2 -> 1.
    # kappa = 1 - 2 / 1 = -1
    assert quadratic_weighted_kappa([(1, 5), (5, 1)]) == pytest.approx(-1.0)


def test_qwk_single_category_for_both_raters() -> None:
    # Chance disagreement is zero: 1.0 when they agree everywhere.
    assert quadratic_weighted_kappa([(3, 3), (3, 3)]) == 1.0
    assert quadratic_weighted_kappa([(2, 2)]) == 1.0


def test_qwk_constant_rater_against_varying_rater_is_zero() -> None:
    # Predicted always 3; expected 2 and 4.  O[2][1] = O[2][3] = 1, weights 1/16 each -> numerator 2/16.
    # r2 = 2; c1 = c3 = 1: chance sum w * r * c = (1/16 * 2 * 1) * 2 = 4/16, / 2 -> 2/16.
    # kappa = 1 - (2/16) / (2/16) = 0
    assert quadratic_weighted_kappa([(3, 2), (3, 4)]) == pytest.approx(0.0)


def test_qwk_custom_levels() -> None:
    # Levels (0, 1, 2): n = 3, w = (i-j)^2 / 4.  Pairs (0,0), (1,2), (2,2): same shape as the
    # worked example.  Numerator 1/4.  Chance: i=0,j=2: 1*1*2 = 2; i=1,j=0: 1/4; i=1,j=2: 2/4;
    # i=2,j=0: 1 -> 3.75 / 3 = 1.25.  kappa = 1 - 0.25 / 1.25 = 0.8
    assert quadratic_weighted_kappa([(0, 0), (1, 2), (2, 2)], levels=(0, 1, 2)) == pytest.approx(0.8)


@pytest.mark.parametrize(
    "pairs",
    [
        [(1, 1), (2, 3), (3, 3)],
        [(1, 2), (2, 2), (3, 4), (4, 4), (5, 3), (2, 1)],
        [(5, 1), (4, 2), (3, 3), (2, 4), (1, 5), (3, 2)],
        [(1, 1), (1, 2), (2, 2), (5, 5), (4, 5)],
    ],
)
def test_qwk_agrees_with_sklearn(pairs: list[tuple[int, int]]) -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    predicted = [p for p, _ in pairs]
    expected = [e for _, e in pairs]
    reference = sklearn_metrics.cohen_kappa_score(predicted, expected, labels=[1, 2, 3, 4, 5], weights="quadratic")
    assert quadratic_weighted_kappa(pairs) == pytest.approx(reference)


def test_ratio() -> None:
    assert ratio(3, 4) == pytest.approx(0.75)
    assert ratio(0, 0) is None
