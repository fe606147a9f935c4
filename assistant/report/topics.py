"""Strategic topics for the report's context section, read from ``knowledge/report-topics.yaml``.

A topic is relevant to an assessment when its trigger practices are among the organisation's
gaps or its dimensions sit low enough; the file says which, so a consultancy can retune the
choice without touching code.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InputError
from assistant.framework import KnowledgeLink
from assistant.yamlfile import parse_yaml, read_text

TOPICS_FORMAT = "report-topics/1"


class TopicsError(InputError):
    """The report-topics file is unreadable or breaks its schema."""


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    map: str | None = None
    why: str = Field(min_length=1, description="Why it matters; {focus} names the gaps that triggered it")
    dimensions: dict[str, int] = Field(default_factory=dict, description="dimension -> relevant at or below")
    practices: list[str] = Field(default_factory=list)
    passages: list[KnowledgeLink] = Field(min_length=1)

    def triggers(self, levels: Mapping[str, int | None], gaps: Collection[str]) -> tuple[list[str], list[str]]:
        """(gap practices, low dimensions) that make this topic relevant."""
        practices = [p for p in self.practices if p in gaps]
        dimensions = [d for d, top in self.dimensions.items() if (level := levels.get(d)) is not None and level <= top]
        return practices, dimensions


class _TopicsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str
    topics: list[Topic]


def load_topics(path: Path) -> list[Topic]:
    """The topics of a report-topics file; a missing file means no strategic context."""
    if not path.exists():
        return []
    data = parse_yaml(
        read_text(path, max_bytes=1_000_000, error=TopicsError, too_big="a topics file is small YAML"),
        str(path),
        TopicsError,
    )
    try:
        parsed = _TopicsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TopicsError(f"{path}: {where}: {first['msg']}") from exc
    if parsed.format != TOPICS_FORMAT:
        raise TopicsError(f"{path}: format must be {TOPICS_FORMAT!r}, got {parsed.format!r}")
    return parsed.topics
