"""Generative cited answers from the knowledge base, checked against the passages retrieved.

The extractive answerer decides first whether the knowledge base covers the question: a question
it refuses is refused, whatever a model might say. Otherwise the model answers from the top
passages, numbered and delimited as data, putting ``[n]`` after what it takes from passage n.
An answer is used only when it is non-empty, cites at least one passage and every ``[n]``
points at a passage it was given; the citations are renumbered to the ones it used. Anything
else falls back to the extractive answer, with the reason in ``Answer.fallback``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering import ANSWER_PASSAGES, TOP_PASSAGES, Answer, Citation, validate_question
from assistant.knowledge import KnowledgeService
from assistant.llm.client import ChatClient, InvalidOutput
from assistant.llm.delimit import as_data
from assistant.llm.errors import LLMRecoverableError
from assistant.retrieval import Passage

PROMPT = "answering"
MAX_PASSAGE_CHARS = 1200
_MARKER = re.compile(r"\[(\d+)\]")


def check_cited(text: str, count: int) -> str:
    """The answer, or ``InvalidOutput`` when it cites nothing or a passage it was not given."""
    cleaned = text.strip()
    if not _MARKER.sub("", cleaned).strip(" .\n"):
        raise InvalidOutput("the answer is empty")
    numbers = [int(n) for n in _MARKER.findall(cleaned)]
    if not numbers:
        raise InvalidOutput("the answer cites no passage; put the passage number in brackets, like [1]")
    unknown = sorted({n for n in numbers if not 1 <= n <= count})
    if unknown:
        raise InvalidOutput(
            f"the answer cites passage(s) {', '.join(map(str, unknown))}, but only 1 to {count} were given"
        )
    return cleaned


def _renumber(text: str, passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Citations in order of first use, numbered 1..n, with the markers rewritten to match."""
    order: dict[int, int] = {}
    for match in _MARKER.finditer(text):
        order.setdefault(int(match.group(1)), len(order) + 1)
    renumbered = _MARKER.sub(lambda m: f"[{order[int(m.group(1))]}]", text)
    citations = []
    for original in order:
        p = passages[original - 1]
        citations.append(Citation(p.source, p.title, p.chunk_id, p.text))
    return renumbered, citations


def answer_with_llm(service: KnowledgeService, question: str, client: ChatClient) -> Answer:
    """A generative answer with citations, or the extractive one (with ``fallback`` set)."""
    extractive = service.ask(question)
    if not extractive.answerable:
        return extractive
    cleaned = validate_question(question)
    passages = service.retriever.search(cleaned, k=TOP_PASSAGES)[:ANSWER_PASSAGES]  # as the extractive answerer
    if not passages:
        return replace(extractive, fallback="no passages retrieved for the model")
    numbered = "\n".join(
        f'<passage n="{n}" title="{as_data(p.title, 120)}">\n{as_data(p.text, MAX_PASSAGE_CHARS)}\n</passage>'
        for n, p in enumerate(passages, start=1)
    )
    try:
        text = client.text(
            PROMPT,
            {"question": as_data(cleaned), "passages": numbered},
            check=lambda reply: check_cited(reply, len(passages)),
        )
    except LLMRecoverableError as exc:
        return replace(extractive, fallback=str(exc))
    answer, citations = _renumber(text, passages)
    return Answer(cleaned, True, answer, citations, {**extractive.signals, "generated": 1.0})
