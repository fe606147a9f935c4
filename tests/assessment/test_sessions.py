"""Interview sessions over the database: every turn stored before the reply, resume after a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError, NotFoundError
from assistant.persistence import Database
from assistant.sessions import InterviewService


@pytest.fixture()
def database(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'state.db'}")


def test_every_turn_is_stored_in_order(engine, database: Database) -> None:  # type: ignore[no-untyped-def]
    service = InterviewService(database, engine)
    started = service.start("Acme Insurance", stakeholder="Dana", role="Head of data science")
    service.send(started.session.id, "We meet IT every week and share a Teams channel.")
    service.send(started.session.id, "skip")
    turns = database.turns(started.session.id)
    assert [t.speaker for t in turns] == ["agent", "stakeholder", "agent", "stakeholder", "agent"]
    assert turns[1].text == "We meet IT every week and share a Teams channel."
    assert turns[0].meta["question_id"] and turns[0].meta["kind"] == "question"


def test_answer_is_stored_even_when_the_reply_fails(engine, database: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    service = InterviewService(database, engine)
    session = service.start("Acme").session
    agent = service._agent(session.id)

    def broken(text: str) -> None:
        raise RuntimeError("simulated crash while replying")

    monkeypatch.setattr(agent, "reply", broken)
    with pytest.raises(RuntimeError):
        service.send(session.id, "Our code lives in GitLab.")
    assert database.turns(session.id)[-1].text == "Our code lives in GitLab."
    # A fresh process replays the stored answer and stores the reply that was never sent.
    restarted = InterviewService(database, engine)
    _, reply = restarted.resume(session.id)
    turns = database.turns(session.id)
    assert turns[-1].speaker == "agent" and turns[-1].text == reply.text


def test_resume_after_restart_continues_where_it_stopped(engine, database: Database) -> None:  # type: ignore[no-untyped-def]
    answers = ["We copy the model file to the server by hand.", "Nobody monitors the models.", "We never meet IT."]
    first = InterviewService(database, engine)
    session = first.start("Acme").session
    replies = [first.send(session.id, a) for a in answers[:2]]
    before = first.assessment(session.id).levels
    second = InterviewService(database, engine)  # a new process: nothing in memory
    agent, last = second.resume(session.id)
    assert last.text == replies[-1].text
    assert agent.assessment().levels == before
    continued = second.send(session.id, answers[2])
    uninterrupted = InterviewService(Database(f"sqlite:///{database.engine.url.database}.copy"), engine)
    other = uninterrupted.start("Acme").session
    expected = [uninterrupted.send(other.id, a) for a in answers][-1]
    assert continued.text == expected.text


def test_unknown_or_forged_session_id_is_a_clear_error(engine, database: Database) -> None:  # type: ignore[no-untyped-def]
    service = InterviewService(database, engine)
    with pytest.raises(NotFoundError, match="session"):
        service.send("forged-session-id", "hello")
    with pytest.raises(NotFoundError):
        service.resume("../../etc/passwd")


def test_bad_start_details_and_oversized_messages_are_refused_before_storing(engine, database: Database) -> None:  # type: ignore[no-untyped-def]
    service = InterviewService(database, engine)
    with pytest.raises(InputError, match="organisation"):
        service.start("   ")
    session = service.start("Acme").session
    with pytest.raises(InputError, match="split"):
        service.send(session.id, "x" * 2_000_000)
    assert len(database.turns(session.id)) == 1  # only the opening question


def test_large_and_non_latin_answers_are_kept_whole(engine, database: Database) -> None:  # type: ignore[no-untyped-def]
    service = InterviewService(database, engine)
    session = service.start("Acme").session
    big = "Wir haben keine Versionskontrolle. 模型在笔记本电脑上训练。 🚀 " * 900  # ~50 KB
    reply = service.send(session.id, big)
    assert reply.kind in ("question", "probe")
    assert database.turns(session.id)[1].text == big


def test_closing_saves_the_assessment_and_engagement_combines_sessions(engine, database: Database) -> None:  # type: ignore[no-untyped-def]
    service = InterviewService(database, engine)
    first = service.start("Nordbank", role="Data scientist").session
    service.send(first.id, "We have Grafana dashboards with drift alerts that page the on-call.")
    service.send(first.id, "stop")
    closing = service.send(first.id, "yes")
    assert closing.done
    assert database.get_session(first.id).status == "closed"
    assert database.get_assessment(session_id=first.id) is not None
    second = service.start("Nordbank", role="Product owner", engagement_id=first.engagement_id).session
    service.send(second.id, "Nobody monitors the models; customers tell us when something is wrong.")
    combined = service.engagement_assessment(first.engagement_id)
    assert combined.organisation == "Nordbank" and len(combined.stakeholders) == 2
    assert [d.dimension for d in combined.divergences] == ["monitoring"]


def test_a_failed_reply_store_is_repaired_and_a_resent_answer_is_stored_once(
    engine, database: Database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from assistant.errors import StorageError

    service = InterviewService(database, engine)
    session = service.start("Acme").session
    append = database.append_turn

    def agent_turn_fails(session_id: str, speaker: str, text: str, meta=None):  # type: ignore[no-untyped-def]
        if speaker == "agent":
            raise StorageError("database is locked")
        return append(session_id, speaker, text, meta)

    monkeypatch.setattr(database, "append_turn", agent_turn_fails)
    with pytest.raises(StorageError):
        service.send(session.id, "Our code lives in GitLab.")
    monkeypatch.setattr(database, "append_turn", append)
    # The stakeholder saw no reply and sends the same answer again (the app's retry).
    reply = service.send(session.id, "Our code lives in GitLab.")
    turns = database.turns(session.id)
    assert [t.speaker for t in turns] == ["agent", "stakeholder", "agent"]
    assert turns[-1].text == reply.text
    # The interview goes on from there, answers stored once each.
    service.send(session.id, "Nobody monitors the models.")
    assert [t.text for t in database.turns(session.id) if t.speaker == "stakeholder"] == [
        "Our code lives in GitLab.",
        "Nobody monitors the models.",
    ]
