"""Load benchmark for the app: N simulated stakeholders interviewing at once over HTTP.

    python -m evals.load --users 20               # back to back: a stress test
    python -m evals.load --users 20 --think 2     # each answers every 1-3 s

Without ``--url`` it starts ``maturity ui`` (``python -m assistant.cli ui``) on a free port with a
fresh state directory, times how long the app takes to answer, and afterwards reads that
directory's database. Each simulated stakeholder is a ``gradio_client.Client`` (its own Gradio
session) that starts an interview through the ``/start`` endpoint and answers with a persona's
statements from ``evals/cases/assessments/dev`` (cases of kind ``persona``, in order, then
"I don't know"), confirms the summary, and stops when the interview is done.

Reported: turn latency (p50/p95/p99/max, client-side wall time of one ``/send`` call), the
server's share of it (stored answer to stored reply), CPU per process, completed interviews,
errors, and cross-talk: every session's stored transcript must hold exactly the
messages its own stakeholder sent and the replies that stakeholder received, in order (checked
in the database, and through ``/resume`` from a fresh client).
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    error: str | None = None


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


def run_user(client: Any, run: UserRun, persona: Persona, think_s: float, barrier: threading.Barrier) -> None:
    """One stakeholder: start, answer until the interview is done, recording every turn."""
    answers = list(persona.statements)
    jitter = random.Random(run.number)
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
            if think_s:
                time.sleep(jitter.uniform(0.5, 1.5) * think_s)
            message = CONFIRM if reply["kind"] == "summary" else (answers.pop(0) if answers else FALLBACK_ANSWER)
            started = time.perf_counter()
            reply = client.predict(run.session_id, message, api_name="/send")
            run.latencies.append(time.perf_counter() - started)
            run.sent.append(message)
            run.replies.append(reply["reply"])
        run.done = True
    except Exception as exc:  # recorded and reported: one failing user must not stop the others
        run.error = f"{type(exc).__name__}: {exc}"[:300]


def expected_transcript(run: UserRun) -> list[tuple[str, str]]:
    turns = [("agent", run.replies[0])] if run.replies else []
    for message, reply in zip(run.sent, run.replies[1:], strict=False):
        turns += [("stakeholder", message), ("agent", reply)]
    return turns


def check_database(runs: list[UserRun], database_url: str, server_s: list[float]) -> list[str]:
    """Problems found in the stored transcripts (empty: no cross-talk, nothing lost); appends to
    ``server_s`` each turn's time in the server between storing the answer and storing the reply."""
    from assistant.persistence import Database

    problems: list[str] = []
    database = Database(database_url)
    try:
        for run in runs:
            if run.session_id is None:
                continue
            turns = database.turns(run.session_id)
            server_s += [
                (reply.created_at - answer.created_at).total_seconds()
                for answer, reply in itertools.pairwise(turns)
                if answer.speaker == "stakeholder" and reply.speaker == "agent"
            ]
            stored = [(t.speaker, t.text) for t in turns]
            if stored != expected_transcript(run):
                problems.append(f"user {run.number}: stored transcript differs from what it sent and received")
            session = database.get_session(run.session_id)
            if database.get_engagement(session.engagement_id).organisation != run.organisation:
                problems.append(f"user {run.number}: session belongs to another organisation")
    finally:
        database.close()
    return problems


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


def start_server(home: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """``maturity ui`` on ``port`` with state in ``home``; returns the process and its startup time."""
    import httpx

    env = {
        **os.environ,
        "MATURITY_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    env.pop("MATURITY_DATABASE_URL", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)],
        cwd=REPOSITORY_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < STARTUP_TIMEOUT_S:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise SystemExit(f"the app exited during startup: {error[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the app did not answer within {STARTUP_TIMEOUT_S:.0f} s")


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


def run_load(url: str, users: int, think_s: float) -> tuple[list[UserRun], float]:

    personas = load_personas()
    runs = [
        UserRun(i, personas[i % len(personas)].id, f"{personas[i % len(personas)].organisation} (load user {i})")
        for i in range(users)
    ]
    clients = [new_client(url) for _ in runs]  # each its own Gradio session, like a browser
    barrier = threading.Barrier(users)
    threads = [
        threading.Thread(
            target=run_user, args=(client, run, personas[run.number % len(personas)], think_s, barrier), daemon=True
        )
        for client, run in zip(clients, runs, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs, time.perf_counter() - started


def summarise(
    runs: list[UserRun],
    wall_s: float,
    problems: list[str],
    startup_s: float | None,
    think_s: float,
    server_s: list[float],
    cpu_s: dict[str, float],
    load_before: tuple[float, float, float],
) -> dict[str, Any]:
    latencies = [value for run in runs for value in run.latencies]
    starts = [run.start_latency for run in runs if run.start_latency is not None]
    return {
        "users": len(runs),
        "think_s": think_s,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],  # other work on the machine skews timings
        "startup_s": None if startup_s is None else round(startup_s, 2),
        "completed": sum(run.done for run in runs),
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
        "--home",
        type=Path,
        help="Without --url: the state directory for the app it starts (default: a fresh temporary one, "
        "so the built-in knowledge base is indexed during startup).",
    )
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args(argv)
    if args.users < 1:
        parser.error("--users must be at least 1")
    load_before = os.getloadavg()
    cpu: dict[str, float] = {}

    process = None
    startup_s = None
    database_url = args.database_url
    with tempfile.TemporaryDirectory(prefix="maturity-load-") as tmp:
        try:
            if args.url:
                url = args.url if args.url.endswith("/") else args.url + "/"
            else:
                home = args.home or Path(tmp)
                home.mkdir(parents=True, exist_ok=True)
                port = free_port()
                process, startup_s = start_server(home, port)
                url = f"http://127.0.0.1:{port}/"
                database_url = f"sqlite:///{home / 'maturity.db'}"
            client_cpu, server_cpu = cpu_seconds(), cpu_seconds(process.pid) if process else None
            runs, wall_s = run_load(url, args.users, args.think)
            cpu["load generator (gradio_client)"] = round(cpu_seconds() - client_cpu, 1)
            if process is not None and server_cpu is not None:
                cpu["app server"] = round(cpu_seconds(process.pid) - server_cpu, 1)
            problems = check_api(runs, url)
            server_s: list[float] = []
            if database_url:
                problems += check_database(runs, database_url, server_s)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    results = summarise(runs, wall_s, problems, startup_s, args.think, server_s, cpu, load_before)
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    ok = not results["errors"] and not problems and results["completed"] == args.users
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
