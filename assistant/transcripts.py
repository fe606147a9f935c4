"""Transcript files for ``maturity assess``: a transcript case, or a plain list of turns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import CaseFormatError
from assistant.evaluation.cases import CASE_FORMAT, MAX_CASE_BYTES, TranscriptCase, case_from_data
from assistant.extraction import AnswerTurn
from assistant.yamlfile import parse_yaml, read_text

MAX_ANSWER_BYTES = 1024 * 1024


class _PlainTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = ""
    answer: str


class _PlainTranscript(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: str | None = None
    role: str | None = None
    stakeholder: str | None = None
    turns: list[_PlainTurn] = Field(min_length=1)


@dataclass(frozen=True)
class Transcript:
    turns: list[AnswerTurn]
    organisation: str | None = None
    role: str | None = None
    stakeholder: str | None = None
    case: TranscriptCase | None = None


def answer_turns(pairs: list[tuple[str, str]]) -> list[AnswerTurn]:
    return [AnswerTurn(turn=i, question=q, answer=a) for i, (q, a) in enumerate(pairs, start=1)]


def load_transcript(path: Path) -> Transcript:
    """Read a transcript case (``format: maturity-case/1``, ``kind: transcript``) or a plain
    transcript: a list of ``{question, answer}`` mappings, or a mapping with ``turns``."""
    raw = read_text(
        path,
        max_bytes=MAX_CASE_BYTES,
        error=CaseFormatError,
        too_big="a transcript is small YAML",
        missing="no such file",
    )
    data: Any = parse_yaml(raw, str(path), CaseFormatError)
    if isinstance(data, dict) and "format" in data:
        if data.get("kind") != "transcript":
            raise CaseFormatError(f"{path}: kind {data.get('kind')!r} is not a transcript; assess reads transcripts")
        case = case_from_data(data, path)
        assert isinstance(case, TranscriptCase)
        pairs = [(t.question, t.answer) for t in case.turns]
        return Transcript(answer_turns(pairs), case.organisation, case.role, None, case)
    if isinstance(data, list):
        data = {"turns": data}
    if not isinstance(data, dict):
        raise CaseFormatError(
            f"{path}: expected a transcript case ({CASE_FORMAT}) or a list of turns with question and answer"
        )
    try:
        plain = _PlainTranscript.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CaseFormatError(f"{path}: {location}: {first['msg']}") from exc
    for number, turn in enumerate(plain.turns, start=1):
        if len(turn.answer.encode("utf-8")) > MAX_ANSWER_BYTES:
            raise CaseFormatError(f"{path}: turns.{number}: answer over 1 MB; split it into several turns")
    pairs = [(t.question, t.answer) for t in plain.turns]
    return Transcript(answer_turns(pairs), plain.organisation, plain.role, plain.stakeholder)
