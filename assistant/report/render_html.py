"""The report as one self-contained HTML page (``templates/report.html.j2``).

The page must open anywhere, offline and in print: CSS is inline, figures are ``data:`` URIs and
nothing is fetched. Jinja autoescaping is on, so every report string (stakeholder quotes above
all) is escaped by default; a ``finalize`` hook also drops characters XML forbids before escaping.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from assistant.report import render_wording as words
from assistant.report.model import Report

if TYPE_CHECKING:
    from assistant.report.render import ReportFigures

TEMPLATES = Path(__file__).parent / "templates"
HTML_TEMPLATE = "report.html.j2"


def png_data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI, so the page needs no files beside it."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def html_report(report: Report, figures: ReportFigures) -> str:
    """The report rendered through the HTML template; the environment is built per call (no shared state)."""
    template = _environment().get_template(HTML_TEMPLATE)
    wardley_uris = {map_id: png_data_uri(png) for map_id, png in figures.wardley.items()}
    return template.render(
        report=report,
        radar_uri=png_data_uri(figures.radar) if figures.radar else None,
        wardley_uris=wardley_uris,
        roadmap=sorted(report.roadmap, key=lambda item: item.priority),
        words=words,
    )


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )


def _finalize(value: object) -> object:
    """Strip XML-forbidden characters from plain strings; markup built by the template passes through."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return words.clean_text(value)
    return value
