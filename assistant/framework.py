"""The maturity framework as data: dimensions, levels, practices with cues, and questions.

The built-in framework (``knowledge/framework.yaml``) implements the rubric; a consultancy can
load its own file with the same schema. Everything a user could get wrong in such a file (a
level gap, a duplicate practice id, a question pointing at an unknown practice) is rejected on
load with a message that names the file and the problem.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import InputError
from assistant.yamlfile import parse_yaml, read_text

FRAMEWORK_FORMAT = "maturity-framework/1"
MAX_FRAMEWORK_BYTES = 2 * 1024 * 1024
Slug = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
Cue = Annotated[str, Field(min_length=2, max_length=400)]


class FrameworkError(InputError):
    """A framework file is unreadable or breaks the schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KnowledgeLink(_Strict):
    """A knowledge-base passage that backs the recommendation for a practice."""

    source: str = Field(min_length=1)
    section: str = Field(min_length=1)


class Practice(_Strict):
    id: Slug
    title: str | None = Field(default=None, max_length=120, description="Short name of the practice for reports")
    statement: str = Field(min_length=3)
    action: str | None = Field(
        default=None, max_length=400, description="What a consultant recommends to put the practice in place"
    )
    present: list[Cue] = Field(min_length=1)
    missing: list[Cue] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)
    requires: list[str] = Field(
        default_factory=list,
        description="Word groups, each a regular expression of word beginnings ('meet|sync|stand-?up'): a clause "
        "must contain a word of every group to be read as this practice. Embeddings put 'a data scientist "
        "retrains it every month' next to 'we meet every month'",
    )
    occasional_ok: bool = False
    automated: bool | None = Field(
        default=None, description="Done by machines, so 'by hand' means missing; default: the statement says 'automat…'"
    )
    denies: list[Slug] = Field(
        default_factory=list,
        description="For an ad-hoc (level-1) practice: the higher practices its description says are missing "
        "('the code is not in any version control' is the ad-hoc state and version control stated absent)",
    )
    denies_in_words_only: bool = Field(
        default=False,
        description="Deny only when the clause says so in words ('we have no tests'): for an ad-hoc state that "
        "can coexist with the practice ('I eyeball the numbers' is a manual check, which is basic testing)",
    )
    knowledge: list[KnowledgeLink] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """The practice's short name: its title, else its id made readable."""
        if self.title:
            return self.title
        words = self.id.rsplit(".", 1)[-1].replace("-", " ").replace("_", " ")
        return words[:1].upper() + words[1:]

    @property
    def is_automated(self) -> bool:
        return self.automated if self.automated is not None else "automat" in self.statement.lower()

    @cached_property
    def required_words(self) -> tuple[re.Pattern[str], ...]:
        """``requires`` compiled: one pattern per word group."""
        return tuple(re.compile(rf"\b(?:{group})", re.IGNORECASE) for group in self.requires)

    def admits(self, text: str) -> bool:
        """Whether ``text`` names a word of every group this practice requires (always, without any)."""
        return all(group.search(text) is not None for group in self.required_words)

    @model_validator(mode="after")
    def _cues_meet_requirements(self) -> Practice:
        for requirement in self.requires:
            try:
                re.compile(requirement)
            except re.error as exc:
                raise ValueError(
                    f"practice {self.id}: 'requires' entry {requirement!r} is not a valid pattern ({exc})"
                ) from None
        for cue in [self.statement, *self.present]:
            if not self.admits(cue):
                raise ValueError(f"practice {self.id}: the cue {cue!r} lacks a word of some group in 'requires'")
        return self


class LevelDefinition(_Strict):
    level: int = Field(ge=1, le=9)
    summary: str = Field(min_length=3)
    practices: list[Practice] = Field(min_length=1)


class Question(_Strict):
    id: Slug
    text: str = Field(min_length=5, max_length=500)
    practices: list[Slug] = Field(min_length=1)
    probe: str = Field(min_length=5, max_length=500)
    suggestions: list[str] = Field(default_factory=list, max_length=6)


class Dimension(_Strict):
    id: Slug
    name: str = Field(min_length=1)
    description: str = ""
    levels: list[LevelDefinition] = Field(min_length=2)
    questions: list[Question] = Field(min_length=1)

    @cached_property
    def practices(self) -> list[Practice]:
        return [p for level in self.levels for p in level.practices]

    @cached_property
    def max_level(self) -> int:
        return max(level.level for level in self.levels)

    def level_of(self, practice_id: str) -> int:
        for level in self.levels:
            if any(p.id == practice_id for p in level.practices):
                return level.level
        raise KeyError(practice_id)


class Framework(_Strict):
    format: str
    name: Slug
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    levels: dict[int, str]
    dimensions: list[Dimension] = Field(min_length=1)
    off_topic: list[Cue] = Field(
        default_factory=list,
        description="Chatter that is not evidence (hiring, office moves); a clause closer to these than to any "
        "practice is ignored",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        if self.format != FRAMEWORK_FORMAT:
            raise ValueError(f"format must be {FRAMEWORK_FORMAT!r}, got {self.format!r}")
        expected = list(range(1, len(self.levels) + 1))
        if sorted(self.levels) != expected:
            raise ValueError(f"levels must be numbered 1..N without gaps, got {sorted(self.levels)}")
        seen_dimensions: set[str] = set()
        seen_ids: set[str] = set()
        for dimension in self.dimensions:
            if dimension.id in seen_dimensions:
                raise ValueError(f"duplicate dimension id {dimension.id!r}")
            seen_dimensions.add(dimension.id)
            numbers = [level.level for level in dimension.levels]
            if numbers != expected:
                raise ValueError(
                    f"dimension {dimension.id!r}: levels must be {expected} in order (gap or duplicate), got {numbers}"
                )
            for practice in dimension.practices:
                if practice.id in seen_ids:
                    raise ValueError(f"duplicate practice id {practice.id!r}")
                seen_ids.add(practice.id)
            own = {p.id for p in dimension.practices}
            for practice in dimension.practices:
                for denied in practice.denies:
                    if denied not in own:
                        raise ValueError(f"practice {practice.id!r} denies unknown practice {denied!r}")
                    if dimension.level_of(denied) <= dimension.level_of(practice.id):
                        raise ValueError(f"practice {practice.id!r} can only deny practices of higher levels")
            for question in dimension.questions:
                if question.id in seen_ids:
                    raise ValueError(f"duplicate id {question.id!r} (questions and practices share one namespace)")
                seen_ids.add(question.id)
                unknown = [p for p in question.practices if p not in own]
                if unknown:
                    raise ValueError(f"question {question.id!r} refers to unknown practice(s) {unknown}")
        return self

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @cached_property
    def dimension_ids(self) -> list[str]:
        return [d.id for d in self.dimensions]

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    @cached_property
    def practice_index(self) -> dict[str, tuple[Dimension, int, Practice]]:
        """practice id -> (dimension, level, practice)."""
        return {p.id: (d, level.level, p) for d in self.dimensions for level in d.levels for p in level.practices}

    @cached_property
    def question_index(self) -> dict[str, tuple[Dimension, Question]]:
        return {q.id: (d, q) for d in self.dimensions for q in d.questions}

    def level_name(self, level: int | None) -> str:
        return "not assessed" if level is None else f"{level} {self.levels.get(level, '')}".strip()


def parse_framework(text: str, origin: str = "framework") -> Framework:
    """Validate framework YAML text; ``FrameworkError`` names ``origin`` and the first problem."""
    data = parse_yaml(text, origin, FrameworkError)
    if not isinstance(data, dict):
        raise FrameworkError(f"{origin}: a framework is a YAML mapping with format, name, levels and dimensions")
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise FrameworkError(f"{origin}: {location + ': ' if location else ''}{message}") from exc


def load_framework(path: Path) -> Framework:
    """Read and validate a framework file."""
    text = read_text(
        path,
        max_bytes=MAX_FRAMEWORK_BYTES,
        error=FrameworkError,
        too_big="is this a framework file?",
        missing="no such framework file; pass --framework with an existing YAML file",
    )
    return parse_framework(text, str(path))
