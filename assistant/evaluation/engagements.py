"""Engagement files (``maturity-engagement/1``): several stakeholders of one organisation.

The evaluator assesses each stakeholder's case, combines them (median level per dimension,
divergence where two stakeholders are two or more levels apart) and compares with the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.assessment import Assessment, combine_assessments
from assistant.engines import Engine
from assistant.errors import CaseFormatError
from assistant.evaluation.cases import DIMENSIONS, Level, PersonaCase, TranscriptCase, load_cases
from assistant.evaluation.runner import assess_transcript, interview_persona

ENGAGEMENT_FORMAT = "maturity-engagement/1"


class EngagementExpectation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: dict[str, Level | None]
    divergent: list[str] = Field(default_factory=list)


class EngagementFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str
    id: str
    organisation: str
    sessions: list[str] = Field(min_length=1)
    expected: EngagementExpectation


def load_engagement(path: Path) -> EngagementFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        engagement = EngagementFile.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CaseFormatError(f"{path}: cannot read engagement file ({exc})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CaseFormatError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    if engagement.format != ENGAGEMENT_FORMAT:
        raise CaseFormatError(f"{path}: format must be {ENGAGEMENT_FORMAT!r}")
    return engagement


def run_engagement(engine: Engine, engagement: EngagementFile, case_dirs: list[Path]) -> dict[str, Any]:
    cases = {c.id: c for c in load_cases(case_dirs)}
    assessments: list[Assessment] = []
    for case_id in engagement.sessions:
        case = cases.get(case_id)
        if isinstance(case, TranscriptCase):
            assessments.append(assess_transcript(engine, case))
        elif isinstance(case, PersonaCase):
            assessments.append(interview_persona(engine, case)[0].assessment())
        else:
            raise CaseFormatError(f"engagement {engagement.id}: no transcript or persona case {case_id!r}")
    combined = combine_assessments(engine.framework, assessments, engagement.organisation)
    divergent = sorted(d.dimension for d in combined.divergences)
    levels = {d: combined.levels.get(d) for d in DIMENSIONS}
    expected_levels = {d: engagement.expected.levels.get(d) for d in DIMENSIONS}
    return {
        "id": engagement.id,
        "passed": levels == expected_levels and divergent == sorted(engagement.expected.divergent),
        "expected": {"levels": expected_levels, "divergent": sorted(engagement.expected.divergent)},
        "predicted": {"levels": levels, "divergent": divergent},
        "stakeholder_levels": [a.levels for a in assessments],
    }
