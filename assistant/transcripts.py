"""Transcript files for ``maturity assess``: a transcript case, or a plain list of turns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import CaseFormatError
from assistant.evaluation.cases import CASE_FORMAT, MAX_CASE_BYTES, TranscriptCase, load_case
from assistant.extraction import AnswerTurn

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
    try:
        if path.stat().st_size > MAX_CASE_BYTES:
            raise CaseFormatError(f"{path}: over {MAX_CASE_BYTES // (1024 * 1024)} MB; a transcript is small YAML")
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CaseFormatError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CaseFormatError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise CaseFormatError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        data: Any = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CaseFormatError(f"{path}: not valid YAML{where}") from exc
    if isinstance(data, dict) and "format" in data:
        if data.get("kind") != "transcript":
            raise CaseFormatError(f"{path}: kind {data.get('kind')!r} is not a transcript; assess reads transcripts")
        case = load_case(path)
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
