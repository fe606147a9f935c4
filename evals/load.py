"""Load benchmark for the app: N simulated stakeholders interviewing at once over HTTP.

    python -m evals.load --users 20               # back to back: a stress test
    python -m evals.load --users 20 --think 2     # each answers every 1-3 s
    python -m evals.load --users 50 --think 4 --duration 30   # stop sending after 30 s

Without ``--url`` it starts ``maturity ui`` (``python -m assistant.cli ui``) on a free port with a
fresh state directory, times how long the app takes to answer, and afterwards reads that
directory's database. Each simulated stakeholder is a ``gradio_client.Client`` (its own Gradio
session) that starts an interview through the ``/start`` endpoint and answers with a persona's
statements from ``evals/cases/assessments/dev`` (cases of kind ``persona``, in order, then
"I don't know"), confirms the summary, and stops when the interview is done, or, with
``--duration``, when that many seconds have passed (interviews then end part-way, as real ones do
when a stakeholder leaves; the run stays bounded whatever the server's speed).

Reported: turn latency (p50/p95/p99/max, client-side wall time of one ``/send`` call), the
server's share of it (stored answer to stored reply), CPU per process, completed interviews,
errors, lost turns (acknowledged by the API but missing from the session's stored transcript) and
cross-talk: every session's stored transcript must hold exactly the messages its own stakeholder
sent and the replies that stakeholder received, in order (checked in the database, and through
``/resume`` from a fresh client). ``tests/reliability/test_load.py`` runs it with its targets.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from assistant.settings import REPOSITORY_ROOT

CASES = REPOSITORY_ROOT / "evals" / "cases" / "assessments" / "dev"
CONFIRM = "Yes, that's right"
FALLBACK_ANSWER = "I don't know"
MAX_TURNS = 40
STARTUP_TIMEOUT_S = 180.0


@dataclass
class Persona:
    id: str
    organisation: str
    role: str
    statements: list[str]


@dataclass
class UserRun:
    number: int
    persona: str
    organisation: str
    session_id: str | None = None
    sent: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # the opening, then one per message sent
    latencies: list[float] = field(default_factory=list)
    start_latency: float | None = None
    done: bool = False
    stopped: bool = False  # the time bound ended it before the interview was done
    in_flight: str | None = None  # a message whose /send failed: it may be stored, unacknowledged
    error: str | None = None


@dataclass
class TranscriptAudit:
    """Each session's stored transcript against what its stakeholder sent and was answered.

    ``lost``: acknowledged turns (the opening, each message ``/send`` answered, each reply) missing
    from the session. ``foreign``: stored turns the stakeholder neither sent nor received (another
    session's turns: cross-talk). ``out_of_order``: sessions holding the right turns in another order.
    """

    sessions: int = 0
    acknowledged: int = 0
    stored: int = 0
    lost: int = 0
    foreign: int = 0
    out_of_order: int = 0
    wrong_organisation: int = 0
    problems: list[str] = field(default_factory=list)
    server_s: list[float] = field(default_factory=list)


def load_personas(directory: Path = CASES) -> list[Persona]:
    from assistant.evaluation.cases import PersonaCase, load_cases

    personas = [
        Persona(c.id, c.organisation or c.id, c.role or "", list(c.statements))
        for c in load_cases([directory])
        if isinstance(c, PersonaCase)
    ]
    if not personas:
        raise SystemExit(f"no persona cases in {directory}")
    return personas


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[rank]


def run_user(
    client: Any,
    run: UserRun,
    persona: Persona,
    think_s: float,
    barrier: threading.Barrier,
    deadline: float | None = None,
) -> None:
    """One stakeholder: start, answer until the interview is done (or ``deadline``, a
    ``time.perf_counter()`` value, has passed), recording every acknowledged turn."""
    answers = list(persona.statements)
    jitter = random.Random(run.number)
    message: str | None = None
    try:
        barrier.wait()
        started = time.perf_counter()
        reply = client.predict(run.organisation, "", persona.role, "", api_name="/start")
        run.start_latency = time.perf_counter() - started
        run.session_id = reply["session_id"]
        run.replies.append(reply["reply"])
        while not reply["done"]:
            if len(run.sent) >= MAX_TURNS:
                run.error = f"not done after {MAX_TURNS} turns"
                return
            pause = jitter.uniform(0.5, 1.5) * think_s if think_s else 0.0
            if deadline is not None and time.perf_counter() + pause >= deadline:
                run.stopped = True
                return
            if pause:
                time.sleep(pause)
            message = CONFIRM if reply["kind"] == "summary" else (answers.pop(0) if answers else FALLBACK_ANSWER)
            started = time.perf_counter()
            reply = client.predict(run.session_id, message, api_name="/send")
            run.latencies.append(time.perf_counter() - started)
            run.sent.append(message)
            run.replies.append(reply["reply"])
            message = None
        run.done = True
    except Exception as exc:  # recorded and reported: one failing user must not stop the others
        run.in_flight = message
        run.error = f"{type(exc).__name__}: {exc}"[:300]


def expected_transcript(run: UserRun) -> list[tuple[str, str]]:
    turns = [("agent", run.replies[0])] if run.replies else []
    for message, reply in zip(run.sent, run.replies[1:], strict=False):
        turns += [("stakeholder", message), ("agent", reply)]
    return turns


def compare_transcript(
    expected: list[tuple[str, str]], stored: list[tuple[str, str]], in_flight: str | None = None
) -> dict[str, int]:
    """Lost and foreign turns of one session, and whether their order differs (see ``TranscriptAudit``).

    A message whose ``/send`` failed (``in_flight``) may have been stored, with a reply the client
    never saw: as the last one or two turns after the acknowledged ones it is neither lost nor foreign."""
    if in_flight is not None and stored[: len(expected)] == expected:
        tail = stored[len(expected) :]
        if tail[:1] == [("stakeholder", in_flight)] and len(tail) <= 2 and all(s == "agent" for s, _ in tail[1:]):
            stored = stored[: len(expected)]
    missing = Counter(expected) - Counter(stored)
    extra = Counter(stored) - Counter(expected)
    lost, foreign = sum(missing.values()), sum(extra.values())
    return {"lost": lost, "foreign": foreign, "out_of_order": int(not lost and not foreign and stored != expected)}


def audit_database(runs: list[UserRun], database_url: str) -> TranscriptAudit:
    """Every started session's stored transcript against its stakeholder's own turns, and each
    turn's time in the server between storing the answer and storing the reply."""
    from assistant.persistence import Database

    audit = TranscriptAudit()
    database = Database(database_url)
    try:
        for run in runs:
            if run.session_id is None:
                continue
            turns = database.turns(run.session_id)
            audit.server_s += [
                (reply.created_at - answer.created_at).total_seconds()
                for answer, reply in itertools.pairwise(turns)
                if answer.speaker == "stakeholder" and reply.speaker == "agent"
            ]
            expected = expected_transcript(run)
            stored = [(t.speaker, t.text) for t in turns]
            found = compare_transcript(expected, stored, run.in_flight)
            audit.sessions += 1
            audit.acknowledged += len(expected)
            audit.stored += len(stored)
            audit.lost += found["lost"]
            audit.foreign += found["foreign"]
            audit.out_of_order += found["out_of_order"]
            if any(found.values()):
                audit.problems.append(
                    f"user {run.number}: stored transcript differs from what it sent and received "
                    f"({found['lost']} lost, {found['foreign']} foreign, order differs: {bool(found['out_of_order'])})"
                )
            session = database.get_session(run.session_id)
            if database.get_engagement(session.engagement_id).organisation != run.organisation:
                audit.wrong_organisation += 1
                audit.problems.append(f"user {run.number}: session belongs to another organisation")
    finally:
        database.close()
    return audit


def check_database(runs: list[UserRun], database_url: str, server_s: list[float]) -> list[str]:
    """Problems found in the stored transcripts (empty: no cross-talk, nothing lost); appends to
    ``server_s`` each turn's time in the server between storing the answer and storing the reply."""
    audit = audit_database(runs, database_url)
    server_s += audit.server_s
    return audit.problems


def check_api(runs: list[UserRun], url: str) -> list[str]:
    """The same check through ``/resume`` from a fresh client (what a stakeholder would see)."""

    client = new_client(url)
    problems = []
    for run in runs:
        if run.session_id is None:
            continue
        resumed = client.predict(run.session_id, api_name="/resume")
        seen = [(t["speaker"], t["text"]) for t in resumed["transcript"]]
        if seen != expected_transcript(run):
            problems.append(f"user {run.number}: /resume shows a transcript that differs from its own turns")
    return problems


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Startup(NamedTuple):
    """Seconds from launching ``maturity ui`` until its page answers, and until ``/healthz`` says
    "ready" (model and knowledge base loaded: interviews run without waiting)."""

    page_s: float
    ready_s: float


def start_server(home: Path, port: int) -> tuple[subprocess.Popen[bytes], Startup]:
    """``maturity ui`` on ``port`` with state in ``home``, once it is ready; returns the process and its startup times.

    Its stderr goes to a temporary file (read back if it fails to start), not a pipe: nobody reads
    a pipe while the server runs, and a full one would stall the server mid-run."""
    import httpx

    env = {
        **os.environ,
        "MATURITY_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    env.pop("MATURITY_DATABASE_URL", None)
    with tempfile.TemporaryFile() as errors:  # the child keeps its own descriptor
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)],
            cwd=REPOSITORY_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        url = f"http://127.0.0.1:{port}/"
        page_s: float | None = None
        while time.perf_counter() - started < STARTUP_TIMEOUT_S:
            if process.poll() is not None:
                errors.seek(0)
                raise SystemExit(f"the app exited during startup: {errors.read().decode(errors='replace')[-2000:]}")
            try:
                if page_s is None and httpx.get(url, timeout=2).status_code == 200:
                    page_s = time.perf_counter() - started
                if page_s is not None:
                    health = httpx.get(url + "healthz", timeout=2)
                    if health.status_code == 200:
                        return process, Startup(page_s, time.perf_counter() - started)
                    state = health.json()
                    failure = state.get("error") if state.get("status") == "failed" else None
                    if failure:
                        process.kill()
                        process.wait()
                        raise SystemExit(f"the app could not load its model or knowledge base: {failure}")
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)
        process.kill()
        process.wait()
    raise SystemExit(f"the app was not ready within {STARTUP_TIMEOUT_S:.0f} s")


def new_client(url: str) -> Any:
    """A ``gradio_client.Client``. Over plain http there is no TLS to verify: ``ssl_verify=False``
    then spares the CA bundle that httpx otherwise loads for every request (most of the client's CPU)."""
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, ssl_verify=url.startswith("https://"))


def cpu_seconds(pid: int | None = None) -> float:
    """User plus system CPU time of this process (or of ``pid``, from /proc) so far."""
    if pid is None:
        usage = os.times()
        return usage.user + usage.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def new_clients(url: str, count: int) -> list[Any]:
    """``count`` clients, each its own Gradio session like a browser (made a few at a time: each
    fetches the app's config and API description)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: new_client(url), range(count)))


def run_load(url: str, users: int, think_s: float, duration_s: float | None = None) -> tuple[list[UserRun], float]:
    """``users`` stakeholders at once; with ``duration_s`` none sends a message after that many
    seconds (counted from the start of the run), so the run ends soon after."""
    personas = load_personas()
    runs = [
        UserRun(i, personas[i % len(personas)].id, f"{personas[i % len(personas)].organisation} (load user {i})")
        for i in range(users)
    ]
    clients = new_clients(url, users)
    barrier = threading.Barrier(users)
    started = time.perf_counter()
    deadline = None if duration_s is None else started + duration_s
    threads = [
        threading.Thread(
            target=run_user,
            args=(client, run, personas[run.number % len(personas)], think_s, barrier, deadline),
            daemon=True,
        )
        for client, run in zip(clients, runs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs, time.perf_counter() - started


def summarise(
    runs: list[UserRun],
    wall_s: float,
    problems: list[str],
    startup: Startup | None,
    think_s: float,
    server_s: list[float],
    cpu_s: dict[str, float],
    load_before: tuple[float, float, float],
    duration_s: float | None = None,
    audit: TranscriptAudit | None = None,
) -> dict[str, Any]:
    latencies = [value for run in runs for value in run.latencies]
    starts = [run.start_latency for run in runs if run.start_latency is not None]
    return {
        "users": len(runs),
        "think_s": think_s,
        "duration_s": duration_s,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],  # other work on the machine skews timings
        # seconds from launch until the page answers, and until the model is loaded (/healthz ready)
        "startup_page_s": None if startup is None else round(startup.page_s, 2),
        "startup_s": None if startup is None else round(startup.ready_s, 2),
        "sessions": sum(run.session_id is not None for run in runs),
        "completed": sum(run.done for run in runs),
        "stopped_by_time": sum(run.stopped for run in runs),
        "errors": [f"user {run.number}: {run.error}" for run in runs if run.error],
        "turns": len(latencies),
        "wall_s": round(wall_s, 2),
        "cpu_s": cpu_s,  # CPU seconds each process spent during the load
        "turns_per_s": round(len(latencies) / wall_s, 1) if wall_s else None,
        "turn_latency_s": {
            "p50": round(percentile(latencies, 0.50), 3),
            "p95": round(percentile(latencies, 0.95), 3),
            "p99": round(percentile(latencies, 0.99), 3),
            "max": round(max(latencies), 3) if latencies else None,
            "mean": round(statistics.fmean(latencies), 3) if latencies else None,
        },
        "start_latency_s": {"p50": round(percentile(starts, 0.5), 3), "p95": round(percentile(starts, 0.95), 3)},
        # In the server, from the stored answer to the stored reply (no queue wait, no transport).
        "server_turn_s": {"p50": round(percentile(server_s, 0.5), 3), "p95": round(percentile(server_s, 0.95), 3)},
        # From the database: turns the API acknowledged, and how many of them are missing (lost),
        # stored in the wrong session (foreign) or out of order; None when it was not read.
        "transcripts": None
        if audit is None
        else {
            "sessions": audit.sessions,
            "acknowledged_turns": audit.acknowledged,
            "stored_turns": audit.stored,
            "lost_turns": audit.lost,
            "foreign_turns": audit.foreign,
            "out_of_order_sessions": audit.out_of_order,
            "wrong_organisation": audit.wrong_organisation,
        },
        "cross_talk": problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="Concurrent simulated stakeholders (default 20).")
    parser.add_argument("--url", help="A running app (default: start `maturity ui` with a fresh state directory).")
    parser.add_argument(
        "--database-url", help="With --url: the app's database, to check stored transcripts (else only /resume)."
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="Mean seconds a stakeholder waits before answering (default 0)."
    )
    parser.add_argument(
        "--duration",
        type=float,
        help="Stop sending new messages after this many seconds (default: run every interview to its end).",
    )
    parser.add_argument(
        "--home",
        type=Path,
        help="Without --url: the state directory for the app it starts (default: a fresh temporary one, "
        "so the built-in knowledge base is indexed during startup).",
    )
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args(argv)
    if args.users < 1:
        parser.error("--users must be at least 1")
    if args.duration is not None and args.duration <= 0:
        parser.error("--duration must be positive")
    load_before = os.getloadavg()
    cpu: dict[str, float] = {}

    process = None
    startup = None
    database_url = args.database_url
    with tempfile.TemporaryDirectory(prefix="maturity-load-") as tmp:
        try:
            if args.url:
                url = args.url if args.url.endswith("/") else args.url + "/"
            else:
                home = args.home or Path(tmp)
                home.mkdir(parents=True, exist_ok=True)
                port = free_port()
                process, startup = start_server(home, port)
                url = f"http://127.0.0.1:{port}/"
                database_url = f"sqlite:///{home / 'maturity.db'}"
            client_cpu, server_cpu = cpu_seconds(), cpu_seconds(process.pid) if process else None
            runs, wall_s = run_load(url, args.users, args.think, args.duration)
            cpu["load generator (gradio_client)"] = round(cpu_seconds() - client_cpu, 1)
            if process is not None and server_cpu is not None:
                cpu["app server"] = round(cpu_seconds(process.pid) - server_cpu, 1)
            problems = check_api(runs, url)
            audit = audit_database(runs, database_url) if database_url else None
            if audit is not None:
                problems += audit.problems
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    server_s = audit.server_s if audit is not None else []
    results = summarise(runs, wall_s, problems, startup, args.think, server_s, cpu, load_before, args.duration, audit)
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    finished = results["completed"] + results["stopped_by_time"] if args.duration else results["completed"]
    ok = not results["errors"] and not problems and finished == args.users
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
