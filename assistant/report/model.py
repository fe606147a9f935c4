"""The consultant report as data: every renderer (Markdown, HTML, PDF, DOCX) reads this model.

A report is built once (``assistant.report.build``) and rendered many times. Prose lives in
``Statement`` objects whose ``cites`` name entries of ``Report.quotes`` (``Q1``...: the
stakeholders' verbatim words) or ``Report.passages`` (``K1``...: knowledge-base passages); the
checker (``assistant.report.check``) proves that every one resolves. Renderers print the text and
then the citation markers, so a marker never sits inside stakeholder text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.assessment import Stakeholder

REPORT_FORMAT: Literal["maturity-report/1"] = "maturity-report/1"
Horizon = Literal["short-term", "long-term"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuoteSource(_Model):
    """A stakeholder's own words: a verbatim substring of one answer."""

    id: str = Field(pattern=r"^Q\d+$")
    quote: str = Field(min_length=1)
    turn: int = Field(ge=1, description="1-based answer number in the session")
    session: str | None = None
    stakeholder: str | None = Field(default=None, description="Who said it: role, else name")


class PassageSource(_Model):
    """A knowledge-base passage: ``text`` is a verbatim excerpt of the section it names."""

    id: str = Field(pattern=r"^K\d+$")
    document: str = Field(description="Knowledge file name, e.g. recommendations.md")
    title: str
    section: str
    text: str = Field(min_length=1)


class Statement(_Model):
    """One sentence or short paragraph of the report and the sources that back it."""

    text: str
    cites: list[str] = Field(default_factory=list)


class LevelRow(_Model):
    level: int
    name: str
    summary: str


class Recommendation(_Model):
    id: str = Field(pattern=r"^R\d+$")
    dimension: str
    practice: str | None = Field(default=None, description="The missing practice it addresses")
    target_level: int
    title: str
    text: Statement
    advice: list[Statement] = Field(default_factory=list, description="What the knowledge base says to do")


class DimensionSection(_Model):
    id: str
    name: str
    level: int | None
    level_name: str
    target_level: int | None = Field(description="The next level (the top level stays the top)")
    confidence: float
    rationale: str
    current_state: list[Statement] = Field(description="What the organisation does, cited to quotes")
    missing: list[Statement] = Field(description="Practices missing for the next level")
    recommendations: list[Recommendation]


class RoadmapItem(_Model):
    priority: int = Field(ge=1, description="1 comes first")
    horizon: Horizon
    stage: str = Field(description="Consulting workflow stage: Initial Assessment ... Optimization")
    dimension: str
    recommendation: str = Field(description="Recommendation id, e.g. R3")
    title: str
    target_level: int


class WardleyFigure(_Model):
    """Where a Wardley map is drawn: which map, and which of its components to mark as weak."""

    map: str = Field(description="Map id (file stem under knowledge/maps/)")
    title: str
    highlights: list[str] = Field(default_factory=list, description="Component names to mark")
    caption: str = ""


class StrategicTopic(_Model):
    title: str
    why: str = Field(description="Why this topic is relevant to this assessment")
    statements: list[Statement]


class DivergenceNote(_Model):
    dimension: str
    name: str
    levels: dict[str, int]
    spread: int
    statement: Statement


class Report(_Model):
    format: Literal["maturity-report/1"] = REPORT_FORMAT
    title: str
    organisation: str
    date: str = Field(description="ISO date the report was drafted")
    stakeholders: list[Stakeholder]
    engine: str
    fallback: bool = False
    fallback_reason: str | None = None
    introduction: list[Statement]
    scope: list[Statement]
    executive_summary: list[Statement]
    maturity_model: list[LevelRow]
    overall_level: int | None
    overall_name: str
    overall_rule: str
    overall_incomplete: bool
    dimensions: list[DimensionSection]
    roadmap: list[RoadmapItem]
    strategic_context: list[StrategicTopic]
    wardley_figures: list[WardleyFigure] = Field(default_factory=list)
    divergences: list[DivergenceNote] = Field(default_factory=list)
    conclusion: list[Statement]
    quotes: list[QuoteSource]
    passages: list[PassageSource]
    unsupported_removed: int = Field(default=0, description="LLM sentences dropped by the checker")

    def quote(self, source_id: str) -> QuoteSource | None:
        return next((q for q in self.quotes if q.id == source_id), None)

    def passage(self, source_id: str) -> PassageSource | None:
        return next((p for p in self.passages if p.id == source_id), None)
