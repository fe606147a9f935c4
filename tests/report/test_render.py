"""The four report exports: same outline, every citation resolvable, hostile text neutralised."""

from __future__ import annotations

import html
import io
import logging
import re
import shutil
import subprocess
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from matplotlib.image import imread
from pypdf import PdfReader

from assistant.report.charts import radar_chart
from assistant.report.model import Report, Statement
from assistant.report.render import (
    ReportFigures,
    render,
    render_docx,
    render_html,
    render_markdown,
    render_pdf,
)
from assistant.report.render_markdown import escape_markdown
from tests.report.conftest import LONG_TOKEN, SCRIPT_QUOTE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The full fixture's outline below the title, as every format must show it.
FULL_HEADINGS = (
    "Introduction",
    "Scope",
    "Executive summary",
    "The maturity model",
    "Overall level",
    "Dimensions",
    "Data management — Level 2: Repeatable",
    "Current state",
    "Missing for level 3",
    "Recommendations",
    "Model deployment & serving — Level 1: Initial",
    "Current state",
    "Missing for level 2",
    "Recommendations",
    "Monitoring — not assessed",
    "Current state",
    "Missing for the next level",
    "Recommendations",
    "Roadmap",
    "Strategic context",
    "Build or buy the platform",
    "Wardley maps",
    "Divergences between stakeholders",
    "Conclusion",
    "Sources",
    "Stakeholder quotes",
    "Knowledge-base passages",
)
# Sections (and the sub-sections the PDF puts in its outline: everything but the level-4 parts).
PDF_OUTLINE = tuple(h for h in FULL_HEADINGS if h not in {"Current state", "Recommendations"} and "Missing" not in h)


def all_statements(report: Report) -> list[Statement]:
    """Every statement in the report, wherever the model keeps one."""
    statements = [*report.introduction, *report.scope, *report.executive_summary, *report.conclusion]
    for dimension in report.dimensions:
        statements += [*dimension.current_state, *dimension.missing]
        for recommendation in dimension.recommendations:
            statements += [recommendation.text, *recommendation.advice]
    for topic in report.strategic_context:
        statements += topic.statements
    statements += [note.statement for note in report.divergences]
    return statements


def source_ids(report: Report) -> list[str]:
    return [q.id for q in report.quotes] + [p.id for p in report.passages]


def all_cites(report: Report) -> list[str]:
    return [cite for statement in all_statements(report) for cite in statement.cites]


class _HtmlOutline(HTMLParser):
    """Headings, element ids, tags and URL-bearing attributes of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self._heading: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.add(value)
            if name in {"src", "href", "action", "srcset", "poster", "data"} and value is not None:
                self.urls.append((tag, name, value))
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, "".join(self._text).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._text.append(data)


def html_outline(page: str) -> _HtmlOutline:
    parser = _HtmlOutline()
    parser.feed(page)
    parser.close()
    return parser


def markdown_headings(text: str) -> list[tuple[int, str]]:
    """ATX headings with Markdown escapes undone, as a viewer would show them."""
    found = []
    for line in text.splitlines():
        match = re.match(r"^(#{1,6}) (.*)$", line)
        if match:
            shown = html.unescape(re.sub(r"\\(.)", r"\1", match.group(2)))
            found.append((len(match.group(1)), shown))
    return found


def markdown_section(text: str, heading: str) -> str:
    start = text.index(f"\n### {heading}\n")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else len(text)]


# -- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "docx"])
def test_every_format_renders_the_full_report(fmt: str, full_report: Report, full_figures: ReportFigures) -> None:
    output = render(full_report, fmt, full_figures)  # type: ignore[arg-type]
    assert len(output) > 1000


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "docx"])
def test_an_empty_unassessed_report_renders(fmt: str, empty_report: Report) -> None:
    for figures in (ReportFigures(), ReportFigures(radar=radar_chart(empty_report.dimensions))):
        assert render(empty_report, fmt, figures)  # type: ignore[arg-type]


def test_unknown_format_is_refused(full_report: Report) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(full_report, "rtf", ReportFigures())  # type: ignore[arg-type]


# -- Markdown -----------------------------------------------------------------------------------


def test_markdown_shows_every_section_in_order(full_report: Report, full_figures: ReportFigures) -> None:
    text = render_markdown(full_report, full_figures)
    headings = markdown_headings(text)
    assert headings[0] == (1, full_report.title)
    assert tuple(title for _, title in headings[1:]) == FULL_HEADINGS
    assert "(Radar chart and Wardley maps: see the HTML, PDF or DOCX export.)" in text
    assert "Highlighted components: Model serving, Data validation" in text
    assert "2 drafted sentences without a verifiable source were removed" in text
    assert "fell back" in text
    assert "incomplete" in text.split("## Overall level", 1)[1].split("## Dimensions", 1)[0]


def test_markdown_lists_every_cited_source(full_report: Report, full_figures: ReportFigures) -> None:
    text = render_markdown(full_report, full_figures)
    quotes = markdown_section(text, "Stakeholder quotes")
    passages = markdown_section(text, "Knowledge-base passages")
    body = text.split("\n## Sources\n", 1)[0]
    for cite in all_cites(full_report):
        assert f"[{cite}]" in body
        section = quotes if cite.startswith("Q") else passages
        assert f"- **{cite}** " in section, cite
    assert len(re.findall(r"\[[QK]\d+\]", body)) == len(all_cites(full_report))  # every marker, no more


def test_markdown_neutralises_stakeholder_text(full_report: Report, full_figures: ReportFigures) -> None:
    text = render_markdown(full_report, full_figures)
    assert "<script" not in text
    assert SCRIPT_QUOTE not in text
    assert "&lt;script&gt;" in text
    assert "[the wiki](" not in text  # the quoted Markdown link cannot become a link
    assert "![img](" not in text
    assert "\x0b" not in text and "\x00" not in text
    assert LONG_TOKEN in text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("# Heading", "\\# Heading"),
        ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
        ("[x](http://e.example)", "\\[x\\](http://e.example)"),
        ("*a* _b_ `c` ~d~ |e|", "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\|e\\|"),
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("two\nlines\n===", "two lines ==="),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_escape_markdown(raw: str, escaped: str) -> None:
    assert escape_markdown(raw) == escaped


# -- HTML ---------------------------------------------------------------------------------------


def test_html_shows_every_section_in_order(full_report: Report, full_figures: ReportFigures) -> None:
    outline = html_outline(render_html(full_report, full_figures))
    assert outline.headings[0] == ("h1", full_report.title)
    assert tuple(title for _, title in outline.headings[1:]) == FULL_HEADINGS


def test_html_citations_link_to_source_entries(full_report: Report, full_figures: ReportFigures) -> None:
    page = render_html(full_report, full_figures)
    outline = html_outline(page)
    links = [value for tag, name, value in outline.urls if tag == "a" and name == "href"]
    assert len(links) == len(all_cites(full_report))  # every marker of every statement, no more
    for cite in all_cites(full_report):
        assert f"#{cite}" in links
        assert cite in outline.ids
    for source_id in source_ids(full_report):
        assert source_id in outline.ids


def test_html_escapes_stakeholder_text_and_loads_nothing(full_report: Report, full_figures: ReportFigures) -> None:
    page = render_html(full_report, full_figures)
    outline = html_outline(page)
    assert "&lt;script&gt;alert(" in page
    assert "<script" not in page.lower()
    assert "script" not in outline.tags
    assert "Acme Café &lt;Labs&gt; &amp; Co" in page
    assert "\x0b" not in page and "\x00" not in page
    images = [value for tag, name, value in outline.urls if tag == "img"]
    assert len(images) == 2  # the radar and the one Wardley map that has a picture
    assert all(src.startswith("data:image/png;base64,") for src in images)
    for _, _, value in outline.urls:
        assert not re.match(r"\s*(https?:)?//", value, re.IGNORECASE), value
    assert "@import" not in page and "url(" not in page


def test_html_without_figures_has_no_images(full_report: Report) -> None:
    page = render_html(full_report, ReportFigures())
    assert "<img" not in page
    assert "The map image is not available" in page


# -- PDF ----------------------------------------------------------------------------------------


def test_pdf_outline_text_and_links(full_report: Report, full_figures: ReportFigures) -> None:
    document = render_pdf(full_report, full_figures)
    assert document.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(document))
    assert tuple(_flatten_outline(reader.outline)) == PDF_OUTLINE
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Page 1 of" in text
    for source_id in source_ids(full_report):
        assert source_id in text
    links = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    assert len(links) >= len(all_cites(full_report))


def _flatten_outline(outline: Sequence[object]) -> list[str]:
    titles: list[str] = []
    for entry in outline:
        if isinstance(entry, list):
            titles += _flatten_outline(entry)
        else:
            titles.append(str(entry.title))  # type: ignore[attr-defined]
    return titles


def test_pdf_pages_are_not_blank(full_report: Report, full_figures: ReportFigures, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf_file = tmp_path / "report.pdf"
    pdf_file.write_bytes(render_pdf(full_report, full_figures))
    subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf_file), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    for page in pages:
        pixels = imread(page)
        assert pixels.std() > 0.02, f"{page.name} looks blank"


def test_pdf_replaces_glyphs_the_font_lacks(
    full_report: Report, full_figures: ReportFigures, caplog: pytest.LogCaptureFixture
) -> None:
    """Emoji are not in DejaVu: fpdf2 would drop them silently and log a warning; they become "?" instead."""
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        document = render_pdf(full_report, full_figures)
    assert not [record for record in caplog.records if "missing" in record.getMessage()]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    assert "practices ?." in text


def test_pdf_survives_huge_table_cells_and_tokens(full_report: Report, full_figures: ReportFigures) -> None:
    roadmap = [item.model_copy(update={"title": "y" * 5000}) for item in full_report.roadmap]
    levels = [row.model_copy(update={"summary": LONG_TOKEN * 10}) for row in full_report.maturity_model]
    hostile = full_report.model_copy(
        update={"roadmap": roadmap, "maturity_model": levels, "title": LONG_TOKEN, "organisation": "🚀" * 50}
    )
    assert render_pdf(hostile, full_figures).startswith(b"%PDF")


# -- DOCX ---------------------------------------------------------------------------------------


def test_docx_headings_and_pictures(full_report: Report, full_figures: ReportFigures) -> None:
    document = Document(io.BytesIO(render_docx(full_report, full_figures)))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    titles = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Title"]
    assert titles == [full_report.title]
    assert tuple(headings) == FULL_HEADINGS
    assert len(document.inline_shapes) == 2  # the radar and the one Wardley map that has a picture
    assert len(document.tables) == 2  # the maturity model and the roadmap
    roadmap_priorities = [row.cells[0].text for row in document.tables[1].rows[1:]]
    assert roadmap_priorities == ["1", "2"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert SCRIPT_QUOTE in text  # Word shows the words as they were said; they are text, not markup
    for cite in all_cites(full_report):
        assert f"[{cite}]" in text
        assert any(p.text.startswith(f"{cite}  ") for p in document.paragraphs), cite


def test_docx_without_radar_has_no_picture(empty_report: Report) -> None:
    document = Document(io.BytesIO(render_docx(empty_report, ReportFigures())))
    assert len(document.inline_shapes) == 0
    assert "Sources" in [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]


# -- radar chart --------------------------------------------------------------------------------


def test_radar_chart_is_a_deterministic_png(full_report: Report) -> None:
    png = radar_chart(full_report.dimensions)
    assert png.startswith(PNG_SIGNATURE)
    assert radar_chart(full_report.dimensions) == png


def test_radar_chart_with_two_dimensions_falls_back_to_bars(full_report: Report) -> None:
    two = full_report.dimensions[1:]  # one of them is not assessed
    assert two[1].level is None
    png = radar_chart(two)
    assert png.startswith(PNG_SIGNATURE)
    assert png != radar_chart(full_report.dimensions)


def test_radar_chart_with_nothing_assessed(empty_report: Report) -> None:
    unassessed = empty_report.dimensions[0]
    many = [unassessed.model_copy(update={"id": f"d{i}", "name": f"Dimension {i}"}) for i in range(6)]
    assert radar_chart(many).startswith(PNG_SIGNATURE)
    assert radar_chart([], max_level=3).startswith(PNG_SIGNATURE)
