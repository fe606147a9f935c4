"""The simulated stakeholder of persona cases: CASE-FORMAT's answering rule, and answers the
extractor reads the way a person's two separate remarks would be read."""

from __future__ import annotations

from assistant.evaluation.simulator import NOT_SURE, SimulatedStakeholder
from assistant.extraction import AnswerTurn
from assistant.findings import Status

STATEMENTS = [
    "We don't have drift detection yet; it's on the roadmap for next year",
    "retraining runs automatically every week on the new order data",
    "Our office moved to a new building in the spring",
]


def test_answers_with_at_most_two_unsaid_statements_then_not_sure(engine) -> None:  # type: ignore[no-untyped-def]
    simulator = SimulatedStakeholder(STATEMENTS[:2], engine.extractor.bank)
    first = simulator.answer("How do you retrain models, and how do you notice drift?")
    assert set(first.split("\n")) == set(STATEMENTS[:2])
    assert simulator.answer("How do you retrain models, and how do you notice drift?") == NOT_SURE
    assert simulator.elicited == 2


def test_a_terse_persona_gives_one_statement(engine) -> None:  # type: ignore[no-untyped-def]
    simulator = SimulatedStakeholder(STATEMENTS, engine.extractor.bank, behaviour="terse")
    assert simulator.answer("How often are models retrained?") in STATEMENTS


def test_two_statements_stay_two_remarks(engine) -> None:  # type: ignore[no-untyped-def]
    # Joined by a space, "... on the roadmap for next year retraining runs automatically" was one
    # sentence, and the automated retraining read as a plan.
    simulator = SimulatedStakeholder(STATEMENTS[:2], engine.extractor.bank)
    answer = simulator.answer("How do you retrain models, and how do you notice drift?")
    reading = engine.read_turn(AnswerTurn(turn=1, question="", answer=answer))
    found = {o.practice: o.status for o in reading.observations}
    assert found.get("development.automated-retraining") is Status.PRESENT
