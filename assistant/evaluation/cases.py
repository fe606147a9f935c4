"""Evaluation case files: the public ``maturity-case/1`` format, validated on load."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import CaseFormatError
from assistant.yamlfile import parse_yaml, read_text

CASE_FORMAT = "maturity-case/1"
DIMENSIONS = ("collaboration", "development", "monitoring")
MAX_CASE_BYTES = 2 * 1024 * 1024
Level = Annotated[int, Field(ge=1, le=5)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionExpectation(_Strict):
    answerable: bool
    sources: list[str] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list)


class LevelExpectation(_Strict):
    levels: dict[str, Level | None]
    overall: Level | None = None
    tolerance: int = Field(default=0, ge=0, le=4)

    @field_validator("levels")
    @classmethod
    def _known_dimensions(cls, levels: dict[str, int | None]) -> dict[str, int | None]:
        unknown = sorted(set(levels) - set(DIMENSIONS))
        if unknown:
            raise ValueError(f"unknown dimension(s) {unknown}; use {list(DIMENSIONS)}")
        return {d: levels.get(d) for d in DIMENSIONS}


class Turn(_Strict):
    question: str
    answer: str


class _CaseBase(_Strict):
    format: Literal["maturity-case/1"]
    id: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class QuestionCase(_CaseBase):
    kind: Literal["question"]
    question: str
    expected: QuestionExpectation


class TranscriptCase(_CaseBase):
    kind: Literal["transcript"]
    organisation: str | None = None
    role: str | None = None
    turns: list[Turn] = Field(min_length=1)
    expected: LevelExpectation


class PersonaCase(_CaseBase):
    kind: Literal["persona"]
    organisation: str | None = None
    role: str | None = None
    behaviour: Literal["cooperative", "terse"] = "cooperative"
    statements: list[str] = Field(min_length=1)
    expected: LevelExpectation


Case = QuestionCase | TranscriptCase | PersonaCase
_MODELS: dict[str, type[BaseModel]] = {"question": QuestionCase, "transcript": TranscriptCase, "persona": PersonaCase}


def load_case(path: Path) -> Case:
    """Parse and validate one case file; ``CaseFormatError`` names the file and the problem."""
    raw = read_text(path, max_bytes=MAX_CASE_BYTES, error=CaseFormatError, too_big="a case file is small YAML")
    return case_from_data(parse_yaml(raw, str(path), CaseFormatError), path)


def case_from_data(data: Any, path: Path) -> Case:
    """Validate the parsed YAML of a case file (``path`` only names it in errors)."""
    if not isinstance(data, dict):
        raise CaseFormatError(f"{path}: a case must be a YAML mapping with format, id and kind")
    if data.get("format") != CASE_FORMAT:
        raise CaseFormatError(f"{path}: unknown format {data.get('format')!r}; expected {CASE_FORMAT!r}")
    kind = data.get("kind")
    model = _MODELS.get(str(kind))
    if model is None:
        raise CaseFormatError(f"{path}: unknown kind {kind!r}; use one of {', '.join(_MODELS)}")
    try:
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CaseFormatError(f"{path}: {location}: {first['msg']}") from exc


def discover_cases(paths: list[Path]) -> list[Path]:
    """Case files under ``paths`` (``*.yaml``/``*.yml``, sorted); a missing path is an error."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise CaseFormatError(f"{path}: no such file or directory")
    if not found:
        raise CaseFormatError(f"no case files (*.yaml) under {', '.join(map(str, paths))}")
    return found


def load_cases(paths: list[Path]) -> list[Case]:
    files = discover_cases(paths)
    cases = [load_case(p) for p in files]
    first_seen: dict[str, Path] = {}
    for path, case in zip(files, cases, strict=True):
        if case.id in first_seen:
            raise CaseFormatError(
                f"{path}: duplicate case id {case.id!r} (also in {first_seen[case.id]}); ids must be unique"
            )
        first_seen[case.id] = path
    return cases
