"""The grounding checker: every citation resolves, every quote is verbatim, every recommendation is backed.

It runs on every report before it is rendered, whichever engine drafted it. For the LLM engine it
also decides which drafted sentences survive (``drop_unsupported``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from assistant.report.model import Report, Statement
from assistant.report.sources import KnowledgeIndex, normalise

#: Answers per session (``None`` for a transcript without a session id), in order: answer ``n``
#: of a session is ``answers[session][n - 1]``.
Answers = Mapping[str | None, Sequence[str]]


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def statements(report: Report) -> Iterator[tuple[str, Statement]]:
    """Every statement of the report with where it sits, for checking and for rendering tests."""
    for name in ("introduction", "scope", "executive_summary", "conclusion"):
        for index, statement in enumerate(getattr(report, name), start=1):
            yield f"{name}[{index}]", statement
    for section in report.dimensions:
        for index, statement in enumerate(section.current_state, start=1):
            yield f"{section.id}.current_state[{index}]", statement
        for index, statement in enumerate(section.missing, start=1):
            yield f"{section.id}.missing[{index}]", statement
        for recommendation in section.recommendations:
            yield f"{recommendation.id}.text", recommendation.text
            for index, statement in enumerate(recommendation.advice, start=1):
                yield f"{recommendation.id}.advice[{index}]", statement
    for topic in report.strategic_context:
        for index, statement in enumerate(topic.statements, start=1):
            yield f"strategy {topic.title!r}[{index}]", statement
    for divergence in report.divergences:
        yield f"divergence {divergence.dimension}", divergence.statement


def check_report(report: Report, knowledge: KnowledgeIndex, answers: Answers | None = None) -> list[Problem]:
    """Every way the report fails its grounding rules; an empty list means it is sound.

    ``answers`` are the stakeholders' answers the quotes must come from; without them (a report
    drafted from an assessment file alone) quotes are checked against nothing but themselves.
    """
    problems: list[Problem] = []
    quote_ids = {q.id for q in report.quotes}
    passage_ids = {p.id for p in report.passages}
    for where, statement in statements(report):
        for cite in statement.cites:
            if cite not in quote_ids and cite not in passage_ids:
                problems.append(Problem(where, f"cites {cite}, which is not among the report's sources"))
    for section in report.dimensions:
        for index, statement in enumerate(section.current_state, start=1):
            if statement.cites and not any(c in quote_ids for c in statement.cites):
                problems.append(Problem(f"{section.id}.current_state[{index}]", "cites no stakeholder quote"))
        for recommendation in section.recommendations:
            cited = [c for c in recommendation.text.cites if c in passage_ids]
            if not cited:
                problems.append(Problem(recommendation.id, "cites no knowledge-base passage"))
            for index, advice in enumerate(recommendation.advice, start=1):
                texts = [p.text for p in report.passages if p.id in advice.cites]
                if not any(normalise(advice.text) in normalise(t) for t in texts):
                    problems.append(
                        Problem(f"{recommendation.id}.advice[{index}]", "is not a verbatim sentence of its passage")
                    )
    for passage in report.passages:
        if not knowledge.contains(passage.document, passage.section, passage.text):
            problems.append(
                Problem(passage.id, f"is not verbatim text of {passage.document} section {passage.section!r}")
            )
    if answers is not None:
        for quote in report.quotes:
            session_answers = answers.get(quote.session)
            if session_answers is None:
                problems.append(Problem(quote.id, f"comes from session {quote.session!r}, which is not available"))
            elif not 1 <= quote.turn <= len(session_answers):
                problems.append(
                    Problem(quote.id, f"cites answer {quote.turn}, but the session has none by that number")
                )
            elif normalise(quote.quote) not in normalise(session_answers[quote.turn - 1]):
                problems.append(Problem(quote.id, f"is not a verbatim quote of answer {quote.turn}"))
    return problems
