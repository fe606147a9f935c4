"""Engines: who reads the answers. Levels always come from the shared scoring."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.assessment import Assessment, Stakeholder, build_assessment
from assistant.errors import InputError
from assistant.extraction import (
    AnswerTurn,
    Encoder,
    ExtractionParams,
    Extractor,
    TurnReading,
    aggregate,
    observations_in_context,
)
from assistant.framework import Framework, load_framework
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.answering import Answer
    from assistant.knowledge import KnowledgeService

#: Names of the embedded engine (``rules`` is the historical one).
EMBEDDED_NAMES = ("embedded", "rules")
LLM_PREFIX = "openai:"


class Engine(Protocol):
    name: str
    framework: Framework

    @property
    def extractor(self) -> Extractor:
        """The embedded reader every engine has (the LLM engine's fallback; the persona simulator's encoder)."""
        ...

    def read_turn(self, turn: AnswerTurn) -> TurnReading: ...

    def assess(
        self,
        turns: Sequence[AnswerTurn],
        *,
        organisation: str | None = None,
        stakeholder: Stakeholder | None = None,
        readings: Sequence[TurnReading] | None = None,
    ) -> Assessment: ...

    def phrase_question(self, question: str, last_answer: str) -> str:
        """The planner's next question as this engine words it (it may refer to the last answer)."""
        ...

    def answer(self, service: KnowledgeService, question: str) -> Answer:
        """A cited answer to a consultant's question from the knowledge base."""
        ...


def assessment_from_readings(
    framework: Framework,
    readings: Sequence[TurnReading],
    *,
    engine: str,
    organisation: str | None = None,
    stakeholder: Stakeholder | None = None,
) -> Assessment:
    """Every engine's last step: the readings' observations become findings, scored by the shared rules."""
    session = stakeholder.session if stakeholder else None
    findings = aggregate(observations_in_context(readings), session)
    return build_assessment(
        framework,
        findings,
        organisation=organisation,
        stakeholders=[stakeholder] if stakeholder else [],
        engine=engine,
        instructions_ignored=sum(len(r.instructions_ignored) for r in readings),
    )


class EmbeddedEngine:
    """The offline default: embeddings and the framework's cues, no LLM, deterministic."""

    name = "embedded"

    def __init__(self, framework: Framework, encoder: Encoder, params: ExtractionParams | None = None) -> None:
        self.framework = framework
        self.extractor = Extractor(framework, encoder, params)

    def read_turn(self, turn: AnswerTurn) -> TurnReading:
        return self.extractor.read_turn(turn)

    def assess(
        self,
        turns: Sequence[AnswerTurn],
        *,
        organisation: str | None = None,
        stakeholder: Stakeholder | None = None,
        readings: Sequence[TurnReading] | None = None,
    ) -> Assessment:
        readings = list(readings) if readings is not None else self.extractor.read(turns)
        return assessment_from_readings(
            self.framework, readings, engine=self.name, organisation=organisation, stakeholder=stakeholder
        )

    def phrase_question(self, question: str, last_answer: str) -> str:
        return question  # the framework's wording, as written

    def answer(self, service: KnowledgeService, question: str) -> Answer:
        return service.ask(question)


def open_engine(settings: Settings, framework_path: Path | None = None, engine: str | None = None) -> Engine:
    """The engine the settings (or ``--engine``) ask for, with the framework loaded and validated:
    ``embedded`` (or ``rules``), or ``openai:MODEL`` for any OpenAI-compatible server."""
    from assistant.embeddings import load_embedder

    name = (engine or settings.llm or "embedded").strip()
    model = name[len(LLM_PREFIX) :].strip() if name.lower().startswith(LLM_PREFIX) else None
    if name not in EMBEDDED_NAMES and not model:
        raise InputError(
            f"unknown engine {name!r}; use 'embedded' (or 'rules'; no LLM) or 'openai:MODEL' for an "
            "OpenAI-compatible server, e.g. openai:gpt-4o-mini"
        )
    if model:
        from assistant.llm.calllog import CallLog
        from assistant.llm.client import ChatClient

        # Fails fast on a missing key; the call log opens the database on the first call.
        client = ChatClient.from_settings(settings, model, log=CallLog(settings.resolved_database_url))
    framework = load_framework(framework_path or settings.framework)
    embedded = EmbeddedEngine(framework, load_embedder(settings.embedding_model, settings.torch_threads))
    if not model:
        return embedded
    from assistant.llm.engine import LLMEngine

    return LLMEngine(embedded, client, name=f"{LLM_PREFIX}{model}")
