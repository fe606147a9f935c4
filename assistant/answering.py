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
from assistant.retrieval import HybridRetriever, Passage, heading_weights, named_share
from assistant.text import match_terms, split_sentences, terms

MAX_QUESTION_CHARS = 2000
NOT_COVERED = "The knowledge base does not cover this question."
TOP_PASSAGES = 5
ANSWER_PASSAGES = 5
MAX_SENTENCES = 7
PASSAGE_PRIOR = 0.3  # score bonus of the top passage's sentences, decaying as 1/rank
RUNNER_UP_SHARE = 0.35  # sentences scoring below this share of the best are left out
NAMED_SECTION_BONUS = 0.2  # times the share of its heading the question names
ANSWER_TYPE_BONUS = 0.3  # a sentence holding what the question asks for (a date, an address...)


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
    retrieval = retriever.retrieve(question, k=TOP_PASSAGES, kinds=kinds, sources=sources, query_vector=vector)
    passages = retrieval.passages
    index = retriever.index
    dense_best = retrieval.best_dense or 0.0
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
    if asks_for_money(question) and not any(_MONEY.search(c.text) for c in chosen):
        # "How much does the assessment cost?" answered with "Level 1" is no answer either.
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
    """The best sentences for ``question``: the top one, then close runners-up, no near-repeats.

    A sentence scores the rarity-weighted share of the question's terms it holds; terms of its
    section heading, document title or paragraph label ("Optimization: ...") count half. Two
    bonuses: sentences of a section the question names ("How is MLOps positioned?" names
    "Component Analysis > MLOps"), and sentences holding the kind of answer the question asks
    for (a date for "when", coordinates for "where on the map", an e-mail address for "contact").
    """
    weights = {t: rarity(t, document_frequency, documents) for t in set(match_terms(question))}
    total = sum(weights.values()) or 1.0
    wanted = answer_patterns(question)
    units = [_labelled_units(passage.text) for passage in passages]
    # Paragraph labels work as sub-headings: when the question names one ("the Optimization
    # stage"), sentences under the other labels ("Implementation: ...") are about something else.
    label_shares = {
        label: _named_share(label, weights, document_frequency, documents)
        for passage_units in units
        for _, label in passage_units
        if label
    }
    some_label_named = any(label_shares.values())
    candidates: list[_Candidate] = []
    for rank, passage in enumerate(passages):
        heading_terms = set(match_terms(passage.section + " " + passage.title))
        prior = PASSAGE_PRIOR / (rank + 1) + NAMED_SECTION_BONUS * _named_share(
            passage.section, weights, document_frequency, documents
        )
        for position, (sentence, label) in enumerate(units[rank]):
            sentence_terms = set(match_terms(sentence))
            inherited_terms = heading_terms | set(match_terms(label))
            own = sum(w for t, w in weights.items() if t in sentence_terms)
            inherited = sum(w for t, w in weights.items() if t in inherited_terms and t not in sentence_terms)
            score = (own + 0.5 * inherited) / total + prior
            if label and some_label_named:
                score = score + NAMED_SECTION_BONUS * label_shares[label] if label_shares[label] else score / 2
            if any(pattern.search(sentence) for pattern in wanted):
                score += ANSWER_TYPE_BONUS
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


def _named_share(section: str, weights: dict[str, float], document_frequency: dict[str, int], documents: int) -> float:
    """How much of the section's own heading (or a paragraph label) the question names; 0: not named."""
    return named_share(heading_weights(section, document_frequency, documents), weights)


# What a question asks for, and what a sentence holding it looks like.
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (  # a date
        re.compile(r"\b(when|what (year|date|month)|which (year|month)|date of|dated|published)\b", re.IGNORECASE),
        re.compile(
            r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|september|october|"
            r"november|december)\b",
            re.IGNORECASE,
        ),
    ),
    (  # an e-mail address
        re.compile(r"\b(e-?mail|contact|reach|write to)\b", re.IGNORECASE),
        re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    ),
    (  # a web address
        re.compile(r"\b(website|web site|web page|url|homepage|online)\b", re.IGNORECASE),
        re.compile(r"\bhttps?://|\bwww\.", re.IGNORECASE),
    ),
    (  # a position on a map: "(0.62, 0.80)"
        re.compile(r"\b(coordinates?|position(ed|s)?|placed|located|sits?|where)\b", re.IGNORECASE),
        re.compile(r"\(\s*[01]?\.\d+\s*,\s*[01]?\.\d+\s*\)"),
    ),
]


def answer_patterns(question: str) -> list[re.Pattern[str]]:
    """Patterns of the answers ``question`` asks for (empty when it asks for no particular kind)."""
    wanted = [answer for asks, answer in _ANSWER_TYPES if asks.search(question)]
    if asks_for_quantity(question):
        wanted.append(_QUANTITY)
    return wanted


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


_MONEY_QUESTION = re.compile(
    r"\bhow much\b.*\b(cost|costs|charge|charges|pay|paid|spend|spent|price|priced|earn|earns|bill|bills|invest)\b|"
    r"\b(revenue|turnover|budget|price|pricing|fee|fees|salary|salaries|cost per|costs per)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"[$€£¥]|\b(usd|eur|gbp|dollars?|euros?|pounds sterling|cents?)\b|\d\s*(k|m|bn)\b", re.IGNORECASE)


def asks_for_money(question: str) -> bool:
    """Questions whose answer must be a sum of money (a fee, a price, a budget, a revenue)."""
    return bool(_MONEY_QUESTION.search(question))


def _has_quantity(sentence: str) -> bool:
    return bool(_QUANTITY.search(sentence))


def _units(text: str) -> list[str]:
    """Sentences, with runs of short list items joined into one unit ("A; B; C")."""
    return [unit for unit, _ in _labelled_units(text)]


# "Strategy Development: Once the assessment..." - a paragraph introduced by a short label.
_LABEL = re.compile(r"^(?:\*\*)?([A-Z][\w&/' -]{1,60}?)(?:\*\*)?:(?:\*\*)?\s")
# A Markdown image or link, or a bare web address: not answer text by itself.
_ENDS_HARD_WRAPPED = re.compile(r"[^.!?:;\"')\]]$")
_MARKUP = re.compile(r"!?\[[^\]]*\]\([^)]*\)|https?://\S+|www\.\S+")


def _labelled_units(text: str) -> list[tuple[str, str]]:
    """Units of ``_units`` with the label of their paragraph ("" when it has none).

    The label carries the paragraph's topic into its later sentences ("This involves
    continuously monitoring..." belongs to "Optimization:"). Units that are only links or
    images are left out.
    """
    units: list[tuple[str, str]] = []
    run: list[str] = []
    for line_group in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in re.split(r"  \n|\n", line_group) if ln.strip()]
        label = ""
        for line in lines:
            label_match = _LABEL.match(line)
            if label_match and len(label_match.group(1).split()) <= 6:
                label = label_match.group(1)
            elif label and not _ENDS_HARD_WRAPPED.search(units[-1][0] if units else ""):
                label = ""  # a new line after a finished sentence: a new paragraph without label
            if re.match(r"^([-*•]|\d+\.)\s+", line) and len(line.split()) <= 16:
                run.append(re.sub(r"^([-*•]|\d+\.)\s+", "", line).replace("**", "").rstrip("."))
                continue
            if run:
                units.append(("; ".join(run), ""))
                run = []
            units.extend((sentence, label) for sentence in split_sentences(line))
    if run:
        units.append(("; ".join(run), ""))
    return [(unit, label) for unit, label in units if re.search(r"\w", _MARKUP.sub(" ", unit))]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _terminate(sentence: str) -> str:
    return sentence if sentence[-1:] in ".!?" else sentence + "."
