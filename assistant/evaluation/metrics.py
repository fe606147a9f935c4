"""Evaluation metrics as pure functions, each checked against hand-worked examples in tests."""

from __future__ import annotations

from collections.abc import Sequence


def exact_accuracy(pairs: Sequence[tuple[int, int]]) -> float | None:
    return sum(p == e for p, e in pairs) / len(pairs) if pairs else None


def within_one_accuracy(pairs: Sequence[tuple[int, int]]) -> float | None:
    return sum(abs(p - e) <= 1 for p, e in pairs) / len(pairs) if pairs else None


def mean_absolute_error(pairs: Sequence[tuple[int, int]]) -> float | None:
    return sum(abs(p - e) for p, e in pairs) / len(pairs) if pairs else None


def quadratic_weighted_kappa(pairs: Sequence[tuple[int, int]], levels: Sequence[int] = (1, 2, 3, 4, 5)) -> float | None:
    """Cohen's kappa with quadratic weights, (predicted, expected) pairs on an ordinal scale.

    kappa = 1 - sum(w * observed) / sum(w * expected_by_chance), w_ij = (i - j)^2 / (n - 1)^2.
    1 is perfect agreement, 0 chance level. When both raters use a single category the
    chance disagreement is zero; we return 1.0 if they agree everywhere, else 0.0.
    """
    if not pairs:
        return None
    n = len(levels)
    position = {level: i for i, level in enumerate(levels)}
    observed = [[0.0] * n for _ in range(n)]
    for predicted, expected in pairs:
        observed[position[predicted]][position[expected]] += 1
    total = float(len(pairs))
    row = [sum(observed[i]) for i in range(n)]
    col = [sum(observed[i][j] for i in range(n)) for j in range(n)]
    numerator = denominator = 0.0
    for i in range(n):
        for j in range(n):
            weight = (i - j) ** 2 / (n - 1) ** 2
            numerator += weight * observed[i][j]
            denominator += weight * row[i] * col[j] / total
    if denominator == 0:
        return 1.0 if numerator == 0 else 0.0
    return 1.0 - numerator / denominator


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None
