"""The report as PDF, laid out with fpdf2.

fpdf2's core fonts only know Latin-1, and stakeholders type smart quotes, accents and emoji, so
the DejaVu fonts that ship with matplotlib are embedded instead. Characters DejaVu lacks (emoji)
are replaced with "?" before they reach fpdf2: a missing glyph would otherwise print nothing and
log a warning per document. Citation markers are internal links to the source entries, and every
top-level section is in the PDF outline.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import Align
from fpdf.fonts import TTFFont

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

FONT = "DejaVu"
FONT_FILES = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf"))
BODY_SIZE = 10
LINE = 5.0
HEADING_SIZES = MappingProxyType({1: 20.0, 2: 15.0, 3: 12.5, 4: 10.5})
INK = (29, 36, 51)
MUTED = (91, 100, 117)
ACCENT = (31, 95, 168)
TABLE_HEADING = FontFace(emphasis="BOLD", fill_color=(235, 239, 245))
# fpdf2 cannot split a table row across pages; capping a cell keeps the tallest row on one page.
MAX_CELL_CHARS = 900
RADAR_WIDTH_MM = 130.0
MAX_FIGURE_HEIGHT_MM = 190.0
REPLACEMENT = "?"
MM_PER_INCH = 25.4


def font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def pdf_report(report: Report, figures: ReportFigures) -> bytes:
    """Lay the report out page by page and return the PDF file's bytes."""
    writer = _PdfWriter(report)
    writer.document(figures)
    return bytes(writer.pdf.output())


class _ReportPDF(FPDF):
    """An A4 page with the page number in the footer."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


class _PdfWriter:
    """One PDF being written: the fpdf2 document, the glyphs its fonts can draw, and the citation links."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.pdf = _ReportPDF(format="A4")
        self.pdf.set_margins(20, 18, 20)
        self.pdf.set_auto_page_break(True, margin=18)
        for style, file_name in FONT_FILES:
            self.pdf.add_font(FONT, style, str(font_dir() / file_name))
        # Only characters every style can draw survive; the rest become REPLACEMENT.
        glyph_sets = [set(font.cmap) for font in self.pdf.fonts.values() if isinstance(font, TTFFont)]
        self.drawable = frozenset(set.intersection(*glyph_sets))
        self.pdf.set_title(self.safe(words.document_title(report)))
        self.pdf.set_author(self.safe(report.organisation))
        self.pdf.set_creator("maturity-assistant")
        self.pdf.add_page()
        # Links are made now, on page 1, and pointed at their source entries once those are laid out:
        # fpdf2 updates a destination in place, so markers written before then follow it.
        resolvable = [q.id for q in report.quotes] + [p.id for p in report.passages]
        self.links = {source_id: self.pdf.add_link() for source_id in resolvable}

    # -- text primitives ------------------------------------------------------------------------

    def safe(self, text: str) -> str:
        """Text fpdf2 can draw: XML-forbidden characters dropped, glyphs the font lacks replaced."""
        cleaned = words.clean_text(text).replace("\t", " ").replace("\r", "")
        return "".join(c if c == "\n" or ord(c) in self.drawable else REPLACEMENT for c in cleaned)

    def font(self, style: str = "", size: float = BODY_SIZE, colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(FONT, style, size)
        self.pdf.set_text_color(*colour)

    def write(self, text: str, style: str = "", colour: tuple[int, int, int] = INK, link: int | None = None) -> None:
        if not text:
            return
        self.font(style, BODY_SIZE, colour)
        if link is None:
            self.pdf.write(LINE, self.safe(text))
        else:
            self.pdf.write(LINE, self.safe(text), link=link)

    def write_cited(self, statement: Statement) -> None:
        """Statement text, then its citation markers as links to the source entries."""
        self.write(statement.text)
        for cite, marker in zip(statement.cites, words.citation_markers(statement), strict=True):
            self.write(" ")
            link = self.links.get(cite)
            self.write(marker, colour=ACCENT if link is not None else INK, link=link)

    def write_labelled(self, label: str, statement: Statement) -> None:
        self.write(label + ": ", "B")
        self.write_cited(statement)

    def end_paragraph(self, gap: float = 2.0) -> None:
        self.pdf.ln(LINE)
        self.pdf.ln(gap)

    def heading(self, text: str, level: int, keep_with: float = 3 * LINE) -> None:
        """A heading that stays on the page of the first ``keep_with`` mm that follow it (never alone at the
        bottom of a page); levels 2 and 3 go in the PDF outline."""
        size = HEADING_SIZES[level]
        if self.pdf.will_page_break(size * 0.6 + 8 + min(keep_with, MAX_FIGURE_HEIGHT_MM)):
            self.pdf.add_page()
        self.pdf.ln(4 if level <= 2 else 2)
        title = self.safe(words.one_line(text))
        if level in (2, 3):
            self.pdf.start_section(title or "-", level=level - 2)
        self.font("B", size, ACCENT if level == 2 else INK)
        self.pdf.multi_cell(0, size * 0.5, title, new_x="LMARGIN", new_y="NEXT")
        if level == 2:
            y = self.pdf.get_y() + 0.5
            self.pdf.set_draw_color(*ACCENT)
            self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
        self.pdf.ln(2)

    def paragraph(self, text: str, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.write(text, style, colour)
        self.end_paragraph()

    def empty(self, text: str) -> None:
        self.paragraph(text, "I", MUTED)

    def statements(self, statements: Sequence[Statement]) -> None:
        if not statements:
            self.empty(words.NO_STATEMENTS)
        for statement in statements:
            self.write_cited(statement)
            self.end_paragraph()

    def bullet(self, write_item: Callable[[], None], indent: float = 0.0) -> None:
        """A bulleted item whose wrapped lines align with its first line, not with the bullet."""
        left = self.pdf.l_margin
        self.pdf.set_x(left + indent)
        self.write("•")
        self.pdf.set_left_margin(left + indent + 5)
        self.pdf.set_x(left + indent + 5)
        try:
            write_item()
            self.pdf.ln(LINE)
        finally:
            self.pdf.set_left_margin(left)
            self.pdf.set_x(left)
        self.pdf.ln(1)

    def bullets(self, statements: Sequence[Statement], empty: str, indent: float = 0.0) -> None:
        if not statements:
            self.empty(empty)
        for statement in statements:
            self.bullet(partial(self.write_cited, statement), indent)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[float]) -> None:
        self.font("", 9)
        with self.pdf.table(
            col_widths=tuple(widths),
            text_align="LEFT",
            line_height=4.6,
            headings_style=TABLE_HEADING,
            borders_layout="SINGLE_TOP_LINE",
        ) as table:
            heading_row = table.row()
            for column in header:
                heading_row.cell(self.safe(column))
            for row in rows:
                table_row = table.row()
                for cell in row:
                    table_row.cell(self.safe(_cap(words.one_line(cell))))
        self.pdf.ln(3)

    def figure_size(self, png: bytes, max_width: float) -> tuple[float, float]:
        """Width and height in mm: at most ``max_width`` wide, MAX_FIGURE_HEIGHT_MM high, and never
        enlarged past the picture's size at 72 dpi (a small PNG blown up to page width looks broken)."""
        pixels_wide, pixels_high = _png_size(png)
        if not (pixels_wide and pixels_high):
            return (min(max_width, self.pdf.epw), 0.0)
        width = min(max_width, self.pdf.epw, pixels_wide * MM_PER_INCH / 72)
        width = min(width, MAX_FIGURE_HEIGHT_MM * pixels_wide / pixels_high)
        return (width, width * pixels_high / pixels_wide)

    def image(self, png: bytes, max_width: float) -> None:
        width, _ = self.figure_size(png, max_width)
        self.pdf.image(io.BytesIO(png), x=Align.C, w=width)
        self.pdf.ln(2)

    # -- the report -----------------------------------------------------------------------------

    def document(self, figures: ReportFigures) -> None:
        report = self.report
        self.font("B", HEADING_SIZES[1])
        self.pdf.multi_cell(0, 9, self.safe(words.document_title(report)), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)
        for label, value in words.front_matter(report):
            self.write(label + ": ", "B", MUTED)
            self.paragraph(value, colour=MUTED)
        for title, statements in (
            (words.INTRODUCTION, report.introduction),
            (words.SCOPE, report.scope),
            (words.EXECUTIVE_SUMMARY, report.executive_summary),
        ):
            self.heading(title, 2)
            self.statements(statements)
        self.maturity_model()
        self.overall()
        self.heading(
            words.DIMENSIONS, 2, keep_with=self.figure_size(figures.radar, RADAR_WIDTH_MM)[1] if figures.radar else LINE
        )
        if figures.radar:
            self.image(figures.radar, RADAR_WIDTH_MM)
            self.paragraph(words.RADAR_CAPTION, "I", MUTED)
        if not report.dimensions:
            self.empty(words.NO_DIMENSIONS)
        for dimension in report.dimensions:
            self.dimension(dimension)
        self.roadmap()
        self.strategic_context(figures)
        self.divergences()
        self.heading(words.CONCLUSION, 2)
        self.statements(report.conclusion)
        self.sources()

    def maturity_model(self) -> None:
        self.heading(words.MATURITY_MODEL, 2)
        if not self.report.maturity_model:
            self.empty(words.NO_MATURITY_MODEL)
            return
        rows = (words.maturity_cells(row.level, row.name, row.summary) for row in self.report.maturity_model)
        self.table(words.MATURITY_MODEL_COLUMNS, rows, (14, 36, 120))

    def overall(self) -> None:
        self.heading(words.OVERALL_LEVEL, 2)
        self.font("B", 12)
        self.pdf.multi_cell(0, 6, self.safe(words.overall_title(self.report)), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)
        self.paragraph(words.overall_rule_note(self.report))
        incomplete = words.overall_incomplete_note(self.report)
        if incomplete:
            self.paragraph(incomplete, "B")

    def dimension(self, dimension: DimensionSection) -> None:
        self.heading(words.dimension_heading(dimension), 3)
        self.paragraph(dimension.rationale)
        self.heading(words.CURRENT_STATE, 4)
        self.bullets(dimension.current_state, words.NO_EVIDENCE)
        self.heading(words.missing_heading(dimension), 4)
        self.bullets(dimension.missing, words.NO_STATEMENTS)
        self.heading(words.RECOMMENDATIONS, 4)
        if not dimension.recommendations:
            self.empty(words.NO_RECOMMENDATIONS)
        for recommendation in dimension.recommendations:
            self.recommendation(recommendation)

    def recommendation(self, recommendation: Recommendation) -> None:
        title = words.recommendation_title(recommendation.id, recommendation.title, recommendation.target_level)
        self.bullet(partial(self.write_labelled, title, recommendation.text))
        for advice in recommendation.advice:
            self.bullet(partial(self.write_cited, advice), indent=6)

    def roadmap(self) -> None:
        self.heading(words.ROADMAP, 2)
        if not self.report.roadmap:
            self.empty(words.NO_ROADMAP)
            return
        items = sorted(self.report.roadmap, key=lambda item: item.priority)
        rows = (words.roadmap_cells(self.report, item) for item in items)
        self.table(words.ROADMAP_COLUMNS, rows, (17, 22, 28, 30, 55, 18))

    def strategic_context(self, figures: ReportFigures) -> None:
        self.heading(words.STRATEGIC_CONTEXT, 2)
        if not self.report.strategic_context:
            self.empty(words.NO_STRATEGIC_TOPICS)
        for topic in self.report.strategic_context:
            self.heading(topic.title, 3)
            self.paragraph("Why it matters: " + topic.why, "I")
            self.bullets(topic.statements, words.NO_STATEMENTS)
        if self.report.wardley_figures:
            first = figures.wardley.get(self.report.wardley_figures[0].map)
            self.heading(words.WARDLEY_MAPS, 3, keep_with=self.figure_size(first, self.pdf.epw)[1] if first else LINE)
        for figure in self.report.wardley_figures:
            self.wardley(figure, figures.wardley.get(figure.map))

    def wardley(self, figure: WardleyFigure, png: bytes | None) -> None:
        if png:
            self.image(png, self.pdf.epw)
        else:
            self.empty(words.MAP_NOT_DRAWN)
        self.write(figure.title, "B")
        if figure.caption:
            self.write(". " + figure.caption, colour=MUTED)
        self.end_paragraph(0)
        highlights = words.highlights_note(figure)
        if highlights:
            self.paragraph(highlights, colour=MUTED)
        self.pdf.ln(2)

    def divergences(self) -> None:
        if not self.report.divergences:
            return
        self.heading(words.DIVERGENCES, 2)
        for note in self.report.divergences:
            self.bullet(partial(self.write_labelled, words.divergence_summary(note), note.statement))

    def sources(self) -> None:
        self.heading(words.SOURCES, 2)
        removed = words.unsupported_note(self.report)
        if removed:
            self.paragraph(removed, "I", MUTED)
        self.heading(words.STAKEHOLDER_QUOTES, 3)
        if not self.report.quotes:
            self.empty(words.NO_QUOTES)
        for quote in self.report.quotes:
            self.quote(quote)
        self.heading(words.PASSAGES, 3)
        if not self.report.passages:
            self.empty(words.NO_PASSAGES)
        for passage in self.report.passages:
            self.passage(passage)

    def anchor(self, source_id: str) -> None:
        """Point the citation links for ``source_id`` here, after any page break the entry's first line needs."""
        if self.pdf.will_page_break(LINE * 2):
            self.pdf.add_page()
        link = self.links.get(source_id)
        if link is not None:
            self.pdf.set_link(link, y=self.pdf.get_y(), page=self.pdf.page_no())

    def quote(self, quote: QuoteSource) -> None:
        self.anchor(quote.id)
        self.write(quote.id + "  ", "B", ACCENT)
        self.write("“" + quote.quote + "”")
        self.write("  (" + words.quote_attribution(quote) + ")", colour=MUTED)
        self.end_paragraph(1.5)

    def passage(self, passage: PassageSource) -> None:
        self.anchor(passage.id)
        self.write(passage.id + "  ", "B", ACCENT)
        self.write(words.passage_origin(passage) + ": ", colour=MUTED)
        self.write("“" + passage.text + "”")
        self.end_paragraph(1.5)


def _cap(text: str) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header, or (0, 0) when the bytes are not a PNG fpdf2 can size itself."""
    if len(png) < 24 or not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return (0, 0)
    width, height = struct.unpack(">II", png[16:24])
    return (int(width), int(height))
