"""Answerability signals, threshold calibration and the calibration file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from assistant.answerability import (
    CALIBRATION_FILE,
    Sample,
    Thresholds,
    balanced_accuracy,
    calibrate,
    load_thresholds,
    save_thresholds,
    term_coverage,
)

# ---------------------------------------------------------------- term_coverage


def test_term_coverage_is_idf_weighted() -> None:
    # Question terms: "how"/"are" are stopwords; drift -> "drift", alerts -> "alert",
    # configured -> "configur".  documents = 9, weight = log(1 + (9 + 1) / (df + 0.5)):
    #   drift    df 1 -> log(1 + 10/1.5) = log(23/3) ~ 2.0369
    #   alert    df 3 -> log(1 + 10/3.5) = log(27/7) ~ 1.3499
    #   configur df 0 -> log(1 + 10/0.5) = log(21)   ~ 3.0445
    # The passages mention drift and alerts but never configuring:
    #   coverage = (2.0369 + 1.3499) / (2.0369 + 1.3499 + 3.0445) ~ 0.5266
    passages = ["Drift is measured weekly.", "Alerts go to the on-call engineer."]
    coverage = term_coverage("How are drift alerts configured?", passages, {"drift": 1, "alert": 3}, 9)
    covered = math.log(23 / 3) + math.log(27 / 7)
    assert coverage == pytest.approx(covered / (covered + math.log(21)))
    assert coverage == pytest.approx(0.5266, abs=1e-4)


def test_rare_terms_weigh_more_than_common_ones() -> None:
    # Same question, two passages each covering one of two terms: the rare one (df 0) weighs
    # log(1 + 11/0.5) = log(23) ~ 3.135; the common one (df 9) log(1 + 11/9.5) ~ 0.769.
    df = {"pipelin": 9, "kubeflow": 0}
    rare = term_coverage("kubeflow pipelines", ["Kubeflow is mentioned."], df, 10)
    common = term_coverage("kubeflow pipelines", ["Pipelines are mentioned."], df, 10)
    w_rare = math.log(1 + 11 / 0.5)
    w_common = math.log(1 + 11 / 9.5)
    assert rare == pytest.approx(w_rare / (w_rare + w_common))
    assert common == pytest.approx(w_common / (w_rare + w_common))
    assert rare > common


def test_full_and_zero_coverage() -> None:
    assert term_coverage("model monitoring", ["We monitor every model."], {}, 5) == pytest.approx(1.0)
    assert term_coverage("model monitoring", ["Nothing relevant here."], {}, 5) == 0.0
    assert term_coverage("model monitoring", [], {}, 5) == 0.0


def test_question_of_stopwords_only_has_zero_coverage() -> None:
    assert term_coverage("What is it?", ["What is it?"], {}, 5) == 0.0


# ---------------------------------------------------------------- Thresholds


def test_thresholds_answerable_needs_both_signals_inclusive() -> None:
    t = Thresholds(dense=0.35, coverage=0.5)
    assert t.answerable(0.35, 0.5)  # both exactly at the threshold
    assert t.answerable(0.9, 0.9)
    assert not t.answerable(0.34, 0.9)
    assert not t.answerable(0.9, 0.49)
    assert not t.answerable(0.0, 0.0)


def test_default_thresholds() -> None:
    assert Thresholds() == Thresholds(dense=0.35, coverage=0.5)


# ---------------------------------------------------------------- calibrate

# Two answerable questions and two unanswerable ones that each fail on a different signal:
# an off-topic one (low dense, high coverage) and an in-domain one about a missing fact
# (high dense, low coverage).  Both thresholds are needed to separate them.
SEPARABLE = [
    Sample(dense=0.8, coverage=0.9, answerable=True),
    Sample(dense=0.6, coverage=0.7, answerable=True),
    Sample(dense=0.2, coverage=0.8, answerable=False),
    Sample(dense=0.7, coverage=0.3, answerable=False),
]


def test_calibrate_separates_a_separable_sample_set() -> None:
    # Candidates are midpoints: dense {0.2-e, 0.4, 0.65, 0.75, 0.8+e}, coverage {0.3-e, 0.5,
    # 0.75, 0.85, 0.9+e}.  Accepting both positives needs dense <= 0.6 and coverage <= 0.7;
    # rejecting (0.2, 0.8) then needs dense > 0.2 -> 0.4; rejecting (0.7, 0.3) needs
    # coverage > 0.3 -> 0.5.  The unique perfect pair is (0.4, 0.5).
    thresholds, score = calibrate(SEPARABLE)
    assert score == 1.0
    assert thresholds.dense == pytest.approx(0.4)
    assert thresholds.coverage == pytest.approx(0.5)
    # Between the classes on each signal.
    assert 0.2 < thresholds.dense <= 0.6
    assert 0.3 < thresholds.coverage <= 0.7
    for sample in SEPARABLE:
        assert thresholds.answerable(sample.dense, sample.coverage) is sample.answerable


def test_calibrate_when_both_signals_separate_the_classes() -> None:
    # One positive (0.8, 0.8), one negative (0.2, 0.2): several threshold pairs classify both
    # correctly; whichever is chosen must do so and use the midpoint 0.5 on at least one signal.
    samples = [Sample(0.8, 0.8, True), Sample(0.2, 0.2, False)]
    thresholds, score = calibrate(samples)
    assert score == 1.0
    assert thresholds.answerable(0.8, 0.8)
    assert not thresholds.answerable(0.2, 0.2)
    assert 0.5 in (thresholds.dense, thresholds.coverage)


def test_calibrate_of_nothing_gives_defaults() -> None:
    assert calibrate([]) == (Thresholds(), 0.0)


def test_balanced_accuracy_weights_classes_equally() -> None:
    # Three positives, one negative; thresholds (0.5, 0.5).
    # Positives accepted: (0.9,0.9) yes, (0.6,0.6) yes, (0.4,0.9) no -> 2/3.
    # Negative (0.1, 0.1) rejected -> 1/1.  Balanced: (2/3 + 1) / 2 = 5/6.
    samples = [Sample(0.9, 0.9, True), Sample(0.6, 0.6, True), Sample(0.4, 0.9, True), Sample(0.1, 0.1, False)]
    assert balanced_accuracy(samples, Thresholds(0.5, 0.5)) == pytest.approx(5 / 6)


# ---------------------------------------------------------------- calibration file


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    directory = tmp_path / "calibration"  # created by save_thresholds
    path = save_thresholds(directory, Thresholds(dense=0.42, coverage=0.61), {"balanced_accuracy": 0.9})
    assert path == directory / CALIBRATION_FILE
    assert load_thresholds(directory) == Thresholds(dense=0.42, coverage=0.61)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"dense": 0.42, "coverage": 0.61, "balanced_accuracy": 0.9}


def test_load_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_thresholds(tmp_path) == Thresholds()
    assert load_thresholds(tmp_path / "does-not-exist") == Thresholds()


@pytest.mark.parametrize(
    "content",
    [
        "not json at all {",
        "",
        '{"dense": 0.5}',  # missing coverage
        "[0.5, 0.6]",  # not an object
        '{"dense": "high", "coverage": 0.5}',  # not a number
        '{"dense": null, "coverage": 0.5}',
    ],
)
def test_load_corrupt_file_gives_defaults(tmp_path: Path, content: str) -> None:
    (tmp_path / CALIBRATION_FILE).write_text(content, encoding="utf-8")
    assert load_thresholds(tmp_path) == Thresholds()


def test_load_undecodable_file_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / CALIBRATION_FILE).write_bytes(b"\xff\xfe\x00garbage")
    assert load_thresholds(tmp_path) == Thresholds()
