"""The report as Markdown: the same sections as the HTML export, with figures pointed to, not embedded.

Every string from the report passes through ``escape_markdown`` on its way out. Stakeholder quotes
and LLM-drafted statements are untrusted text: unescaped, a quote could open a link, raw HTML or a
heading in whatever viewer shows the file. Structure (headings, lists, tables, citation markers)
is written by this module only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from assistant.report import render_wording as words
from assistant.report.model import (
    DimensionSection,
    DivergenceNote,
    PassageSource,
    QuoteSource,
    Recommendation,
    Report,
    Statement,
    StrategicTopic,
    WardleyFigure,
)

if TYPE_CHECKING:
    from assistant.report.render import ReportFigures

# Characters that start inline markup anywhere in a line: code, emphasis, links, tables, strikethrough.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]|~])")
# Line starts that open a block: headings, list items, setext underlines.
_BLOCK_START = re.compile(r"^(#|[-+=])")
_ORDERED_LIST_START = re.compile(r"^(\d+)([.)])")
_BLANK_RUNS = re.compile(r"\n{3,}")


def escape_markdown(text: str) -> str:
    """One line of literal text: markup characters are backslash-escaped and ``&``, ``<``, ``>``
    become entities, so nothing in ``text`` can become a link, raw HTML, emphasis or a block."""
    line = words.one_line(text)
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _INLINE_MARKUP.sub(r"\\\1", line)
    line = _BLOCK_START.sub(r"\\\1", line)
    return _ORDERED_LIST_START.sub(r"\1\\\2", line)


def markdown_report(report: Report, figures: ReportFigures) -> str:
    """The whole report; ``figures`` is accepted for symmetry with the other formats but only pointed to."""
    del figures  # a Markdown file cannot carry images; the line below says where to find them
    blocks: list[str] = [
        f"# {escape_markdown(words.document_title(report))}",
        _front_matter(report),
        *_statement_section(words.INTRODUCTION, report.introduction),
        *_statement_section(words.SCOPE, report.scope),
        *_statement_section(words.EXECUTIVE_SUMMARY, report.executive_summary),
        f"## {words.MATURITY_MODEL}",
        _maturity_table(report),
        f"## {words.OVERALL_LEVEL}",
        *_overall(report),
        f"## {words.DIMENSIONS}",
        words.FIGURES_ELSEWHERE,
        *([words.NO_DIMENSIONS] if not report.dimensions else []),
        *(block for dimension in report.dimensions for block in _dimension(dimension)),
        f"## {words.ROADMAP}",
        _roadmap_table(report),
        *_strategic_context(report.strategic_context, report.wardley_figures),
        *_divergences(report.divergences),
        *_statement_section(words.CONCLUSION, report.conclusion),
        *_sources(report),
    ]
    text = "\n\n".join(block for block in blocks if block) + "\n"
    return _BLANK_RUNS.sub("\n\n", text)


def _cited(statement: Statement) -> str:
    # Brackets stay literal: with no link definitions in the file (quotes cannot add any, their
    # brackets are escaped) CommonMark shows ``[Q1]`` as text.
    markers = " ".join(f"[{escape_markdown(cite)}]" for cite in statement.cites)
    text = escape_markdown(statement.text)
    return f"{text} {markers}".strip() if markers else text


def _bullets(statements: Sequence[Statement], empty: str, indent: str = "") -> str:
    if not statements:
        return f"{indent}{empty}"
    return "\n".join(f"{indent}- {_cited(s)}" for s in statements)


def _statement_section(title: str, statements: Sequence[Statement]) -> list[str]:
    return [f"## {title}", *([_cited(s) for s in statements] or [words.NO_STATEMENTS])]


def _front_matter(report: Report) -> str:
    return "  \n".join(f"**{label}:** {escape_markdown(value)}" for label, value in words.front_matter(report))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(escape_markdown(cell) for cell in header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines.extend("| " + " | ".join(escape_markdown(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def _maturity_table(report: Report) -> str:
    if not report.maturity_model:
        return words.NO_MATURITY_MODEL
    rows = (words.maturity_cells(row.level, row.name, row.summary) for row in report.maturity_model)
    return _table(words.MATURITY_MODEL_COLUMNS, rows)


def _overall(report: Report) -> list[str]:
    incomplete = words.overall_incomplete_note(report)
    return [
        f"**{escape_markdown(words.overall_title(report))}**",
        escape_markdown(words.overall_rule_note(report)),
        escape_markdown(incomplete) if incomplete else "",
    ]


def _dimension(dimension: DimensionSection) -> list[str]:
    return [
        f"### {escape_markdown(words.dimension_heading(dimension))}",
        escape_markdown(dimension.rationale),
        f"#### {words.CURRENT_STATE}",
        _bullets(dimension.current_state, words.NO_EVIDENCE),
        f"#### {escape_markdown(words.missing_heading(dimension))}",
        _bullets(dimension.missing, words.NO_STATEMENTS),
        f"#### {words.RECOMMENDATIONS}",
        *([_recommendation(r) for r in dimension.recommendations] or [words.NO_RECOMMENDATIONS]),
    ]


def _recommendation(recommendation: Recommendation) -> str:
    title = words.recommendation_title(recommendation.id, recommendation.title, recommendation.target_level)
    item = f"- **{escape_markdown(title)}**: {_cited(recommendation.text)}"
    if not recommendation.advice:
        return item
    return item + "\n" + _bullets(recommendation.advice, "", indent="  ")


def _roadmap_table(report: Report) -> str:
    if not report.roadmap:
        return words.NO_ROADMAP
    items = sorted(report.roadmap, key=lambda item: item.priority)
    return _table(words.ROADMAP_COLUMNS, (words.roadmap_cells(report, item) for item in items))


def _strategic_context(topics: Sequence[StrategicTopic], figures: Sequence[WardleyFigure]) -> list[str]:
    blocks = [f"## {words.STRATEGIC_CONTEXT}"]
    if not topics:
        blocks.append(words.NO_STRATEGIC_TOPICS)
    for topic in topics:
        blocks += [
            f"### {escape_markdown(topic.title)}",
            f"*{escape_markdown('Why it matters: ' + topic.why)}*",
            _bullets(topic.statements, words.NO_STATEMENTS),
        ]
    if figures:
        blocks.append(f"### {words.WARDLEY_MAPS}")
        blocks.extend(_wardley(figure) for figure in figures)
    return blocks


def _wardley(figure: WardleyFigure) -> str:
    lines = [f"**{escape_markdown(figure.title)}**"]
    if figure.caption:
        lines.append(escape_markdown(figure.caption))
    highlights = words.highlights_note(figure)
    if highlights:
        lines.append(escape_markdown(highlights))
    return "  \n".join(lines)


def _divergences(notes: Sequence[DivergenceNote]) -> list[str]:
    if not notes:
        return []
    items = [f"- **{escape_markdown(words.divergence_summary(note))}**: {_cited(note.statement)}" for note in notes]
    return [f"## {words.DIVERGENCES}", "\n".join(items)]


def _sources(report: Report) -> list[str]:
    removed = words.unsupported_note(report)
    return [
        f"## {words.SOURCES}",
        escape_markdown(removed) if removed else "",
        f"### {words.STAKEHOLDER_QUOTES}",
        "\n".join(_quote(q) for q in report.quotes) or words.NO_QUOTES,
        f"### {words.PASSAGES}",
        "\n".join(_passage(p) for p in report.passages) or words.NO_PASSAGES,
    ]


def _quote(quote: QuoteSource) -> str:
    return (
        f"- **{escape_markdown(quote.id)}** “{escape_markdown(quote.quote)}” "
        f"({escape_markdown(words.quote_attribution(quote))})"
    )


def _passage(passage: PassageSource) -> str:
    return (
        f"- **{escape_markdown(passage.id)}** {escape_markdown(words.passage_origin(passage))}: "
        f"“{escape_markdown(passage.text)}”"
    )
