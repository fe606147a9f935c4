"""Reports end to end: where the assessment comes from, drafting, the grounding check, rendering.

``Reporter`` is what the CLI and the app use; everything below it is pure and tested on its own.
A report is only ever rendered after ``check_report`` found nothing wrong with it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from assistant.assessment import Assessment
from assistant.errors import InputError, MaturityError, NotFoundError
from assistant.framework import Framework
from assistant.knowledge import KnowledgeService
from assistant.persistence import Database
from assistant.report.build import ReportBuilder
from assistant.report.charts import radar_chart
from assistant.report.check import Answers, Problem, check_report
from assistant.report.draft import Drafter, draft_executive_summary
from assistant.report.model import Report
from assistant.report.render import REPORT_FORMATS, ReportFigures, ReportFormat, render
from assistant.report.sources import KnowledgeIndex
from assistant.report.topics import load_topics
from assistant.report.wardley import draw_map, load_maps
from assistant.sessions import InterviewService
from assistant.settings import Settings

MAX_ASSESSMENT_BYTES = 20 * 1024 * 1024


class GroundingError(MaturityError):
    """A drafted report failed the grounding check; it is never rendered."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"the drafted report failed its grounding check: {shown}{more}")


@dataclass(frozen=True)
class ReportSource:
    """An assessment plus, when known, the answers its quotes must come from."""

    assessment: Assessment
    answers: Answers | None
    origin: str


def load_assessment_file(path: Path) -> Assessment:
    """An assessment JSON file as written by ``maturity assess --json``, validated."""
    try:
        if path.stat().st_size > MAX_ASSESSMENT_BYTES:
            raise InputError(f"{path}: over {MAX_ASSESSMENT_BYTES // (1024 * 1024)} MB; not an assessment file")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text; expected the JSON of `maturity assess --json`") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON (line {exc.lineno}); expected the output of `maturity assess --json`"
        ) from exc
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise InputError(
            f"{path}: not a maturity assessment ({where}: {first['msg']}); "
            "expected the output of `maturity assess --json`"
        ) from exc


def session_answers(database: Database, session_ids: list[str]) -> dict[str | None, list[str]]:
    """Each session's stakeholder answers in order: quote ``turn`` n is answer n."""
    return {
        session_id: [t.text for t in database.turns(session_id) if t.speaker == "stakeholder"]
        for session_id in session_ids
    }


class Reporter:
    """Drafts, checks and renders reports against one knowledge base and framework."""

    def __init__(
        self, settings: Settings, knowledge: KnowledgeService, framework: Framework, drafter: Drafter | None = None
    ) -> None:
        """``drafter`` (the LLM engine's client) drafts the executive summary; without one the
        report is the templates' alone."""
        self.settings = settings
        self.drafter = drafter
        self.knowledge_index = KnowledgeIndex(knowledge.kb.all_chunks())
        self.maps = load_maps(settings.knowledge_dir / "maps")
        self.builder = ReportBuilder(
            framework,
            self.knowledge_index,
            topics=load_topics(settings.knowledge_dir / "report-topics.yaml"),
            maps=self.maps,
        )

    def build(
        self,
        assessment: Assessment,
        database: Database | None = None,
        answers: Answers | None = None,
        today: dt.date | None = None,
    ) -> Report:
        """Draft the report and prove it is grounded; ``database`` supplies the answers of the
        assessment's sessions so every quote is checked against what the stakeholder typed."""
        if answers is None and database is not None:
            sessions = sorted({s.session for s in assessment.stakeholders if s.session})
            answers = session_answers(database, sessions) if sessions else None
        report = self.builder.build(assessment, today=today)
        if self.drafter is not None:
            report = draft_executive_summary(report, self.drafter)
        problems = check_report(report, self.knowledge_index, answers)
        if problems:
            raise GroundingError(problems)
        return report

    def figures(self, report: Report) -> ReportFigures:
        return ReportFigures(
            radar=self.radar_png(report),
            wardley={
                f.map: draw_map(self.maps[f.map], f.highlights) for f in report.wardley_figures if f.map in self.maps
            },
        )

    def radar_png(self, report: Report) -> bytes:
        return radar_chart(report.dimensions, max_level=max(report.maturity_model, key=lambda r: r.level).level)

    def render(self, report: Report, fmt: str, figures: ReportFigures | None = None) -> bytes:
        if fmt not in REPORT_FORMATS:
            raise InputError(f"unknown report format {fmt!r}; choose one of {', '.join(REPORT_FORMATS)}")
        fmt_: ReportFormat = fmt  # type: ignore[assignment]
        if figures is None:
            figures = self.figures(report) if fmt != "md" else ReportFigures()
        return render(report, fmt_, figures)


def load_source(source: str, database: Database, interviews: Callable[[], InterviewService]) -> ReportSource:
    """SOURCE of ``maturity report``: an assessment JSON file, a session id or an engagement id.

    ``interviews`` is called only for a session or an engagement: an assessment file needs no
    engine, so a bad file is reported before the (slow) model is loaded.
    """
    path = Path(source).expanduser()
    if source.lower().endswith(".json") or path.is_file():
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        return ReportSource(load_assessment_file(path), None, str(path))
    try:
        session = database.get_session(source)
    except NotFoundError:
        session = None
    if session is not None:
        return ReportSource(interviews().assessment(session.id), session_answers(database, [session.id]), source)
    try:
        database.get_engagement(source)
    except NotFoundError:
        raise InputError(
            f"{source!r} is not an assessment file, a session id or an engagement id; "
            "list engagements with `maturity engagement`"
        ) from None
    sessions = [s.id for s in database.list_sessions(source)]
    return ReportSource(interviews().engagement_assessment(source), session_answers(database, sessions), source)
