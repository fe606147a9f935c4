"""Render a ``Report`` to Markdown, HTML, PDF or DOCX.

Each format lives in its own module (``render_markdown``, ``render_html``, ``render_pdf``,
``render_docx``) and shares its wording with the others through ``render_wording``, so the four
exports tell the same story in the same order. Figures are drawn before rendering and handed in as
PNG bytes: renderers never draw, so a report can be rendered many times from one set of figures.
The format modules import ``ReportFigures`` for type checking only, so they do not import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from assistant.report.model import Report
from assistant.report.render_docx import docx_report
from assistant.report.render_html import html_report
from assistant.report.render_markdown import markdown_report
from assistant.report.render_pdf import pdf_report

ReportFormat = Literal["md", "html", "pdf", "docx"]
REPORT_FORMATS: tuple[str, ...] = get_args(ReportFormat)


@dataclass(frozen=True)
class ReportFigures:
    """The report's pictures as PNG bytes: the radar chart and Wardley maps keyed by map id.

    A missing radar or map is left out of the export (with a note for maps), never an error.
    """

    radar: bytes | None = None
    wardley: dict[str, bytes] = field(default_factory=dict)


def render_markdown(report: Report, figures: ReportFigures) -> str:
    """Markdown with every report string escaped; figures are only pointed to (a .md file cannot hold them)."""
    return markdown_report(report, figures)


def render_html(report: Report, figures: ReportFigures) -> str:
    """One self-contained, print-friendly HTML page: inline CSS, figures as data URIs, no scripts."""
    return html_report(report, figures)


def render_pdf(report: Report, figures: ReportFigures) -> bytes:
    """A PDF with a Unicode font, an outline, page numbers and citation links to the sources."""
    return pdf_report(report, figures)


def render_docx(report: Report, figures: ReportFigures) -> bytes:
    """A Word document with real heading styles, so it can be navigated and edited further."""
    return docx_report(report, figures)


def render(report: Report, fmt: ReportFormat, figures: ReportFigures) -> bytes:
    """The report in ``fmt`` as bytes ready to write to a file (text formats as UTF-8)."""
    if fmt == "md":
        return render_markdown(report, figures).encode("utf-8")
    if fmt == "html":
        return render_html(report, figures).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report, figures)
    if fmt == "docx":
        return render_docx(report, figures)
    raise ValueError(f"unknown report format {fmt!r}: expected one of {', '.join(REPORT_FORMATS)}")
