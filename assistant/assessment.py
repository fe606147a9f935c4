"""The assessment: levels per dimension with the stakeholder's words behind each one.

``build_assessment`` turns findings into an ``Assessment`` through the shared scoring, so every
engine produces levels the same way. ``combine_assessments`` aggregates an engagement's
stakeholders and reports where they diverge.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.findings import Evidence, Finding, Status
from assistant.framework import Framework
from assistant.scoring import overall_level, score_dimension

ASSESSMENT_FORMAT = "maturity-assessment/1"
DIVERGENCE_GAP = 2


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Stakeholder(_Model):
    name: str | None = None
    role: str | None = None
    session: str | None = None


class Gap(_Model):
    """A practice of the next level that is not in place (or not known to be)."""

    practice: str
    statement: str
    level: int
    status: Status


class DimensionResult(_Model):
    id: str
    name: str
    level: int | None = Field(description="1-5, or null when the stakeholder gave no evidence")
    level_name: str
    confidence: float = Field(ge=0.0, le=1.0)
    settled: bool = Field(description="True when the level is bounded above by stated gaps or is the top level")
    rationale: str
    evidence: list[Evidence] = Field(description="The stakeholder's words that support the level")
    gaps: list[Gap] = Field(description="Practices needed for the next level")


class Divergence(_Model):
    """Stakeholders of one engagement whose levels for a dimension are far apart."""

    dimension: str
    levels: dict[str, int]
    spread: int


class Assessment(_Model):
    format: Literal["maturity-assessment/1"] = "maturity-assessment/1"
    organisation: str | None = None
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    framework: str
    engine: str
    fallback: bool = False
    fallback_reason: str | None = None
    dimensions: dict[str, DimensionResult]
    overall: int | None
    overall_name: str
    overall_incomplete: bool
    overall_rule: str
    findings: list[Finding] = Field(default_factory=list)
    divergences: list[Divergence] = Field(default_factory=list)
    instructions_ignored: int = Field(default=0, description="Answer clauses addressed to the assessor, never used")

    @property
    def levels(self) -> dict[str, int | None]:
        return {d: r.level for d, r in self.dimensions.items()}


def build_assessment(
    framework: Framework,
    findings: Sequence[Finding],
    *,
    organisation: str | None = None,
    stakeholders: Sequence[Stakeholder] = (),
    engine: str = "embedded",
    instructions_ignored: int = 0,
) -> Assessment:
    """Score findings with the shared rules and package them with their evidence."""
    by_practice = {f.practice: f for f in findings}
    results: dict[str, DimensionResult] = {}
    for dimension in framework.dimensions:
        score = score_dimension(dimension.id, findings, dimension.max_level)
        evidence: list[Evidence] = []
        if score.level is not None:
            supporting = [
                f
                for f in findings
                if f.dimension == dimension.id
                and (
                    (f.status is Status.PRESENT and f.level <= score.level)
                    or (f.status is Status.PARTIAL and f.level - 1 <= score.level)
                    or (f.status is not Status.PRESENT and f.level > score.level)
                )
            ]
            ordered = list(score.deciding) + sorted(supporting, key=lambda f: (-f.level, -f.confidence))
            for finding in ordered:
                for quote in finding.evidence:
                    if quote not in evidence:
                        evidence.append(quote)
        gaps: list[Gap] = []
        if score.level is not None and score.level < dimension.max_level:
            for practice in dimension.levels[score.level].practices:  # levels are 1-based: index = next level
                status = by_practice[practice.id].status if practice.id in by_practice else Status.UNKNOWN
                if status is not Status.PRESENT:
                    gaps.append(
                        Gap(practice=practice.id, statement=practice.statement, level=score.level + 1, status=status)
                    )
        results[dimension.id] = DimensionResult(
            id=dimension.id,
            name=dimension.name,
            level=score.level,
            level_name=framework.level_name(score.level),
            confidence=score.confidence,
            settled=score.settled,
            rationale=score.rationale,
            evidence=evidence[:6],
            gaps=gaps,
        )
    overall = overall_level({d: r.level for d, r in results.items()})
    return Assessment(
        organisation=organisation,
        stakeholders=list(stakeholders),
        framework=framework.label,
        engine=engine,
        dimensions=results,
        overall=overall.level,
        overall_name=framework.level_name(overall.level),
        overall_incomplete=overall.incomplete,
        overall_rule=overall.rule,
        findings=list(findings),
        instructions_ignored=instructions_ignored,
    )


def median_level(levels: Sequence[int]) -> int | None:
    """The engagement's level: the median of its stakeholders' levels, rounded down."""
    return int(statistics.median_low(levels)) if levels else None


def combine_assessments(
    framework: Framework, assessments: Sequence[Assessment], organisation: str | None
) -> Assessment:
    """An engagement's assessment: per dimension the median stakeholder level, with divergences
    (two or more levels apart between stakeholders) reported as findings of their own."""
    results: dict[str, DimensionResult] = {}
    divergences: list[Divergence] = []
    stakeholders = [s for a in assessments for s in a.stakeholders]
    labels = _stakeholder_labels(assessments)
    for dimension in framework.dimensions:
        per_stakeholder: dict[str, int] = {}
        evidence: list[Evidence] = []
        gaps: dict[str, Gap] = {}
        confidences: list[float] = []
        for who, assessment in zip(labels, assessments, strict=True):
            result = assessment.dimensions.get(dimension.id)
            if result is None or result.level is None:
                continue
            per_stakeholder[who] = result.level
            evidence.extend(result.evidence[:3])
            confidences.append(result.confidence)
            for gap in result.gaps:
                gaps.setdefault(gap.practice, gap)
        level = median_level(list(per_stakeholder.values()))
        spread = max(per_stakeholder.values()) - min(per_stakeholder.values()) if per_stakeholder else 0
        if spread >= DIVERGENCE_GAP:
            divergences.append(Divergence(dimension=dimension.id, levels=per_stakeholder, spread=spread))
        rationale = (
            "median of the stakeholders' levels: " + ", ".join(f"{who} {lv}" for who, lv in per_stakeholder.items())
            if per_stakeholder
            else "no stakeholder gave evidence: not assessed"
        )
        results[dimension.id] = DimensionResult(
            id=dimension.id,
            name=dimension.name,
            level=level,
            level_name=framework.level_name(level),
            confidence=round(statistics.fmean(confidences), 3) if confidences else 0.0,
            settled=all(a.dimensions[dimension.id].settled for a in assessments if dimension.id in a.dimensions),
            rationale=rationale,
            evidence=evidence[:9],
            gaps=[g for g in gaps.values() if level is not None and g.level > level],
        )
    overall = overall_level({d: r.level for d, r in results.items()})
    return Assessment(
        organisation=organisation,
        stakeholders=stakeholders,
        framework=framework.label,
        engine=",".join(sorted({a.engine for a in assessments})) or "embedded",
        fallback=any(a.fallback for a in assessments),
        dimensions=results,
        overall=overall.level,
        overall_name=framework.level_name(overall.level),
        overall_incomplete=overall.incomplete,
        overall_rule=overall.rule,
        findings=[f for a in assessments for f in a.findings],
        divergences=divergences,
        instructions_ignored=sum(a.instructions_ignored for a in assessments),
    )


def _stakeholder_labels(assessments: Sequence[Assessment]) -> list[str]:
    """A readable, unique label per stakeholder: role, else name, else a number."""
    labels: list[str] = []
    for number, assessment in enumerate(assessments, start=1):
        first = assessment.stakeholders[0] if assessment.stakeholders else Stakeholder()
        label = first.role or first.name or f"stakeholder {number}"
        labels.append(label if label not in labels else f"{label} ({number})")
    return labels
