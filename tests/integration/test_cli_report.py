"""`maturity report`: every format from an assessment file, a session and an engagement; bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.test_cli import assert_one_line_error, invoke

DEV = REPO / "evals" / "cases" / "assessments" / "dev"
DEV_CASES = ["corvid-analytics-consultant.yaml", "brightwell-head-ds.yaml"]


@pytest.fixture(scope="module")
def assessment_files(tmp_path_factory: pytest.TempPathFactory, builtin_service) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("assessments")
    files = {}
    for name in DEV_CASES:
        result = invoke("assess", str(DEV / name), "--json")
        assert result.exit_code == 0, result.output
        files[name] = folder / name.replace(".yaml", ".json")
        files[name].write_text(result.stdout, encoding="utf-8")
    return files


def test_every_format_renders_through_the_command(assessment_files: dict[str, Path], tmp_path: Path) -> None:
    source = assessment_files[DEV_CASES[0]]
    organisation = json.loads(source.read_text())["organisation"]
    for fmt in ("md", "html", "pdf", "docx"):
        out = tmp_path / f"report.{fmt}"
        result = invoke("report", str(source), "--out", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert organisation in markdown and "## Roadmap" in markdown and "[K1]" in markdown
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "<script" not in html
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    _pdf_pages_are_not_blank(tmp_path / "report.pdf", tmp_path)
    _docx_has_headings(tmp_path / "report.docx", organisation)


@pytest.mark.parametrize("name", ["brightwell-head-ds.yaml", "alder-edtech-founder.yaml", "kestrel-ml-engineer.yaml"])
def test_every_format_renders_for_more_dev_cases(name: str, tmp_path: Path, engine, builtin_service) -> None:  # type: ignore[no-untyped-def]
    """In-process (no command start-up per format): dev transcripts and personas of every level."""
    from assistant.evaluation.cases import PersonaCase, TranscriptCase, load_case
    from assistant.evaluation.runner import assess_transcript, interview_persona
    from assistant.report.service import Reporter
    from assistant.settings import get_settings

    case = load_case(DEV / name)
    if isinstance(case, TranscriptCase):
        assessment = assess_transcript(engine, case)
    else:
        assert isinstance(case, PersonaCase)
        assessment = interview_persona(engine, case)[0].assessment()
    reporter = Reporter(get_settings(), builtin_service, engine.framework)
    report = reporter.build(assessment)
    figures = reporter.figures(report)
    for fmt in ("md", "html", "pdf", "docx"):
        (tmp_path / f"report.{fmt}").write_bytes(reporter.render(report, fmt, figures))
    _pdf_pages_are_not_blank(tmp_path / "report.pdf", tmp_path)
    _docx_has_headings(tmp_path / "report.docx", report.organisation)


def _pdf_pages_are_not_blank(pdf: Path, folder: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from matplotlib.image import imread

    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(folder / "page")], check=True)
    pages = sorted(folder.glob("page-*.png"))
    assert len(pages) >= 3
    for page in pages:
        pixels = imread(str(page))
        assert pixels.std() > 0.01, f"{page.name} is blank"


def _docx_has_headings(path: Path, organisation: str) -> None:
    import docx

    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert any(organisation in h for h in headings) or organisation in document.paragraphs[0].text
    for expected in ("Executive summary", "Roadmap", "Conclusion"):
        assert any(expected.lower() in h.lower() for h in headings), (expected, headings)
    assert len(document.inline_shapes) >= 1  # the radar chart


def test_markdown_goes_to_stdout_without_out(assessment_files: dict[str, Path]) -> None:
    result = invoke("report", str(assessment_files[DEV_CASES[0]]))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# ")


def test_report_from_a_session_and_an_engagement(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    from assistant.persistence import Database
    from assistant.sessions import InterviewService

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    service = InterviewService(Database(url), engine)
    first = service.start("Nordbank", role="Data scientist").session
    service.send(first.id, "We have Grafana dashboards with drift alerts that page the on-call rota.")
    service.send(first.id, "Models are copied to the server by hand; nothing is automated.")
    second = service.start("Nordbank", role="Product owner", engagement_id=first.engagement_id).session
    service.send(second.id, "Nobody monitors the models; customers tell us when something is wrong.")
    env = {"MATURITY_DATABASE_URL": url}
    for source in (first.id, first.engagement_id):
        out = tmp_path / f"{source}.md"
        result = invoke("report", source, "--out", str(out), env=env)
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "Nordbank" in text
    assert "Divergences" in (tmp_path / f"{first.engagement_id}.md").read_text(encoding="utf-8")
    assert_one_line_error(invoke("report", "no-such-session", env=env), "not an assessment file, a session id")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "maturity-assessment/1"}', "not a maturity assessment"),
        ("[1, 2, 3]", "not a maturity assessment"),
    ],
)
def test_bad_assessment_files_get_one_line_errors(tmp_path: Path, content: str, fragment: str) -> None:
    source = tmp_path / "bad.json"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "report.md"
    assert_one_line_error(invoke("report", str(source), "--out", str(out)), fragment)
    assert not out.exists()


def test_all_null_assessment_and_bad_output_paths_leave_no_file(
    assessment_files: dict[str, Path], tmp_path: Path
) -> None:
    data = json.loads(assessment_files[DEV_CASES[0]].read_text())
    for dimension in data["dimensions"].values():
        dimension["level"] = None
    data["overall"] = None
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "report.pdf"
    assert_one_line_error(invoke("report", str(empty), "--out", str(out)), "nothing to report")
    assert not out.exists()

    source = str(assessment_files[DEV_CASES[0]])
    assert_one_line_error(invoke("report", source, "--out", str(tmp_path / "missing" / "r.md")), "does not exist")
    assert_one_line_error(invoke("report", source, "--format", "odt"), "unknown report format")
    assert_one_line_error(invoke("report", source, "--format", "pdf"), "--out")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            assert_one_line_error(invoke("report", source, "--out", str(locked / "r.md")), "cannot write")
            assert list(locked.iterdir()) == []
        finally:
            locked.chmod(0o700)
