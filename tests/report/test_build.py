"""Drafting and checking reports against the built-in knowledge base, on real assessments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.assessment import Assessment, Stakeholder
from assistant.evaluation.cases import TranscriptCase, load_case
from assistant.evaluation.runner import assess_transcript
from assistant.findings import Evidence, Finding, Status
from assistant.report.build import NothingToReport
from assistant.report.check import check_report
from assistant.report.model import Statement
from assistant.report.service import GroundingError, Reporter
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[2]
HOLDOUT = REPO / "evals" / "cases" / "assessments" / "holdout"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def reporter(builtin_service, framework, state_home: Path) -> Reporter:  # type: ignore[no-untyped-def]
    return Reporter(Settings(home=state_home), builtin_service, framework)


def _holdout_transcripts() -> list[TranscriptCase]:
    cases = [load_case(p) for p in sorted(HOLDOUT.glob("*.yaml"))]
    return [c for c in cases if isinstance(c, TranscriptCase)]


def _answers(case: TranscriptCase) -> dict[str | None, list[str]]:
    return {None: [t.answer for t in case.turns]}


def test_holdout_reports_meet_the_grounding_targets(reporter: Reporter, engine) -> None:  # type: ignore[no-untyped-def]
    """Every held-out transcript: no unresolved citation, quotes verbatim, and every dimension below
    the top level gets at least two recommendations that address its missing practices, each cited."""
    cases = _holdout_transcripts()
    assert len(cases) >= 10
    tools_checked = {"monitoring": 0, "development": 0}
    for case in cases:
        assessment = assess_transcript(engine, case)
        if all(level is None for level in assessment.levels.values()):
            continue
        report = reporter.build(assessment, answers=_answers(case), today=TODAY)  # raises on any problem
        assert check_report(report, reporter.knowledge_index, _answers(case)) == []
        for section in report.dimensions:
            if section.level is None or section.level >= 5:
                continue
            gaps = {g.practice for g in assessment.dimensions[section.id].gaps}
            addressing = [r for r in section.recommendations if r.practice in gaps]
            assert len(section.recommendations) >= 2, (case.id, section.id)
            assert addressing, (case.id, section.id, gaps)
            for recommendation in section.recommendations:
                assert any(c.startswith("K") for c in recommendation.text.cites), (case.id, recommendation.id)
            text = " ".join(
                [r.text.text for r in section.recommendations]
                + [a.text for r in section.recommendations for a in r.advice]
            )
            # The knowledge base's concrete advice where it applies.
            if section.id == "monitoring" and section.level <= 2:
                assert "Prometheus" in text or "Grafana" in text, case.id
                tools_checked["monitoring"] += 1
            if section.id == "development" and any(
                p in gaps for p in ("development.ci", "development.continuous-delivery")
            ):
                assert "Jenkins" in text or "Travis CI" in text, case.id
                tools_checked["development"] += 1
    assert tools_checked["monitoring"] and tools_checked["development"], tools_checked


def test_the_same_assessment_gives_the_same_report(reporter: Reporter, engine) -> None:  # type: ignore[no-untyped-def]
    case = _holdout_transcripts()[0]
    assessment = assess_transcript(engine, case)
    first = reporter.build(assessment, today=TODAY)
    second = reporter.build(assessment, today=TODAY)
    assert first == second
    assert reporter.render(first, "md") == reporter.render(second, "md")


def test_roadmap_puts_the_weakest_dimension_and_the_next_level_first(reporter: Reporter, engine) -> None:  # type: ignore[no-untyped-def]
    case = next(c for c in _holdout_transcripts() if len({v for v in assess_transcript(engine, c).levels.values()}) > 1)
    report = reporter.build(assess_transcript(engine, case), today=TODAY)
    roadmap = report.roadmap
    assert [item.priority for item in roadmap] == list(range(1, len(roadmap) + 1))
    levels = {d.id: d.level for d in report.dimensions}
    first = roadmap[0]
    assert first.horizon == "short-term" and first.target_level == (levels[first.dimension] or 0) + 1
    assert levels[first.dimension] == min(v for v in levels.values() if v is not None and v < 5)
    horizons = [item.horizon for item in roadmap]
    assert horizons == sorted(horizons, key=lambda h: h != "short-term"), "short-term steps come first"
    ids = {r.id for d in report.dimensions for r in d.recommendations}
    assert {item.recommendation for item in roadmap} == ids


def _finding(practice: str, dimension: str, level: int, status: Status, quote: str, turn: int = 1) -> Finding:
    return Finding(
        practice=practice,
        dimension=dimension,
        level=level,
        status=status,
        confidence=0.9,
        evidence=[Evidence(turn=turn, quote=quote)],
    )


def _hand_assessment(framework, quote: str) -> Assessment:  # type: ignore[no-untyped-def]
    from assistant.assessment import build_assessment

    findings = [
        _finding("monitoring.basic-health-checks", "monitoring", 2, Status.PRESENT, quote),
        _finding("monitoring.dashboards", "monitoring", 3, Status.ABSENT, "there are no dashboards", turn=2),
    ]
    return build_assessment(
        framework, findings, organisation="Acme <b>Corp</b>", stakeholders=[Stakeholder(role="IT ops")]
    )


def test_hand_made_assessment_cites_the_quotes_it_was_given(reporter: Reporter, framework) -> None:  # type: ignore[no-untyped-def]
    quote = 'we ping the service <script>alert("x")</script> every minute'
    assessment = _hand_assessment(framework, quote)
    answers = {None: [f"Well, {quote}.", "Honestly there are no dashboards at all."]}
    report = reporter.build(assessment, answers=answers, today=TODAY)
    monitoring = next(d for d in report.dimensions if d.id == "monitoring")
    assert monitoring.level == 2
    assert [q.quote for q in report.quotes] == [quote, "there are no dashboards"]
    assert any("Q1" in s.cites for s in monitoring.current_state)
    assert monitoring.recommendations[0].practice == "monitoring.dashboards"  # the stated gap first
    html = reporter.render(report, "html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>Corp</b>" not in html


def test_checker_catches_every_kind_of_grounding_failure(reporter: Reporter, framework) -> None:  # type: ignore[no-untyped-def]
    assessment = _hand_assessment(framework, "we ping the service every minute")
    answers = {None: ["Well, we ping the service every minute.", "Honestly there are no dashboards."]}
    report = reporter.build(assessment, answers=answers, today=TODAY)
    index = reporter.knowledge_index
    assert check_report(report, index, answers) == []

    # A quote the stakeholder never said.
    altered = report.model_copy(update={"quotes": [report.quotes[0].model_copy(update={"quote": "we have Grafana"})]})
    assert any("not a verbatim quote" in str(p) for p in check_report(altered, index, answers))
    # A quote from an answer that does not exist.
    late = report.model_copy(update={"quotes": [report.quotes[0].model_copy(update={"turn": 9}), *report.quotes[1:]]})
    assert any("has none by that number" in str(p) for p in check_report(late, index, answers))
    # A citation to a source the report does not list.
    intro = [Statement(text="Made up.", cites=["K999"])]
    assert any("K999" in str(p) for p in check_report(report.model_copy(update={"introduction": intro}), index))
    # A passage that is not in the knowledge base.
    passages = [report.passages[0].model_copy(update={"text": "Buy our product."}), *report.passages[1:]]
    assert any(
        "not verbatim text" in str(p) for p in check_report(report.model_copy(update={"passages": passages}), index)
    )
    # A recommendation without a knowledge-base citation.
    section = next(d for d in report.dimensions if d.recommendations)
    bare = section.recommendations[0].model_copy(update={"text": Statement(text="Do something.")})
    dims = [d.model_copy(update={"recommendations": [bare]}) if d is section else d for d in report.dimensions]
    assert any(
        "cites no knowledge-base passage" in str(p)
        for p in check_report(report.model_copy(update={"dimensions": dims}), index)
    )


def test_a_report_whose_quotes_do_not_match_the_answers_is_refused(reporter: Reporter, framework) -> None:  # type: ignore[no-untyped-def]
    assessment = _hand_assessment(framework, "we ping the service every minute")
    with pytest.raises(GroundingError, match="not a verbatim quote"):
        reporter.build(assessment, answers={None: ["Something else entirely.", "There are no dashboards."]})


def test_an_assessment_without_any_level_is_refused(reporter: Reporter, framework) -> None:  # type: ignore[no-untyped-def]
    from assistant.assessment import build_assessment

    with pytest.raises(NothingToReport, match="no dimension was assessed"):
        reporter.build(build_assessment(framework, [], organisation="Empty Ltd"))


def test_strategic_context_and_wardley_figures_follow_the_gaps(reporter: Reporter, engine) -> None:  # type: ignore[no-untyped-def]
    low = next(c for c in _holdout_transcripts() if (assess_transcript(engine, c).overall or 5) <= 2)
    report = reporter.build(assess_transcript(engine, low), today=TODAY)
    assert report.strategic_context, "a weak organisation gets strategic context"
    for topic in report.strategic_context:
        assert topic.statements and all(s.cites for s in topic.statements)
    assert report.wardley_figures
    for figure in report.wardley_figures:
        assert figure.map in reporter.maps
        names = {c.name for c in reporter.maps[figure.map].components}
        assert set(figure.highlights) <= names
    figures = reporter.figures(report)
    assert figures.radar and figures.radar.startswith(b"\x89PNG")
    assert all(png.startswith(b"\x89PNG") for png in figures.wardley.values())
