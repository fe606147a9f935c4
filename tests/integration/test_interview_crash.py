"""Kill -9 a terminal interview mid-session, resume it by id: every answer sent is still there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.persistence import Database
from tests.conftest import REPO

ANSWERS = [
    "We meet the IT team every two weeks and share a Teams channel.",
    "Our code is in GitLab and a CI pipeline runs the tests on every merge request.",
    "We have Grafana dashboards with alerts when the scoring service fails.",
]


def _maturity(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_interview_resumes_with_nothing_lost(tmp_path: Path, state_home: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'sessions.db'}"
    env = {**os.environ, "MATURITY_DATABASE_URL": db_url, "MATURITY_HOME": str(state_home), "PYTHONPATH": str(REPO)}
    process = _maturity("interview", "--organisation", "Crashco", "--role", "Data scientist", env=env)
    assert process.stdin is not None
    for answer in ANSWERS:
        process.stdin.write(answer + "\n")
    process.stdin.flush()
    database = Database(db_url)
    deadline = time.monotonic() + 120
    stored: list[str] = []
    while time.monotonic() < deadline:  # wait until all three answers are acknowledged
        sessions = [s for e in database.list_engagements() for s in database.list_sessions(e.id)]
        if sessions:
            stored = [t.text for t in database.turns(sessions[0].id) if t.speaker == "stakeholder"]
            if len(stored) == len(ANSWERS):
                break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)  # no chance to clean up
    process.wait(timeout=30)
    assert stored == ANSWERS
    session_id = sessions[0].id

    resumed = _maturity("interview", "--resume", session_id, env=env)
    _out, err = resumed.communicate("stop\nyes\n", timeout=180)
    assert resumed.returncode == 0, err
    turns = database.turns(session_id)
    texts = [t.text for t in turns if t.speaker == "stakeholder"]
    assert texts[: len(ANSWERS)] == ANSWERS and texts[len(ANSWERS) :] == ["stop", "yes"]
    assert database.get_session(session_id).status == "closed"
    saved = database.get_assessment(session_id=session_id)
    assert saved is not None and saved["dimensions"]["development"]["level"] is not None
