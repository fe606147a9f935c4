"""The words every renderer shares: section titles, headings, labels and notes.

Markdown, HTML, PDF and DOCX must tell the same story in the same order; keeping their wording
here means a heading renamed once is renamed everywhere, and the tests can hold all four formats
to one outline. Everything returns plain, unescaped text: escaping is the job of each format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.assessment import Stakeholder
from assistant.report.model import (
    DimensionSection,
    DivergenceNote,
    PassageSource,
    QuoteSource,
    Report,
    RoadmapItem,
    Statement,
    WardleyFigure,
)

INTRODUCTION = "Introduction"
SCOPE = "Scope"
EXECUTIVE_SUMMARY = "Executive summary"
MATURITY_MODEL = "The maturity model"
OVERALL_LEVEL = "Overall level"
DIMENSIONS = "Dimensions"
CURRENT_STATE = "Current state"
RECOMMENDATIONS = "Recommendations"
ROADMAP = "Roadmap"
STRATEGIC_CONTEXT = "Strategic context"
WARDLEY_MAPS = "Wardley maps"
DIVERGENCES = "Divergences between stakeholders"
CONCLUSION = "Conclusion"
SOURCES = "Sources"
STAKEHOLDER_QUOTES = "Stakeholder quotes"
PASSAGES = "Knowledge-base passages"

MATURITY_MODEL_COLUMNS = ("Level", "Name", "Summary")
ROADMAP_COLUMNS = ("Priority", "Horizon", "Stage", "Dimension", "Recommendation", "Target level")

FIGURES_ELSEWHERE = "(Radar chart and Wardley maps: see the HTML, PDF or DOCX export.)"
RADAR_CAPTION = "Current level and next target level per dimension."
MAP_NOT_DRAWN = "(The map image is not available.)"

NO_STATEMENTS = "Nothing recorded."
NO_EVIDENCE = "No evidence recorded."
NO_RECOMMENDATIONS = "No recommendations."
NO_MATURITY_MODEL = "No maturity levels defined."
NO_DIMENSIONS = "No dimensions assessed."
NO_ROADMAP = "No roadmap items."
NO_STRATEGIC_TOPICS = "No strategic topics."
NO_QUOTES = "No stakeholder quotes."
NO_PASSAGES = "No knowledge-base passages."

# XML 1.0 allows tab, newline and carriage return but no other C0 control character, and no
# surrogates or U+FFFE/U+FFFF; python-docx raises on them and they are noise in every other format.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drop the characters XML 1.0 forbids, so any report text is safe to put in any format."""
    return _XML_FORBIDDEN.sub("", text)


def one_line(text: str) -> str:
    """Collapse line breaks and runs of whitespace: list items and table cells hold one line."""
    return _WHITESPACE.sub(" ", clean_text(text)).strip()


def document_title(report: Report) -> str:
    return one_line(report.title) or "MLOps maturity report"


def level_title(level: int | None, name: str) -> str:
    """``Level 2: Managed``; the framework's names may already start with the number, which is dropped."""
    if level is None:
        return "not assessed"
    bare = name.strip()
    if bare.startswith(f"{level} "):
        bare = bare[len(str(level)) :].strip()
    return f"Level {level}: {bare}" if bare else f"Level {level}"


def dimension_heading(dimension: DimensionSection) -> str:
    name = one_line(dimension.name) or dimension.id
    return f"{name} — {level_title(dimension.level, dimension.level_name)}"


def missing_heading(dimension: DimensionSection) -> str:
    """Names the level the missing practices lead to; the top level and unknown targets have none to name."""
    target = dimension.target_level
    if target is not None and (dimension.level is None or target > dimension.level):
        return f"Missing for level {target}"
    return "Missing for the next level"


def overall_title(report: Report) -> str:
    return level_title(report.overall_level, report.overall_name)


def overall_rule_note(report: Report) -> str:
    return f"How it was set: {report.overall_rule}" if report.overall_rule else "How it was set: not recorded"


def overall_incomplete_note(report: Report) -> str | None:
    """The overall level is only a lower bound when some dimensions could not be assessed."""
    if not report.overall_incomplete:
        return None
    return "This overall level is incomplete: not every dimension could be assessed."


def stakeholder_label(stakeholder: Stakeholder) -> str:
    """``Name (Role)``, or whichever of the two is known."""
    if stakeholder.name and stakeholder.role:
        return f"{stakeholder.name} ({stakeholder.role})"
    return stakeholder.name or stakeholder.role or "Unnamed stakeholder"


def stakeholders_text(stakeholders: Sequence[Stakeholder]) -> str:
    return "; ".join(stakeholder_label(s) for s in stakeholders) or "none recorded"


def engine_description(report: Report) -> str:
    """Readers should know when the assessment came from a fallback engine rather than the configured one."""
    engine = report.engine or "not recorded"
    return f"{engine} (the assessment engine fell back to this engine)" if report.fallback else engine


def front_matter(report: Report) -> list[tuple[str, str]]:
    """The label/value lines under the title: who the report is for, when, whom it heard, what drafted it."""
    return [
        ("Organisation", report.organisation),
        ("Date", report.date),
        ("Stakeholders", stakeholders_text(report.stakeholders)),
        ("Engine", engine_description(report)),
    ]


def quote_attribution(quote: QuoteSource) -> str:
    """Who said it and where: ``CTO, session s1, turn 3``."""
    parts = [quote.stakeholder or "unattributed"]
    if quote.session:
        parts.append(f"session {session_label(quote.session)}")
    parts.append(f"turn {quote.turn}")
    return ", ".join(parts)


#: Session ids up to this long are labels (hand-made assessments: "s1"); longer ones are app ids.
_SESSION_LABEL_CHARS = 8


def session_label(session: str) -> str:
    """A session as a report names it: the first characters of an app session id, never all of it.

    An app session id is the stakeholder's key (``/?session=ID`` opens, reads and continues the
    interview); a report travels to the client, so printing the whole id would hand every reader
    every stakeholder's transcript. Six characters tell sessions apart, as the consultant view does.
    """
    return session if len(session) <= _SESSION_LABEL_CHARS else f"{session[:6]}…"


def passage_origin(passage: PassageSource) -> str:
    """``Recommendations (recommendations.md), section Monitoring``."""
    return f"{passage.title} ({passage.document}), section {passage.section}"


def unsupported_note(report: Report) -> str | None:
    """Removed sentences are invisible otherwise; saying how many keeps the checker's work honest."""
    count = report.unsupported_removed
    if count <= 0:
        return None
    sentences = "sentence" if count == 1 else "sentences"
    return f"{count} drafted {sentences} without a verifiable source were removed from this report."


def citation_markers(statement: Statement) -> list[str]:
    """``[Q1]``, ``[K2]``: printed after the statement text, never inside it."""
    return [f"[{cite}]" for cite in statement.cites]


def recommendation_title(recommendation_id: str, title: str, target_level: int) -> str:
    return f"{recommendation_id} · {title} (target level {target_level})"


def highlights_note(figure: WardleyFigure) -> str | None:
    if not figure.highlights:
        return None
    return "Highlighted components: " + ", ".join(figure.highlights)


def divergence_summary(note: DivergenceNote) -> str:
    """``Data management: spread of 2 levels (CTO 1, Engineer 3)``."""
    levels = ", ".join(f"{who} {level}" for who, level in note.levels.items())
    plural = "level" if note.spread == 1 else "levels"
    summary = f"{note.name}: spread of {note.spread} {plural}"
    return f"{summary} ({levels})" if levels else summary


def dimension_name(report: Report, dimension_id: str) -> str:
    """Roadmap items name dimensions by id; readers want the name."""
    return next((d.name for d in report.dimensions if d.id == dimension_id), dimension_id)


def roadmap_cells(report: Report, item: RoadmapItem) -> tuple[str, str, str, str, str, str]:
    return (
        str(item.priority),
        item.horizon,
        item.stage,
        dimension_name(report, item.dimension),
        f"{item.recommendation}: {item.title}",
        str(item.target_level),
    )


def maturity_cells(level: int, name: str, summary: str) -> tuple[str, str, str]:
    return (str(level), name, summary)
