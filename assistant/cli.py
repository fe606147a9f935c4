"""The ``maturity`` command line: a thin layer over the library.

Every command turns a ``MaturityError`` into one line on stderr and a non-zero exit; nothing
prints a traceback unless MATURITY_DEBUG=1.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.errors import MaturityError, StorageError
from assistant.settings import get_settings

app = typer.Typer(
    name="maturity",
    help="MLOps maturity assessment assistant: knowledge base, interviews, assessments, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

KbOption = Annotated[Path | None, typer.Option("--kb", help="Knowledge-base directory (default: the built-in one).")]
FrameworkOption = Annotated[
    Path | None, typer.Option("--framework", help="Maturity framework YAML (default: knowledge/framework.yaml).")
]
EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="Engine: 'embedded' (default, no LLM) or 'openai:MODEL'; overrides MATURITY_LLM."),
]


def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MaturityError as exc:
            err.print(f"error: {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None
        except typer.Exit:
            raise
        except Exception as exc:
            if get_settings().debug:
                raise
            err.print(
                f"error: unexpected {type(exc).__name__}: {escape(str(exc))[:300]} "
                "(rerun with MATURITY_DEBUG=1 for the traceback, and please report it)",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr (only on a terminal, or for long runs), as a callback."""
    if not enabled or not err.is_terminal:
        yield lambda done, total, name: None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done - 1, total=total, description=escape(name[:40]))

        yield update


@app.command()
@handle_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (md, txt, pdf, docx, html).")],
    kb: KbOption = None,
    prune: Annotated[bool, typer.Option("--prune", help="Remove documents whose files are gone.")] = False,
) -> None:
    """Index documents into a knowledge base (idempotent: unchanged files are skipped)."""
    from assistant.knowledge import open_service

    settings = get_settings()
    service = open_service(settings, kb, create=True)
    with progress_bar("ingesting") as update:
        report = service.ingest(paths, prune=prune, progress=update)
    for outcome in report.outcomes:
        if outcome.status == "failed":
            err.print(f"skipped {escape(outcome.message)}", highlight=False, soft_wrap=True)
    for warning in report.warnings:
        err.print(f"warning: {escape(warning)}", highlight=False, soft_wrap=True)
    out.print(f"{report.summary()} -> {service.kb.directory}", highlight=False, soft_wrap=True)
    if report.failed:
        raise typer.Exit(1)


@app.command()
@handle_errors
def ask(
    question: Annotated[str | None, typer.Argument(help="The question; omit for an interactive prompt.")] = None,
    kb: KbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (CASE-FORMAT).")] = False,
    engine: EngineOption = None,
) -> None:
    """Answer a question from the knowledge base, with citations."""
    from assistant.engines import EMBEDDED_NAMES
    from assistant.knowledge import open_service

    settings = get_settings()
    service = open_service(settings, kb)
    answer: Callable[[str], Any] = service.ask
    name = (engine or settings.llm or "embedded").strip()
    if name not in EMBEDDED_NAMES:
        # Only an LLM engine changes how questions are answered; the embedded one is the
        # extractive answerer itself, so it skips loading the framework and its cues.
        from assistant.engines import open_engine

        answer = functools.partial(open_engine(settings, None, name).answer, service)
    if question is not None:
        _print_answer(answer(question), as_json)
        return
    _interactive(answer, as_json)


def _interactive(answer: Callable[[str], Any], as_json: bool) -> None:
    if not as_json:
        out.print("Ask about MLOps maturity, the Wardley analyses or the recommendations. Empty line or Ctrl-D quits.")
    while True:
        try:
            line = input("? " if sys.stdin.isatty() else "")
        except EOFError:
            break
        if not line.strip() or line.strip().lower() in {"quit", "exit", ":q"}:
            break
        try:
            _print_answer(answer(line), as_json)
        except MaturityError as exc:  # one bad question must not end the session
            err.print(f"error: {escape(str(exc))}", highlight=False)


def _print_answer(answer: Any, as_json: bool) -> None:
    if getattr(answer, "fallback", None):  # stderr: the JSON on stdout keeps CASE-FORMAT's shape
        err.print(f"note: the extractive answer is shown; {escape(str(answer.fallback))}", highlight=False)
    if as_json:
        out.print_json(json.dumps(answer.as_dict(), ensure_ascii=False)) if sys.stdout.isatty() else print(
            json.dumps(answer.as_dict(), ensure_ascii=False)
        )
        return
    out.print(escape(answer.answer), highlight=False)
    for number, citation in enumerate(answer.citations, start=1):
        out.print(f"  [{number}] {escape(citation.title)} ({escape(citation.source)})", highlight=False, style="dim")


@app.command(name="eval")
@handle_errors
def evaluate(
    paths: Annotated[list[Path], typer.Argument(help="Case files or folders of them.")],
    kb: KbOption = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    framework: FrameworkOption = None,
    engine: Annotated[
        list[str] | None,
        typer.Option(
            "--engine",
            help="Engine: 'embedded' (default) or 'openai:MODEL'; repeat it to compare engines side by side.",
        ),
    ] = None,
) -> None:
    """Run evaluation cases and print a summary; exits 0 whenever it ran, whatever the scores."""
    from assistant.engines import Engine, open_engine
    from assistant.evaluation.cases import QuestionCase, load_cases
    from assistant.evaluation.runner import REPORT_FORMAT, run_cases
    from assistant.knowledge import open_service

    cases = load_cases(paths)  # validate every file before spending time on any
    if json_file is not None:
        _check_writable(json_file)
    settings = get_settings()
    names: list[str | None] = list(dict.fromkeys(e.strip() for e in engine)) if engine else [None]
    needs_engine = bool(engine) or any(not isinstance(c, QuestionCase) for c in cases)
    # Open every engine first: a missing key or a bad name fails before any case runs.
    engines: dict[str, Engine | None] = {}
    for name in names:
        opened = open_engine(settings, framework, name) if needs_engine else None
        engines.setdefault(opened.name if opened else (name or settings.llm), opened)
    service = open_service(settings, kb) if any(isinstance(c, QuestionCase) for c in cases) else None
    reports: dict[str, dict[str, Any]] = {}
    for label, engine_ in engines.items():
        title = f"evaluating {label}" if len(engines) > 1 else "evaluating"
        with progress_bar(title) as update:
            reports[label] = run_cases(cases, knowledge=service, engine=engine_, progress=update)
    _print_summary(reports)
    if json_file is not None:
        baseline = next(iter(reports))
        # One engine: the maturity-eval/1 report exactly. Several: still a maturity-eval/1 object (the
        # first engine's cases and summary at the top), plus every engine's full report under "engines".
        payload = (
            reports[baseline]
            if len(reports) == 1
            else {
                "format": REPORT_FORMAT,
                "baseline": baseline,
                **{k: reports[baseline][k] for k in ("cases", "summary")},
                "engines": reports,
            }
        )
        _write_atomic(json_file, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        out.print(f"report written to {json_file}", highlight=False)


def _fmt(value: Any) -> str:
    return "-" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def _summary_rows(report: dict[str, Any], llm: bool) -> list[tuple[str, str]]:
    summary = report["summary"]
    rows = [("cases", str(summary["cases"])), ("passed", str(summary["passed"]))]
    if summary.get("skipped"):
        rows.append(("skipped", str(summary["skipped"])))
    levels = summary.get("levels")
    if levels:
        for dimension, figures in levels["dimensions"].items():
            rows.append(
                (
                    f"{dimension} exact / within one / MAE / QWK (n={figures['cases']})",
                    " / ".join(_fmt(figures[k]) for k in ("exact", "within_one", "mae", "qwk")),
                )
            )
        rows.append(("levels null accuracy", _fmt(levels["null_accuracy"])))
        rows.append(("overall level accuracy", _fmt(levels["overall_accuracy"])))
    if summary.get("personas"):
        rows.append(("personas mean questions asked", _fmt(summary["personas"]["mean_questions_asked"])))
        rows.append(("personas statements elicited", _fmt(summary["personas"]["statements_elicited_share"])))
    for key, value in (summary.get("questions") or {}).items():
        rows.append((f"questions.{key}", _fmt(value)))
    if llm:
        fell_back = sum(1 for c in report["cases"] if c.get("fallback_reason"))
        rows.append(("cases with an embedded fallback", str(fell_back)))
    rows.append(("wall time (s)", _fmt(summary["wall_time_s"])))
    return rows


def _print_summary(reports: dict[str, dict[str, Any]]) -> None:
    """Failed cases, then one table with a column of figures per engine."""
    several = len(reports) > 1
    for label, report in reports.items():
        failed = [c for c in report["cases"] if not c["passed"] and not c.get("skipped")]
        for case in failed[:30]:
            detail = ""
            if case["kind"] == "question":
                detail = f"answerable={case['answerable']} missing={case['facts_missing']} sources={case['sources']}"
            elif "predicted" in case:
                detail = f"expected={case['expected']['levels']} predicted={case['predicted']['levels']}"
            where = f"[{label}] " if several else ""
            out.print(f"FAIL {escape(where)}{escape(case['id'])} {escape(detail)}", highlight=False, soft_wrap=True)
    llm = any(label.startswith("openai:") for label in reports)
    columns = {label: dict(_summary_rows(report, llm)) for label, report in reports.items()}
    metrics = list(dict.fromkeys(m for rows in columns.values() for m in rows))
    table = Table(title="evaluation summary")
    table.add_column("metric")
    for label in reports:
        table.add_column(escape(label) if several else "value", justify="right")
    for metric in metrics:
        table.add_row(metric, *(columns[label].get(metric, "-") for label in reports))
    out.print(table)


@app.command()
@handle_errors
def schema() -> None:
    """Print the JSON Schema of the assessment that `assess --json` produces."""
    from assistant.assessment import Assessment

    print(json.dumps(Assessment.model_json_schema(), indent=2))


@app.command()
@handle_errors
def assess(
    file: Annotated[
        Path, typer.Argument(help="Transcript case (maturity-case/1) or a YAML list of question/answer turns.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON.")] = False,
    framework: FrameworkOption = None,
    engine: EngineOption = None,
) -> None:
    """Assess a transcript: a level per dimension, each backed by the stakeholder's words."""
    from assistant.assessment import Stakeholder
    from assistant.engines import open_engine
    from assistant.transcripts import load_transcript

    transcript = load_transcript(file)
    engine_ = open_engine(get_settings(), framework, engine)
    result = engine_.assess(
        transcript.turns,
        organisation=transcript.organisation,
        stakeholder=Stakeholder(name=transcript.stakeholder, role=transcript.role),
    )
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    _print_assessment(result)


def _print_assessment(result: Any) -> None:
    title = f"assessment: {result.organisation}" if result.organisation else "assessment"
    table = Table(title=escape(title))
    table.add_column("dimension")
    table.add_column("level")
    table.add_column("confidence", justify="right")
    table.add_column("evidence")
    for dimension in result.dimensions.values():
        quote = f"turn {dimension.evidence[0].turn}: “{dimension.evidence[0].quote}”" if dimension.evidence else ""
        table.add_row(
            escape(dimension.name), escape(dimension.level_name), f"{dimension.confidence:.2f}", escape(quote)
        )
    out.print(table)
    flag = " (incomplete)" if result.overall_incomplete else ""
    out.print(f"overall: {escape(result.overall_name)}{flag}; {escape(result.overall_rule)}", highlight=False)
    if result.instructions_ignored:
        out.print(f"{result.instructions_ignored} instruction-like statement(s) ignored as evidence", style="dim")


@app.command()
@handle_errors
def interview(
    organisation: Annotated[str | None, typer.Option("--organisation", "-o", help="The organisation assessed.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The stakeholder's name.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="The stakeholder's role.")] = None,
    engagement: Annotated[
        str | None, typer.Option("--engagement", help="Add this session to an engagement id.")
    ] = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Continue a stored session by its id.")] = None,
    framework: FrameworkOption = None,
    engine: EngineOption = None,
) -> None:
    """Run an adaptive interview in the terminal; every answer is saved as you go."""
    from assistant.engines import open_engine
    from assistant.persistence import Database
    from assistant.sessions import InterviewService

    settings = get_settings()
    service = InterviewService(Database(settings.resolved_database_url), open_engine(settings, framework, engine))
    if resume:
        _, reply = service.resume(resume)
        session_id = resume
    else:
        if not organisation and sys.stdin.isatty():
            try:
                organisation = input("Organisation: ")
            except EOFError:
                return
        started = service.start(organisation or "", stakeholder=name, role=role, engagement_id=engagement)
        session_id, reply = started.session.id, started.reply
        err.print(f"session {session_id} (resume with: maturity interview --resume {session_id})", style="dim")
    unsaved = False  # the last answer could not be stored (database locked, disk full...)
    while True:
        out.print(escape(reply.text), highlight=False)
        if reply.done:
            break
        if reply.suggestions:
            out.print("  " + " | ".join(escape(s) for s in reply.suggestions), style="dim", highlight=False)
        try:
            line = input("> " if sys.stdin.isatty() else "")
        except EOFError:
            if unsaved:
                err.print(
                    "paused; your last answer was NOT saved (see the error above). Resume with: "
                    f"maturity interview --resume {session_id} and send it again"
                )
                raise typer.Exit(2) from None
            err.print(f"paused; your answers are saved. Resume with: maturity interview --resume {session_id}")
            return
        try:
            reply = service.send(session_id, line)
            unsaved = False
        except StorageError as exc:
            unsaved = True
            err.print(f"error: {escape(str(exc))}", highlight=False)
        except MaturityError as exc:  # a refused message must not end the interview
            err.print(f"error: {escape(str(exc))}", highlight=False)
    _print_assessment(service.assessment(session_id))


@app.command()
@handle_errors
def engagement(
    engagement_id: Annotated[str | None, typer.Argument(help="Engagement id; omit to list engagements.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the combined assessment as JSON.")] = False,
    framework: FrameworkOption = None,
    engine: EngineOption = None,
) -> None:
    """List engagements, or show one: its sessions and the combined assessment with divergences."""
    from assistant.engines import open_engine
    from assistant.persistence import Database
    from assistant.sessions import InterviewService

    settings = get_settings()
    database = Database(settings.resolved_database_url)
    if engagement_id is None:
        table = Table(title="engagements")
        for column in ("id", "organisation", "sessions", "created"):
            table.add_column(column)
        for record in database.list_engagements():
            sessions = database.list_sessions(record.id)
            table.add_row(record.id, escape(record.organisation), str(len(sessions)), f"{record.created_at:%Y-%m-%d}")
        out.print(table)
        return
    service = InterviewService(database, open_engine(settings, framework, engine))
    combined = service.engagement_assessment(engagement_id)
    if as_json:
        print(combined.model_dump_json(indent=2))
        return
    for session in database.list_sessions(engagement_id):
        who = escape(session.stakeholder or session.role or "stakeholder")
        out.print(f"session {session.id}: {who} ({session.status})", highlight=False)
    _print_assessment(combined)
    for divergence in combined.divergences:
        views = ", ".join(f"{escape(k)} {v}" for k, v in divergence.levels.items())
        out.print(f"divergence in {divergence.dimension}: {views}", style="yellow", highlight=False)


@app.command()
@handle_errors
def forget(
    session_id: Annotated[str, typer.Argument(metavar="SESSION", help="The session id to erase.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Erase without asking (needed when not on a terminal).")] = (
        False
    ),
) -> None:
    """Erase one stakeholder's session: turns, assessment and the engagement assessment built from it."""
    from assistant.persistence import Database

    database = Database(get_settings().resolved_database_url)
    try:
        session = database.get_session(session_id)  # an unknown id fails here, before any question
        if not yes:
            if not _stdin_is_terminal():
                raise MaturityError(
                    f"refusing to erase session {session_id} without confirmation; rerun with --yes to erase it"
                )
            engagement_ = database.get_engagement(session.engagement_id)
            who = session.stakeholder or session.role or "an unnamed stakeholder"
            turns = len(database.turns(session_id))
            question = (
                f"Erase session {session_id} ({who}, {turns} turns, {engagement_.organisation}) "
                "and its assessment? This cannot be undone"
            )
            if not typer.confirm(question, default=False, err=True):
                err.print("nothing erased")
                raise typer.Exit(1)
        # This process caches no agents, so the database is all there is to erase here
        # (a running app erases through ``InterviewService.forget``, which also drops its cache).
        database.forget_session(session_id)
    finally:
        database.close()  # the last connection's close checkpoints and removes the write-ahead log
    out.print(f"erased session {session_id}", highlight=False)


def _stdin_is_terminal() -> bool:
    """Whether someone can answer a confirmation question (a separate function so tests can say yes)."""
    return sys.stdin.isatty()


@app.command()
@handle_errors
def report(
    source: Annotated[
        str, typer.Argument(help="Assessment JSON (from `maturity assess --json`), a session id or an engagement id.")
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="md, html, pdf or docx (default: from --out, else md).")
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (default: Markdown to stdout).")
    ] = None,
    framework: FrameworkOption = None,
    engine: EngineOption = None,
) -> None:
    """Draft the consultant report: findings with quotes, cited recommendations, roadmap, figures."""
    from assistant.engines import Engine, open_engine
    from assistant.knowledge import open_service
    from assistant.persistence import Database
    from assistant.report.render import REPORT_FORMATS
    from assistant.report.service import Reporter, load_source
    from assistant.sessions import InterviewService

    chosen = (fmt or (out_file.suffix.lstrip(".").lower() if out_file else "md")).lower()
    chosen = {"markdown": "md", "htm": "html", "word": "docx"}.get(chosen, chosen)
    if chosen not in REPORT_FORMATS:
        raise MaturityError(f"unknown report format {chosen!r}; choose one of {', '.join(REPORT_FORMATS)}")
    if chosen in ("pdf", "docx") and out_file is None:
        raise MaturityError(f"a {chosen} report is binary; give a file with --out report.{chosen}")
    if out_file is not None:
        _check_writable(out_file)
    settings = get_settings()
    database = Database(settings.resolved_database_url)
    # Loaded once, and only once the source is known to be good.
    opened: Callable[[], Engine] = functools.cache(lambda: open_engine(settings, framework, engine))
    loaded = load_source(source, database, lambda: InterviewService(database, opened()))
    engine_ = opened()
    # The LLM engine's client drafts the executive summary; the embedded engine keeps the templates.
    reporter = Reporter(settings, open_service(settings), engine_.framework, drafter=getattr(engine_, "client", None))
    drafted = reporter.build(loaded.assessment, answers=loaded.answers)
    data = reporter.render(drafted, chosen)
    if out_file is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    _write_atomic(out_file, data)
    err.print(f"wrote {out_file} ({chosen}, {len(data):,} bytes)", highlight=False)


@app.command()
@handle_errors
def ui(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 7860,
) -> None:
    """Serve the web app: stakeholder interviews at / and the consultant view at /consultant."""
    from ui.app import serve

    serve(get_settings(), host=host, port=port)


@app.command(name="log")
@handle_errors
def log_calls(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many of the most recent calls.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the calls as a JSON list.")] = False,
) -> None:
    """Show recent LLM calls: prompt and version, model, latency, tokens, outcome, error."""
    from assistant.persistence import Database

    calls = Database(get_settings().resolved_database_url).llm_calls(limit)
    if as_json:
        print(json.dumps([c.as_dict() for c in calls], indent=2, ensure_ascii=False))
        return
    if not calls:
        out.print("no LLM calls logged yet (the LLM engine logs every call: --engine openai:MODEL)")
        return
    table = Table(title="LLM calls, newest first")
    for column in ("time", "prompt", "model", "ms", "tokens in/out", "outcome", "error"):
        table.add_column(column)
    for call in calls:
        tokens = f"{_fmt(call.prompt_tokens)}/{_fmt(call.completion_tokens)}"
        table.add_row(
            f"{call.created_at:%Y-%m-%d %H:%M:%S}",
            escape(f"{call.prompt}@v{call.prompt_version}"),
            escape(call.model),
            str(call.latency_ms),
            tokens,
            call.outcome,
            escape((call.error or "")[:120]),
        )
    out.print(table)


def _check_writable(path: Path) -> None:
    parent = path.expanduser().resolve().parent
    if not parent.is_dir():
        raise MaturityError(f"cannot write {path}: folder {parent} does not exist")


def _write_atomic(path: Path, content: str | bytes) -> None:
    """Write through a temporary file in the same folder, so a failure leaves no partial file."""
    import os
    import tempfile

    path = path.expanduser()
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise MaturityError(f"cannot write {path} ({exc.strerror or exc})") from exc


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
