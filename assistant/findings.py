"""Findings: what extraction concluded about one practice, with the stakeholder's own words."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    PRESENT = "present"
    PARTIAL = "partial"
    PLANNED = "planned"
    ABSENT = "absent"
    UNKNOWN = "unknown"


#: Statuses that say a practice is *not* (fully) in place: each holds its level back.
HOLDING_BACK = frozenset({Status.PARTIAL, Status.PLANNED, Status.ABSENT})


class Evidence(BaseModel):
    """A verbatim quote from one answer; ``turn`` is the 1-based answer number in the session."""

    model_config = ConfigDict(frozen=True)

    turn: int = Field(ge=1)
    quote: str = Field(min_length=1)
    session: str | None = None


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    practice: str
    dimension: str
    level: int = Field(ge=1)
    status: Status
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)
    reason: str = Field(default="", description="Why this status: the cue or marker that decided it.")
