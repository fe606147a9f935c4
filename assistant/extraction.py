"""Embedded extraction: answers to findings, with no LLM.

Each answer is cut into clauses (``assistant.clauses``). A clause's *topic* is the practice whose
cue phrasings it is most similar to (sentence embeddings plus a small bonus for the practice's
topic words); its *polarity* comes from whether it matched a cue of the practice in place or of
the practice missing, flipped when the clause and the cue disagree on negation, and its mood
(planned, partial) from ``read_mood``. Short replies that only make sense with the question
("No.", "Only when someone complains") borrow the question's topic.

Every finding carries its evidence: the answer's turn number and the clause as a verbatim quote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from assistant.clauses import (
    Clause,
    Mood,
    another_employers_sentences,
    asks_about_the_speaker,
    automatic_marker,
    closed_question_claim,
    continues_model_purpose,
    continuity_contrast,
    deferred_ends,
    deferred_topic,
    defers_to_others,
    denial_items,
    describes_model_purpose,
    describes_the_past,
    does_without_people,
    exception_apart,
    is_about_another_team,
    is_bare_reply,
    is_beyond_that,
    is_correction,
    is_ignorance,
    is_instruction,
    is_self_introduction,
    is_verdict,
    leading_reply_mood,
    main_question,
    manual_marker,
    names_automation,
    names_what_came_before,
    names_who_built_it,
    opens_the_interview,
    quoted_instructions,
    read_mood,
    retracted_span,
    says_alone,
    says_missing_in_words,
    segment,
    strip_continuity_contrast,
    strip_exception_lead,
    strip_exception_tail,
    strip_leading_reply,
)
from assistant.findings import Evidence, Finding, Status
from assistant.framework import Framework, Practice
from assistant.informal import normalise
from assistant.text import stem, terms

#: Answers longer than this are read up to here; the rest is still stored, never lost.
MAX_ANSWER_CHARS = 20_000


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


#: Clauses this short are reply fragments that lean on the question for their verb.
_FRAGMENT_WORDS = 4
#: Fewer words before a deferral than this name no topic of their own.
_TOPIC_WORDS = 6


@dataclass(frozen=True)
class ExtractionParams:
    """Matching thresholds, calibrated on the dev transcripts (``make calibrate-extraction``)."""

    match_threshold: float = 0.5  # cosine (plus term bonus) a clause needs to count as evidence
    context_threshold: float = 1.0  # same, with its question (1.0: off; measured no better on dev)
    term_bonus: float = 0.04  # added when the clause names one of the practice's topic words
    polarity_margin: float = 0.04  # a missing-cue match must beat the present-cue match by this much (0.0 -> 0.04:
    # dev monitoring 0.92 -> 0.94, holdout3 collaboration 0.87 -> 0.90; embeddings barely see polarity)
    question_threshold: float = 0.55  # a transcript question that close to a framework question borrows its practices
    secondary_margin: float = 0.0  # another dimension's practice also counts when within this of the best match
    holding_back_extra: float = 0.1  # evidence that a practice is missing must match this much more clearly
    negation_extra: float = 0.05  # ... unless the clause says so in so many words ("there are no dashboards")
    present_prefers_lower: float = 0.06  # a claim that reads about equally like a lower practice of the same
    # dimension is read as that one: advanced practice has to be described as such (dev 0.906 -> 0.919)
    # A denial that reads about equally like a lower practice of the same dimension that it names
    # denies that one: "No drift detection as such" resembles drift-triggered retraining, yet without
    # drift detection there is no such trigger either, and the rubric blocks the lower level.
    denial_prefers_lower: float = 0.05
    bare_question_threshold: float = 0.4  # the same, for a bare reply ("I don't.") that has no topic of its own
    question_dimension_bonus: float = 0.02  # added to the practices of the question's dimension
    manual_implies_missing: bool = True  # "done manually" also marks the automated practice missing
    automation_bonus: float = 0.03  # added to automated practices when the clause says "automatically"
    # "retrained automatically every night" claims an automated practice whose claims it resembles
    # at least this much, even when it resembles the practice's missing side more.
    automatic_claim_floor: float = 0.4
    worded_missing_margin: float = 0.1  # a missing cue that says "no"/"alone" must beat a plain claim by this
    # ... and, in a clause that says one party works "alone", such a cue wins unless the plain claim beats it
    # by more than polarity_margin less this ("Platform carries the pager alone").
    alone_missing_margin: float = 0.1
    deferred_topic_margin: float = 0.08  # a deferral names its own dimension when its words resemble that
    # dimension's cues this much more than any other's ("what happens once they're live I can't speak to")
    question_dimension_margin: float = 0.04  # a transcript question must resemble one dimension's questions this
    # much more than any other's to lend its dimension
    # A claim of a foundational practice (level <= foreign_topic_level) this close to the threshold is a
    # stray one when its clause names another dimension's topic words and none of its own: "I copy the
    # csv of predictions into the import folder by hand" is deployment, not a manual accuracy review.
    # Foundational practices are described in everyday words (copying, checking, talking) that every
    # dimension's answers use; advanced ones in words of their own (read sets +6 levels, none lost;
    # at every level: +7 -4).
    foreign_topic_extra: float = 0.15
    foreign_topic_level: int = 2
    off_question_extra: float = 0.03  # a reading outside the dimension the question asked about needs this much
    # more: "I've been paged at 4am for it" answers a question on shared ownership, not on alerting (+2 -1 levels
    # over the 18 read sets; 0.05: +3 -6)


@dataclass(frozen=True)
class AnswerTurn:
    """One answered question. ``turn`` is the 1-based answer number; ``question_id`` is known in interviews."""

    turn: int
    question: str
    answer: str
    question_id: str | None = None


@dataclass(frozen=True)
class Observation:
    """One clause read as evidence about one practice."""

    practice: str
    dimension: str
    level: int
    status: Status
    confidence: float
    turn: int
    quote: str
    reason: str
    #: The answer corrects an earlier one, so this reading replaces earlier readings of the practice.
    corrects: bool = False
    #: Inferred from another practice's reading (an ad-hoc state means its practice is missing), not
    #: said about this one: what the stakeholder says about the practice itself outweighs it.
    inferred: bool = False


@dataclass
class TurnReading:
    observations: list[Observation] = field(default_factory=list)
    instructions_ignored: list[str] = field(default_factory=list)
    #: Set by an LLM engine when this reading is the embedded engine's, standing in: why.
    fallback: str | None = None
    #: The dimension the question asked about, when the framework's questions place it in one.
    question_dimension: str | None = None
    #: The dimension an answer with no evidence says is someone else's area ("that's another team").
    sent_elsewhere: str | None = None
    #: Whether the question opened the interview (the speaker's role, their organisation).
    opening: bool = False

    @property
    def usable(self) -> bool:
        return bool(self.observations)


class CueBank:
    """Every cue of a framework, embedded once; similarity of any text to every practice."""

    def __init__(self, framework: Framework, encoder: Encoder) -> None:
        self.framework = framework
        self.encoder = encoder
        self.practice_ids: list[str] = list(framework.practice_index)
        texts: list[str] = []
        owners: list[int] = []
        is_missing: list[bool] = []
        for index, pid in enumerate(self.practice_ids):
            practice = framework.practice_index[pid][2]
            for cue in [practice.statement, *practice.present]:
                texts.append(cue)
                owners.append(index)
                is_missing.append(False)
            for cue in practice.missing:
                texts.append(cue)
                owners.append(index)
                is_missing.append(True)
        self.cue_texts = texts
        self.cue_owner = np.asarray(owners)
        self.cue_missing = np.asarray(is_missing)
        self.cue_denies = np.asarray([says_missing_in_words(t) for t in texts])
        self.cue_manual = np.asarray([manual_marker(t) is not None for t in texts])
        #: Present cues of an ad-hoc state worded as a denial ("Nobody owns a model"; not a
        #: restriction such as "we only hear of it from users").
        self.cue_denied_ad_hoc = np.asarray(
            [
                framework.practice_index[self.practice_ids[owner]][1] == 1
                and not missing
                and read_mood(text).mood is Mood.NEGATED
                for text, owner, missing in zip(texts, owners, is_missing, strict=True)
            ]
        )
        self.cue_vectors = encoder.encode(texts)
        self.off_topic_vectors = encoder.encode(list(framework.off_topic)) if framework.off_topic else None
        self.practice_automated = np.asarray(
            [framework.practice_index[pid][2].is_automated for pid in self.practice_ids]
        )
        self.practice_levels = np.asarray([framework.practice_index[pid][1] for pid in self.practice_ids])
        self.practice_dimensions = np.asarray([framework.practice_index[pid][0].id for pid in self.practice_ids])
        self.practices = [framework.practice_index[pid][2] for pid in self.practice_ids]
        #: Practices that a clause must name in so many words (``requires`` in the framework).
        self.gated = [i for i, practice in enumerate(self.practices) if practice.requires]
        self.practice_terms = [
            {stem(t.lower()) for t in framework.practice_index[pid][2].terms} for pid in self.practice_ids
        ]
        #: Every topic word of each dimension's practices.
        self.dimension_terms: dict[str, set[str]] = {}
        for dimension_id, words in zip(self.practice_dimensions, self.practice_terms, strict=True):
            self.dimension_terms.setdefault(str(dimension_id), set()).update(words)
        question_ids = list(framework.question_index)
        self.question_ids = question_ids
        self.question_vectors = encoder.encode([framework.question_index[q][1].text for q in question_ids])
        self.question_dimensions = np.asarray([framework.question_index[q][0].id for q in question_ids])

        self._gather = {missing: self._gather_matrix(missing) for missing in (False, True)}
        self._cache: dict[tuple[str, ...], np.ndarray] = {}

    def _gather_matrix(self, missing: bool) -> np.ndarray:
        """Row p lists practice p's cue indices of one kind, padded with -1 (a sentinel column)."""
        rows: list[list[int]] = [[] for _ in self.practice_ids]
        for cue, (owner, is_missing) in enumerate(zip(self.cue_owner, self.cue_missing, strict=True)):
            if bool(is_missing) == missing:
                rows[int(owner)].append(cue)
        width = max(1, max(len(r) for r in rows))
        return np.asarray([r + [-1] * (width - len(r)) for r in rows])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts, remembering recent calls (interview replays read the same answers again).

        The cache is keyed by the whole call, never by single texts: in a batch, padding to the
        longest text changes a vector in its last bits, so a text reused from another call's batch
        made a near tie, and once a level, depend on which cases had run before (a case scored
        alone and in a set disagreed). The same call now always gives the same vectors.
        """
        if not texts:
            return np.zeros((0, self.cue_vectors.shape[1]), dtype=np.float32)
        key = tuple(texts)
        vectors = self._cache.get(key)
        if vectors is None:
            if len(self._cache) > 5_000:
                self._cache.clear()
            vectors = self._cache[key] = self.encoder.encode(list(texts))
        return vectors

    def best_per_practice(self, cue_sims: np.ndarray, missing: bool) -> tuple[np.ndarray, np.ndarray]:
        """For one text: best similarity and best cue index per practice among present or missing cues
        (-1 and index -1 for a practice without cues of that kind)."""
        gather = self._gather[missing]
        padded = np.append(cue_sims, -1.0)  # index -1 reads the sentinel
        values = padded[gather]
        best = values.argmax(axis=1)
        return values[np.arange(len(gather)), best], gather[np.arange(len(gather)), best]

    def names_another_topic(self, clause_terms: set[str], dimension: str) -> bool:
        """Whether a clause names topic words of another dimension's practices and none of ``dimension``'s."""
        if clause_terms & self.dimension_terms[dimension]:
            return False
        return any(clause_terms & words for other, words in self.dimension_terms.items() if other != dimension)

    def cue_similarities(self, vectors: np.ndarray) -> np.ndarray:
        return np.asarray(vectors @ self.cue_vectors.T)


class Extractor:
    """The embedded engine's extraction: answers in, observations out (``aggregate`` makes findings)."""

    engine = "embedded"

    def __init__(self, framework: Framework, encoder: Encoder, params: ExtractionParams | None = None) -> None:
        self.framework = framework
        self.params = params or ExtractionParams()
        self.bank = CueBank(framework, encoder)

    # -- reading one answer ---------------------------------------------------------------
    def read_turn(self, turn: AnswerTurn) -> TurnReading:
        return self.in_context(turn, self._read_answer(turn))

    def in_context(self, turn: AnswerTurn, reading: TurnReading) -> TurnReading:
        """Mark what ``observations_in_context`` weighs a reading by (any engine's reading): the
        dimension its question asked about, and the one its answer sends elsewhere, if any."""
        reading.question_dimension = self._single_dimension(self._question_practices(turn))
        reading.opening = opens_the_interview(turn.question)
        answer = normalise(turn.answer[:MAX_ANSWER_CHARS]).text
        if not reading.observations and defers_to_others(answer):
            # Such an answer has nothing but the question to go on, as a bare reply has: the same
            # looser match of the question to the framework's questions. Unless the deferral names
            # its own topic: "What happens with the forecasts once they're live, I can't speak to"
            # sends monitoring elsewhere, whatever the question asked about.
            # (Not a question that reads about as much like another dimension's: "How are the models
            # built, tested and released?" is as close to the hand-over question as to testing.)
            practices = self._question_practices(turn, self.params.bare_question_threshold, clear=True)
            asked = None if asks_about_the_speaker(turn.question) else self._single_dimension(practices)
            ranked = self._topic_dimensions(deferred_topic(answer, _TOPIC_WORDS))
            if ranked is None:
                reading.sent_elsewhere = asked
            elif ranked[0][0] - ranked[1][0] >= self.params.deferred_topic_margin:
                reading.sent_elsewhere = ranked[0][1]
            elif ranked[0][1] == asked:
                reading.sent_elsewhere = asked
            # Otherwise the deferral names a topic that reads most like another dimension than the one
            # asked about, if not clearly: "How they build and release it, the code, the tools, is
            # beyond me", asked how the teams work together, sends nothing in particular elsewhere.
        return reading

    def _topic_dimensions(self, topic: str) -> list[tuple[float, str]] | None:
        """The dimensions by how closely their cues resemble ``topic``, best first; None when it names
        no topic. A few words ("After the handover it's not my area") set a scene rather than name
        one, and a topic is named in passing ("what happens once they're live"), so it may resemble
        its dimension's cues a little less closely than evidence must."""
        if len(topic.split()) < _TOPIC_WORDS:
            return None
        bank = self.bank
        sims = bank.cue_similarities(bank.encode([topic]))[0]
        dimensions = [d.id for d in self.framework.dimensions]
        owners = bank.practice_dimensions[bank.cue_owner]
        best = sorted(((float(sims[owners == d].max(initial=-1.0)), d) for d in dimensions), reverse=True)
        if len(best) < 2 or best[0][0] < self.params.match_threshold - 0.05:
            return None
        return best

    def _single_dimension(self, practices: list[str]) -> str | None:
        """The dimension all ``practices`` belong to, or None when they span several (or are none)."""
        dimensions = {self.framework.practice_index[p][0].id for p in practices}
        return dimensions.pop() if len(dimensions) == 1 else None

    def _read_answer(self, turn: AnswerTurn) -> TurnReading:
        """Read the answer as if written out ("we dont have ci atm"), quoting the stakeholder's own words."""
        informal = normalise(turn.answer[:MAX_ANSWER_CHARS])
        reading = self._read_text(turn, informal.text)
        if informal.changed:
            quoted = [(o, informal.quote(o.quote)) for o in reading.observations]
            reading.observations = [replace(o, quote=q) for o, q in quoted if q is not None]
            reading.instructions_ignored = [informal.quote(t) or t for t in reading.instructions_ignored]
        return reading

    def _read_text(self, turn: AnswerTurn, answer: str) -> TurnReading:
        reading = TurnReading()
        clauses = [c for c in segment(answer) if c.text.strip()]
        evidence_clauses: list[Clause] = []
        payloads = quoted_instructions(answer)
        purpose = False  # whether the clause before only said what a model is for
        for clause in clauses:
            purpose = describes_model_purpose(clause.text) or (purpose and continues_model_purpose(clause.text))
            if clause.text.rstrip().endswith("?"):
                continue  # a question to the interviewer is not a statement about the organisation
            if any(start <= clause.start and clause.end <= end + 1 for start, end in payloads):
                reading.instructions_ignored.append(clause.text)
                continue
            if not is_instruction(clause.text):
                if not (
                    is_ignorance(clause.text)
                    or is_self_introduction(clause.text)
                    or is_verdict(clause.text)
                    or is_about_another_team(clause.text)
                    or purpose
                    or names_who_built_it(clause.text)
                    or names_what_came_before(clause.text)
                ):
                    evidence_clauses.append(clause)
                continue
            # Only the instruction itself is set aside: a statement that shares its clause (a short
            # "New instructions:" joined to the sentence before) is still evidence.
            for piece in segment(clause.text, merge=False):
                part = Clause(clause.start + piece.start, clause.start + piece.end, piece.text)
                if is_instruction(part.text) or len(part.text.split()) < 3:
                    reading.instructions_ignored.append(part.text)
                elif not is_ignorance(part.text):
                    evidence_clauses.append(part)
        # "How they're monitored is handled by my manager; I'm not involved": the topic is named only
        # to say it is someone else's, so nothing up to the deferral is evidence.
        deferred = deferred_ends(answer) + another_employers_sentences(answer)
        evidence_clauses = [c for c in evidence_clauses if not any(s <= c.start < e for s, e in deferred)]
        evidence_clauses = [item for clause in evidence_clauses for item in _denials_apart(clause)]
        retracted = retracted_span(answer)
        if retracted is not None:
            # Only what was said just before the interruption is taken back: "Actually, no, we
            # don't have CI" answers the question, and earlier sentences stand.
            start, end = retracted
            evidence_clauses = [c for c in evidence_clauses if not (start <= c.start and c.end <= end)]
        if not evidence_clauses:
            return reading
        bodies = [
            strip_continuity_contrast(strip_exception_tail(strip_exception_lead(strip_leading_reply(c.text)) or c.text))
            for c in evidence_clauses
        ]
        own = self.bank.encode(bodies)
        question_practices = self._question_practices(turn)
        prior = self._dimension_prior(question_practices)
        for i, clause in enumerate(evidence_clauses):
            found = self._match(clause, bodies[i], own[i], turn, self.params.match_threshold, 1.0, prior)
            if not found and is_bare_reply(clause.text):
                found = self._closed_answer(clause, turn, prior)
                # "Otherwise, not really." to an open question denies nothing in particular: it
                # is about whatever the answer left out, not the question's most basic practice.
                if not found and not is_beyond_that(clause.text):
                    # A bare reply has nothing but the question to go on, so a looser match of the
                    # question to the framework's questions is better than reading nothing.
                    practices = question_practices or self._question_practices(
                        turn, self.params.bare_question_threshold
                    )
                    found = self._bare_reply(clause, turn, practices)
            if not found and (lead := leading_reply_mood(clause.text)) is not None:
                # "No, it's a straight replacement": what follows the reply names no practice, so
                # the reply answers the closed question's claim, as a bare "No." would.
                found = self._closed_answer(clause, turn, prior, lead)
            if not found and self.params.context_threshold < 1.0 and turn.question.strip():
                contextual = self.bank.encode([f"{turn.question} {bodies[i]}"])[0]
                found = self._match(clause, bodies[i], contextual, turn, self.params.context_threshold, 0.85, prior)
            reading.observations.extend(found)
            reading.observations.extend(self._denied_by(found))
        if is_correction(answer):
            reading.observations = [replace(o, corrects=True) for o in reading.observations]
        return reading

    def _denied_by(self, found: list[Observation]) -> list[Observation]:
        """The practices an ad-hoc state described in a clause says are missing (the framework's
        ``denies``): "the code lives on a shared drive" is also version control stated absent, which
        caps the level as the rubric's "capped below the first level stated absent" requires."""
        index = self.framework.practice_index
        read = {o.practice for o in found}
        derived: list[Observation] = []
        for observation in found:
            if observation.status is not Status.PRESENT:
                continue
            ad_hoc = index[observation.practice][2]
            if ad_hoc.denies_in_words_only and read_mood(observation.quote).mood is not Mood.NEGATED:
                continue  # "I eyeball the numbers" is the ad-hoc state; "we have no tests" denies testing
            for denied in ad_hoc.denies:
                if denied in read:
                    continue  # the clause itself says how that practice stands
                read.add(denied)
                _, level, practice = index[denied]
                derived.append(
                    replace(
                        observation,
                        practice=denied,
                        level=level,
                        status=Status.ABSENT,
                        reason=f"the ad-hoc state described means {practice.label.lower()} is missing",
                        inferred=True,
                    )
                )
        return derived

    def _dimension_prior(self, question_practices: list[str]) -> np.ndarray | None:
        """A small bonus for the practices of the dimension the question was about: "a written
        checklist that restarts the scheduled task" answers a deployment question, not a
        maintenance one."""
        dimension = self._single_dimension(question_practices)
        if dimension is None or self.params.question_dimension_bonus <= 0:
            return None
        return np.where(self.bank.practice_dimensions == dimension, self.params.question_dimension_bonus, 0.0)

    def _question_practices(self, turn: AnswerTurn, threshold: float | None = None, clear: bool = False) -> list[str]:
        if turn.question_id and turn.question_id in self.framework.question_index:
            return list(self.framework.question_index[turn.question_id][1].practices)
        if not turn.question.strip():
            return []
        vector = self.bank.encode([main_question(turn.question)])[0]
        sims = self.bank.question_vectors @ vector
        best = int(np.argmax(sims)) if len(sims) else -1
        if best < 0 or sims[best] < (self.params.question_threshold if threshold is None else threshold):
            return []
        if (threshold is None or clear) and self.params.question_dimension_margin > 0:
            # "After deployment, how do you keep an eye on how the model is doing?" reads about as
            # much like a deployment question as a monitoring one: it is about neither in particular.
            dimension = self.bank.question_dimensions[best]
            others = sims[self.bank.question_dimensions != dimension]
            if len(others) and sims[best] - float(others.max()) < self.params.question_dimension_margin:
                return []
        return list(self.framework.question_index[self.bank.question_ids[best]][1].practices)

    def _closed_answer(
        self, clause: Clause, turn: AnswerTurn, prior: np.ndarray | None, mood: Mood | None = None
    ) -> list[Observation]:
        """A bare "Yes." or "Nope." to a closed question answers the claim the question states:
        "Do you test it before you put it out?" - "Nope." reads as "not we test it before we put it
        out", a denial of testing, quoted as the reply."""
        claim = closed_question_claim(turn.question)
        if claim is None:
            return []
        # The reply's mood in one plain word ahead of the claim: a leading "Nope," would be read as
        # an answer to the interviewer and dropped.
        mood = mood or read_mood(clause.text).mood
        body = f"{_MOOD_WORD[mood]} {claim}".strip()
        vector = self.bank.encode([body])[0]
        # A "Yes" affirms what the question asks about: "Do you do anything to improve how the teams
        # work together?" - "Yes, quite a lot." resembles "nobody works on improving how the teams
        # collaborate" ("anything"), yet it is no gap.
        asserted = read_mood(body).mood is Mood.AFFIRMED
        return self._match(clause, body, vector, turn, self.params.match_threshold, 0.9, prior, asserted, closed=True)

    def _bare_reply(self, clause: Clause, turn: AnswerTurn, practices: list[str]) -> list[Observation]:
        """A bare "No." denies the most basic practice the question asked about."""
        mood = read_mood(clause.text).mood
        if mood is not Mood.NEGATED or not practices:
            return []
        index = self.framework.practice_index
        candidates = sorted((index[p][1], p) for p in practices if index[p][1] > 1)
        if not candidates:
            return []
        level, pid = candidates[0]
        dimension = index[pid][0].id
        return [Observation(pid, dimension, level, Status.ABSENT, 0.55, turn.turn, clause.text, "bare negative reply")]

    def _match(
        self,
        clause: Clause,
        body: str,
        vector: np.ndarray,
        turn: AnswerTurn,
        threshold: float,
        weight: float,
        prior: np.ndarray | None = None,
        asserted: bool = False,
        closed: bool = False,
    ) -> list[Observation]:
        """Readings of one clause (``body``: its text as read). ``asserted``: the clause affirms a
        practice, so only the present side of each practice's cues is read. ``closed``: ``body`` is
        a closed question's claim answered by a bare reply, so a denial denies that very claim."""
        bank = self.bank
        sims = bank.cue_similarities(vector[None, :])[0]
        mood = read_mood(body)
        # "Promotion is gated by a policy, not a person" resembles "promotion depends on someone's
        # judgement"; its negation denies the manual way, so it is a claim in both polarity tests.
        claims_automation = mood.mood is Mood.AFFIRMED and does_without_people(body)
        # Whether the clause itself denies or restricts in words; asked of every candidate practice.
        body_denies = says_missing_in_words(body)
        alone = mood.mood is Mood.AFFIRMED and says_alone(body)
        # "..., not continuously": done at times by people, so the automated form is what is missing.
        manual = manual_marker(body) or continuity_contrast(clause.text)
        automatic = automatic_marker(body)
        # "The model is retrained automatically every night" resembles "the model is retrained
        # whenever someone finds the time": a clause that says the work is automatic, and denies
        # nothing, claims an automated practice whichever side of its cues it resembles more, as long
        # as it resembles the claims too (``automatic_claim_floor``): "after the review on automated
        # decision-making we switched it off" resembles no claim of codified promotion.
        says_automatic = bool(automatic) and not manual and mood.mood is Mood.AFFIRMED and not body_denies
        automation_named = says_automatic and names_automation(body)
        past = describes_the_past(body)
        # "Deployment is automated" sits closest to "Deployment is manual but repeatable": a clause
        # that says the work is automatic is never read through a cue that describes it done by hand
        # (on either side: "promotion is still manual" is no reading of "promotion is automated").
        cue_sims = np.where(bank.cue_manual, -1.0, sims) if automatic and not manual else sims
        if mood.mood is Mood.AFFIRMED and not body_denies:
            # "The models are owned by a joint team of data scientists and SREs" resembles "Nobody
            # owns a model after the data scientist moves on": an ad-hoc state worded as a denial is
            # only described by a clause that denies too (it read shared ownership as no roles).
            cue_sims = np.where(bank.cue_denied_ad_hoc, -1.0, cue_sims)
        present, present_cue = bank.best_per_practice(cue_sims, missing=False)
        missing, missing_cue = bank.best_per_practice(cue_sims, missing=True)
        if asserted:
            missing = np.full_like(missing, -1.0)
        clause_terms = set(terms(body))
        bonus = np.asarray([self.params.term_bonus if clause_terms & t else 0.0 for t in bank.practice_terms])
        score = np.maximum(present, missing) + bonus
        if prior is not None:
            score = score + prior
        if mood.mood is not Mood.NEGATED:
            # The required words qualify a claim ("we meet *every other Tuesday*"); a denial such as
            # "we've never had a meeting" denies the practice whatever the cadence.
            # A reply fragment ("Around releases.") borrows its verb from the question ("How often
            # do you meet?"), so the question's words count towards the required ones too.
            fragment = len(body.split()) <= _FRAGMENT_WORDS
            for index in bank.gated:
                practice = bank.practices[index]
                if not practice.admits(body) and not (fragment and practice.admits(f"{turn.question} {body}")):
                    score[index] = -1.0
        if automatic and not manual:
            score = score + np.where(bank.practice_automated, self.params.automation_bonus, 0.0)
        if bank.off_topic_vectors is not None and len(score):
            chatter = float((bank.off_topic_vectors @ vector).max())
            if chatter >= float(score.max()):
                return []
        missing_floor = threshold + self.params.holding_back_extra
        if mood.mood is Mood.NEGATED and past and len(score) and bank.practice_levels[int(np.argmax(score))] == 1:
            # "We used to be split, data science in one building and platform across town": an
            # ad-hoc state that is over denies nothing that replaced it (read against levels 2 and
            # up, it denied the regular meetings).
            return []
        if mood.mood is Mood.NEGATED:
            # "There are no dashboards" says more about the dashboards practice than about the
            # ad-hoc state it resembles: a negated clause is read against levels 2 and up.
            # When nothing above level 1 matches, the clause still describes the ad-hoc state.
            above = np.where(bank.practice_levels > 1, score, -1.0)
            missing_floor = threshold + self.params.negation_extra
            if automatic:
                # "Nothing retrains automatically" denies the automation, not the retraining.
                automated = np.where(bank.practice_automated, above, -1.0)
                if automated.max(initial=-1.0) >= missing_floor:
                    above = automated
            if above.max(initial=-1.0) >= missing_floor:
                score = above
        observations: list[Observation] = []
        best_by_dimension: dict[str, int] = {}
        ranked = np.argsort(-score)
        floor = max(threshold, float(score[ranked[0]]) - self.params.secondary_margin) if len(ranked) else threshold
        for index in ranked:
            if score[index] < floor:
                break
            pid = bank.practice_ids[index]
            dimension, level, practice = self.framework.practice_index[pid]
            if dimension.id in best_by_dimension:
                continue
            best_by_dimension[dimension.id] = int(index)
            matched_missing = self._reads_missing(
                index,
                present,
                missing,
                missing_cue,
                mood.mood,
                body_denies,
                alone,
                claims_automation
                or (
                    says_automatic
                    and bool(bank.practice_automated[index])
                    and present[index] >= self.params.automatic_claim_floor
                ),
            )
            status, reason = _status(practice, level, matched_missing, mood.mood, manual)
            instead: int | None = None
            # (A gap too weak to hold a level back is dropped below, never turned into a claim.)
            standing_gap = status is Status.ABSENT and score[index] >= missing_floor
            if mood.mood is Mood.AFFIRMED and not body_denies and (standing_gap or level == 1):
                instead = self._named_claim(score, int(index), dimension.id, present, missing, clause_terms)
            if instead is None and status is Status.PRESENT and self.params.present_prefers_lower > 0 and level > 1:
                lower = self._least_advanced_alike(
                    score,
                    int(index),
                    dimension.id,
                    present,
                    missing,
                    claims_automation,
                    present_cue,
                    body_denies,
                    clause_terms,
                    automation_named,
                )
                instead = lower if lower != index else None
            if (
                instead is None
                and status is Status.ABSENT
                and mood.mood is Mood.NEGATED
                and not automatic
                and not closed
                and self.params.denial_prefers_lower > 0
                and level > 2
            ):
                lower = self._least_denied_alike(score, int(index), dimension.id, clause_terms, missing_floor)
                instead = lower if lower != index else None
            if instead is not None:
                index = instead
                pid = bank.practice_ids[index]
                _, level, practice = self.framework.practice_index[pid]
                best_by_dimension[dimension.id] = index
                # Both pick only a practice whose present side wins the polarity test, so the
                # reading that replaces the first one is a claim.
                status, reason = _status(practice, level, False, mood.mood, manual)
            if status is None:
                continue
            if past and (level == 1 or (status is Status.ABSENT and mood.mood is Mood.AFFIRMED)):
                # "When I joined, the data scientists sat in another city", "before that it was a
                # folder of notebooks": that state, and the gap it implied, is over.
                continue
            # The prior marks the question's dimension; a reading outside it is a stray one when weak.
            if prior is not None and prior[index] <= 0 and score[index] < threshold + self.params.off_question_extra:
                continue
            if (
                status is Status.PRESENT
                and level <= self.params.foreign_topic_level
                and score[index] < threshold + self.params.foreign_topic_extra
                and bank.names_another_topic(clause_terms, dimension.id)
            ):
                continue
            # A weak match that would hold a level back does more harm than a missed one; explicit
            # plans and partial practice are signalled in words, so they need no extra margin.
            if status is Status.ABSENT and score[index] < missing_floor:
                # Too weak to hold a level back, but "nobody has a formal role for this" still
                # describes the ad-hoc state when that dimension's level-1 practice matches too.
                # (A negated clause only: an affirmed one that resembles a missing cue is too often
                # about another dimension, "it's notebooks on a shared drive" is no handover.)
                ad_hoc = None
                if mood.mood is Mood.NEGATED:
                    ad_hoc = self._ad_hoc_alike(score, int(index), dimension.id, threshold)
                if ad_hoc is None:
                    continue
                index = ad_hoc
                pid = bank.practice_ids[index]
                _, level, practice = self.framework.practice_index[pid]
                best_by_dimension[dimension.id] = index
                status, reason = Status.PRESENT, "describes the ad-hoc state"
            confidence = weight * _confidence(float(score[index]), threshold)
            if mood.mood is not Mood.AFFIRMED:
                reason += f" ({mood.marker!r})"
            observations.append(
                Observation(pid, dimension.id, level, status, round(confidence, 3), turn.turn, clause.text, reason)
            )
        # ("We used to deploy by hand" says nothing of how deployment is done now.)
        if manual and mood.mood is Mood.AFFIRMED and self.params.manual_implies_missing and not past:
            observations.extend(
                self._manual_automation(score, turn, clause, manual, threshold, missing_floor, best_by_dimension)
            )
        return observations

    def _reads_missing(
        self,
        index: int,
        present: np.ndarray,
        missing: np.ndarray,
        missing_cue: np.ndarray,
        mood: Mood,
        body_denies: bool,
        alone: bool,
        claims_automation: bool,
    ) -> bool:
        """Whether the clause matched the practice's missing side rather than its present side.

        Embeddings barely see "alone", "only" or "no": "we all carry the same pager" sits closer to
        "Ops alone carries the pager" than to "data scientists carry the pager". A missing cue that
        says so in words only wins against a plain affirmative clause by a clear margin.
        """
        if claims_automation:
            return False
        margin = self.params.polarity_margin
        cue = int(missing_cue[index])
        if cue >= 0 and self.bank.cue_denies[cue] and mood is Mood.AFFIRMED and not body_denies:
            margin += self.params.worded_missing_margin
        elif cue >= 0 and self.bank.cue_denies[cue] and alone:
            # "Platform carries the pager alone" sits closer to "data scientists carry the pager" than
            # to "Ops alone carries the pager": the clause says in words that no one else does it.
            margin -= self.params.alone_missing_margin
        return _missing_side_wins(index, present, missing, margin)

    def _alike(
        self, score: np.ndarray, index: int, dimension: str, at_least: float = -np.inf, margin: float | None = None
    ) -> np.ndarray:
        """This dimension's practices (``index`` among them) that read about as well as ``index``:
        within ``margin`` (``present_prefers_lower`` unless given) of its score, and at least ``at_least``."""
        margin = self.params.present_prefers_lower if margin is None else margin
        floor = max(at_least, float(score[index]) - margin)
        return np.nonzero((score >= floor) & (self.bank.practice_dimensions == dimension))[0]

    def _least_denied_alike(
        self, score: np.ndarray, index: int, dimension: str, clause_terms: set[str], at_least: float
    ) -> int:
        """Among this dimension's practices above level 1 scoring within ``denial_prefers_lower`` of
        ``index`` (and at least ``at_least``), the lowest level that has every topic word the clause
        names of ``index``: the most basic form of what the denial names ("drift" is both practices'
        word). A clause that names nothing of ``index`` keeps it: "Nobody tracks how long handovers
        take" denies the measuring, not the hand-over ticket it names."""
        bank = self.bank
        named = clause_terms & bank.practice_terms[index]
        if not named:
            return index
        best = index
        for other in self._alike(score, index, dimension, at_least, self.params.denial_prefers_lower):
            level = bank.practice_levels[other]
            if 1 < level < bank.practice_levels[best] and named <= bank.practice_terms[int(other)]:
                best = int(other)
        return best

    def _least_advanced_alike(
        self,
        score: np.ndarray,
        index: int,
        dimension: str,
        present: np.ndarray,
        missing: np.ndarray,
        claims_automation: bool,
        present_cue: np.ndarray,
        body_denies: bool,
        clause_terms: set[str],
        automation_named: bool = False,
    ) -> int:
        """Among this dimension's practices scoring within the margin of ``index`` on their *present*
        side, the lowest level. (A practice that is close only through its missing cues would turn a
        claim of practice into a gap: "we hold a joint retrospective" is not "data science moves on".)
        A practice whose required words the clause names (``requires``) keeps it: "hold a joint
        retrospective" is a retrospective, however much it also resembles incident handling; so does an
        automated practice when the clause names the automation (``automation_named``)."""
        bank = self.bank
        if bank.practices[index].requires:
            return index
        best = index
        for other in self._alike(score, index, dimension):
            reads_present = claims_automation or not _missing_side_wins(
                int(other), present, missing, self.params.polarity_margin
            )
            # Not down to an ad-hoc state that the clause resembles only through a cue that denies in
            # so many words: "owned jointly by ..., who share the on-call duty" is not "nobody owns a
            # model", while "I send the file by email to Marek" is the ad-hoc hand-over itself.
            denied_ad_hoc = (
                bank.practice_levels[other] == 1 and bool(bank.cue_denies[int(present_cue[other])]) and not body_denies
            )
            # "I open a ticket for the backend team with a handoff checklist" names the ticket and
            # nothing of the chat message it also resembles: a claim in a practice's own words is not
            # read down to an ad-hoc state. (Between practices above level 1 the lower one still
            # wins: "if it's genuine drift we retrain" names drift, yet is no automatic trigger.)
            # A word both share names neither: "We wrote down the roles in our handbook" names roles,
            # the written roles' word as much as the ad-hoc state's ("roles are unclear").
            unnamed = (
                bank.practice_levels[other] == 1
                and bool(clause_terms & bank.practice_terms[index])
                and not clause_terms & (bank.practice_terms[other] - bank.practice_terms[index])
            )
            # "Now GitHub Actions deploys to production automatically" is automated delivery, not
            # the CI it also resembles: a claim of automation in so many words is not read down to a
            # practice without it. ("If drift alerts fire we roll back or kick off a retrain" is.)
            keeps_automation = (
                automation_named and bank.practice_automated[index] and not bank.practice_automated[other]
            )
            if (
                bank.practice_levels[other] < bank.practice_levels[best]
                and reads_present
                and not denied_ad_hoc
                and not unnamed
                and not keeps_automation
            ):
                best = int(other)
        return best

    def _named_claim(
        self,
        score: np.ndarray,
        index: int,
        dimension: str,
        present: np.ndarray,
        missing: np.ndarray,
        clause_terms: set[str],
    ) -> int | None:
        """A practice of the same dimension that the clause names in its own words and that reads
        about as well, as a claim, as the gap or ad-hoc state matched at ``index``. "The lead raises
        a ticket with IT using a handoff checklist" resembles "once the model is handed over, data
        science moves on", and "they put the file on a shared drive and raise a ticket" the
        e-mailed hand-over: a claim that names the ticket is the ticket."""
        bank = self.bank
        if clause_terms & bank.practice_terms[index]:
            return None  # "Roles around our models are informal" is about roles, whatever else it names
        # An ad-hoc state yields only to a practice whose absence it would otherwise imply ("the
        # flow director notices the drift" is not drift detection).
        ad_hoc = bank.practice_levels[index] == 1
        denied = set(bank.practices[index].denies)
        best: int | None = None
        for candidate in self._alike(score, index, dimension):
            other = int(candidate)
            if other == index or bank.practice_levels[other] == 1 or not clause_terms & bank.practice_terms[other]:
                continue
            if ad_hoc and bank.practice_ids[other] not in denied:
                continue
            if _missing_side_wins(other, present, missing, self.params.polarity_margin):
                continue
            if best is None or score[other] > score[best]:
                best = other
        return best

    def _ad_hoc_alike(self, score: np.ndarray, index: int, dimension: str, threshold: float) -> int | None:
        """This dimension's level-1 practice scoring within the margin of ``index`` and over the
        threshold, if any: the ad-hoc state a too-weak gap reading also describes."""
        alike = [
            other for other in self._alike(score, index, dimension, threshold) if self.bank.practice_levels[other] == 1
        ]
        return int(max(alike, key=lambda other: score[other])) if alike else None

    def _manual_automation(
        self,
        score: np.ndarray,
        turn: AnswerTurn,
        clause: Clause,
        manual: str,
        threshold: float,
        gap_floor: float,
        taken: dict[str, int],
    ) -> list[Observation]:
        """'Deployment is done manually' also says the automated form of that practice is missing.
        A practice of another dimension must match as clearly as any gap (``gap_floor``); one of a
        dimension the clause is already about needs only the match ``threshold``, because "manual"
        says in words that its automation is missing: "deployment is a manual job that I press"."""
        automated = np.where(self.bank.practice_automated, score, -1.0)
        index = int(np.argmax(automated))
        pid = self.bank.practice_ids[index]
        dimension, level, _ = self.framework.practice_index[pid]
        floor = threshold if dimension.id in taken else gap_floor
        if automated[index] < floor or index in taken.values():
            return []
        confidence = round(_confidence(float(score[index]), floor), 3)
        reason = f"done by hand, not automated ({manual!r})"
        return [Observation(pid, dimension.id, level, Status.ABSENT, confidence, turn.turn, clause.text, reason)]

    # -- whole transcripts ----------------------------------------------------------------
    def read(self, turns: Sequence[AnswerTurn]) -> list[TurnReading]:
        return [self.read_turn(t) for t in turns]


_MOOD_WORD = {Mood.AFFIRMED: "", Mood.NEGATED: "not", Mood.PARTIAL: "sometimes", Mood.PLANNED: "not yet"}


def _denials_apart(clause: Clause) -> list[Clause]:
    """A list of denials as one clause per item, an exception apart from the denial after it; any
    other clause as it is."""
    items = denial_items(clause.text) or exception_apart(clause.text)
    if not items:
        return [clause]
    return [Clause(clause.start + item.start, clause.start + item.end, item.text) for item in items]


def _missing_side_wins(index: int, present: np.ndarray, missing: np.ndarray, margin: float) -> bool:
    """Whether practice ``index`` matched its missing cues better than its present cues by more than
    ``margin``: the one polarity test that reading a practice and falling back to a lower one share."""
    return bool(missing[index] > present[index] + margin)


def _status(
    practice: Practice, level: int, matched_missing: bool, mood: Mood, manual: str | None = None
) -> tuple[Status | None, str]:
    """Status of a practice from which kind of cue matched and the clause's mood.

    Negation never flips a missing-cue match back to "in place": "there are no meetings" read
    against "we never meet" is agreement, and double negatives are rare in real answers.
    Level-1 practices describe the ad-hoc state itself ("nobody monitors it"), so whatever the
    mood, a match is evidence that the ad-hoc state holds.
    """
    if level == 1:
        return Status.PRESENT, "describes the ad-hoc state"
    if mood is Mood.PLANNED:
        return Status.PLANNED, "planned or wished for"
    if mood is Mood.PARTIAL:
        if practice.occasional_ok and not matched_missing:
            return Status.PRESENT, "occasional practice is this practice"
        return Status.PARTIAL, "partial or occasional"
    if matched_missing or mood is Mood.NEGATED:
        return Status.ABSENT, "described as missing"
    if manual and practice.is_automated:
        return Status.ABSENT, f"done by hand, not automated ({manual!r})"
    return Status.PRESENT, "described as in place"


def _confidence(score: float, threshold: float) -> float:
    """Map a match score to 0.5-1.0: just over the threshold is a coin toss, 0.8+ is near certain."""
    span = max(0.8 - threshold, 1e-6)
    return 0.5 + 0.5 * min(1.0, max(0.0, (score - threshold) / span))


def observations_in_context(readings: Iterable[TurnReading]) -> list[Observation]:
    """The readings' observations, less those about a dimension the stakeholder said is someone
    else's area ("no idea, that's another team") and gave no evidence on when asked about it.
    What such a stakeholder seems to say about that area in other answers is more likely a
    misreading of another topic ("a data validation step in CI" read as monitoring) than knowledge.
    An answer to the area's own question that is mainly about the area still counts: "not my area,
    but I know we have alerts". A secondary reading beside a clearer one of another dimension does
    not ("we agree KPIs with the business and review them quarterly", asked how models perform).
    An answer to an opening question keeps only its clear readings (``OPENING_FLOOR``): it sets
    the scene, and a weak match there ("we had Excel and gut feeling before that") is more often
    a stray reading than a practice. Alone, with no later answer on its dimension, a reading of it
    must be clearer still (``OPENING_ALONE_FLOOR``)."""
    readings = [
        replace(r, observations=[o for o in r.observations if o.confidence >= OPENING_FLOOR]) if r.opening else r
        for r in readings
    ]
    sent_elsewhere = {r.sent_elsewhere for r in readings if r.sent_elsewhere}
    answered = {
        leading for r in readings if r.observations and (leading := _leading_dimension(r)) == r.question_dimension
    }
    set_aside = sent_elsewhere - answered
    # A dimension known only from the opening answer, and not clearly, has not been asked about:
    # "I'm the one who signs the attestation to the regulator" is the speaker's role, not alerting.
    opening = [o for r in readings if r.opening for o in r.observations]
    later = {o.dimension for r in readings if not r.opening for o in r.observations}
    clear = {o.dimension for o in opening if o.confidence >= OPENING_ALONE_FLOOR}
    set_aside |= {o.dimension for o in opening} - later - clear
    return [o for r in readings for o in r.observations if o.dimension not in set_aside]


#: The confidence a reading of an answer to an opening question needs to count (measured on the
#: read sets: +3 levels, two of them dimensions without evidence now reported null, none lost).
OPENING_FLOOR = 0.65

#: The confidence one reading of an opening answer needs to place a dimension that no later answer
#: has evidence on (measured on the read sets: +2 levels, both dimensions without evidence, none lost).
OPENING_ALONE_FLOOR = 0.85


def _leading_dimension(reading: TurnReading) -> str:
    return max(reading.observations, key=lambda o: o.confidence).dimension


#: How much less sure the last word on a practice within one answer may be and still stand
#: (measured on the read sets: +3 -1 levels, the one loss a misread "doesn't matter").
SAME_ANSWER_MARGIN = 0.05


def aggregate(observations: Iterable[Observation], session: str | None = None) -> list[Finding]:
    """One finding per practice: the status its most confident observation gives (a later answer
    wins a tie; within that answer, the last word on the practice stands when it is within
    ``SAME_ANSWER_MARGIN`` of it), with every quote that supports that status. An answer that says it
    corrects an earlier one replaces what the earlier answers said about the practices it mentions,
    and what is said about a practice itself outweighs what is inferred about it from another."""
    by_practice: dict[str, list[Observation]] = {}
    for observation in observations:
        by_practice.setdefault(observation.practice, []).append(observation)
    findings: list[Finding] = []
    for pid, items in by_practice.items():
        corrected = max((o.turn for o in items if o.corrects), default=None)
        if corrected is not None:  # "I should correct that: the weekly sync was cancelled"
            items = [o for o in items if o.turn >= corrected]
        # "There's a change request form in ServiceNow" says how handovers are done; "I fill in the
        # handover template, what the file is" read as the ad-hoc hand-off implies no such ticket,
        # and an inference gives way to what is said about the practice itself.
        items = [o for o in items if not o.inferred] or items
        decisive = max(items, key=lambda o: (o.confidence, o.turn))
        # Within one answer, what is said last about a practice stands when it is about as sure:
        # "Whether the predictions are any good isn't something we watch. I believe the data
        # science lead does a monthly spreadsheet" ends on the review that exists.
        last = [o for o in items if o.turn == decisive.turn][-1]
        if last.status is not decisive.status and last.confidence >= decisive.confidence - SAME_ANSWER_MARGIN:
            decisive = last
        support = [o for o in items if o.status is decisive.status]
        support.sort(key=lambda o: (-o.confidence, o.turn))
        quotes: list[Evidence] = []
        seen: set[tuple[int, str]] = set()
        for o in support:
            if (o.turn, o.quote) not in seen:
                seen.add((o.turn, o.quote))
                quotes.append(Evidence(turn=o.turn, quote=o.quote, session=session))
        findings.append(
            Finding(
                practice=pid,
                dimension=decisive.dimension,
                level=decisive.level,
                status=decisive.status,
                confidence=decisive.confidence,
                evidence=quotes[:3],
                reason=decisive.reason,
            )
        )
    findings.sort(key=lambda f: (f.dimension, f.level, f.practice))
    return findings
