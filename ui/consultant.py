"""The consultant view (behind a login): engagements, assessments, reports, knowledge base, evaluator.

A thin layer over the library: every handler calls ``assistant`` and turns the result into
component values. Library errors (``MaturityError``) show as a one-line notice in the tab;
anything unexpected is logged and shown as a generic notice, never as a traceback.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.assessment import Assessment
from assistant.errors import InputError, MaturityError
from assistant.persistence import SessionRecord
from ui import render
from ui.services import Services
from ui.stakeholder import page_url

log = logging.getLogger(__name__)

WHOLE_ENGAGEMENT = "*"
REPORT_FORMATS = ("md", "html", "pdf", "docx")
_HEAVY = "consultant-heavy"  # ingest, evaluation and reports share one worker

ENGAGEMENT_COLUMNS = ["engagement", "organisation", "sessions", "created"]
SESSION_COLUMNS = ["session", "stakeholder", "role", "status", "turns", "updated"]
LEVEL_COLUMNS = ["dimension", "level", "level name", "confidence", "settled", "rationale"]
EVIDENCE_COLUMNS = ["dimension", "turn", "stakeholder", "quote"]
GAP_COLUMNS = ["dimension", "next level", "practice", "status"]
RESULT_COLUMNS = ["case", "kind", "passed", "expected", "predicted"]


def guarded(notice: gr.components.Component) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turn library errors into a notice in ``notice``; log anything unexpected."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except MaturityError as exc:
                return {notice: render.status(str(exc))}
            except Exception:
                log.exception("consultant action %s failed", fn.__name__)
                return {notice: render.status(f"unexpected error in {fn.__name__}; details are in the server log")}

        return wrapper

    return decorate


def frame(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def session_label(session: SessionRecord) -> str:
    who = session.stakeholder or session.role or "stakeholder"
    if session.stakeholder and session.role:
        who = f"{session.stakeholder} ({session.role})"
    return f"{who} · {session.status} · {session.id[:6]}…"


def build_consultant(services: Services) -> gr.Blocks:
    database = services.database

    # Gradio's copies of reports and uploads are deleted after an hour (and at every restart).
    demo = gr.Blocks(title="MLOps maturity: consultant", analytics_enabled=False, delete_cache=(3600, 3600))
    with demo:
        gr.Markdown("# MLOps maturity: consultant workspace")
        report_state = gr.State(None)  # this consultant's last built report and its figures

        with gr.Tab("Engagements"):
            engagements_notice = gr.Markdown()
            with gr.Row():
                refresh = gr.Button("Refresh", size="sm", elem_id="refresh")
            engagements_table = gr.Dataframe(
                headers=ENGAGEMENT_COLUMNS, datatype="str", interactive=False, label="Engagements"
            )
            engagement_pick = gr.Dropdown(label="Engagement", choices=[], elem_id="engagement-pick")
            invite = gr.Markdown()
            sessions_table = gr.Dataframe(headers=SESSION_COLUMNS, datatype="str", interactive=False, label="Sessions")
            session_pick = gr.Dropdown(label="Assess", choices=[], elem_id="session-pick")
            transcript = gr.Chatbot(
                label="Transcript",
                height=360,
                render_markdown=False,
                sanitize_html=True,
                allow_tags=False,
                latex_delimiters=[],
                feedback_options=None,
                elem_id="transcript",
            )

        with gr.Tab("Assessment"):
            assessment_notice = gr.Markdown()
            overall = gr.Markdown(elem_id="overall")
            with gr.Row():
                radar_plot = gr.Plot(label="Levels", elem_id="radar", scale=2)
                levels_table = gr.Dataframe(
                    headers=LEVEL_COLUMNS,
                    datatype="str",
                    interactive=False,
                    label="Levels",
                    wrap=True,
                    column_widths=["22%", "8%", "14%", "11%", "9%", "36%"],
                    scale=3,
                )
            divergences = gr.Markdown(elem_id="divergences")
            evidence_table = gr.Dataframe(
                headers=EVIDENCE_COLUMNS,
                datatype="str",
                interactive=False,
                label="Evidence: the stakeholders' words, with the number of the answer they come from",
                wrap=True,
                column_widths=["20%", "7%", "20%", "53%"],
            )
            gaps_table = gr.Dataframe(
                headers=GAP_COLUMNS,
                datatype="str",
                interactive=False,
                label="Practices for the next level",
                wrap=True,
                column_widths=["20%", "10%", "55%", "15%"],
            )

        with gr.Tab("Report"):
            report_notice = gr.Markdown()
            gr.Markdown("Builds the report for the engagement or session chosen under *Engagements*.")
            build_button = gr.Button("Build report", variant="primary", elem_id="build-report")
            with gr.Row():
                report_format = gr.Radio(list(REPORT_FORMATS), value="pdf", label="Format", elem_id="report-format")
                download_button = gr.Button("Prepare download", elem_id="prepare-download")
            report_file = gr.File(label="Download", interactive=False, elem_id="report-file")
            report_preview = gr.HTML(elem_id="report-preview")

        with gr.Tab("Knowledge base"):
            knowledge_notice = gr.Markdown()
            question = gr.Textbox(label="Question", elem_id="question", max_length=2000)
            ask_button = gr.Button("Ask", variant="primary", elem_id="ask")
            answer = gr.Markdown(elem_id="answer")
            citations = gr.HTML(elem_id="citations")
            gr.Markdown("### Add documents\nMarkdown, text, PDF, DOCX or HTML files; unchanged files are skipped.")
            uploads = gr.File(label="Documents", file_count="multiple", type="filepath", elem_id="uploads")
            ingest_button = gr.Button("Add to the knowledge base", elem_id="ingest")
            ingest_result = gr.Markdown(elem_id="ingest-result")

        with gr.Tab("Evaluator"):
            evaluator_notice = gr.Markdown()
            case_names = _case_names(services.cases_dir)
            chosen_cases = gr.CheckboxGroup(
                choices=case_names, value=case_names, label=f"Cases in {services.cases_dir.name}/", elem_id="cases"
            )
            with gr.Row():
                all_cases = gr.Button("All cases", size="sm")
                no_cases = gr.Button("No cases", size="sm")
            engines = services.engine_names()
            engine_pick = gr.Dropdown(engines, value=engines[0], label="Engine")
            run_button = gr.Button("Run evaluation", variant="primary", elem_id="run-eval")
            eval_summary = gr.Markdown(elem_id="eval-summary")
            with gr.Row():
                accuracy_plot = gr.Plot(label="Accuracy per dimension")
                confusion_plot = gr.Plot(label="Confusion matrix")
            results_table = gr.Dataframe(headers=RESULT_COLUMNS, datatype="str", interactive=False, label="Results")

        # -- engagements ------------------------------------------------------------------
        @guarded(engagements_notice)
        def list_engagements() -> dict[Any, Any]:
            rows, choices = [], []
            for record in database.list_engagements():
                count = len(database.list_sessions(record.id))
                rows.append([record.id, record.organisation, str(count), f"{record.created_at:%Y-%m-%d %H:%M}"])
                choices.append((f"{record.organisation} · {count} session(s) · {record.id[:6]}…", record.id))
            note = "" if rows else render.status("No engagements yet: they appear when a stakeholder starts.", "info")
            return {
                engagements_table: frame(ENGAGEMENT_COLUMNS, rows),
                engagement_pick: gr.update(choices=choices),
                engagements_notice: note,
            }

        @guarded(engagements_notice)
        def select_engagement(engagement_id: str | None, request: gr.Request) -> dict[Any, Any]:
            if not engagement_id:
                return {sessions_table: frame(SESSION_COLUMNS, []), session_pick: gr.update(choices=[], value=None)}
            record = database.get_engagement(engagement_id)
            sessions = database.list_sessions(engagement_id)
            rows = [
                [
                    s.id,
                    s.stakeholder or "",
                    s.role or "",
                    s.status,
                    str(len(database.turns(s.id))),
                    f"{s.updated_at:%Y-%m-%d %H:%M}",
                ]
                for s in sessions
            ]
            choices = [("Whole engagement (combined)", WHOLE_ENGAGEMENT)] + [(session_label(s), s.id) for s in sessions]
            origin = page_url(request).split("/consultant", 1)[0].rstrip("/")
            link = f"{origin}/?engagement={engagement_id}"
            return {
                sessions_table: frame(SESSION_COLUMNS, rows),
                session_pick: gr.update(choices=choices, value=WHOLE_ENGAGEMENT),
                invite: f"**{render.md_text(record.organisation)}**: invite more stakeholders with {link}",
                engagements_notice: "",
            }

        def chosen_assessment(engagement_id: str | None, session_id: str | None) -> Assessment:
            if not engagement_id:
                raise InputError("choose an engagement under Engagements first")
            if session_id and session_id != WHOLE_ENGAGEMENT:
                if database.get_session(session_id).engagement_id != engagement_id:
                    raise InputError("that session belongs to another engagement; choose it again")
                return services.interviews.assessment(session_id)
            if not database.list_sessions(engagement_id):
                raise InputError("this engagement has no sessions yet")
            return services.interviews.engagement_assessment(engagement_id)

        @guarded(engagements_notice)
        def show_transcript(engagement_id: str | None, session_id: str | None) -> dict[Any, Any]:
            if not session_id or session_id == WHOLE_ENGAGEMENT:
                return {transcript: []}
            session = database.get_session(session_id)
            if session.engagement_id != engagement_id:
                return {transcript: []}
            return {transcript: [render.chat_message(t.speaker, t.text) for t in database.turns(session_id)]}

        @guarded(assessment_notice)
        def assess(engagement_id: str | None, session_id: str | None) -> dict[Any, Any]:
            from ui import charts

            framework = services.engine.framework
            result = chosen_assessment(engagement_id, session_id)
            sessions = {s.id: s for s in database.list_sessions(engagement_id or "")}
            names = [d.name for d in result.dimensions.values()]
            series = {result.organisation or "assessment": [d.level for d in result.dimensions.values()]}
            if session_id == WHOLE_ENGAGEMENT and len(sessions) > 1:
                for sid, session in sessions.items():
                    levels = services.interviews.assessment(sid).levels
                    series[session_label(session)] = [levels.get(d) for d in result.dimensions]
            levels_rows = [
                [
                    d.name,
                    "-" if d.level is None else str(d.level),
                    d.level_name,
                    f"{d.confidence:.2f}",
                    "yes" if d.settled else "no",
                    d.rationale,
                ]
                for d in result.dimensions.values()
            ]
            evidence_rows = [
                [
                    d.name,
                    str(e.turn),
                    session_label(sessions[e.session]) if e.session in sessions else "",
                    e.quote,
                ]
                for d in result.dimensions.values()
                for e in d.evidence
            ]
            gap_rows = [
                [d.name, str(g.level), g.statement, str(g.status)] for d in result.dimensions.values() for g in d.gaps
            ]
            flag = "(incomplete: not every dimension was assessed)" if result.overall_incomplete else ""
            who = ", ".join(s.role or s.name or "stakeholder" for s in result.stakeholders) or "-"
            summary = (
                f"## {render.md_text(result.organisation or 'Assessment')}\n"
                f"**Overall: {render.md_text(result.overall_name)}** {render.md_text(flag)}  \n"
                f"{render.md_text(result.overall_rule)}  \n"
                f"Stakeholders: {render.md_text(who)} · engine {render.md_text(result.engine)}"
            )
            if result.instructions_ignored:
                summary += f"  \n{result.instructions_ignored} instruction-like statement(s) ignored as evidence."
            if result.divergences:
                flags = [
                    "- ⚑ **"
                    + render.md_text(framework.dimension(d.dimension).name)
                    + f"** (spread {d.spread}): "
                    + render.md_text(", ".join(f"{who} level {level}" for who, level in d.levels.items()))
                    for d in result.divergences
                ]
                divergence_text = "### Divergences between stakeholders\n" + "\n".join(flags)
            elif session_id == WHOLE_ENGAGEMENT:
                divergence_text = "No divergences between stakeholders."
            else:
                divergence_text = ""
            return {
                overall: summary,
                radar_plot: charts.radar(names, series, max(d.max_level for d in framework.dimensions)),
                levels_table: frame(LEVEL_COLUMNS, levels_rows),
                evidence_table: frame(EVIDENCE_COLUMNS, evidence_rows),
                gaps_table: frame(GAP_COLUMNS, gap_rows),
                divergences: divergence_text,
                assessment_notice: "",
            }

        # -- report -----------------------------------------------------------------------
        @guarded(report_notice)
        def build_report(engagement_id: str | None, session_id: str | None) -> dict[Any, Any]:
            result = chosen_assessment(engagement_id, session_id)
            reporter = services.reporter()
            report = reporter.build(result, database)
            figures = reporter.figures(report)  # drawn once, for the preview and every download
            page = reporter.render(report, "html", figures).decode("utf-8", errors="replace")
            preview = (
                '<iframe title="Report preview" sandbox="" style="width:100%;height:720px;border:1px solid #ccc" '
                f'srcdoc="{render.attribute(page)}"></iframe>'
            )
            return {report_state: (report, figures), report_preview: preview, report_file: None, report_notice: ""}

        @guarded(report_notice)
        def prepare_download(built: Any, fmt: str) -> dict[Any, Any]:
            if built is None:
                raise InputError("build the report first")
            if fmt not in REPORT_FORMATS:
                raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(REPORT_FORMATS)}")
            report, figures = built
            data = services.reporter().render(report, fmt, figures)
            slug = re.sub(r"[^A-Za-z0-9]+", "-", getattr(report, "organisation", "") or "report").strip("-").lower()
            path = services.report_file(f"maturity-report-{slug or 'report'}.{fmt}", data)
            return {report_file: str(path), report_notice: render.status(f"{path.name} is ready", "ok")}

        # -- knowledge base ---------------------------------------------------------------
        @guarded(knowledge_notice)
        def ask(text: str) -> dict[Any, Any]:
            result = services.engine.answer(services.knowledge, text or "")
            blocks = [
                render.details(f"[{number}] {c.title} ({c.source})", c.text)
                for number, c in enumerate(result.citations, start=1)
            ]
            heading = "" if result.answerable else "*Not answerable from the knowledge base.*\n\n"
            fallback = getattr(result, "fallback", None)
            if fallback:
                heading += f"*Extractive answer: the LLM answer was not used ({render.md_text(fallback)}).*\n\n"
            return {
                answer: heading + render.md_text(result.answer),
                citations: "".join(blocks),
                knowledge_notice: "",
            }

        @guarded(knowledge_notice)
        def ingest(
            files: list[str] | None,
            progress: gr.Progress = gr.Progress(),  # noqa: B008 - how gradio passes a progress tracker
        ) -> dict[Any, Any]:
            if not files:
                raise InputError("no files chosen; pick one or more documents to add")
            target = services.uploads_dir
            target.mkdir(parents=True, exist_ok=True)
            sources = [uploaded_file(name) for name in files]  # all checked before anything is copied
            paths = []
            for source in sources:
                destination = target / (source.name.lstrip(".") or "document")
                if destination.is_symlink():  # never write through a link planted in the folder
                    destination.unlink()
                shutil.copyfile(source, destination)
                paths.append(destination)

            def report_progress(done: int, total: int, name: str) -> None:
                progress((done - 1, total), desc=f"indexing {name}", unit="files")

            with services.ingest_lock:
                report = services.knowledge.ingest(paths, progress=report_progress)
            services.forget_reporter()  # reports cite the knowledge base as it is now
            lines = [f"**{render.md_text(report.summary())}**", ""]
            for outcome in report.outcomes:
                detail = f"{outcome.chunks} chunks" if outcome.status != "failed" else outcome.message
                lines.append(
                    f"- {render.md_text(Path(outcome.path).name)}: **{outcome.status}** ({render.md_text(detail)})"
                )
            lines += [f"- warning: {render.md_text(w)}" for w in report.warnings]
            note = (
                render.status(f"{len(report.failed)} file(s) could not be added; see the list", "error")
                if report.failed
                else ""
            )
            return {ingest_result: "\n".join(lines), knowledge_notice: note}

        # -- evaluator --------------------------------------------------------------------
        @guarded(evaluator_notice)
        def evaluate(
            names: list[str] | None,
            engine_name: str,
            progress: gr.Progress = gr.Progress(),  # noqa: B008 - how gradio passes a progress tracker
        ) -> dict[Any, Any]:
            from assistant.evaluation.cases import DIMENSIONS, QuestionCase, load_cases
            from assistant.evaluation.runner import run_cases
            from ui import charts

            available = set(_case_names(services.cases_dir))
            chosen = [n for n in (names or []) if n in available]
            unknown = [n for n in (names or []) if n not in available]
            if unknown:
                raise InputError(f"unknown case file(s): {', '.join(unknown[:5])}; choose from the list")
            if not chosen:
                raise InputError("no cases chosen; tick one or more case files")
            if engine_name not in services.engine_names():
                raise InputError(f"unknown engine {engine_name!r}; choose one of {', '.join(services.engine_names())}")
            cases = load_cases([services.cases_dir / n for n in chosen])
            knowledge = services.knowledge if any(isinstance(c, QuestionCase) for c in cases) else None

            def report_progress(done: int, total: int, case_id: str) -> None:
                progress((done - 1, total), desc=case_id, unit="cases")

            engine = services.engine_for(engine_name)
            report = run_cases(cases, knowledge=knowledge, engine=engine, progress=report_progress)
            summary = report["summary"]
            rows = []
            pairs: list[tuple[int | None, int | None]] = []
            for case in report["cases"]:
                expected = predicted = ""
                if "predicted" in case:
                    expected = _levels_text(case["expected"]["levels"], case["expected"]["overall"])
                    predicted = _levels_text(case["predicted"]["levels"], case["predicted"]["overall"])
                    pairs += [(case["predicted"]["levels"][d], case["expected"]["levels"][d]) for d in DIMENSIONS]
                rows.append([case["id"], case["kind"], "yes" if case["passed"] else "no", expected, predicted])
            levels = summary.get("levels") or {}
            text = [f"**{summary['passed']} of {summary['cases']} cases passed** in {summary['wall_time_s']:.1f} s"]
            if levels:
                text.append(
                    f"overall level accuracy {_fmt(levels.get('overall_accuracy'))} · exact {_fmt(levels.get('exact'))}"
                    f" · within one {_fmt(levels.get('within_one'))} · MAE {_fmt(levels.get('mae'))}"
                    f" · null accuracy {_fmt(levels.get('null_accuracy'))}"
                )
            return {
                eval_summary: "  \n".join(text),
                results_table: frame(RESULT_COLUMNS, rows),
                accuracy_plot: charts.accuracy_bars(levels["dimensions"]) if levels else None,
                confusion_plot: charts.confusion(pairs) if pairs else None,
                evaluator_notice: "",
            }

        # -- wiring -----------------------------------------------------------------------
        engagement_outputs = [engagements_table, engagement_pick, engagements_notice]
        demo.load(list_engagements, None, engagement_outputs, api_visibility="private")
        refresh.click(list_engagements, None, engagement_outputs, api_name="engagements")
        engagement_pick.change(
            select_engagement,
            [engagement_pick],
            [sessions_table, session_pick, invite, engagements_notice],
            api_name="sessions",
        )
        assess_outputs = [
            overall,
            radar_plot,
            levels_table,
            evidence_table,
            gaps_table,
            divergences,
            assessment_notice,
        ]
        session_pick.change(
            show_transcript, [engagement_pick, session_pick], [transcript, engagements_notice], api_visibility="private"
        ).then(assess, [engagement_pick, session_pick], assess_outputs, api_name="assessment")
        build_button.click(
            build_report,
            [engagement_pick, session_pick],
            [report_state, report_preview, report_file, report_notice],
            api_name="report",
            concurrency_id=_HEAVY,
            concurrency_limit=1,
        )
        download_button.click(
            prepare_download,
            [report_state, report_format],
            [report_file, report_notice],
            api_name="report_file",
            concurrency_id=_HEAVY,
            concurrency_limit=1,
        )
        for trigger in (ask_button.click, question.submit):
            trigger(ask, [question], [answer, citations, knowledge_notice], api_name="ask")
        ingest_button.click(
            ingest,
            [uploads],
            [ingest_result, knowledge_notice],
            api_name="ingest",
            concurrency_id=_HEAVY,
            concurrency_limit=1,
        )
        all_cases.click(lambda: case_names, None, chosen_cases, api_visibility="private", queue=False)
        no_cases.click(lambda: [], None, chosen_cases, api_visibility="private", queue=False)
        run_button.click(
            evaluate,
            [chosen_cases, engine_pick],
            [eval_summary, results_table, accuracy_plot, confusion_plot, evaluator_notice],
            api_name="evaluate",
            concurrency_id=_HEAVY,
            concurrency_limit=1,
        )
    return demo


def uploaded_file(name: str) -> Path:
    """The file gradio stored for an upload; ``InputError`` for any other path.

    The ingest endpoint receives server paths. Gradio does not check that a path sent to the API
    (``{"path": "/etc/passwd", ...}``) came from an upload, so without this check a client could
    have any readable file on the server copied into the knowledge base and quoted back by /ask.
    """
    from gradio.utils import get_upload_folder

    source = Path(name)
    resolved = source.resolve()
    if not resolved.is_relative_to(Path(get_upload_folder()).resolve()) or not resolved.is_file():
        raise InputError(f"{source.name}: not a file uploaded to this app; add documents with the Documents box")
    return resolved


def build_disabled() -> gr.Blocks:
    """What ``/consultant`` shows when no consultant password is set: a message, and no data."""
    demo = gr.Blocks(title="MLOps maturity: consultant", analytics_enabled=False)
    with demo:
        gr.Markdown(
            "# Consultant view disabled\n"
            "Set `MATURITY_CONSULTANT_PASSWORD` (and optionally `MATURITY_CONSULTANT_USER`, default "
            "`consultant`) in the server's environment and restart `maturity ui` to enable it.",
            elem_id="disabled",
        )
    return demo


def _case_names(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())


def _levels_text(levels: dict[str, int | None], overall: int | None) -> str:
    parts = [f"{d[:4]} {'-' if v is None else v}" for d, v in levels.items()]
    return ", ".join(parts) + f"; overall {'-' if overall is None else overall}"


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
