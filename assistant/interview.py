"""The adaptive interview agent.

The agent keeps, per dimension, the range of levels the evidence still allows: at least the
current level estimate, at most the level below the first stated gap. It asks about the
dimension whose range is widest, choosing the unasked question whose practices sit nearest the
next level above the current estimate (a search over levels, not a script: an answer that shows
level 4 moves the next question to level 5). An answer with no usable evidence
gets one follow-up probe. The interview ends when every dimension is settled or has nothing left
to ask, or at the question budget, with a summary the stakeholder confirms or corrects.

The agent is deterministic and holds no I/O: the session service stores each turn before calling
``reply`` and rebuilds an agent after a restart by replaying the stored answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assistant.assessment import Assessment, Stakeholder
from assistant.engines import Engine
from assistant.extraction import AnswerTurn, Observation, TurnReading, aggregate, observations_in_context
from assistant.findings import Status
from assistant.framework import Dimension, Question
from assistant.informal import normalise
from assistant.prompts import PromptSet, load_prompts
from assistant.scoring import DimensionScore, score_dimension

DEFAULT_BUDGET = 14
#: Even a dimension that looks settled gets this many questions: one answer is thin evidence, and
#: a consultant wants the stakeholder's own words on each area.
MIN_QUESTIONS_PER_DIMENSION = 4
#: After this many answers in a row with no usable evidence, the stakeholder does not know the area.
MAX_FRUITLESS_IN_A_ROW = 3
QUOTE_CHARS = 90


class Intent(StrEnum):
    ANSWER = "answer"
    EMPTY = "empty"
    SKIP = "skip"
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"
    BACK = "back"
    STOP = "stop"
    ASKS_RATING = "asks_rating"
    CONFIRM = "confirm"


_INTENTS: list[tuple[Intent, re.Pattern[str]]] = [
    (Intent.SKIP, re.compile(r"^(?:skip|pass|next|next question|skip (?:this|it|that)(?: one| question)?)$")),
    (
        Intent.DONT_KNOW,
        re.compile(
            r"^(?:i )?(?:don'?t|do not) know|^(?:i'?m )?not sure|^no idea|^(?:i )?(?:can'?t|cannot) say|^dunno|"
            r"^(?:i )?(?:have )?no clue|^unsure$|^(?:i'?m )?not the right person"
        ),
    ),
    (
        Intent.NOT_APPLICABLE,
        re.compile(
            r"^(?:n/?a|not applicable|doesn'?t apply|does not apply|not relevant|irrelevant)(?: (?:to us|here))?$"
        ),
    ),
    (Intent.BACK, re.compile(r"^(?:go back|back|undo|previous(?: question)?|go to the previous question)$")),
    (
        Intent.STOP,
        re.compile(r"^(?:stop|quit|exit|end|finish|done|that'?s all|i'?m done|end (?:the )?interview|let'?s stop)$"),
    ),
    (
        Intent.ASKS_RATING,
        re.compile(
            r"\b(?:what|which) (?:level|score|rating|grade)\b.*\b(?:we|us|our)\b|\bwould you (?:rate|score|give)\b|"
            r"\bhow (?:mature|good) are we\b|\bhow are we doing\b|\bwhat do you think of (?:us|our)\b|"
            r"\bwhat(?:'s| is) our (?:level|score|rating|maturity)\b|\bare we (?:mature|level \d)\b"
        ),
    ),
]
_CONFIRM = re.compile(
    r"^(?:yes|yep|yeah|correct|confirm(?:ed)?|right|that'?s right|that'?s correct|looks (?:good|right)|"
    r"all good|agreed|ok|okay|sure|fine)\b[\s,.!]*(?:that'?s (?:right|correct)|it is|thanks?(?: you)?)?[\s.!]*$"
)


def classify(text: str) -> Intent:
    """What a stakeholder message is: an answer, or one of the interview's controls."""
    cleaned = " ".join(normalise(text).text.lower().strip().split()).strip(" .!?")  # "idk" is "I don't know"
    if not cleaned:
        return Intent.EMPTY
    for intent, pattern in _INTENTS:
        if intent is Intent.ASKS_RATING:
            if "?" in text and pattern.search(cleaned):
                return intent
        elif pattern.search(cleaned):
            return intent
    if _CONFIRM.match(cleaned):
        return Intent.CONFIRM
    return Intent.ANSWER


class Phase(StrEnum):
    ASKING = "asking"
    SUMMARY = "summary"
    CLOSED = "closed"


@dataclass(frozen=True)
class DimensionProgress:
    id: str
    name: str
    questions_asked: int
    evidence: int
    done: bool


@dataclass(frozen=True)
class AgentReply:
    """One message from the agent: an acknowledgement, then a question or the summary."""

    text: str
    kind: str  # question | probe | summary | closing | closed | notice
    question: str | None = None
    question_id: str | None = None
    acknowledgement: str = ""
    suggestions: list[str] = field(default_factory=list)
    progress: list[DimensionProgress] = field(default_factory=list)
    done: bool = False

    def meta(self) -> dict[str, Any]:
        """What the session service stores alongside the text."""
        return {
            "kind": self.kind,
            "question_id": self.question_id,
            "question": self.question,
            "suggestions": self.suggestions,
            "done": self.done,
        }


@dataclass
class _Asked:
    question_id: str
    probe: bool
    answer_turn: int | None = None  # the answer number that replied to it


class Interview:
    """One stakeholder's interview. Feed it answers with ``reply``; it returns what to say next."""

    def __init__(
        self,
        engine: Engine,
        *,
        organisation: str | None = None,
        stakeholder: Stakeholder | None = None,
        budget: int = DEFAULT_BUDGET,
        prompts: PromptSet | None = None,
    ) -> None:
        self.engine = engine
        self.framework = engine.framework
        self.organisation = organisation
        self.stakeholder = stakeholder or Stakeholder()
        self.budget = budget
        self.prompts = prompts or load_prompts("interviewer")
        self.phase = Phase.ASKING
        self.asked: list[_Asked] = []
        self.answers: list[AnswerTurn] = []
        self.readings: list[TurnReading] = []
        self.withdrawn: set[int] = set()  # answers taken back with "go back"
        self.correction_pending = False
        self._last_answer_text = ""

    # -- state ----------------------------------------------------------------------------
    @property
    def questions_asked(self) -> int:
        return len(self.asked)

    def _kept(self) -> list[tuple[AnswerTurn, TurnReading]]:
        """Answers with their readings, less those taken back with "go back"."""
        return [(t, r) for t, r in zip(self.answers, self.readings, strict=True) if t.turn not in self.withdrawn]

    def _observations(self) -> list[Observation]:
        return observations_in_context(r for _, r in self._kept())

    def scores(self) -> dict[str, DimensionScore]:
        findings = aggregate(self._observations())
        return {d.id: score_dimension(d.id, findings, d.max_level) for d in self.framework.dimensions}

    def assessment(self) -> Assessment:
        kept = self._kept()
        turns = [t for t, _ in kept]
        readings = [r for _, r in kept]
        return self.engine.assess(
            turns, organisation=self.organisation, stakeholder=self.stakeholder, readings=readings
        )

    def _asked_ids(self) -> set[str]:
        return {a.question_id for a in self.asked}

    def _remaining(self, dimension: Dimension) -> list[Question]:
        asked = self._asked_ids()
        return [q for q in dimension.questions if q.id not in asked]

    def _range(self, dimension: Dimension, score: DimensionScore) -> tuple[int, int]:
        """Levels still possible: (lowest, highest)."""
        low = score.level or 0
        blocked = [f.level for f in score.holding_back] + [
            f.level for f in score.deciding if f.status is not Status.PRESENT
        ]
        high = min(blocked) - 1 if blocked else dimension.max_level
        return low, max(low, high)

    def _open_dimensions(self, scores: dict[str, DimensionScore]) -> list[tuple[float, int, Dimension]]:
        candidates: list[tuple[float, int, Dimension]] = []
        for order, dimension in enumerate(self.framework.dimensions):
            score = scores[dimension.id]
            if not self._remaining(dimension) or self._fruitless_streak(dimension) >= MAX_FRUITLESS_IN_A_ROW:
                continue
            if score.level is None and self._sent_elsewhere(dimension):
                continue  # "not my area, ask the platform team": more questions on it would be wasted
            low, high = self._range(dimension, score)
            known = score.settled or (score.level is not None and low >= high)
            if known and self._asked_in(dimension) >= MIN_QUESTIONS_PER_DIMENSION:
                continue
            width = (high - low) + (1.5 if score.level is None else 0.0)
            candidates.append((width, order, dimension))
        candidates.sort(key=lambda c: (-c[0], self._asked_in(c[2]), c[1]))
        return candidates

    def _fruitless_streak(self, dimension: Dimension) -> int:
        """Answers in a row, most recent first, to this dimension's questions that gave no evidence."""
        ids = {q.id for q in dimension.questions}
        streak = 0
        for asked in reversed(self.asked):
            if asked.question_id not in ids or asked.answer_turn is None:
                continue
            if asked.answer_turn in self.withdrawn:
                continue
            if self.readings[asked.answer_turn - 1].usable:
                break
            streak += 1
        return streak

    def _sent_elsewhere(self, dimension: Dimension) -> bool:
        """Whether the stakeholder said this dimension's topic is someone else's area."""
        return any(r.sent_elsewhere == dimension.id for _, r in self._kept())

    def _asked_in(self, dimension: Dimension) -> int:
        ids = {q.id for q in dimension.questions}
        return sum(1 for a in self.asked if a.question_id in ids and not a.probe)

    def _choose_question(self, dimension: Dimension, score: DimensionScore) -> Question:
        low, high = self._range(dimension, score)
        # Climb from the foundations: ask about the next level above what the evidence shows (level 2
        # when nothing is known yet). Everyone can describe their foundations, and an answer about
        # them often reveals the higher practices too, so the climb usually skips levels.
        target = low + 1 if score.level is not None else 2
        known = {f.practice for f in aggregate(self._observations())}

        def value(question: Question) -> tuple[float, int]:
            worth = 0.0
            for pid in question.practices:
                if pid in known:
                    continue
                level = self.framework.practice_index[pid][1]
                if score.level is not None and not (low < level <= high):
                    continue
                worth += 1.0 / (1.0 + abs(level - target))
            return worth, -dimension.questions.index(question)

        return max(self._remaining(dimension), key=value)

    def progress(self) -> list[DimensionProgress]:
        scores = self.scores()
        open_ids = {d.id for _, _, d in self._open_dimensions(scores)}
        observations = self._observations()
        return [
            DimensionProgress(
                id=d.id,
                name=d.name,
                questions_asked=self._asked_in(d),
                evidence=sum(1 for o in observations if o.dimension == d.id),
                done=d.id not in open_ids,
            )
            for d in self.framework.dimensions
        ]

    # -- conversation ---------------------------------------------------------------------
    def opening(self) -> AgentReply:
        addressee = f", {self.stakeholder.name}" if self.stakeholder.name else ""
        greeting = self.prompts.render("greeting", addressee=addressee)
        return self._next(greeting)

    def reply(self, text: str) -> AgentReply:
        """Read one stakeholder message and say what comes next."""
        if self.phase is Phase.CLOSED:
            return self._message(self.prompts.render("closed"), "closed", done=True)
        intent = classify(text)
        if self.phase is Phase.SUMMARY:
            return self._reply_to_summary(text, intent)
        if intent is Intent.EMPTY:
            return self._repeat(self.prompts.render("empty"))
        if intent is Intent.ASKS_RATING:
            return self._repeat(self.prompts.render("deferral"))
        if intent is Intent.STOP:
            return self._summary("")
        if intent is Intent.BACK:
            return self._back()
        current = self.asked[-1] if self.asked else None
        if intent in (Intent.SKIP, Intent.DONT_KNOW, Intent.NOT_APPLICABLE, Intent.CONFIRM):
            ack_key = {
                Intent.SKIP: "ack_skip",
                Intent.DONT_KNOW: "ack_dont_know",
                Intent.NOT_APPLICABLE: "ack_not_applicable",
                Intent.CONFIRM: "ack_none",
            }[intent]
            # "I don't know how it's released; we meet IT every Tuesday though" says more than that
            # it doesn't know: what follows is read as any answer is (the ignorance itself is no evidence).
            reading = self._record(text, current, read=intent in (Intent.CONFIRM, Intent.DONT_KNOW))
            if intent is Intent.DONT_KNOW and reading is not None and reading.usable:
                return self._next(self._acknowledge(reading))
            return self._next(self.prompts.render(ack_key))
        normalised = " ".join(text.lower().split())
        if normalised == self._last_answer_text:
            self._record(text, current, read=False)
            return self._next(self.prompts.render("ack_repeat"))
        self._last_answer_text = normalised
        reading = self._record(text, current, read=True)
        if (
            reading is not None
            and not reading.usable
            and not reading.sent_elsewhere
            and current is not None
            and not current.probe
        ):
            question = self.framework.question_index[current.question_id][1]
            if self.questions_asked < self.budget:
                return self._ask(question, probe=True, acknowledgement=self.prompts.render("ack_none"))
        return self._next(self._acknowledge(reading))

    def _record(self, text: str, current: _Asked | None, *, read: bool) -> TurnReading | None:
        number = len(self.answers) + 1
        question_text = ""
        question_id = None
        if current is not None:
            question_id = current.question_id
            question = self.framework.question_index[question_id][1]
            question_text = question.probe if current.probe else question.text
            current.answer_turn = number
        turn = AnswerTurn(turn=number, question=question_text, answer=text, question_id=question_id)
        # An answer that is not read ("I don't know, that's another team") still says where its topic lies.
        reading = self.engine.read_turn(turn) if read else self.engine.extractor.in_context(turn, TurnReading())
        self.answers.append(turn)
        self.readings.append(reading)
        return reading

    def _acknowledge(self, reading: TurnReading | None) -> str:
        if reading is None or not reading.observations:
            return self.prompts.render("ack_none")
        top = max(reading.observations, key=lambda o: o.confidence)
        key = {
            Status.PRESENT: "ack_present",
            Status.ABSENT: "ack_missing",
            Status.PLANNED: "ack_planned",
            Status.PARTIAL: "ack_partial",
        }.get(top.status, "ack_none")
        return self.prompts.render(key, quote=_short(top.quote))

    def _back(self) -> AgentReply:
        answered = [a for a in self.asked if a.answer_turn is not None and a.answer_turn not in self.withdrawn]
        if not answered:
            return self._repeat(self.prompts.render("back_at_start"))
        previous = answered[-1]
        assert previous.answer_turn is not None
        self.withdrawn.add(previous.answer_turn)
        self._last_answer_text = ""
        # The unanswered current question goes back to the pool; the previous one is asked again.
        if self.asked and self.asked[-1].answer_turn is None:
            self.asked.pop()
        question = self.framework.question_index[previous.question_id][1]
        self.asked.remove(previous)
        return self._ask(question, probe=previous.probe, acknowledgement=self.prompts.render("ack_back"))

    def _next(self, acknowledgement: str) -> AgentReply:
        if self.questions_asked >= self.budget:
            return self._summary(acknowledgement)
        scores = self.scores()
        candidates = self._open_dimensions(scores)
        if not candidates:
            return self._summary(acknowledgement)
        dimension = candidates[0][2]
        question = self._choose_question(dimension, scores[dimension.id])
        return self._ask(question, probe=False, acknowledgement=acknowledgement)

    def _ask(self, question: Question, *, probe: bool, acknowledgement: str) -> AgentReply:
        self.asked.append(_Asked(question.id, probe))
        return self._question_reply(question, probe, acknowledgement)

    def _repeat(self, notice: str) -> AgentReply:
        """Say something and ask the current question again (nothing recorded as an answer)."""
        if not self.asked:
            return self._message(notice, "notice")
        current = self.asked[-1]
        return self._question_reply(self.framework.question_index[current.question_id][1], current.probe, notice)

    def _question_reply(self, question: Question, probe: bool, acknowledgement: str) -> AgentReply:
        text = question.probe if probe else question.text
        if self.readings and self.readings[-1].usable:  # the engine may word it to follow on from the answer
            text = self.engine.phrase_question(text, self.answers[-1].answer)
        suggestions = [*question.suggestions, *self.prompts.lists.get("always", [])]
        return AgentReply(
            text=f"{acknowledgement} {text}".strip(),
            kind="probe" if probe else "question",
            question=text,
            question_id=question.id,
            acknowledgement=acknowledgement,
            suggestions=list(dict.fromkeys(suggestions)),
            progress=self.progress(),
        )

    def _summary(self, acknowledgement: str) -> AgentReply:
        self.phase = Phase.SUMMARY
        lines = [self.prompts.render("summary")]
        findings = aggregate(self._observations())
        for dimension in self.framework.dimensions:
            points: list[str] = []
            for finding in sorted(
                (f for f in findings if f.dimension == dimension.id), key=lambda f: (-f.confidence, f.level)
            )[:3]:
                key = "summary_point_present" if finding.status is Status.PRESENT else "summary_point_missing"
                # The practice is named beside the words it was read from: one answer may show one
                # practice in place and another missing ("we retrain when someone notices" is
                # reactive retraining in place and drift-triggered retraining missing).
                practice = self.framework.practice_index[finding.practice][2].label
                points.append(self.prompts.render(key, practice=practice, quote=_short(finding.evidence[0].quote)))
            if points:
                lines.append(
                    self.prompts.render("summary_dimension", dimension=dimension.name, points="; ".join(points))
                )
            else:
                lines.append(self.prompts.render("summary_no_evidence", dimension=dimension.name))
        body = "\n".join(lines)
        return AgentReply(
            text=f"{acknowledgement}\n{body}".strip(),
            kind="summary",
            acknowledgement=acknowledgement,
            suggestions=list(self.prompts.lists.get("summary", [])),
            progress=self.progress(),
        )

    def _reply_to_summary(self, text: str, intent: Intent) -> AgentReply:
        if intent in (Intent.CONFIRM, Intent.STOP, Intent.SKIP):
            return self._close()
        if intent is Intent.EMPTY:
            return self._message(self.prompts.render("empty"), "summary", suggestions=self.prompts.lists.get("summary"))
        if intent is Intent.ASKS_RATING:
            return self._message(
                self.prompts.render("deferral"), "summary", suggestions=self.prompts.lists.get("summary")
            )
        if intent is Intent.BACK:
            self.phase = Phase.ASKING
            return self._back()
        # Anything else corrects the summary: read it as one more answer, then summarise again.
        self._record(text, None, read=True)
        return self._summary(self.prompts.render("correction_ack"))

    def _close(self) -> AgentReply:
        self.phase = Phase.CLOSED
        return self._message(self.prompts.render("closing"), "closing", done=True)

    def _message(self, text: str, kind: str, *, done: bool = False, suggestions: list[str] | None = None) -> AgentReply:
        return AgentReply(
            text=text, kind=kind, suggestions=list(suggestions or []), progress=self.progress(), done=done
        )


#: A joining word a clause was cut from its sentence with ("and we have a few unit tests").
_LEADING_JOIN = re.compile(r"^(?:and|but|so|then|plus)\s+(?=\w)", re.IGNORECASE)


def _short(quote: str) -> str:
    """``quote`` on one line, cut at a word near ``QUOTE_CHARS``, without closing punctuation (it
    is set inside a sentence of the agent's own)."""
    quote = _LEADING_JOIN.sub("", " ".join(quote.split()).rstrip(" .,;:")) or quote
    return quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
