"""Interview sessions: the agent plus the database, so that no turn is ever lost.

Every stakeholder message is committed before the agent computes its reply; the reply is
committed before it is returned. After a crash an agent is rebuilt by replaying the stored
answers through a fresh one (the agent is deterministic), and a reply that was never stored is
regenerated and stored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from assistant.assessment import Assessment, Stakeholder, combine_assessments
from assistant.engines import Engine
from assistant.errors import InputError
from assistant.interview import DEFAULT_BUDGET, AgentReply, Interview
from assistant.persistence import Database, SessionRecord, TurnRecord

#: Messages up to this size are stored whole (only the first part is read); larger ones are refused
#: before anything is stored, so the stakeholder can split them.
MAX_MESSAGE_BYTES = 1_100_000
MAX_NAME_CHARS = 200
_CACHE_SIZE = 256


@dataclass(frozen=True)
class Started:
    session: SessionRecord
    reply: AgentReply


class InterviewService:
    def __init__(self, database: Database, engine: Engine, budget: int = DEFAULT_BUDGET) -> None:
        self.database = database
        self.engine = engine
        self.budget = budget
        self._agents: OrderedDict[str, Interview] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        # Sessions whose last answer got its reply only on replay: (answer, reply), so that the
        # stakeholder re-sending that answer (they never saw the reply) does not store it twice.
        self._repaired: dict[str, tuple[str, AgentReply]] = {}
        self._guard = threading.Lock()

    # -- sessions -------------------------------------------------------------------------
    def start(
        self,
        organisation: str,
        *,
        stakeholder: str | None = None,
        role: str | None = None,
        engagement_id: str | None = None,
    ) -> Started:
        organisation = _clean_name(organisation, "organisation", required=True) or ""
        stakeholder = _clean_name(stakeholder, "name")
        role = _clean_name(role, "role")
        if engagement_id is None:
            engagement_id = self.database.create_engagement(organisation).id
        else:
            self.database.get_engagement(engagement_id)
        session = self.database.create_session(
            engagement_id,
            stakeholder=stakeholder,
            role=role,
            engine=self.engine.name,
            framework=self.engine.framework.label,
        )
        agent = self._new_agent(session)
        reply = agent.opening()
        self.database.append_turn(session.id, "agent", reply.text, reply.meta())
        self._remember(session.id, agent)
        return Started(session, reply)

    def send(self, session_id: str, text: str) -> AgentReply:
        """Store the stakeholder's message, then compute, store and return the agent's reply."""
        if len(text.encode("utf-8", errors="replace")) > MAX_MESSAGE_BYTES:
            raise InputError(
                f"message is over {MAX_MESSAGE_BYTES // 1_000_000} MB; nothing was saved. "
                "Please split it into shorter answers."
            )
        with self._lock_for(session_id):
            agent = self._agent(session_id)
            with self._guard:
                repaired = self._repaired.pop(session_id, None)
            if repaired is not None and repaired[0] == text:
                # The same message again after its reply failed to be stored: it is stored once,
                # and its reply has just been stored by the replay.
                return repaired[1]
            self.database.append_turn(session_id, "stakeholder", text, {})
            try:
                reply = agent.reply(text)
                self.database.append_turn(session_id, "agent", reply.text, reply.meta())
                if reply.done:
                    self.database.set_status(session_id, "closed")
                    self.database.save_assessment(agent.assessment().model_dump(mode="json"), session_id=session_id)
            except BaseException:
                # The answer is stored but the agent in memory may have moved past what the
                # database holds: forget it, so the next call replays the database (and stores
                # the missing reply) instead of answering from a state nobody can resume.
                with self._guard:
                    self._agents.pop(session_id, None)
                raise
            return reply

    def resume(self, session_id: str) -> tuple[Interview, AgentReply]:
        """The agent of a stored session and the last thing it said (regenerated if never stored)."""
        with self._lock_for(session_id):
            agent = self._agent(session_id)
            last = self.database.turns(session_id)[-1]
            return agent, _reply_from_turn(last, agent)

    def assessment(self, session_id: str) -> Assessment:
        with self._lock_for(session_id):
            return self._agent(session_id).assessment()

    def engagement_assessment(self, engagement_id: str) -> Assessment:
        engagement = self.database.get_engagement(engagement_id)
        sessions = self.database.list_sessions(engagement_id)
        assessments = [self.assessment(s.id) for s in sessions]
        return combine_assessments(self.engine.framework, assessments, engagement.organisation)

    def forget(self, session_id: str) -> SessionRecord:
        """Erase a session: its turns, its assessment, the engagement assessment built from it, and
        this process's cached agent (which holds the answers in memory); returns the erased record.

        Other sessions, and the engagement, are untouched. ``NotFoundError`` for an unknown id.
        """
        with self._lock_for(session_id):
            record = self.database.forget_session(session_id)
            with self._guard:
                self._agents.pop(session_id, None)
                self._repaired.pop(session_id, None)
        with self._guard:
            self._locks.pop(session_id, None)
        return record

    # -- agents ---------------------------------------------------------------------------
    def _new_agent(self, session: SessionRecord) -> Interview:
        engagement = self.database.get_engagement(session.engagement_id)
        return Interview(
            self.engine,
            organisation=engagement.organisation,
            stakeholder=Stakeholder(name=session.stakeholder, role=session.role, session=session.id),
            budget=self.budget,
        )

    def _agent(self, session_id: str) -> Interview:
        with self._guard:
            agent = self._agents.get(session_id)
            if agent is not None:
                self._agents.move_to_end(session_id)
                return agent
        return self._replay(session_id)

    def _replay(self, session_id: str) -> Interview:
        session = self.database.get_session(session_id)
        agent = self._new_agent(session)
        reply = agent.opening()
        turns = self.database.turns(session_id)
        for turn in turns:
            if turn.speaker == "stakeholder":
                reply = agent.reply(turn.text)
        if turns and turns[-1].speaker == "stakeholder":
            # The process died (or the database failed) between storing the answer and the reply.
            self.database.append_turn(session_id, "agent", reply.text, reply.meta())
            with self._guard:
                self._repaired[session_id] = (turns[-1].text, reply)
        self._remember(session_id, agent)
        return agent

    def _remember(self, session_id: str, agent: Interview) -> None:
        with self._guard:
            self._agents[session_id] = agent
            self._agents.move_to_end(session_id)
            while len(self._agents) > _CACHE_SIZE:
                self._agents.popitem(last=False)

    def _lock_for(self, session_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())


def _reply_from_turn(turn: TurnRecord, agent: Interview) -> AgentReply:
    meta = turn.meta or {}
    return AgentReply(
        text=turn.text,
        kind=str(meta.get("kind", "question")),
        question=meta.get("question"),
        question_id=meta.get("question_id"),
        suggestions=list(meta.get("suggestions") or []),
        progress=agent.progress(),
        done=bool(meta.get("done", False)),
    )


def _clean_name(value: str | None, what: str, *, required: bool = False) -> str | None:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        if required:
            raise InputError(f"the {what} is empty; please enter it")
        return None
    if len(cleaned) > MAX_NAME_CHARS:
        raise InputError(f"the {what} is over {MAX_NAME_CHARS} characters; please shorten it")
    return cleaned
