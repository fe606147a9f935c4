"""A writer killed with SIGKILL loses no acknowledged turn, and its session can be resumed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.persistence import open_database
from tests.conftest import REPO

ACKNOWLEDGED_BEFORE_KILL = 300

# The child appends turns as fast as it can and prints each seq once append_turn has returned.
CHILD = """
import sys
from assistant.persistence import open_database
from tests.integration.test_persistence_crash import turn_text

db = open_database(sys.argv[1])
session_id = sys.argv[2]
seq = len(db.turns(session_id))
while True:
    seq += 1
    turn = db.append_turn(session_id, "stakeholder" if seq % 2 else "agent", turn_text(seq), {"seq": seq})
    if turn.seq != seq:
        sys.exit(f"expected seq {seq}, got {turn.seq}")
    print(turn.seq, flush=True)
"""


def turn_text(seq: int) -> str:
    """Distinct text per turn; every 25th one is large (about 60 KB) so the kill often lands mid-write."""
    body = f"answer {seq}: we retrain weekly, déploiement manuel, 模型监控 🚀 "
    return body * (1000 if seq % 25 == 0 else 1 + seq % 7)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_acknowledged_turns_survive_sigkill_and_the_session_resumes(tmp_path: Path) -> None:
    db_path = tmp_path / "state" / "maturity.db"
    url = f"sqlite:///{db_path}"
    db = open_database(url)
    engagement = db.create_engagement("Acme")
    session_id = db.create_session(
        engagement.id, stakeholder="Ada", role="Head of ML", engine="rules", framework="mlops-maturity@1.0"
    ).id
    db.close()

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, session_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    watchdog = threading.Timer(30, child.kill)  # a hung child fails the test instead of stalling it
    watchdog.start()
    acknowledged: list[int] = []
    try:
        assert child.stdout is not None
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"the writer stopped after {len(acknowledged)} turns: {child.stderr.read()}")  # type: ignore[union-attr]
            acknowledged.append(int(line))
        child.send_signal(signal.SIGKILL)
        # Read the rest through the same buffered stream: readline may already hold lines the child
        # printed before the kill, which communicate() (reading the raw pipe) would never see.
        rest = child.stdout.read()
        errors = child.stderr.read()  # type: ignore[union-attr]
        child.wait(timeout=10)
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
    acknowledged += [int(line) for line in rest.split()]  # printed before the kill arrived
    assert child.returncode == -signal.SIGKILL, errors
    assert acknowledged == list(range(1, len(acknowledged) + 1))

    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()

    db = open_database(url)
    try:
        turns = db.turns(session_id)
        stored = {turn.seq: turn for turn in turns}
        # At most one turn more than acknowledged: committed, but killed before it could print.
        assert len(acknowledged) <= len(turns) <= len(acknowledged) + 1
        assert [turn.seq for turn in turns] == list(range(1, len(turns) + 1))
        for seq in acknowledged:
            assert stored[seq].text == turn_text(seq), f"turn {seq} differs"
            assert stored[seq].meta == {"seq": seq}
        for turn in turns:  # an unacknowledged turn, if any, is whole too
            assert turn.text == turn_text(turn.seq)

        resumed = db.append_turn(session_id, "agent", "Shall we continue where we stopped?")
        assert resumed.seq == len(turns) + 1
        assert db.append_turn(session_id, "stakeholder", "Yes.").seq == len(turns) + 2
        assert [turn.text for turn in db.turns(session_id)[-2:]] == ["Shall we continue where we stopped?", "Yes."]
        assert db.get_session(session_id).status == "active"
    finally:
        db.close()
