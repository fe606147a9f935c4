"""Cited answers from the knowledge base, extractively (the embedded engine, no LLM).

The answer is made of the knowledge base's own sentences: the sentences of the top passages
that best match the question, de-duplicated, each followed by ``[n]`` pointing at its passage.
A sentence is scored by the rarity-weighted share of the question's terms it contains (terms of
its section heading count half: a list item under "Critical Paths" answers "what are the
critical paths?"), plus a prior for the rank of its passage. When the knowledge base does not
cover the question the answer says so, and no sentence is offered as if it answered it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answerability import Thresholds, rarity, term_coverage
from assistant.errors import InputError
from assistant.retrieval import HybridRetriever, Passage
from assistant.text import match_terms, split_sentences, terms

MAX_QUESTION_CHARS = 2000
NOT_COVERED = "The knowledge base does not cover this question."
TOP_PASSAGES = 5
ANSWER_PASSAGES = 3
MAX_SENTENCES = 7
PASSAGE_PRIOR = 0.3  # score bonus of the top passage's sentences, decaying as 1/rank
RUNNER_UP_SHARE = 0.35  # sentences scoring below this share of the best are left out


@dataclass(frozen=True)
class Citation:
    source: str
    title: str
    chunk_id: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "title": self.title, "chunk_id": self.chunk_id, "text": self.text}


@dataclass
class Answer:
    question: str
    answerable: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)  # dense, coverage: for calibration
    fallback: str | None = None  # why an LLM answer was replaced by this extractive one (not in --json)

    def as_dict(self) -> dict[str, object]:
        """The ``maturity ask --json`` object, exactly as CASE-FORMAT specifies."""
        return {
            "question": self.question,
            "answerable": self.answerable,
            "answer": self.answer,
            "citations": [c.as_dict() for c in self.citations],
        }


def validate_question(question: str) -> str:
    cleaned = " ".join(question.split())
    if not cleaned:
        raise InputError('the question is empty; ask something, e.g. maturity ask "What is level 3?"')
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(cleaned):,} characters long; ask in at most {MAX_QUESTION_CHARS:,}")
    return cleaned


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage: int
    position: int
    score: float


def answer_question(
    retriever: HybridRetriever,
    question: str,
    thresholds: Thresholds,
    kinds: list[str] | None = None,
    sources: list[str] | None = None,
) -> Answer:
    question = validate_question(question)
    vector = retriever.embedder.embed_query(question)
    passages = retriever.search(question, k=TOP_PASSAGES, kinds=kinds, sources=sources, query_vector=vector)
    index = retriever.index
    dense_best = max((p.dense for p in passages if p.dense is not None), default=0.0)
    coverage = term_coverage(
        question,
        (p.section + " " + p.title + " " + p.text for p in passages),
        index.stem_frequency,
        len(index.chunks),
    )
    signals = {"dense": round(dense_best, 4), "coverage": round(coverage, 4)}
    if not passages or not thresholds.answerable(dense_best, coverage):
        return Answer(question, False, NOT_COVERED, [], signals)
    chosen = select_sentences(question, passages[:ANSWER_PASSAGES], index.document_frequency, len(index.chunks))
    if asks_for_quantity(question) and not any(_has_quantity(c.text) for c in chosen):
        # "How many data scientists...?" answered without a single number is no answer.
        return Answer(question, False, NOT_COVERED, [], {**signals, "quantity_missing": 1.0})
    citations: list[Citation] = []
    numbers: dict[int, int] = {}
    parts: list[str] = []
    for candidate in chosen:
        if candidate.passage not in numbers:
            p = passages[candidate.passage]
            citations.append(Citation(p.source, p.title, p.chunk_id, p.text))
            numbers[candidate.passage] = len(citations)
        parts.append(f"{_terminate(candidate.text)} [{numbers[candidate.passage]}]")
    return Answer(question, True, " ".join(parts), citations, signals)


def select_sentences(
    question: str, passages: list[Passage], document_frequency: dict[str, int], documents: int
) -> list[_Candidate]:
    """The best sentences for ``question``: the top one, then close runners-up, no near-repeats."""
    weights = {t: rarity(t, document_frequency, documents) for t in set(match_terms(question))}
    total = sum(weights.values()) or 1.0
    candidates: list[_Candidate] = []
    for rank, passage in enumerate(passages):
        heading_terms = set(match_terms(passage.section + " " + passage.title))
        prior = PASSAGE_PRIOR / (rank + 1)
        for position, sentence in enumerate(_units(passage.text)):
            sentence_terms = set(match_terms(sentence))
            own = sum(w for t, w in weights.items() if t in sentence_terms)
            inherited = sum(w for t, w in weights.items() if t in heading_terms and t not in sentence_terms)
            score = (own + 0.5 * inherited) / total + prior
            candidates.append(_Candidate(sentence, rank, position, score))
    if not candidates:
        return []
    candidates.sort(key=lambda c: (-c.score, c.passage, c.position))
    best = candidates[0].score
    chosen: list[_Candidate] = []
    seen: list[set[str]] = []
    for candidate in candidates:
        if len(chosen) >= MAX_SENTENCES or candidate.score < RUNNER_UP_SHARE * best:
            break
        term_set = set(terms(candidate.text, keep_stopwords=True))
        if any(_jaccard(term_set, other) > 0.6 for other in seen):
            continue
        chosen.append(candidate)
        seen.append(term_set)
    # Read in document order: a passage's sentences in their original sequence.
    return sorted(chosen, key=lambda c: (c.passage, c.position))


_QUANTITY_QUESTION = re.compile(
    r"\b(how (many|much|long|often|large|big)|what (year|date|percentage|share|number|amount)|when (was|were|did)|"
    r"in (what|which) year)\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand|"
    r"million|billion|twice|weekly|monthly|daily|"
    r"yearly|annual|quarterly)\b",
    re.IGNORECASE,
)


def asks_for_quantity(question: str) -> bool:
    """Questions whose answer must be a number, an amount or a date."""
    return bool(_QUANTITY_QUESTION.search(question))


def _has_quantity(sentence: str) -> bool:
    return bool(_QUANTITY.search(sentence))


def _units(text: str) -> list[str]:
    """Sentences, with runs of short list items joined into one unit ("A; B; C")."""
    units: list[str] = []
    run: list[str] = []
    for line_group in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in re.split(r"  \n|\n", line_group) if ln.strip()]
        for line in lines:
            if re.match(r"^([-*•]|\d+\.)\s+", line) and len(line.split()) <= 16:
                run.append(re.sub(r"^([-*•]|\d+\.)\s+", "", line).replace("**", "").rstrip("."))
                continue
            if run:
                units.append("; ".join(run))
                run = []
            units.extend(split_sentences(line))
    if run:
        units.append("; ".join(run))
    return units


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _terminate(sentence: str) -> str:
    return sentence if sentence[-1:] in ".!?" else sentence + "."
