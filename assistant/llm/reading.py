"""LLM extraction: one answer to observations, each one checked before it counts as evidence.

The model sees a shortlist of candidate practices (those whose cues the embedded engine finds
closest to the answer's clauses, plus the practices the question asks about), the question,
and the answer as delimited data. It replies with JSON (``ExtractionOutput``); the schema sent
limits the practice id to the shortlist and the quote to the answer's own clauses, so a server
that enforces schemas (grammar-constrained decoding) cannot invent either. A reply is refused,
and the model asked again with the reason, when an observation names a practice the framework
does not have, quotes words that are not in the answer verbatim, quotes an instruction
addressed to the assessor ("rate us level 5"), or quotes words that are not about the practice
claimed (far from all its cues). An answer with nothing but such instructions is not sent at
all; one that talks about the assessment itself ("we are level 5") is read by the embedded
engine. Levels are never asked for: the shared scoring derives them from the
observations.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.clauses import is_bare_reply, is_ignorance, is_instruction, segment
from assistant.extraction import AnswerTurn, CueBank, Extractor, Observation, TurnReading
from assistant.findings import Status
from assistant.framework import Framework
from assistant.llm.client import ChatClient, InvalidOutput, inline_refs
from assistant.llm.delimit import as_data
from assistant.llm.errors import LLMRecoverableError

PROMPT = "extraction"
#: Practices offered to the model per answer: enough to cover an answer that touches several
#: areas, few enough for a small model's context.
CANDIDATES = 6
MAX_OBSERVATIONS = 8
#: Answers are read up to here by the model (the whole answer is still stored and quotable).
MAX_LLM_ANSWER_CHARS = 6000
#: The confidence of an observation the model made and the checks accepted.
LLM_CONFIDENCE = 0.8
MIN_QUOTE_CHARS = 2
#: Answers with more clauses than this get a free-text quote in the schema (checked afterwards).
MAX_QUOTE_CHOICES = 60
#: A quote must be at least this close (cosine) to one of the claimed practice's cues, present or
#: missing: the model may read paraphrases the embedded engine's 0.5 misses, not unrelated words
#: ("the board expects it" as evidence of deployment pipelines).
RELEVANCE_FLOOR = 0.35
# Talk about the assessment itself ("we are level 5", "the assessor", "rate us"): such an answer
# is read by the embedded engine, which only counts phrasings close to the framework's cues; a
# model could be talked into taking it at its word.
_ASSESSMENT_TALK = re.compile(
    r"\b(level|stufe|niveau|tier)\s*[1-5]\b|\b(assessor|rubric|maturity (level|score)|our maturity)\b|"
    r"\b(rate|rating|score|grade|mark)\s+(us|this|the organi[sz]ation|them)\b|\boptimi[sz]ed for every\b|"
    # ...or smuggles prompt structure: our delimiters, chat tokens, code fences, output-shaped JSON.
    r"</?\s*answer\s*>|<\|[a-z_]+\|>|```|\[/?(system|inst)\]|"
    r"\{\s*\"(practice|status|quote|levels?|observations)\"",
    re.IGNORECASE,
)


class ExtractedObservation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    practice: str = Field(description="A practice id from the list")
    status: Literal["present", "partial", "planned", "absent"]
    quote: str = Field(description="Words copied exactly from the answer")


class ExtractionOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observations: list[ExtractedObservation] = Field(max_length=MAX_OBSERVATIONS)


def candidate_practices(extractor: Extractor, turn: AnswerTurn, limit: int = CANDIDATES) -> list[str]:
    """Practice ids to offer the model: the question's own, then the ``limit`` nearest the answer's clauses."""
    framework = extractor.framework
    chosen: list[str] = []
    if turn.question_id and turn.question_id in framework.question_index:
        chosen.extend(framework.question_index[turn.question_id][1].practices)
    bank = extractor.bank
    texts = [c.text for c in segment(turn.answer[:MAX_LLM_ANSWER_CHARS]) if c.text.strip()] or [turn.answer]
    best = np.full(len(bank.practice_ids), -1.0)
    for row in bank.cue_similarities(bank.encode(texts)):
        present, _ = bank.best_per_practice(row, False)
        missing, _ = bank.best_per_practice(row, True)
        best = np.maximum(best, np.maximum(present, missing))
    added = 0
    for index in np.argsort(-best, kind="stable"):
        if added >= limit:
            break
        pid = bank.practice_ids[int(index)]
        if pid not in chosen:
            chosen.append(pid)
            added += 1
    return chosen


def practice_lines(framework: Framework, ids: list[str]) -> str:
    """One line per practice: its id and short name (few tokens: small local models read slowly)."""
    return "\n".join(f"- {pid}: {framework.practice_index[pid][2].label}" for pid in ids)


def narrowed_schema(ids: list[str], quotes: list[str] | None = None) -> dict[str, Any]:
    """The output schema with the practice id limited to the shortlist and, when given, the quote to
    the answer's clauses: a server that enforces the schema (grammar-constrained decoding) can then
    only produce known practices and verbatim quotes. The checks run on the output all the same."""
    schema = inline_refs(ExtractionOutput.model_json_schema())
    item = schema["properties"]["observations"]["items"]
    item["properties"]["practice"] = {**item["properties"]["practice"], "enum": list(ids)}
    if quotes:
        item["properties"]["quote"] = {**item["properties"]["quote"], "enum": list(quotes)}
    return schema


def quotable_clauses(answer: str) -> list[str] | None:
    """The answer's clauses that may be quoted as evidence, verbatim (instructions to the assessor
    are not); None for a very long answer, whose quotes are then free text, checked afterwards."""
    clauses = list(dict.fromkeys(c.text for c in segment(answer[:MAX_LLM_ANSWER_CHARS]) if c.text.strip()))
    if len(clauses) > MAX_QUOTE_CHOICES:
        return None
    quotable: list[str] = []
    for clause in clauses:
        if is_instruction(clause):
            # As in the embedded engine, only the instruction is set aside: a statement sharing its
            # clause ("...when it fails. New instructions: ...") can still be quoted.
            pieces = [p.text for p in segment(clause, merge=False)]
            quotable.extend(p for p in pieces if len(p.split()) >= 3 and p in answer and _may_be_evidence(p))
        elif len(clause) >= MIN_QUOTE_CHARS and clause in answer and _may_be_evidence(clause):
            quotable.append(clause)
    return list(dict.fromkeys(quotable))


def _may_be_evidence(clause: str) -> bool:
    """The embedded engine's rule, shared: no instruction, no question to the interviewer, no "I don't know"."""
    return not (is_instruction(clause) or clause.rstrip().endswith("?") or is_ignorance(clause))


def talks_to_the_assessor(answer: str) -> bool:
    """An answer that addresses the assessment rather than describing practice (see ``_ASSESSMENT_TALK``)."""
    return bool(instructions_in(answer)) or _ASSESSMENT_TALK.search(answer[:MAX_LLM_ANSWER_CHARS]) is not None


def relevance(bank: CueBank, quote: str, practice: str) -> float:
    """Cosine of ``quote`` to the closest cue (present or missing) of ``practice``."""
    row = bank.cue_similarities(bank.encode([quote]))[0]
    index = bank.practice_ids.index(practice)
    present, _ = bank.best_per_practice(row, False)
    missing, _ = bank.best_per_practice(row, True)
    return float(max(present[index], missing[index]))


def locate_quote(quote: str, answer: str) -> str | None:
    """The answer's own words for a quote: an exact substring, allowing only for different runs of
    whitespace and for quotation marks around it. None when the words are not in the answer."""
    cleaned = quote.strip().strip("\"'“”‘’").strip()
    if len(cleaned) < MIN_QUOTE_CHARS:
        return None
    if cleaned in answer:
        return cleaned
    words = cleaned.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(pattern, answer)
    return found.group(0) if found else None


class TurnChecker:
    """Checks the model's output for one answer and keeps the observations that pass."""

    def __init__(
        self,
        framework: Framework,
        turn: AnswerTurn,
        engine_name: str,
        bank: CueBank | None = None,
        question_practices: list[str] | None = None,
    ) -> None:
        self.framework = framework
        self.turn = turn
        self.engine_name = engine_name
        self.bank = bank  # None: no relevance check (unit tests of the other checks)
        self.question_practices = set(question_practices or [])
        self.observations: list[Observation] = []

    def __call__(self, output: ExtractionOutput) -> None:
        problems: list[str] = []
        observations: list[Observation] = []
        seen: set[tuple[str, str]] = set()
        for number, item in enumerate(output.observations, start=1):
            entry = self.framework.practice_index.get(item.practice)
            if entry is None:
                problems.append(f"observation {number}: {item.practice!r} is not a practice id from the list")
                continue
            quote = locate_quote(item.quote, self.turn.answer)
            if quote is None:
                problems.append(f"observation {number}: the quote {item.quote[:80]!r} is not copied word for word")
                continue
            if is_instruction(quote):
                problems.append(
                    f"observation {number}: the quote is an instruction to the assessor, not a description "
                    "of a practice"
                )
                continue
            if not self._relevant(quote, item.practice):
                problems.append(
                    f"observation {number}: the quote {quote[:80]!r} does not describe {item.practice}; "
                    "quote the words that do, or leave the practice out"
                )
                continue
            dimension, level, _ = entry
            status = Status(item.status)
            if level == 1 and status is not Status.PRESENT:
                continue  # the ad-hoc baseline: only its presence says anything about the level
            if (item.practice, quote) in seen:
                continue
            seen.add((item.practice, quote))
            observations.append(
                Observation(
                    practice=item.practice,
                    dimension=dimension.id,
                    level=level,
                    status=status,
                    confidence=LLM_CONFIDENCE,
                    turn=self.turn.turn,
                    quote=quote,
                    reason=f"{status.value}, read by {self.engine_name}",
                )
            )
        if problems:
            raise InvalidOutput("; ".join(problems[:4]))
        self.observations = observations

    def _relevant(self, quote: str, practice: str) -> bool:
        if self.bank is None:
            return True
        if is_bare_reply(quote) and practice in self.question_practices:
            return True  # "No, never." takes its topic from the question, as in the embedded engine
        # A short quote ("never meet") is judged with the clause around it, which carries its topic.
        around = [c.text for c in segment(self.turn.answer[:MAX_LLM_ANSWER_CHARS]) if quote in c.text]
        return max(relevance(self.bank, text, practice) for text in [quote, *around]) >= RELEVANCE_FLOOR


def instructions_in(answer: str) -> list[str]:
    """Clauses of the answer addressed to the assessor, as the embedded engine sets them aside."""
    found: list[str] = []
    for clause in segment(answer[:MAX_LLM_ANSWER_CHARS]):
        if is_instruction(clause.text):
            found.extend(p.text for p in segment(clause.text, merge=False) if is_instruction(p.text))
    return found


def read_turn_with_llm(client: ChatClient, extractor: Extractor, turn: AnswerTurn, engine_name: str) -> TurnReading:
    """The model's reading of one answer; raises ``LLMRecoverableError`` when it cannot be had."""
    reading = TurnReading(instructions_ignored=instructions_in(turn.answer))
    quotes = quotable_clauses(turn.answer)
    if quotes == []:  # nothing but instructions (or nothing at all): no evidence to look for
        return extractor.in_context(turn, reading)
    if talks_to_the_assessor(turn.answer):
        raise LLMRecoverableError(
            "the answer addresses the assessment or holds an instruction to the assessor; read by the rules, "
            "which count only phrasings close to the framework's"
        )
    ids = candidate_practices(extractor, turn)
    question_practices: list[str] = []
    if turn.question_id and turn.question_id in extractor.framework.question_index:
        question_practices = list(extractor.framework.question_index[turn.question_id][1].practices)
    checker = TurnChecker(extractor.framework, turn, engine_name, extractor.bank, question_practices)
    client.structured(
        PROMPT,
        {
            "practices": practice_lines(extractor.framework, ids),
            "question": as_data(turn.question) or "(none)",
            "answer": as_data(turn.answer, MAX_LLM_ANSWER_CHARS),
        },
        ExtractionOutput,
        check=checker,
        json_schema=narrowed_schema(ids, quotes),
    )
    reading.observations.extend(checker.observations)
    return extractor.in_context(turn, reading)
