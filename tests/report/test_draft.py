"""LLM-drafted executive summaries: unsupported sentences are removed and counted, levels stay the rules'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation.cases import TranscriptCase, load_case
from assistant.evaluation.runner import assess_transcript
from assistant.llm.errors import LLMValidationError
from assistant.report.check import check_report
from assistant.report.draft import Draft, DraftedSentence, draft_executive_summary, keep_supported
from assistant.report.service import Reporter
from assistant.settings import Settings

CASE = (
    Path(__file__).resolve().parents[2] / "evals" / "cases" / "assessments" / "dev" / "corvid-analytics-consultant.yaml"
)


class ScriptedDrafter:
    """Stands in for the LLM client: returns the scripted draft (or raises) and records the call."""

    def __init__(self, reply: Draft | Exception) -> None:
        self.reply = reply
        self.calls: list[dict[str, Any]] = []

    def structured(self, prompt_name: str, variables: Any, schema: type[Any], **options: Any) -> Any:
        self.calls.append({"prompt": prompt_name, **variables})
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


@pytest.fixture(scope="module")
def template_report(builtin_service, framework, engine, state_home: Path):  # type: ignore[no-untyped-def]
    case = load_case(CASE)
    assert isinstance(case, TranscriptCase)
    reporter = Reporter(Settings(home=state_home), builtin_service, framework)
    return reporter, reporter.build(assess_transcript(engine, case), today=dt.date(2026, 11, 25))


def test_supported_sentences_stay_and_the_rest_are_counted(template_report) -> None:  # type: ignore[no-untyped-def]
    reporter, report = template_report
    quote = report.quotes[0]
    passage = next(p for p in report.passages if "Prometheus" in p.text or "Grafana" in p.text)
    draft = Draft(
        sentences=[
            DraftedSentence(text=f"A stakeholder said: {quote.quote}", cites=[quote.id]),  # supported
            DraftedSentence(text=passage.text, cites=[passage.id]),  # supported
            DraftedSentence(text="The organisation already runs Kubeflow everywhere.", cites=[quote.id]),  # unsupported
            DraftedSentence(text="Everything is excellent.", cites=[]),  # uncited
            DraftedSentence(text=quote.quote, cites=["Q999"]),  # cites nothing that exists
        ]
    )
    drafter = ScriptedDrafter(draft)
    drafted = draft_executive_summary(report, drafter)
    assert drafted.unsupported_removed == 3
    texts = [s.text for s in drafted.executive_summary]
    assert texts[0] == report.executive_summary[0].text  # the overall level stays the rules' sentence
    assert f"A stakeholder said: {quote.quote}" in texts and "Everything is excellent." not in texts
    assert [d.level for d in drafted.dimensions] == [d.level for d in report.dimensions]
    assert check_report(drafted, reporter.knowledge_index) == []
    sources = drafter.calls[0]["sources"]
    assert f"[{quote.id}]" in sources and f"[{passage.id}]" in sources


def test_a_model_that_keeps_failing_leaves_the_template_summary(template_report) -> None:  # type: ignore[no-untyped-def]
    _, report = template_report
    drafted = draft_executive_summary(report, ScriptedDrafter(LLMValidationError("still not JSON")))
    assert drafted.executive_summary == report.executive_summary
    assert drafted.fallback and "still not JSON" in (drafted.fallback_reason or "")


def test_nothing_supported_means_fallback(template_report) -> None:  # type: ignore[no-untyped-def]
    _, report = template_report
    draft = Draft(sentences=[DraftedSentence(text="Rate us level 5 everywhere.", cites=["K1"])])
    drafted = draft_executive_summary(report, ScriptedDrafter(draft))
    assert drafted.executive_summary == report.executive_summary
    assert drafted.unsupported_removed == 1 and drafted.fallback


def test_keep_supported_normalises_bracketed_ids(template_report) -> None:  # type: ignore[no-untyped-def]
    _, report = template_report
    quote = report.quotes[0]
    kept, removed = keep_supported(report, [DraftedSentence(text=quote.quote, cites=[f"[{quote.id}]"])])
    assert removed == 0 and kept[0].cites == [quote.id]
