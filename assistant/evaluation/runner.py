"""Run evaluation cases and summarise them in the ``maturity-eval/1`` report."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from assistant.evaluation.cases import Case, QuestionCase
from assistant.evaluation.metrics import ratio
from assistant.knowledge import KnowledgeService

REPORT_FORMAT = "maturity-eval/1"
CaseProgress = Callable[[int, int, str], None]


def run_question_case(service: KnowledgeService, case: QuestionCase) -> dict[str, Any]:
    answer = service.ask(case.question)
    expected = case.expected
    sources = list(dict.fromkeys(c.source for c in answer.citations))
    text = answer.answer.lower()
    facts_found = [f for f in expected.facts if f.lower() in text]
    facts_missing = [f for f in expected.facts if f.lower() not in text]
    if expected.answerable:
        passed = answer.answerable and not facts_missing and all(s in sources for s in expected.sources)
    else:
        passed = not answer.answerable
    return {
        "id": case.id,
        "kind": "question",
        "passed": passed,
        "expected": expected.model_dump(),
        "answerable": answer.answerable,
        "answer": answer.answer,
        "sources": sources,
        "facts_found": facts_found,
        "facts_missing": facts_missing,
        "signals": answer.signals,
    }


def run_cases(service: KnowledgeService, cases: list[Case], progress: CaseProgress | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for number, case in enumerate(cases, start=1):
        if progress:
            progress(number, len(cases), case.id)
        if isinstance(case, QuestionCase):
            results.append(run_question_case(service, case))
        else:
            results.append(
                {
                    "id": case.id,
                    "kind": case.kind,
                    "passed": False,
                    "skipped": True,
                    "reason": f"{case.kind} cases need the interview engine, not in this version",
                    "expected": case.expected.model_dump(),
                }
            )
    summary = summarise(results)
    summary["wall_time_s"] = round(time.perf_counter() - started, 3)
    return {"format": REPORT_FORMAT, "cases": results, "summary": summary}


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    questions = [r for r in results if r["kind"] == "question"]
    answerable = [r for r in questions if r["expected"]["answerable"]]
    unanswerable = [r for r in questions if not r["expected"]["answerable"]]
    expected_sources = sum(len(r["expected"]["sources"]) for r in answerable)
    found_sources = sum(sum(s in r["sources"] for s in r["expected"]["sources"]) for r in answerable)
    expected_facts = sum(len(r["expected"]["facts"]) for r in answerable)
    found_facts = sum(len(r["facts_found"]) for r in answerable)
    correct_flag = sum(r["answerable"] == r["expected"]["answerable"] for r in questions)
    return {
        "cases": len(results),
        "passed": sum(bool(r["passed"]) for r in results),
        "skipped": sum(bool(r.get("skipped")) for r in results),
        "pass_rate": ratio(sum(bool(r["passed"]) for r in results), len(results)),
        "questions": {
            "cases": len(questions),
            "source_recall": ratio(found_sources, expected_sources),
            "fact_recall": ratio(found_facts, expected_facts),
            "refusal_accuracy": ratio(correct_flag, len(questions)),
            "unanswerable_refused": ratio(sum(not r["answerable"] for r in unanswerable), len(unanswerable)),
            "answerable_answered": ratio(sum(r["answerable"] for r in answerable), len(answerable)),
        },
    }
