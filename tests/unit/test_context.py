"""observations_in_context: which readings of a whole interview count (hand-made readings, no model)."""

from __future__ import annotations

from assistant.extraction import OPENING_ALONE_FLOOR, OPENING_FLOOR, Observation, TurnReading, observations_in_context
from assistant.findings import Status


def _seen(practice: str, confidence: float, turn: int) -> Observation:
    dimension = practice.split(".")[0]
    return Observation(practice, dimension, 3, Status.PRESENT, confidence, turn, "quote", "described as in place")


def _kept(readings: list[TurnReading]) -> list[str]:
    return [o.practice for o in observations_in_context(readings)]


def test_a_dimension_known_only_from_a_weak_opening_reading_is_set_aside() -> None:
    # "I'm the one who signs the attestation to the regulator" read as alerting (0.82).
    weak = (OPENING_FLOOR + OPENING_ALONE_FLOOR) / 2
    opening = TurnReading([_seen("monitoring.failure-alerts", weak, 1)], opening=True)
    later = TurnReading([_seen("collaboration.regular-meetings", 0.7, 2)])
    assert _kept([opening, later]) == ["collaboration.regular-meetings"]


def test_a_later_answer_on_the_dimension_keeps_the_opening_reading() -> None:
    weak = (OPENING_FLOOR + OPENING_ALONE_FLOOR) / 2
    opening = TurnReading([_seen("monitoring.failure-alerts", weak, 1)], opening=True)
    later = TurnReading([_seen("monitoring.dashboards", 0.7, 2)])
    assert _kept([opening, later]) == ["monitoring.failure-alerts", "monitoring.dashboards"]


def test_a_clear_opening_reading_stands_alone() -> None:
    opening = TurnReading([_seen("development.ci", OPENING_ALONE_FLOOR, 1)], opening=True)
    assert _kept([opening]) == ["development.ci"]


def test_below_the_opening_floor_nothing_counts_and_the_body_of_an_interview_keeps_weak_readings() -> None:
    below = OPENING_FLOOR - 0.05
    assert _kept([TurnReading([_seen("development.ci", below, 1)], opening=True)]) == []
    assert _kept([TurnReading([_seen("development.ci", below, 1)])]) == ["development.ci"]
