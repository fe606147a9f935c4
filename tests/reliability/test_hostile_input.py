"""Hostile input: markup in every field that is shown, and hostile paths and sizes in uploads and ingest.

Markup: each payload below goes into the organisation, the stakeholder's name and role, and the
answers; then every place that shows them is checked, parsed rather than grepped: the HTML
report, the Markdown report rendered by a CommonMark renderer with raw HTML allowed (the
laxest viewer), the DOCX report's text and links, the consultant view's API outputs and the
stakeholder page's outputs. "Safe" means: no ``<script>`` element, no ``on*`` attribute, no URL
attribute with a ``javascript:`` (or ``vbscript:``/``data:text``) scheme, no image that loads
anything but an embedded PNG; and the payload is still there as literal text (a report that
dropped the quote would be safe for the wrong reason).

Paths and sizes: ``maturity ingest`` given ``../`` paths, symbolic links that point out of the
folder, and a file over ``MAX_DOCUMENT_BYTES``; the consultant's upload given a ``../`` file name
and server paths it never uploaded. Nothing may be read or written outside where it belongs,
and every refusal names the file.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio.utils import get_upload_folder
from gradio_client import Client
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from tests.reliability.test_access import CONSULTANT, Served, login_cookies, make_services, serve

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '<a href="javascript:alert(3)">click</a>',
    "[x](javascript:alert(4))",
    "![y](javascript:alert(5))",
    "<svg onload=alert(6)>",
    '"><iframe src=javascript:alert(7)>',
    "<style>body{display:none}</style>",
)
ORGANISATION = "Evil <script>alert(1)</script> Corp"
NAME = '<img src=x onerror=alert("name")>'
ROLE = "[CTO](javascript:alert(4)) <b>boss</b>"
#: Answers that carry evidence (so their quotes reach the assessment) and a payload each.
ANSWERS = (
    "We have Grafana dashboards with drift alerts that page the on-call <script>alert(1)</script>.",
    "Our code is in GitLab and every merge runs unit tests in CI <img src=x onerror=alert(2)>.",
    "We meet IT every week in a shared channel [x](javascript:alert(4)) ![y](javascript:alert(5)).",
    'Models are deployed by a pipeline with a model registry "><iframe src=javascript:alert(7)> <svg onload=alert(6)>.',
)
_BAD_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data:text)", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "background", "poster", "data"}


class LiveMarkup(HTMLParser):
    """Collects what a browser would act on: elements, their attributes, and the text."""

    def __init__(self, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.problems: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("script", "iframe", "object", "embed", "svg", "base", "form", "link") and tag not in self.allowed:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):  # a refresh can navigate
            self.problems.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in _URL_ATTRIBUTES and value and _BAD_SCHEMES.match(value):
                self.problems.append(f"<{tag} {name}={value[:30]!r}>")
            if tag == "img" and name == "src" and value and not value.startswith("data:image/png;base64,"):
                self.problems.append(f"<img src={value[:30]!r}> loads something")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def inspect_html(markup: str, allowed: tuple[str, ...] = ()) -> LiveMarkup:
    parser = LiveMarkup(allowed)
    parser.feed(markup)
    parser.close()
    return parser


def assert_inert_html(markup: str, where: str, must_show: tuple[str, ...] = (), own_styles: int = 0) -> None:
    """No live markup in ``markup``; each of ``must_show`` is in its text, character for character.

    ``own_styles``: the stylesheets the page itself has (a report's one); any more were injected.
    """
    parsed = inspect_html(markup)
    assert parsed.problems == [], (where, parsed.problems)
    assert parsed.tags.count("style") <= own_styles, (where, "injected <style>")
    text = " ".join(" ".join(parsed.text).split())
    for literal in must_show:
        assert " ".join(literal.split()) in text, (where, literal)


def markdown_as_html(markdown: str) -> str:
    """Markdown as the laxest CommonMark viewer shows it: raw HTML passed through, links live."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_session(tmp_path_factory: pytest.TempPathFactory, engine: Any) -> tuple[Any, Any, str]:
    """An interview with markup in the organisation, name, role and every answer."""
    from assistant.persistence import Database
    from assistant.sessions import InterviewService

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('hostile-db') / 'maturity.db'}")
    interviews = InterviewService(database, engine)
    started = interviews.start(ORGANISATION, stakeholder=NAME, role=ROLE)
    for answer in ANSWERS:
        interviews.send(started.session.id, answer)
    return database, interviews, started.session.id


@pytest.fixture(scope="module")
def hostile_reports(hostile_session: tuple[Any, Any, str], builtin_service: Any, framework: Any) -> dict[str, Any]:
    from assistant.report.service import Reporter
    from assistant.settings import Settings

    database, interviews, session_id = hostile_session
    assessment = interviews.assessment(session_id)
    reporter = Reporter(Settings(), builtin_service, framework)
    report = reporter.build(assessment, database)
    figures = reporter.figures(report)
    return {
        "report": report,
        "session": session_id,
        **{fmt: reporter.render(report, fmt, figures) for fmt in ("md", "html", "docx")},
    }


def quoted_payloads(report: Any) -> list[str]:
    """The payloads that reached the report's quotes (the check needs some to be meaningful)."""
    return [p for p in PAYLOADS if any(p in q.quote for q in report.quotes)]


def test_the_report_quotes_carry_the_payloads(hostile_reports: dict[str, Any]) -> None:
    report = hostile_reports["report"]
    assert report.organisation == ORGANISATION
    assert len(quoted_payloads(report)) >= 3, [q.quote for q in report.quotes]


def test_the_html_report_has_no_live_markup_and_shows_the_payloads_as_text(hostile_reports: dict[str, Any]) -> None:
    page = hostile_reports["html"].decode("utf-8")
    shown = (ORGANISATION, *quoted_payloads(hostile_reports["report"]))
    assert_inert_html(page, "html report", shown, own_styles=page.count("<style>") and 1)
    assert page.count("<style") == 1  # the template's stylesheet, and no other
    assert hostile_reports["session"] not in page  # the session id is the stakeholder's key


def test_the_markdown_report_renders_inert_even_with_raw_html_allowed(hostile_reports: dict[str, Any]) -> None:
    markdown = hostile_reports["md"].decode("utf-8")
    shown = (ORGANISATION, *quoted_payloads(hostile_reports["report"]))
    assert_inert_html(markdown_as_html(markdown), "markdown report", shown)
    tokens = MarkdownIt("commonmark", {"html": True}).parse(markdown)
    inline = [child for token in tokens for child in (token.children or [])]
    assert not [t for t in inline if t.type in ("link_open", "image", "html_inline")]
    assert not [t for t in tokens if t.type == "html_block"]
    assert hostile_reports["session"] not in markdown


def test_the_docx_report_holds_the_payloads_as_literal_text_and_no_links(hostile_reports: dict[str, Any]) -> None:
    import docx

    document = docx.Document(io.BytesIO(hostile_reports["docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join(paragraphs + cells)
    for literal in (ORGANISATION, *quoted_payloads(hostile_reports["report"])):
        assert literal in text, literal
    external = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert not [target for target in external if _BAD_SCHEMES.match(target)], external
    assert hostile_reports["session"] not in text


# --------------------------------------------------------------------------------------------
# The app: consultant outputs and the stakeholder page
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, state_home: Path, engine: Any) -> Iterator[Served]:
    """The app over a private copy of the built-in knowledge base (the upload test writes to it)."""
    import shutil

    from assistant.knowledge import open_service
    from assistant.settings import Settings

    home = tmp_path_factory.mktemp("hostile-home")
    source = Settings(home=state_home)
    open_service(source)  # make sure the built-in knowledge base exists before copying it
    shutil.copytree(source.builtin_kb_dir, home / "kb-copy")
    knowledge = open_service(Settings(home=home), home / "kb-copy")
    with serve(make_services(home, knowledge, engine)) as running:
        yield running


@pytest.fixture(scope="module")
def consultant(app: Served) -> Client:
    return Client(app.consultant_url, auth=CONSULTANT, verbose=False, download_files=False)


def test_consultant_outputs_show_hostile_stakeholder_text_as_text(app: Served, consultant: Client) -> None:
    interviews = app.services.interviews
    started = interviews.start(ORGANISATION, stakeholder=NAME, role=ROLE)
    for answer in ANSWERS:
        interviews.send(started.session.id, answer)
    engagement = started.session.engagement_id
    checked = 0

    table, _, notice = consultant.predict(api_name="/engagements")
    assert ORGANISATION in [row[1] for row in table["data"]]  # a Dataframe cell is text, shown as text
    sessions, _, invite, notice = consultant.predict(engagement, api_name="/sessions")
    assert_inert_html(markdown_as_html(invite), "invite", ("Evil <script>alert(1)</script> Corp",))
    assert [row[1] for row in sessions["data"]] == [NAME] and [row[2] for row in sessions["data"]] == [ROLE]
    checked += 2
    overall, _, _, evidence, _, divergences, notice = consultant.predict(engagement, "*", api_name="/assessment")
    for name, markdown in (("overall", overall), ("divergences", divergences), ("notice", notice)):
        assert_inert_html(markdown_as_html(markdown), name)
        checked += 1
    assert ORGANISATION in " ".join(inspect_html(markdown_as_html(overall)).text)
    quotes = [row[3] for row in evidence["data"]]
    assert [p for p in PAYLOADS if any(p in q for q in quotes)], quotes  # quotes arrive verbatim, as cell text
    preview, _, notice = consultant.predict(engagement, "*", api_name="/report")
    assert notice == "", notice
    frame = inspect_html(preview, allowed=("iframe",))
    assert frame.tags == ["iframe"] and frame.problems == []
    srcdoc = re.search(r'srcdoc="([^"]*)"', preview)
    assert srcdoc and 'sandbox=""' in preview  # the preview runs nothing, even if something slipped through
    assert_inert_html(html.unescape(srcdoc.group(1)), "report preview", (ORGANISATION,), own_styles=1)
    checked += 2
    assert checked == 7


def page_event(served: Served, inputs: list[Any], trigger: str) -> list[Any]:
    """Run one of the stakeholder page's own (private) events as the browser does: queue/join, then the stream."""
    config = httpx.get(f"{served.url}config", timeout=10).json()
    ids = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}
    index = next(
        i
        for i, dep in enumerate(config["dependencies"])
        if any(t[0] == ids[trigger] and t[1] == "click" for t in dep["targets"])
    )
    session_hash = secrets.token_hex(8)
    with httpx.Client(timeout=60) as http:
        joined = http.post(
            f"{served.url}gradio_api/queue/join",
            json={"data": inputs, "fn_index": index, "session_hash": session_hash, "trigger_id": ids[trigger]},
        )
        assert joined.status_code == 200, joined.text
        with http.stream("GET", f"{served.url}gradio_api/queue/data", params={"session_hash": session_hash}) as s:
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    assert message.get("success"), message
                    return message["output"]["data"]  # type: ignore[no-any-return]
    raise AssertionError("the event did not complete")


def test_the_stakeholder_page_shows_hostile_fields_as_text(app: Served) -> None:
    outputs = page_event(app, [ORGANISATION, NAME, ROLE, None], "start")
    strings = _strings(outputs)
    chat = [s for s in strings if "Hello" in s]
    assert chat, strings
    for value in strings:  # chat messages and progress are HTML; the notices are Markdown
        assert_inert_html(value, "stakeholder page")
        assert_inert_html(markdown_as_html(value), "stakeholder page (as Markdown)")
    greeting = " ".join(inspect_html(chat[0]).text)
    assert NAME in greeting  # the name is greeted, as text


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# --------------------------------------------------------------------------------------------
# Paths and sizes: maturity ingest and the upload
# --------------------------------------------------------------------------------------------

runner = CliRunner()


def ingest_cli(home: Path, *args: str) -> Any:
    from assistant.cli import app as cli_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    try:
        return runner.invoke(cli_app, ["ingest", *args], env={"MATURITY_HOME": str(home)})
    finally:
        get_settings.cache_clear()


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_ingest_reads_dotdot_paths_follows_no_links_and_skips_oversized_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builtin_service: Any
) -> None:
    from assistant.documents import MAX_DOCUMENT_BYTES
    from assistant.knowledge import open_service
    from assistant.settings import Settings

    secret = tmp_path / "private" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("PRIVATE-KEY-MATERIAL-93ab1 must never be indexed\n")
    folder = tmp_path / "client-docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.md").write_text("# Notes\n\nThe client deploys models with a weekly pipeline.\n")
    (folder / "leak.txt").symlink_to(secret)  # a link out of the folder, with a supported name
    (folder / "linked-dir").symlink_to(secret.parent, target_is_directory=True)
    (folder / "sub" / "huge.md").write_bytes(b"")
    os.truncate(folder / "sub" / "huge.md", MAX_DOCUMENT_BYTES + 1)  # sparse: big on paper, instant
    outside = tmp_path / "x.md"
    outside.write_text("# Outside\n\nA document named through ../../ on the command line.\n")
    kb = tmp_path / "kb"
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    before = tree(tmp_path)

    result = ingest_cli(tmp_path / "home", "../../x.md", str(folder), "--kb", str(kb))
    assert result.exit_code == 1, result.output  # some files were refused
    assert "Traceback" not in result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert any("leak.txt" in line and "symbolic link" in line for line in skipped), result.stderr
    assert any("huge.md" in line and "limit" in line for line in skipped), result.stderr
    assert "PRIVATE-KEY" not in result.output and str(secret) not in result.output
    assert "2 added" in result.stdout, result.stdout

    knowledge = open_service(Settings(home=tmp_path / "home"), kb)
    texts = " ".join(chunk.text for chunk in knowledge.kb.all_chunks())
    assert "weekly pipeline" in texts and "named through" in texts
    assert "PRIVATE-KEY" not in texts
    sources = {record["source"] for record in knowledge.kb.files.values()}
    assert sources == {"x.md", "notes.md"}
    # Nothing was written except the knowledge base (and the state directory).
    created = {p for p in tree(tmp_path) - before if not p.startswith(("kb", "home"))}
    assert created == set(), created


def test_an_upload_named_with_dotdot_lands_in_the_uploads_folder_only(app: Served, consultant: Client) -> None:
    marker = f"UPLOADED-{secrets.token_hex(4)}"
    home = app.services.settings.home
    root = home.parent
    before = tree(root)
    cookies = login_cookies(app)
    with httpx.Client(timeout=30, cookies=cookies) as http:
        uploaded = http.post(
            f"{app.consultant_url}gradio_api/upload",
            files=[("files", ("../../escape.md", f"# Escape\n\n{marker} feature store notes.\n".encode()))],
        )
        assert uploaded.status_code == 200, uploaded.text
        (server_path,) = uploaded.json()
    assert "/../" not in server_path and Path(server_path).name == "escape.md"
    file_data = {"path": server_path, "orig_name": "../../escape.md", "meta": {"_type": "gradio.FileData"}}
    result, notice = consultant.predict([file_data], api_name="/ingest")
    assert "escape.md: **added**" in result, (result, notice)
    assert (home / "uploads" / "escape.md").read_text().count(marker) == 1
    # The only new files under the test's temporary root are in the app's state directory.
    created = tree(root) - before
    assert created and all(p.startswith(home.name + "/") for p in created), sorted(created)[:5]
    hits = [p for p in home.rglob("escape.md")]
    assert hits == [home / "uploads" / "escape.md"], hits

    # Server paths the client never uploaded are refused: nothing is read, copied or indexed.
    readable = home / "outside-notes.md"
    readable.write_text(f"# Server file\n\n{marker}-SERVER never uploaded.\n")
    database = str(app.services.database.url).removeprefix("sqlite:///")
    upload_folder = Path(get_upload_folder())
    started = time.time()
    # Sent raw: gradio_client would upload a path that exists on its own machine (this one).
    for forged in ("/etc/passwd", database, "../../../etc/hosts", str(readable), f"{server_path}/../../../etc/hosts"):
        file = {"path": forged, "orig_name": "x.md", "meta": {"_type": "gradio.FileData"}}
        outcome = call_raw(app, cookies, "ingest", [[file]])
        assert outcome[0] == "error" and "added" not in outcome[1], (forged, outcome)
    assert sorted(p.name for p in (home / "uploads").iterdir()) == ["escape.md"]
    copies = [
        p
        for p in upload_folder.rglob("*")
        if p.is_file() and p.stat().st_mtime >= started and p.name in ("passwd", "hosts", "outside-notes.md")
    ]
    assert copies == [], copies  # not even copied into gradio's cache
    _, citations, _ = consultant.predict(f"{marker}-SERVER", api_name="/ask")
    assert f"{marker}-SERVER" not in citations


def call_raw(served: Served, cookies: httpx.Cookies, endpoint: str, data: list[Any]) -> tuple[str, str]:
    """Call a consultant endpoint over plain HTTP; (the stream's last event name, its data)."""
    with httpx.Client(timeout=60, cookies=cookies) as http:
        posted = http.post(f"{served.consultant_url}gradio_api/call/{endpoint}", json={"data": data})
        assert posted.status_code == 200, posted.text
        event_id = posted.json()["event_id"]
        event, payload = "", ""
        with http.stream("GET", f"{served.consultant_url}gradio_api/call/{endpoint}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    payload = line.split(":", 1)[1].strip()
                    if event in ("complete", "error"):
                        return event, payload
    return event, payload


def test_uploads_over_the_size_limits_are_refused(app: Served) -> None:
    cookies = login_cookies(app)
    with httpx.Client(timeout=60, cookies=cookies) as http:
        big = http.post(
            f"{app.consultant_url}gradio_api/upload", files=[("files", ("big.md", b"x" * (50 * 1024 * 1024 + 1)))]
        )
        assert big.status_code == 413, big.status_code
    with httpx.Client(timeout=60) as http:  # the stakeholder mount has no file inputs and a 2 MB cap
        small_cap = http.post(f"{app.url}gradio_api/upload", files=[("files", ("a.md", b"x" * (3 * 1024 * 1024)))])
        assert small_cap.status_code == 413, small_cap.status_code
