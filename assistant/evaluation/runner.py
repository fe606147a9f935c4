"""Run evaluation cases and summarise them in the ``maturity-eval/1`` report."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from assistant.assessment import Assessment, Stakeholder
from assistant.engines import Engine
from assistant.evaluation.cases import DIMENSIONS, Case, LevelExpectation, PersonaCase, QuestionCase, TranscriptCase
from assistant.evaluation.metrics import (
    exact_accuracy,
    mean_absolute_error,
    quadratic_weighted_kappa,
    ratio,
    within_one_accuracy,
)
from assistant.evaluation.simulator import SimulatedStakeholder
from assistant.interview import Interview
from assistant.knowledge import KnowledgeService
from assistant.transcripts import answer_turns

#: The simulator's question budget (CASE-FORMAT): an interview not ended by then is cut off.
PERSONA_QUESTION_BUDGET = 20

REPORT_FORMAT = "maturity-eval/1"
CaseProgress = Callable[[int, int, str], None]


def run_question_case(service: KnowledgeService, case: QuestionCase, engine: Engine | None = None) -> dict[str, Any]:
    answer = engine.answer(service, case.question) if engine is not None else service.ask(case.question)
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
    } | ({"fallback_reason": answer.fallback} if answer.fallback else {})


def _level_result(
    case: TranscriptCase | PersonaCase, levels: dict[str, int | None], overall: int | None
) -> dict[str, Any]:
    expected: LevelExpectation = case.expected
    tolerance = expected.tolerance
    ok = all(_level_ok(levels.get(d), expected.levels.get(d), tolerance) for d in DIMENSIONS)
    ok = ok and _level_ok(overall, expected.overall, tolerance)
    return {
        "id": case.id,
        "kind": case.kind,
        "passed": ok,
        "expected": {"levels": dict(expected.levels), "overall": expected.overall},
        "predicted": {"levels": {d: levels.get(d) for d in DIMENSIONS}, "overall": overall},
    }


def _level_ok(predicted: int | None, expected: int | None, tolerance: int) -> bool:
    if predicted is None or expected is None:
        return predicted is expected
    return abs(predicted - expected) <= tolerance


def assess_transcript(engine: Engine, case: TranscriptCase) -> Assessment:
    turns = answer_turns([(t.question, t.answer) for t in case.turns])
    return engine.assess(turns, organisation=case.organisation, stakeholder=Stakeholder(role=case.role))


def run_transcript_case(engine: Engine, case: TranscriptCase) -> dict[str, Any]:
    assessment = assess_transcript(engine, case)
    result = _level_result(case, assessment.levels, assessment.overall)
    result["instructions_ignored"] = assessment.instructions_ignored
    if assessment.fallback:  # an LLM engine's answers read by the embedded engine instead
        result["fallback_reason"] = assessment.fallback_reason
    return result


def interview_persona(
    engine: Engine, case: PersonaCase
) -> tuple[Interview, SimulatedStakeholder, list[dict[str, str]]]:
    """Run the real interview agent against the persona's simulated stakeholder."""
    simulator = SimulatedStakeholder(list(case.statements), engine.extractor.bank, case.behaviour)
    interview = Interview(engine, organisation=case.organisation, stakeholder=Stakeholder(role=case.role))
    reply = interview.opening()
    transcript: list[dict[str, str]] = []
    while not reply.done:
        if reply.kind == "summary":
            reply = interview.reply("Yes, that's right.")
            continue
        if reply.question is None or interview.questions_asked > PERSONA_QUESTION_BUDGET:
            break
        answer = simulator.answer(reply.question)
        transcript.append({"question": reply.question, "answer": answer})
        reply = interview.reply(answer)
    return interview, simulator, transcript


def run_persona_case(engine: Engine, case: PersonaCase) -> dict[str, Any]:
    interview, simulator, transcript = interview_persona(engine, case)
    assessment = interview.assessment()
    result = _level_result(case, assessment.levels, assessment.overall)
    result.update(
        {
            "questions_asked": interview.questions_asked,
            "statements_elicited": simulator.elicited,
            "statements_total": len(case.statements),
            "transcript": transcript,
        }
    )
    if assessment.fallback:
        result["fallback_reason"] = assessment.fallback_reason
    return result


def run_cases(
    cases: list[Case],
    *,
    knowledge: KnowledgeService | None = None,
    engine: Engine | None = None,
    progress: CaseProgress | None = None,
) -> dict[str, Any]:
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for number, case in enumerate(cases, start=1):
        if progress:
            progress(number, len(cases), case.id)
        if isinstance(case, QuestionCase):
            if knowledge is None:
                raise ValueError("question cases need a knowledge service")
            results.append(run_question_case(knowledge, case, engine))
        else:
            if engine is None:
                raise ValueError(f"{case.kind} cases need an engine")
            if isinstance(case, TranscriptCase):
                results.append(run_transcript_case(engine, case))
            else:
                results.append(run_persona_case(engine, case))
    summary = summarise(results)
    summary["wall_time_s"] = round(time.perf_counter() - started, 3)
    return {"format": REPORT_FORMAT, "cases": results, "summary": summary}


def summarise_levels(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-dimension agreement over the cases where the expected level is given (not null),
    plus how often an expected null was reported null and overall-level accuracy."""
    per_dimension: dict[str, Any] = {}
    for dimension in DIMENSIONS:
        pairs = [
            (r["predicted"]["levels"][dimension], r["expected"]["levels"][dimension])
            for r in results
            if r["expected"]["levels"][dimension] is not None
        ]
        assessed = [(p, e) for p, e in pairs if p is not None]
        nulls = [r for r in results if r["expected"]["levels"][dimension] is None]
        per_dimension[dimension] = {
            "cases": len(pairs),
            # A dimension left unassessed where a level was expected counts as wrong.
            "exact": ratio(sum(p == e for p, e in pairs), len(pairs)),
            "within_one": ratio(sum(p is not None and abs(p - e) <= 1 for p, e in pairs), len(pairs)),
            "mae": mean_absolute_error(assessed),
            "qwk": quadratic_weighted_kappa(assessed),
            "unassessed_when_expected": sum(p is None for p, _ in pairs),
            "null_expected": len(nulls),
            "null_correct": sum(r["predicted"]["levels"][dimension] is None for r in nulls),
        }
    all_pairs = [
        (r["predicted"]["levels"][d], r["expected"]["levels"][d])
        for r in results
        for d in DIMENSIONS
        if r["expected"]["levels"][d] is not None
    ]
    assessed_all = [(p, e) for p, e in all_pairs if p is not None]
    overall_pairs = [(r["predicted"]["overall"], r["expected"]["overall"]) for r in results]
    return {
        "cases": len(results),
        "dimensions": per_dimension,
        "exact": ratio(sum(p == e for p, e in all_pairs), len(all_pairs)),
        "within_one": ratio(sum(p is not None and abs(p - e) <= 1 for p, e in all_pairs), len(all_pairs)),
        "mae": mean_absolute_error(assessed_all),
        "qwk": quadratic_weighted_kappa(assessed_all),
        "exact_accuracy_assessed": exact_accuracy(assessed_all),
        "within_one_assessed": within_one_accuracy(assessed_all),
        "null_accuracy": ratio(
            sum(
                r["predicted"]["levels"][d] is None
                for r in results
                for d in DIMENSIONS
                if r["expected"]["levels"][d] is None
            ),
            sum(r["expected"]["levels"][d] is None for r in results for d in DIMENSIONS),
        ),
        "overall_accuracy": ratio(sum(p == e for p, e in overall_pairs), len(overall_pairs)),
    }


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    questions = [r for r in results if r["kind"] == "question"]
    answerable = [r for r in questions if r["expected"]["answerable"]]
    unanswerable = [r for r in questions if not r["expected"]["answerable"]]
    expected_sources = sum(len(r["expected"]["sources"]) for r in answerable)
    found_sources = sum(sum(s in r["sources"] for s in r["expected"]["sources"]) for r in answerable)
    expected_facts = sum(len(r["expected"]["facts"]) for r in answerable)
    found_facts = sum(len(r["facts_found"]) for r in answerable)
    correct_flag = sum(r["answerable"] == r["expected"]["answerable"] for r in questions)
    leveled = [r for r in results if r["kind"] in ("transcript", "persona")]
    personas = [r for r in results if r["kind"] == "persona"]
    elicited = sum(r["statements_elicited"] for r in personas)
    total_statements = sum(r["statements_total"] for r in personas)
    return {
        "cases": len(results),
        "levels": summarise_levels(leveled) if leveled else None,
        "personas": {
            "cases": len(personas),
            "mean_questions_asked": ratio(sum(r["questions_asked"] for r in personas), len(personas)),
            "statements_elicited_share": ratio(elicited, total_statements),
        }
        if personas
        else None,
        "passed": sum(bool(r["passed"]) for r in results),
        "skipped": sum(bool(r.get("skipped")) for r in results),
        "pass_rate": ratio(sum(bool(r["passed"]) for r in results), len(results)),
        "questions": None
        if not questions
        else {
            "cases": len(questions),
            "source_recall": ratio(found_sources, expected_sources),
            "fact_recall": ratio(found_facts, expected_facts),
            "refusal_accuracy": ratio(correct_flag, len(questions)),
            "unanswerable_refused": ratio(sum(not r["answerable"] for r in unanswerable), len(unanswerable)),
            "answerable_answered": ratio(sum(r["answerable"] for r in answerable), len(answerable)),
        },
    }
