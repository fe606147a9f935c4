"""Engines: who reads the answers. Levels always come from the shared scoring."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from assistant.assessment import Assessment, Stakeholder, build_assessment
from assistant.errors import InputError
from assistant.extraction import AnswerTurn, Encoder, ExtractionParams, Extractor, TurnReading, aggregate
from assistant.framework import Framework, load_framework
from assistant.settings import Settings


class Engine(Protocol):
    name: str
    framework: Framework

    def read_turn(self, turn: AnswerTurn) -> TurnReading: ...

    def assess(
        self,
        turns: Sequence[AnswerTurn],
        *,
        organisation: str | None = None,
        stakeholder: Stakeholder | None = None,
        readings: Sequence[TurnReading] | None = None,
    ) -> Assessment: ...


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
        session = stakeholder.session if stakeholder else None
        findings = aggregate((o for r in readings for o in r.observations), session)
        return build_assessment(
            self.framework,
            findings,
            organisation=organisation,
            stakeholders=[stakeholder] if stakeholder else [],
            engine=self.name,
            instructions_ignored=sum(len(r.instructions_ignored) for r in readings),
        )


def open_engine(settings: Settings, framework_path: Path | None = None, engine: str | None = None) -> EmbeddedEngine:
    """The engine the settings (or ``--engine``) ask for, with the framework loaded and validated."""
    from assistant.embeddings import load_embedder

    name = (engine or settings.llm or "embedded").strip()
    if name not in ("embedded", "rules"):
        raise InputError(f"unknown engine {name!r}; this version has the embedded engine ('embedded')")
    framework = load_framework(framework_path or settings.framework)
    return EmbeddedEngine(framework, load_embedder(settings.embedding_model, settings.torch_threads))
