"""Fault injection: each fault gives one clear line that says what to do, loses nothing, and the
same command works again once the fault clears.

1. Chroma server down, and restarted (same path and port), under the CLI and under one
   long-lived process.
2. The SQLite state database locked by another connection (``BEGIN EXCLUSIVE``) while an
   interview turn is stored.
3. The state directory's disk full (a tiny tmpfs inside ``unshare -rm``): interview, ingest,
   assess, then the same commands after the filler file is deleted.
4. The LLM server timing out (accepts and never answers, or answers too late): ask and assess
   fall back to the embedded engine, the log says so, and the LLM path works once it answers.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import StorageError, StoreUnavailableError
from assistant.persistence import DEFAULT_BUSY_TIMEOUT_S, Database
from tests.conftest import REPO
from tests.integration.test_cli import assert_one_line_error, invoke
from tests.reliability._fault_support import ANSWERS, SMALL_FRAMEWORK, TRANSCRIPT, ChromaServer, FakeLLMServer

# --------------------------------------------------------------------------------------------
# 1. Chroma server down and restarted
# --------------------------------------------------------------------------------------------

SERVER_DOCUMENTS = [REPO / "knowledge" / "aurora-dynamics-assessment.md", REPO / "knowledge" / "recommendations.md"]
LATE_DOCUMENT = REPO / "knowledge" / "consulting-workflow.md"
SERVER_QUESTION = "Which automation tools does the report suggest for deployment?"


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    candidate = Path(sys.executable).parent / "chroma"
    binary = str(candidate) if candidate.exists() else shutil.which("chroma")
    if binary is None:
        pytest.fail("the `chroma` command from the chromadb package is not installed")
    server = ChromaServer(binary, tmp_path_factory.mktemp("chroma-faults"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server_kb(chroma: ChromaServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base whose chunks live on the Chroma server."""
    kb = tmp_path_factory.mktemp("server-kb") / "kb"
    result = invoke("ingest", *map(str, SERVER_DOCUMENTS), "--kb", str(kb), env={"MATURITY_CHROMA_URL": chroma.url})
    assert result.exit_code == 0, result.output
    return kb


def _kb_state(url: str, kb: Path) -> tuple[int, dict[str, list[str]], set[str]]:
    """Chunks on the server, the consistency report, and the files in the manifest."""
    from assistant.knowledge import open_service
    from assistant.settings import Settings

    service = open_service(Settings(chroma_url=url), kb)
    return service.kb.count(), service.kb.consistency_report(), set(service.kb.files)


@pytest.mark.timeout(180)
def test_chroma_server_down_gives_one_line_and_restart_recovers(chroma: ChromaServer, server_kb: Path) -> None:
    env = {"MATURITY_CHROMA_URL": chroma.url}
    asked = invoke("ask", SERVER_QUESTION, "--kb", str(server_kb), "--json", env=env)
    assert asked.exit_code == 0, asked.output
    before = json.loads(asked.stdout)
    assert before["answerable"] is True
    count, consistency, files = _kb_state(chroma.url, server_kb)
    assert count > 0 and consistency == {"orphans": [], "missing": []}
    manifest = (server_kb / "kb.json").read_text()

    chroma.stop()
    try:
        started = time.monotonic()
        down = invoke("ask", SERVER_QUESTION, "--kb", str(server_kb), "--json", env=env)
        assert_one_line_error(down, "chroma server", chroma.url, "chroma run")
        down = invoke("ingest", str(LATE_DOCUMENT), "--kb", str(server_kb), env=env)
        assert_one_line_error(down, "chroma server", chroma.url, "chroma run")
        assert time.monotonic() - started < 30, "a refused connection must fail fast, not hang"
        assert (server_kb / "kb.json").read_text() == manifest, "a failed ingest must not touch the manifest"
    finally:
        chroma.start()  # same data path, same port

    again = invoke("ask", SERVER_QUESTION, "--kb", str(server_kb), "--json", env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == before
    assert _kb_state(chroma.url, server_kb) == (count, consistency, files)


@pytest.mark.timeout(180)
def test_chroma_server_restarted_under_a_long_lived_process(chroma: ChromaServer, server_kb: Path) -> None:
    from assistant.knowledge import open_service
    from assistant.settings import Settings

    service = open_service(Settings(chroma_url=chroma.url), server_kb)
    first = service.ask(SERVER_QUESTION)
    assert first.answerable
    count, _, files = _kb_state(chroma.url, server_kb)

    chroma.stop()
    try:
        # The BM25 index is cached, but dense search needs the server: either the same answer or
        # the one-line StoreUnavailableError, never the HTTP client's own exception.
        try:
            answer = service.ask(SERVER_QUESTION)
        except StoreUnavailableError as exc:
            message = str(exc)
            assert "\n" not in message and chroma.url in message and "chroma run" in message, message
        else:
            assert (answer.answer, answer.citations) == (first.answer, first.citations)
        with pytest.raises(StoreUnavailableError, match="Chroma server"):
            service.ingest([LATE_DOCUMENT])
        assert set(service.kb.files) == files, "a failed ingest must not record the file"
    finally:
        chroma.start()

    # The same service object, no reopening: the HTTP client reconnects by itself.
    second = service.ask(SERVER_QUESTION)
    assert (second.answer, second.citations) == (first.answer, first.citations)
    report = service.ingest([LATE_DOCUMENT])
    assert not report.failed and report.count("added") == 1
    added = report.chunks_written
    assert _kb_state(chroma.url, server_kb) == (
        count + added,
        {"orphans": [], "missing": []},
        files | {str(LATE_DOCUMENT.resolve())},
    )


# --------------------------------------------------------------------------------------------
# 2. The state database locked by another connection
# --------------------------------------------------------------------------------------------


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another connection that takes the database's write lock and keeps it until rolled back."""
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE sessions SET updated_at = updated_at")  # a write of its own, in flight
    return holder


def _integrity(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def test_locked_database_waits_the_busy_timeout_then_stores_after_release(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    database = Database(f"sqlite:///{path}", busy_timeout_s=0.5)
    engagement = database.create_engagement("Lockco")
    session = database.create_session(
        engagement.id, stakeholder=None, role=None, engine="embedded", framework="mlops-maturity@1.0"
    )
    earlier = ["Which tools do you use?", ANSWERS[0], "And your code?"]
    for number, text in enumerate(earlier):
        database.append_turn(session.id, "agent" if number % 2 == 0 else "stakeholder", text)

    holder = _hold_write_lock(path)
    try:
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            database.append_turn(session.id, "stakeholder", ANSWERS[1])
        waited = time.monotonic() - started
        message = str(caught.value)
        assert 0.4 <= waited < 5, f"waited {waited:.2f} s for a 0.5 s busy timeout"
        assert "\n" not in message and str(path) in message, message
        assert "busy" in message and "0.5 s" in message and "retry" in message, message
        # Readers are not blocked (write-ahead log): the earlier turns are there, the new one is not.
        assert [t.text for t in database.turns(session.id)] == earlier
    finally:
        holder.rollback()
        holder.close()

    stored = database.append_turn(session.id, "stakeholder", ANSWERS[1])
    assert stored.seq == len(earlier) + 1
    assert [t.text for t in database.turns(session.id)] == [*earlier, ANSWERS[1]]
    assert [t.seq for t in database.turns(session.id)] == list(range(1, len(earlier) + 2))
    database.close()
    assert _integrity(path) == ["ok"]


def _errors(stderr: str) -> list[str]:
    """The ``error:`` messages on stderr, each on one line again (the console wraps at 80 columns)."""
    return [" ".join(part.split()) for part in " ".join(stderr.splitlines()).split("error: ")[1:]]


def _session_id(stderr: str) -> str:
    return stderr.split("session ", 1)[1].split()[0]


@pytest.mark.timeout(240)
def test_interview_answer_while_the_database_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "interviews.db"
    env = {"MATURITY_DATABASE_URL": f"sqlite:///{path}", "MATURITY_FRAMEWORK": str(SMALL_FRAMEWORK)}
    started = invoke("interview", "--organisation", "Lockco", env=env, input=ANSWERS[0] + "\n")
    assert started.exit_code == 0, started.output
    session = _session_id(started.stderr)
    database = Database(f"sqlite:///{path}")
    before = database.turns(session)

    holder = _hold_write_lock(path)
    try:
        clock = time.monotonic()
        locked = invoke("interview", "--resume", session, env=env, input=ANSWERS[1] + "\n")
        waited = time.monotonic() - clock
        assert locked.exception is None or isinstance(locked.exception, SystemExit), locked.exception
        assert "Traceback" not in locked.output
        errors = _errors(locked.stderr)
        assert len(errors) == 1, locked.stderr
        assert "is busy" in errors[0] and "retry" in errors[0], errors[0]
        assert locked.exit_code == 2 and "NOT saved" in locked.stderr, locked.stderr
        assert DEFAULT_BUSY_TIMEOUT_S <= waited < DEFAULT_BUSY_TIMEOUT_S + 60
        assert database.turns(session) == before, "the refused answer must not be half-stored"
    finally:
        holder.rollback()
        holder.close()

    resumed = invoke("interview", "--resume", session, env=env, input=ANSWERS[1] + "\n")
    assert resumed.exit_code == 0 and "error:" not in resumed.stderr, resumed.output
    turns = database.turns(session)
    assert [t.text for t in turns if t.speaker == "stakeholder"] == ANSWERS
    assert [t.seq for t in turns] == list(range(1, len(turns) + 1))
    assert turns[: len(before)] == before
    database.close()
    assert _integrity(path) == ["ok"]


# --------------------------------------------------------------------------------------------
# 3. Disk full on the state directory
# --------------------------------------------------------------------------------------------


def _tmpfs_refused(probe: Path) -> str | None:
    """Why a private tmpfs cannot be mounted here, or None when it can."""
    if shutil.which("unshare") is None:
        return "the unshare command is not installed"
    probe.mkdir()
    try:
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=1m tmpfs {shlex.quote(str(probe))}"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare failed ({exc})"
    if done.returncode != 0:
        return f"unshare -rm / mount -t tmpfs is not permitted here ({' '.join(done.stderr.split())[:200]})"
    return None


def _one_clear_line(step: dict[str, Any], *fragments: str) -> str:
    assert step["exception"] is None, step
    assert "Traceback" not in step["stderr"] + step["stdout"], step
    errors = _errors(step["stderr"])
    assert len(errors) == 1, step["stderr"]
    line = errors[0]
    assert "unexpected" not in line, line
    for fragment in fragments:
        assert fragment in line, line
    return line


@pytest.mark.timeout(300)
def test_disk_full_fails_cleanly_and_recovers_when_space_is_freed(tmp_path: Path) -> None:
    refused = _tmpfs_refused(tmp_path / "probe")
    if refused:
        pytest.skip(refused)
    home, work, out = tmp_path / "home", tmp_path / "work", tmp_path / "steps.json"
    home.mkdir()
    work.mkdir()
    script = (
        f"mount -t tmpfs -o size=4m tmpfs {shlex.quote(str(home))} && exec {shlex.quote(sys.executable)} "
        f"-m tests.reliability._fault_support disk-full {shlex.quote(str(home))} {shlex.quote(str(out))} "
        f"{shlex.quote(str(work))}"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("MATURITY_DATABASE_URL", None)
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=280
    )
    assert done.returncode == 0 and out.is_file(), done.stderr[-4000:]
    steps = json.loads(out.read_text())

    # The answer given on a full disk: one line that says to free space; nothing half-written.
    line = _one_clear_line(steps["interview-full"], "cannot write the database", "free disk space")
    assert "disk is full" in line
    assert steps["db-full"]["integrity"] == ["ok"]
    assert [t[2] for t in steps["db-full"]["turns"] if t[1] == "stakeholder"] == ANSWERS[:1]
    # Reading and assessing need no space.
    assert steps["engagement-full"]["exit"] == 0 and "Diskco" in steps["engagement-full"]["stdout"]
    assert steps["assess-full"]["exit"] == 0
    assert json.loads(steps["assess-full"]["stdout"])["format"] == "maturity-assessment/1"
    # Ingest with no room even for an empty store, and with room for the store but not the chunks.
    for name in ("ingest-no-space", "ingest-full"):
        assert steps[name]["exit"] != 0, steps[name]
        _one_clear_line(steps[name], "knowledge base", "free disk space")
    assert steps["free_bytes_for_ingest"] < 400 * 1024

    # Space freed: the same commands succeed, and nothing was lost or duplicated.
    assert steps["interview-freed"]["exit"] == 0 and "error:" not in steps["interview-freed"]["stderr"]
    turns = steps["db-freed"]["turns"]
    assert steps["db-freed"]["integrity"] == ["ok"]
    assert [t[2] for t in turns if t[1] == "stakeholder"] == ANSWERS
    assert [t[0] for t in turns] == list(range(1, len(turns) + 1))
    assert turns[: len(steps["db-full"]["turns"])] == steps["db-full"]["turns"]
    for name in ("ingest-freed", "ingest-first-freed"):
        assert steps[name]["exit"] == 0, steps[name]
        assert "1 added" in steps[name]["stdout"] and "0 failed" in steps[name]["stdout"], steps[name]
    for kb in ("kb", "kb-first"):
        assert f"{kb}-error" not in steps, steps[f"{kb}-error"]
        assert steps[f"{kb}-consistency"] == {"orphans": [], "missing": []}
        assert steps[f"{kb}-files"] == 1
    assert steps["kb-count"] > 0 and steps["kb-count"] == steps["kb-first-count"]
    assert steps["ask-freed"]["exit"] == 0, steps["ask-freed"]


# --------------------------------------------------------------------------------------------
# 4. The LLM server timing out
# --------------------------------------------------------------------------------------------

LLM_QUESTION = "Which tools are recommended for monitoring deployed models?"
LLM_TIMEOUT_S = 0.5
#: One request and one retry of each LLM call, each at most LLM_TIMEOUT_S, plus a short backoff.
BOUND_S = 25.0


@pytest.fixture
def llm_server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


def _calls(env: dict[str, str]) -> list[dict[str, Any]]:
    logged = invoke("log", "--json", "--limit", "100", env=env)
    assert logged.exit_code == 0, logged.output
    calls: list[dict[str, Any]] = json.loads(logged.stdout)
    return calls


def _levels(assessment: dict[str, Any]) -> dict[str, int | None]:
    return {key: value["level"] for key, value in assessment["dimensions"].items()}


@pytest.mark.timeout(240)
def test_llm_server_timing_out_falls_back_then_recovers(
    llm_server: FakeLLMServer,
    tmp_path: Path,
    builtin_service: object,  # the session fixture: the built-in knowledge base, built once
) -> None:
    transcript = tmp_path / "transcript.yaml"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    env = {
        "MATURITY_LLM_BASE_URL": llm_server.base_url,
        "MATURITY_LLM_TIMEOUT_S": str(LLM_TIMEOUT_S),
        "MATURITY_LLM_MAX_RETRIES": "1",
        "MATURITY_DATABASE_URL": f"sqlite:///{tmp_path / 'llm.db'}",
        "MATURITY_FRAMEWORK": str(SMALL_FRAMEWORK),
    }
    embedded_answer = invoke("ask", LLM_QUESTION, "--json", env=env)
    embedded_assessment = invoke("assess", str(transcript), "--json", env=env)
    assert embedded_answer.exit_code == 0 and embedded_assessment.exit_code == 0

    # A server that accepts and never answers: the extractive answer, in bounded time.
    llm_server.mode = "hang"
    started = time.monotonic()
    hung = invoke("ask", LLM_QUESTION, "--engine", "openai:fake", "--json", env=env)
    assert time.monotonic() - started < BOUND_S
    assert hung.exit_code == 0, hung.output
    assert json.loads(hung.stdout) == json.loads(embedded_answer.stdout)
    assert "note: the extractive answer is shown" in hung.stderr and "timeout" in hung.stderr
    assert llm_server.requests == 2, "one request and the one retry MATURITY_LLM_MAX_RETRIES allows"
    calls = _calls(env)
    assert [c["outcome"] for c in calls[:2]] == ["fallback", "error"]
    assert all(c["model"] == "fake" and "timeout" in c["error"].lower() for c in calls[:2]), calls[:2]
    assert "retry 1 of 1" in calls[1]["error"]

    # A server that answers, but only after the timeout: every answer read by the embedded engine.
    llm_server.mode, llm_server.requests = "slow", 0
    started = time.monotonic()
    slow = invoke("assess", str(transcript), "--engine", "openai:fake", "--json", env=env)
    assert time.monotonic() - started < BOUND_S
    assert slow.exit_code == 0, slow.output
    assessment = json.loads(slow.stdout)
    assert assessment["engine"] == "openai:fake" and assessment["fallback"] is True
    assert "timeout" in assessment["fallback_reason"].lower() and "2 of 2" in assessment["fallback_reason"]
    assert _levels(assessment) == _levels(json.loads(embedded_assessment.stdout))
    # The first answer is asked twice (one retry); then the server is left to rest (circuit
    # breaker), so the second answer falls back without a request.
    assert llm_server.requests == 2
    assert sum(c["outcome"] == "fallback" for c in _calls(env)) == 3

    # The server answers properly again: the LLM path is used and logged as ok.
    llm_server.mode = "ok"
    answered = invoke("ask", LLM_QUESTION, "--engine", "openai:fake", "--json", env=env)
    assert answered.exit_code == 0, answered.output
    assert answered.stdout.count("The fake model says") == 1
    assessed = invoke("assess", str(transcript), "--engine", "openai:fake", "--json", env=env)
    assert assessed.exit_code == 0, assessed.output
    assert json.loads(assessed.stdout)["fallback"] is False
    recent = _calls(env)[:3]
    assert [c["outcome"] for c in recent] == ["ok", "ok", "ok"] and all(c["error"] is None for c in recent)
