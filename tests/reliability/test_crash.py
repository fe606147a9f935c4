"""Crash: SIGKILL the real app mid-interview, and ``maturity ingest`` mid-ingest; nothing acknowledged is lost.

App: ``maturity ui`` as a child process with several interviews answering back to back, so turns
are in flight when it is killed. Restarted on the same state directory, every session is resumed
by id through ``/resume``: each turn whose reply reached its client is there, in order, a message
that was in flight is either absent or stored with its reply, and each interview then runs to its end.

Ingest: ``maturity ingest`` into a ``--kb`` directory is killed while it writes files into the
store, at the worst moment (a file's chunks stored, the manifest not yet updated: a hook makes the
process wait there for the SIGKILL), after which that file is deleted, as someone tidying up would.
A re-run with ``--prune`` must leave a consistent knowledge base: every chunk belongs to a recorded
file that exists and whose content hash matches, no chunk twice, exactly the chunks a clean
ingest of the same files makes, and ``maturity ask --json`` answers from it.

The interview-in-a-terminal and database-writer kills are in tests/integration (test_interview_crash.py,
test_persistence_crash.py).
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from evals import load
from tests.conftest import REPO
from tests.reliability._load_support import child_env, home_template, start_app

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

SESSIONS = 6
ACKNOWLEDGED_BEFORE_KILL = 3  # answers per session the app has replied to before it is killed
KILL_WAIT_S = 120.0
ARTIFACT = REPO / "tests" / "artifacts" / "reliability" / "crash.json"


@pytest.fixture(scope="module", autouse=True)
def _prepare_app_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Start building the app's state directory now: it builds while the ingest scenarios run."""
    home_template(tmp_path_factory.getbasetemp())


def _record(section: str, figures: dict[str, Any]) -> None:
    """Add one scenario's figures to the crash artifact (read for RELIABILITY.md)."""
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(ARTIFACT.read_text(encoding="utf-8")) if ARTIFACT.is_file() else {}
    data[section] = figures
    ARTIFACT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


# -- ingest --------------------------------------------------------------------------------------

DOCUMENTS = 30
WORDS = [
    *("model", "data", "pipeline", "deploy", "monitor", "drift", "feature", "store", "registry", "retrain"),
    *("batch", "stream", "latency", "governance", "audit", "lineage", "experiment", "tracking", "notebook"),
    *("review", "approval", "owner", "team", "platform", "cost", "budget", "quality", "label", "schema"),
]
QUESTION = "How does the fraud team roll back a canary release?"

# ``maturity ingest`` that stops once it has stored the chunks of its ``target``-th file but not yet
# recorded that file in the manifest (the one moment that leaves chunks no manifest claims), says
# which file on stderr and waits there for its SIGKILL.
_STOP_BEFORE_RECORDING = """
import sys, time
from assistant import store

target = int(sys.argv[1])
save = store.KnowledgeBase.save_manifest

def save_manifest(self):
    if len(self.files) >= target:
        sys.stderr.write("stored, not recorded: " + list(self.files)[-1] + "\\n")
        sys.stderr.flush()
        time.sleep(600)
    save(self)

store.KnowledgeBase.save_manifest = save_manifest
sys.argv = ["maturity", *sys.argv[2:]]
from assistant.cli import main
main()
"""


def _write_corpus(directory: Path) -> list[Path]:
    """Short Markdown notes (three sections each), so embedding them takes a few seconds."""
    directory.mkdir(parents=True)
    paths = []
    for number in range(DOCUMENTS):
        words = random.Random(number)
        parts = [f"# Operating note {number}\n"]
        for section in range(3):
            body = " ".join(words.choice(WORDS) for _ in range(30))
            parts.append(f"## Practice {section}\n\n{body}.\n")
        if number == 7:
            parts.append(
                "## Rollback\n\nThe fraud team rolls back a canary release by pointing traffic at the previous model.\n"
            )
        path = directory / f"note-{number:03d}.md"
        path.write_text("\n".join(parts), encoding="utf-8")
        paths.append(path)
    return paths


def _maturity(*args: str, home: Path, script: str | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "assistant.cli"]
    return subprocess.Popen(
        [*command, *args],
        cwd=REPO,
        env=child_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _recorded(kb: Path) -> dict[str, Any]:
    """The files the manifest records (it is replaced atomically, so a read never sees half of it)."""
    try:
        return dict(json.loads((kb / "kb.json").read_text(encoding="utf-8")).get("files", {}))
    except (OSError, ValueError):
        return {}


def _finish(process: subprocess.Popen[str], what: str) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, f"{what} failed: {err[-2000:]}"
    return out


def _stored(kb: Path) -> dict[str, Any]:
    """What a knowledge base holds: its manifest, its chunks, and what its own check reports."""
    from assistant.store import KnowledgeBase

    manifest = json.loads((kb / "kb.json").read_text(encoding="utf-8"))
    base = KnowledgeBase.open(kb, manifest["embedding_model"], None)
    return {"files": base.files, "chunks": base.all_chunks(), "report": base.consistency_report()}


@pytest.mark.timeout(600)
def test_ingest_killed_mid_write_then_rerun_leaves_a_consistent_knowledge_base(tmp_path: Path) -> None:
    home, kb, clean = tmp_path / "home", tmp_path / "kb", tmp_path / "clean-kb"
    documents = _write_corpus(tmp_path / "docs")
    docs = str(tmp_path / "docs")

    # 1. Killed while it writes files into the store, at the worst moment: a file's chunks stored,
    #    the file not yet recorded. Beside it, a clean ingest of the same files into another
    #    directory (the reference), which no kill touches.
    killed = _maturity(str(DOCUMENTS // 3), "ingest", docs, "--kb", str(kb), home=home, script=_STOP_BEFORE_RECORDING)
    reference = _maturity("ingest", docs, "--kb", str(clean), home=home)
    assert killed.stderr is not None
    watchdog = threading.Timer(KILL_WAIT_S, killed.kill)  # a hung ingest fails the test, not stalls it
    watchdog.start()
    line = ""
    for line in killed.stderr:  # until the moment comes (or the process ends)
        if line.startswith("stored, not recorded: "):
            break
    watchdog.cancel()
    killed.send_signal(signal.SIGKILL)
    _out, err = killed.communicate(timeout=30)
    assert killed.returncode == -signal.SIGKILL and line.startswith("stored, not recorded: "), line + err[-2000:]
    unrecorded = Path(line.removeprefix("stored, not recorded: ").strip())
    recorded = _recorded(kb)
    assert unrecorded in {p.resolve() for p in documents} and str(unrecorded) not in recorded
    assert len(recorded) == DOCUMENTS // 3 - 1, "the kill did not land mid-ingest"
    with sqlite3.connect(kb / "chroma" / "chroma.sqlite3") as connection:  # the store itself survived
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    _finish(reference, "the clean ingest")
    unrecorded.unlink()  # its owner removes the file before running ingest again
    remaining = [p for p in documents if p.exists()]

    # 3. Re-run, with --prune since a file is gone.
    _finish(_maturity("ingest", docs, "--kb", str(kb), "--prune", home=home), "the re-run ingest")
    ask = _maturity("ask", QUESTION, "--kb", str(kb), "--json", home=home)
    state, expected = _stored(kb), _stored(clean)
    answer = json.loads(_finish(ask, "maturity ask"))
    clean_ids = sorted(c.chunk_id for c in expected["chunks"] if c.metadata["source_path"] != str(unrecorded))

    files, chunks = state["files"], state["chunks"]
    assert state["report"] == {"orphans": [], "missing": []}
    assert set(files) == {str(p.resolve()) for p in remaining}
    for key, record in files.items():  # every recorded file exists, unchanged since it was ingested
        assert hashlib.sha256(Path(key).read_bytes()).hexdigest() == record["content_hash"], key
    for chunk in chunks:  # every chunk belongs to a recorded file, at that file's content
        meta = chunk.metadata
        assert meta["source_path"] in files, f"orphan chunk {chunk.chunk_id} of {meta['source_path']}"
        assert meta["content_hash"] == files[meta["source_path"]]["content_hash"], chunk.chunk_id
        assert chunk.chunk_id in files[meta["source_path"]]["chunk_ids"], chunk.chunk_id
    duplicates = Counter((c.metadata["source_path"], c.metadata["index"]) for c in chunks)
    assert max(duplicates.values()) == 1, "a chunk is stored twice"
    assert len({(c.metadata["source_path"], c.text) for c in chunks}) == len(chunks), "a chunk is stored twice"
    # Exactly what a clean ingest of the same files holds (chunk ids come from path, position and text).
    assert sorted(c.chunk_id for c in chunks) == clean_ids
    assert answer["question"] == QUESTION and answer["answerable"] is True, answer
    assert answer["citations"] and {c["source"] for c in answer["citations"]} <= {p.name for p in remaining}
    assert "note-007.md" in {c["source"] for c in answer["citations"]}, answer

    _record(
        "ingest",
        {
            "documents": DOCUMENTS,
            "recorded_when_killed": len(recorded),
            "deleted_before_rerun": unrecorded.name,
            "chunks_after_rerun": len(chunks),
            "chunks_clean_ingest": len(clean_ids),
            "orphans_after_rerun": len(state["report"]["orphans"]),
        },
    )


# -- app -----------------------------------------------------------------------------------------


def _answers_left(persona: load.Persona, transcript: list[tuple[str, str]]) -> list[str]:
    answers = list(persona.statements)
    for speaker, text in transcript:
        if speaker == "stakeholder" and text in answers:
            answers.remove(text)
    return answers


@pytest.mark.timeout(600)
def test_app_killed_mid_interview_restarts_with_every_acknowledged_turn(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from assistant.persistence import Database

    home = home_template(tmp_path_factory.getbasetemp()).copy_to(tmp_path / "home")
    app = start_app(home)
    personas = load.load_personas()[:SESSIONS]
    runs = [load.UserRun(i, p.id, f"{p.organisation} (crash user {i})") for i, p in enumerate(personas)]
    threads: list[threading.Thread] = []
    try:
        clients = load.new_clients(app.url, SESSIONS)
        barrier = threading.Barrier(SESSIONS)
        threads += [  # back to back, no think time: a turn is in flight in nearly every session
            threading.Thread(target=load.run_user, args=(c, r, p, 0.0, barrier), daemon=True)
            for c, r, p in zip(clients, runs, personas, strict=True)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + KILL_WAIT_S
        while min(len(run.sent) for run in runs) < ACKNOWLEDGED_BEFORE_KILL:
            assert not any(run.error or run.done for run in runs), [run.error for run in runs]
            assert time.monotonic() < deadline, "the interviews did not get going"
            time.sleep(0.01)
        app.kill()
    finally:
        app.stop()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a client hung after the app died"
    assert not any(run.done for run in runs), "an interview ended before the kill"
    in_flight = sum(run.in_flight is not None for run in runs)
    assert in_flight >= SESSIONS // 2, f"only {in_flight} turns were in flight at the kill"

    app = start_app(home, app.port)  # the same state directory, the same address
    try:
        client = load.new_client(app.url)
        resumed: dict[int, dict[str, Any]] = {}
        for run in runs:
            assert run.session_id is not None
            resumed[run.number] = client.predict(run.session_id, api_name="/resume")
        acknowledged = present = stored_in_flight = 0
        for run in runs:
            expected = load.expected_transcript(run)
            seen = [(t["speaker"], t["text"]) for t in resumed[run.number]["transcript"]]
            acknowledged += len(expected)
            present += sum(a == b for a, b in zip(seen, expected, strict=False))
            # Every acknowledged turn, in order; then at most the message in flight, with a reply
            # (stored before the kill, or made and stored on resume).
            assert seen[: len(expected)] == expected, f"session {run.number} lost acknowledged turns"
            tail = seen[len(expected) :]
            assert tail == [] or (
                len(tail) == 2 and tail[0] == ("stakeholder", run.in_flight) and tail[1][0] == "agent"
            ), f"session {run.number}: unexpected turns after the acknowledged ones: {tail}"
            stored_in_flight += bool(tail)
            assert resumed[run.number]["reply"] == seen[-1][1] and not resumed[run.number]["done"]

        # Each interview goes on from where it stopped, to its end, all at once again.
        def carry_on(number: int, persona: load.Persona, client: Any) -> None:
            reply = resumed[number]
            transcript = [(t["speaker"], t["text"]) for t in reply["transcript"]]
            answers = _answers_left(persona, transcript)
            for _ in range(load.MAX_TURNS):
                if reply["done"]:
                    break
                if reply["kind"] == "summary":
                    message = load.CONFIRM
                else:
                    message = answers.pop(0) if answers else load.FALLBACK_ANSWER
                reply = client.predict(reply["session_id"], message, api_name="/send")
                transcript += [("stakeholder", message), ("agent", reply["reply"])]
            finals[number] = (reply["done"], transcript)

        finals: dict[int, tuple[bool, list[tuple[str, str]]]] = {}
        continuing = [
            threading.Thread(target=carry_on, args=(run.number, persona, c), daemon=True)
            for run, persona, c in zip(runs, personas, load.new_clients(app.url, SESSIONS), strict=True)
        ]
        for thread in continuing:
            thread.start()
        for thread in continuing:
            thread.join(timeout=120)
    finally:
        app.stop()
    database = Database(app.database_url)
    try:
        for run in runs:
            assert run.number in finals, f"session {run.number} could not continue"
            done, transcript = finals[run.number]
            assert done, f"session {run.number} did not reach its end"
            assert run.session_id is not None
            assert [(t.speaker, t.text) for t in database.turns(run.session_id)] == transcript
            assert database.get_session(run.session_id).status == "closed"
            assert database.get_assessment(session_id=run.session_id) is not None
    finally:
        database.close()
    _record(
        "app",
        {
            "sessions": SESSIONS,
            "turns_acknowledged_before_kill": acknowledged,
            "acknowledged_turns_present_after_restart": present,
            "messages_in_flight_at_kill": in_flight,
            "in_flight_messages_stored_with_reply": stored_in_flight,
            "restart_s": round(app.startup.ready_s, 1),
            "completed_after_restart": sum(done for done, _ in finals.values()),
        },
    )
