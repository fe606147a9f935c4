"""``LLMEngine``: the LLM reads the answers, the shared scoring decides the levels.

It implements the same ``Engine`` protocol as ``EmbeddedEngine`` and holds one as its fallback:
when the model's reading of an answer still fails validation after the re-asks (or the server
stays busy through the retries), that answer is read by the embedded engine instead, and the
assessment says so (``fallback``, ``fallback_reason``). Configuration problems (no key, wrong
key, no server) are not hidden behind a fallback: they raise ``LLMError`` with one line to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.assessment import Assessment, Stakeholder
from assistant.engines import EmbeddedEngine, assessment_from_readings
from assistant.extraction import AnswerTurn, Extractor, TurnReading
from assistant.framework import Framework
from assistant.llm.client import ChatClient
from assistant.llm.errors import LLMRecoverableError
from assistant.llm.phrasing import phrase_question
from assistant.llm.reading import read_turn_with_llm

if TYPE_CHECKING:
    from assistant.answering import Answer
    from assistant.knowledge import KnowledgeService

MAX_REASON_CHARS = 600


class LLMEngine:
    """Extraction, question phrasing and cited answers by an LLM, validated, with fallback."""

    def __init__(self, fallback: EmbeddedEngine, client: ChatClient, name: str | None = None) -> None:
        self.fallback = fallback
        self.client = client
        self.name = name or f"openai:{client.model_name}"
        self.framework: Framework = fallback.framework

    @property
    def extractor(self) -> Extractor:
        """The embedded engine's reader (the fallback; also the persona simulator's encoder)."""
        return self.fallback.extractor

    def read_turn(self, turn: AnswerTurn) -> TurnReading:
        try:
            return read_turn_with_llm(self.client, self.extractor, turn, self.name)
        except LLMRecoverableError as exc:
            reading = self.fallback.read_turn(turn)
            reading.fallback = f"answer {turn.turn}: {exc}"
            return reading

    def assess(
        self,
        turns: Sequence[AnswerTurn],
        *,
        organisation: str | None = None,
        stakeholder: Stakeholder | None = None,
        readings: Sequence[TurnReading] | None = None,
    ) -> Assessment:
        readings = list(readings) if readings is not None else [self.read_turn(t) for t in turns]
        assessment = assessment_from_readings(
            self.framework, readings, engine=self.name, organisation=organisation, stakeholder=stakeholder
        )
        reasons = [r.fallback for r in readings if r.fallback]
        if not reasons:
            return assessment
        return assessment.model_copy(update={"fallback": True, "fallback_reason": fallback_reason(reasons, readings)})

    def phrase_question(self, question: str, last_answer: str) -> str:
        return phrase_question(self.client, question, last_answer)

    def answer(self, service: KnowledgeService, question: str) -> Answer:
        from assistant.llm.answers import answer_with_llm

        return answer_with_llm(service, question, self.client)


def fallback_reason(reasons: Sequence[str], readings: Sequence[TurnReading]) -> str:
    head = f"the embedded engine read {len(reasons)} of {len(readings)} answer(s) because the LLM's output "
    head += "failed validation or its server failed: "
    text = head + "; ".join(reasons)
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"
