"""The report as a Word document, for consultants who edit the draft before sending it.

Headings use Word's own heading styles (so the navigation pane, a table of contents and
``python-docx`` can read the structure back), tables use a built-in table style, and figures are
inline pictures. Every string passes through ``clean_text`` first: python-docx refuses the control
characters XML 1.0 forbids, and one stray byte in a quote must not cost the whole export.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph

from assistant.report import render_wording as words
from assistant.report.model import (
    DimensionSection,
    PassageSource,
    QuoteSource,
    Recommendation,
    Report,
    Statement,
    WardleyFigure,
)

if TYPE_CHECKING:
    from assistant.report.render import ReportFigures

MUTED = RGBColor(0x5B, 0x64, 0x75)
ACCENT = RGBColor(0x1F, 0x5F, 0xA8)
TABLE_STYLE = "Light Grid Accent 1"
RADAR_WIDTH = Inches(5.5)
MAP_WIDTH = Inches(6)
# Report sections are Heading 1: the document title uses Word's Title style above them.
SECTION, SUBSECTION, PART = 1, 2, 3


def docx_report(report: Report, figures: ReportFigures) -> bytes:
    """Build the document in memory and return the .docx file's bytes."""
    document = Document()
    properties = document.core_properties
    properties.title = words.document_title(report)
    properties.author = "maturity-assistant"
    properties.subject = words.clean_text(report.organisation)
    _DocxWriter(document, report).document(figures)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _DocxWriter:
    """One document being written, with the report it comes from."""

    def __init__(self, document: DocxDocument, report: Report) -> None:
        self.doc = document
        self.report = report

    # -- primitives -----------------------------------------------------------------------------

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(words.one_line(text), level)

    def paragraph(
        self, text: str = "", *, italic: bool = False, bold: bool = False, muted: bool = False, style: str | None = None
    ) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            run = paragraph.add_run(words.clean_text(text))
            run.italic = italic
            run.bold = bold
            if muted:
                run.font.color.rgb = MUTED
        return paragraph

    def empty(self, text: str) -> None:
        self.paragraph(text, italic=True, muted=True)

    def add_cited(self, paragraph: Paragraph, statement: Statement) -> None:
        paragraph.add_run(words.clean_text(statement.text))
        for marker in words.citation_markers(statement):
            run = paragraph.add_run(" " + words.clean_text(marker))
            run.font.color.rgb = ACCENT

    def statements(self, statements: Sequence[Statement]) -> None:
        if not statements:
            self.empty(words.NO_STATEMENTS)
        for statement in statements:
            self.add_cited(self.paragraph(), statement)

    def bullets(self, statements: Sequence[Statement], empty: str, style: str = "List Bullet") -> None:
        if not statements:
            self.empty(empty)
        for statement in statements:
            self.add_cited(self.paragraph(style=style), statement)

    def labelled(self, label: str, statement: Statement, style: str | None = "List Bullet") -> None:
        paragraph = self.paragraph(style=style)
        paragraph.add_run(words.clean_text(label) + ": ").bold = True
        self.add_cited(paragraph, statement)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = TABLE_STYLE
        for cell, column in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(column).bold = True
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = words.one_line(value)
        self.doc.add_paragraph()

    def picture(self, png: bytes, width: int) -> None:
        self.doc.add_picture(io.BytesIO(png), width=width)

    # -- the report -----------------------------------------------------------------------------

    def document(self, figures: ReportFigures) -> None:
        report = self.report
        self.doc.add_heading(words.document_title(report), 0)
        for label, value in words.front_matter(report):
            paragraph = self.paragraph()
            paragraph.add_run(label + ": ").bold = True
            paragraph.add_run(words.clean_text(value))
        for title, statements in (
            (words.INTRODUCTION, report.introduction),
            (words.SCOPE, report.scope),
            (words.EXECUTIVE_SUMMARY, report.executive_summary),
        ):
            self.heading(title, SECTION)
            self.statements(statements)
        self.heading(words.MATURITY_MODEL, SECTION)
        if report.maturity_model:
            rows = (words.maturity_cells(row.level, row.name, row.summary) for row in report.maturity_model)
            self.table(words.MATURITY_MODEL_COLUMNS, rows)
        else:
            self.empty(words.NO_MATURITY_MODEL)
        self.overall()
        self.heading(words.DIMENSIONS, SECTION)
        if figures.radar:
            self.picture(figures.radar, RADAR_WIDTH)
            self.paragraph(words.RADAR_CAPTION, italic=True, muted=True)
        if not report.dimensions:
            self.empty(words.NO_DIMENSIONS)
        for dimension in report.dimensions:
            self.dimension(dimension)
        self.roadmap()
        self.strategic_context(figures)
        if report.divergences:
            self.heading(words.DIVERGENCES, SECTION)
            for note in report.divergences:
                self.labelled(words.divergence_summary(note), note.statement)
        self.heading(words.CONCLUSION, SECTION)
        self.statements(report.conclusion)
        self.sources()

    def overall(self) -> None:
        self.heading(words.OVERALL_LEVEL, SECTION)
        run = self.paragraph(words.overall_title(self.report), bold=True).runs[0]
        run.font.size = Pt(13)
        self.paragraph(words.overall_rule_note(self.report))
        incomplete = words.overall_incomplete_note(self.report)
        if incomplete:
            self.paragraph(incomplete, bold=True)

    def dimension(self, dimension: DimensionSection) -> None:
        self.heading(words.dimension_heading(dimension), SUBSECTION)
        self.paragraph(dimension.rationale)
        self.heading(words.CURRENT_STATE, PART)
        self.bullets(dimension.current_state, words.NO_EVIDENCE)
        self.heading(words.missing_heading(dimension), PART)
        self.bullets(dimension.missing, words.NO_STATEMENTS)
        self.heading(words.RECOMMENDATIONS, PART)
        if not dimension.recommendations:
            self.empty(words.NO_RECOMMENDATIONS)
        for recommendation in dimension.recommendations:
            self.recommendation(recommendation)

    def recommendation(self, recommendation: Recommendation) -> None:
        title = words.recommendation_title(recommendation.id, recommendation.title, recommendation.target_level)
        self.labelled(title, recommendation.text)
        if recommendation.advice:
            self.bullets(recommendation.advice, words.NO_STATEMENTS, style="List Bullet 2")

    def roadmap(self) -> None:
        self.heading(words.ROADMAP, SECTION)
        if not self.report.roadmap:
            self.empty(words.NO_ROADMAP)
            return
        items = sorted(self.report.roadmap, key=lambda item: item.priority)
        self.table(words.ROADMAP_COLUMNS, (words.roadmap_cells(self.report, item) for item in items))

    def strategic_context(self, figures: ReportFigures) -> None:
        self.heading(words.STRATEGIC_CONTEXT, SECTION)
        if not self.report.strategic_context:
            self.empty(words.NO_STRATEGIC_TOPICS)
        for topic in self.report.strategic_context:
            self.heading(topic.title, SUBSECTION)
            self.paragraph("Why it matters: " + topic.why, italic=True)
            self.bullets(topic.statements, words.NO_STATEMENTS)
        if self.report.wardley_figures:
            self.heading(words.WARDLEY_MAPS, SUBSECTION)
        for figure in self.report.wardley_figures:
            self.wardley(figure, figures.wardley.get(figure.map))

    def wardley(self, figure: WardleyFigure, png: bytes | None) -> None:
        if png:
            self.picture(png, MAP_WIDTH)
        else:
            self.empty(words.MAP_NOT_DRAWN)
        caption = self.paragraph()
        caption.add_run(words.clean_text(figure.title)).bold = True
        if figure.caption:
            caption.add_run(". " + words.clean_text(figure.caption))
        highlights = words.highlights_note(figure)
        if highlights:
            self.paragraph(highlights, muted=True)

    def sources(self) -> None:
        self.heading(words.SOURCES, SECTION)
        removed = words.unsupported_note(self.report)
        if removed:
            self.paragraph(removed, italic=True, muted=True)
        self.heading(words.STAKEHOLDER_QUOTES, SUBSECTION)
        if not self.report.quotes:
            self.empty(words.NO_QUOTES)
        for quote in self.report.quotes:
            self.quote(quote)
        self.heading(words.PASSAGES, SUBSECTION)
        if not self.report.passages:
            self.empty(words.NO_PASSAGES)
        for passage in self.report.passages:
            self.passage(passage)

    def quote(self, quote: QuoteSource) -> None:
        paragraph = self.paragraph()
        paragraph.add_run(words.clean_text(quote.id) + "  ").bold = True
        paragraph.add_run("“" + words.clean_text(quote.quote) + "”")
        paragraph.add_run("  (" + words.clean_text(words.quote_attribution(quote)) + ")").font.color.rgb = MUTED

    def passage(self, passage: PassageSource) -> None:
        paragraph = self.paragraph()
        paragraph.add_run(words.clean_text(passage.id) + "  ").bold = True
        paragraph.add_run(words.clean_text(words.passage_origin(passage)) + ": ").font.color.rgb = MUTED
        paragraph.add_run("“" + words.clean_text(passage.text) + "”")
