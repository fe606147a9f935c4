"""LLM drafting of the executive summary, under the same grounding rules as the templates.

The model sees the report's numbered sources (the stakeholders' quotes and the knowledge-base
passages already chosen) and writes a few sentences, each citing them. A sentence survives only
if every id it cites is a source of this report and its cited sources say most of it; the rest
are removed and counted in ``Report.unsupported_removed``. The levels and the sentence that
states the overall level stay the template's: a model never states a level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, Field

from assistant.report.model import Report, Statement
from assistant.report.sources import MIN_SUPPORT, support

PROMPT = "drafting"
MAX_SENTENCES = 8
MAX_SOURCE_CHARS = 400
#: A drafted sentence must be backed at least this well by what it cites (the template threshold
#: is for choosing sentences; drafted prose paraphrases, so it gets the same bar, not a lower one).
MIN_DRAFT_SUPPORT = MIN_SUPPORT * 2

T = TypeVar("T", bound=BaseModel)


class Drafter(Protocol):
    """What drafting needs from an LLM client (``assistant.llm.client.ChatClient``)."""

    def structured(self, prompt_name: str, variables: Any, schema: type[T], **options: Any) -> T: ...


class DraftedSentence(BaseModel):
    text: str = Field(min_length=3, max_length=600)
    cites: list[str] = Field(default_factory=list, max_length=6)


class Draft(BaseModel):
    sentences: list[DraftedSentence] = Field(min_length=1, max_length=MAX_SENTENCES)


def sources_block(report: Report) -> str:
    """The report's sources as the model sees them: one line each, stakeholder text as data."""
    from assistant.llm.delimit import as_data

    lines = [
        f"[{q.id}] ({q.stakeholder or 'stakeholder'}, answer {q.turn}) {as_data(q.quote, MAX_SOURCE_CHARS)}"
        for q in report.quotes
    ]
    lines += [f"[{p.id}] ({p.document}: {p.section}) {as_data(p.text, MAX_SOURCE_CHARS)}" for p in report.passages]
    return "\n".join(lines)


def keep_supported(report: Report, sentences: Sequence[DraftedSentence]) -> tuple[list[Statement], int]:
    """The drafted sentences that cite only this report's sources and are backed by them."""
    texts = {q.id: q.quote for q in report.quotes} | {p.id: p.text for p in report.passages}
    kept: list[Statement] = []
    removed = 0
    for sentence in sentences:
        cites = list(dict.fromkeys(c.strip().strip("[]") for c in sentence.cites))
        text = " ".join(sentence.text.split())
        backed = " ".join(texts.get(c, "") for c in cites)
        if not cites or any(c not in texts for c in cites) or support(text, backed) < MIN_DRAFT_SUPPORT:
            removed += 1
            continue
        kept.append(Statement(text=text, cites=cites))
    return kept, removed


def draft_executive_summary(report: Report, drafter: Drafter) -> Report:
    """The report with an LLM-drafted executive summary, or unchanged when nothing drafted survives.

    Failures of the model (after its re-asks) keep the template's summary and record the fallback.
    """
    from assistant.llm.errors import LLMRecoverableError

    levels = ", ".join(f"{d.name}: {d.level_name}" for d in report.dimensions)
    try:
        draft = drafter.structured(
            PROMPT,
            {"organisation": report.organisation, "levels": levels, "sources": sources_block(report)},
            Draft,
        )
    except LLMRecoverableError as exc:
        return report.model_copy(update={"fallback": True, "fallback_reason": f"report drafting: {exc}"})
    kept, removed = keep_supported(report, draft.sentences)
    update: dict[str, Any] = {"unsupported_removed": report.unsupported_removed + removed}
    if kept:
        # The overall level (and whether it is provisional) stays as the rules stated it.
        fixed = [s for s in report.executive_summary[:2] if not s.cites]
        update["executive_summary"] = [*fixed, *kept]
    else:
        update["fallback"] = True
        update["fallback_reason"] = "report drafting: no drafted sentence was supported by its sources"
    return report.model_copy(update=update)
