"""Fault makers for test_faults.py: a Chroma server that can be stopped and restarted on the same
port, a fake OpenAI-compatible server that hangs or answers, and the disk-full driver.

The disk-full driver runs in a process of its own inside ``unshare -rm`` (a private mount
namespace where the state directory is a tiny tmpfs), so it is a module entry point
(``python -m tests.reliability._fault_support disk-full ...``) that writes what it saw as JSON;
the test makes the assertions.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
#: Two dimensions, three levels: an engine loads in under a second instead of ten, and storage
#: faults do not depend on the framework.
SMALL_FRAMEWORK = REPO / "tests" / "data" / "small-framework.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --------------------------------------------------------------------------------------------
# Chroma server
# --------------------------------------------------------------------------------------------


class ChromaServer:
    """``chroma run`` on a fixed loopback port and data path, so it can be stopped and restarted
    as the same server (same port, same collections)."""

    def __init__(self, binary: str, data: Path, port: int | None = None) -> None:
        self.binary = binary
        self.data = data
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data / "server.log"

    def start(self, timeout_s: float = 60) -> None:
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(
                [self.binary, "run", "--path", str(self.data), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while not self.alive():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("chroma server did not start: " + self.log.read_text()[-2000:])
            time.sleep(0.2)

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server and wait until its port refuses connections."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None


# --------------------------------------------------------------------------------------------
# A fake OpenAI-compatible LLM server
# --------------------------------------------------------------------------------------------


def completion(content: str, model: str) -> dict[str, Any]:
    """A valid OpenAI chat completion carrying ``content``."""
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


class FakeLLMServer:
    """An OpenAI-compatible server on loopback whose behaviour the test switches:

    * ``hang``: reads the request and never answers (until the server is closed);
    * ``slow``: answers properly, but only after ``delay_s`` (longer than the client's timeout);
    * ``ok``: answers at once: ``{"observations": []}`` to a structured (JSON) request, and
      ``GENERATED`` to a prose one (the cited-answer prompt), so the LLM path is recognisable.
    """

    GENERATED = "The fake model says: see the cited passage [1]."

    def __init__(self) -> None:
        self.mode = "hang"
        self.delay_s = 3.0
        self.requests = 0
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                outer.requests += 1
                if outer.mode == "hang":
                    outer.release.wait(60)
                    return  # the connection closes without a reply
                if outer.mode == "slow" and outer.release.wait(outer.delay_s):
                    return
                content = '{"observations": []}' if "response_format" in body else outer.GENERATED
                payload = json.dumps(completion(content, str(body.get("model", "fake")))).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timed out) before the late answer
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeLLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------------------------
# Disk full (run inside `unshare -rm` with MATURITY_HOME on a tiny tmpfs)
# --------------------------------------------------------------------------------------------

ANSWERS = [
    "We meet the IT team every two weeks and share a Teams channel.",
    "Our code is in GitLab and a CI pipeline runs the tests on every merge request.",
]
TRANSCRIPT = """\
- question: How do the data scientists and the IT team work together?
  answer: We meet the IT team every two weeks and share a Teams channel.
- question: Where does your code live?
  answer: Our code is in GitLab and a CI pipeline runs the tests on every merge request.
"""
QUESTION = "Which dashboards and alerts does the monitoring handbook use?"


def big_document(path: Path, size: int) -> Path:
    """A Markdown document of about ``size`` bytes, in sections the chunker splits."""
    paragraph = (
        "Model monitoring uses Prometheus and Grafana dashboards with alerts on drift, latency and errors. "
        "Deployment pipelines in Jenkins build, test and release every model version. "
    )
    parts = ["# Monitoring handbook\n"]
    section = 0
    while sum(len(p) for p in parts) < size:
        section += 1
        parts.append(f"\n## Practice {section}\n\n" + paragraph * 6 + f"Section {section} ends here.\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _integrity(db: Path) -> dict[str, Any]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        check = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        turns = [list(row) for row in connection.execute("SELECT seq, speaker, text FROM turns ORDER BY seq")]
        return {"integrity": check, "turns": turns}
    finally:
        connection.close()


def fill(path: Path, leave: int) -> int:
    """Fill the file system of ``path`` to the last block, then give back ``leave`` bytes."""
    written = 0
    with path.open("wb") as handle:
        block = b"\0" * 65536
        try:
            while True:
                handle.write(block)
                handle.flush()
                written += len(block)
        except OSError:
            pass
    if leave:
        os.truncate(path, max(0, path.stat().st_size - leave))
    return path.stat().st_size


def disk_full(home: Path, out: Path, work: Path) -> None:
    """Interview, ingest and assess with a full state directory, then again after freeing space."""
    os.environ["MATURITY_HOME"] = str(home)
    os.environ["MATURITY_FRAMEWORK"] = str(SMALL_FRAMEWORK)
    os.environ.pop("MATURITY_DATABASE_URL", None)
    os.environ.pop("MATURITY_CHROMA_URL", None)
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import get_settings

    runner = CliRunner()
    steps: dict[str, Any] = {}

    def run(name: str, *args: str, input: str | None = None) -> dict[str, Any]:
        get_settings.cache_clear()
        started = time.monotonic()
        print(f"fault step {name}: maturity {' '.join(args[:2])}", file=sys.stderr, flush=True)
        result = runner.invoke(app, list(args), input=input)
        steps[name] = {
            "exit": result.exit_code,
            "stdout": result.stdout[-100_000:],
            "stderr": result.stderr[-3000:],
            "exception": None
            if result.exception is None or isinstance(result.exception, SystemExit)
            else repr(result.exception),
            "seconds": round(time.monotonic() - started, 2),
        }
        return dict(steps[name])

    db = home / "maturity.db"
    transcript = work / "transcript.yaml"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    document = big_document(work / "handbook.md", 12_000)  # about 11 chunks, some 400 KB in the store
    kb = home / "kb-handbook"
    kb_first = home / "kb-first"

    started = run("interview-start", "interview", "--organisation", "Diskco", input=ANSWERS[0] + "\n")
    session = started["stderr"].split("session ", 1)[1].split()[0]
    steps["session"] = session
    filler = home / "filler"
    steps["filled_bytes"] = fill(filler, leave=0)
    run("interview-full", "interview", "--resume", session, input=ANSWERS[1] + "\n")
    run("engagement-full", "engagement")  # reading needs no space
    run("assess-full", "assess", str(transcript), "--json")  # the embedded engine writes nothing
    run("ingest-no-space", "ingest", str(document), "--kb", str(kb_first))  # not even an empty store fits
    steps["db-full"] = _integrity(db)
    # Room for an empty store (about 200 KB), not for the document's chunks and vectors.
    filler.unlink()
    steps["filled_bytes"] = fill(filler, leave=256 * 1024)
    steps["free_bytes_for_ingest"] = os.statvfs(home).f_bavail * os.statvfs(home).f_frsize
    steps["document_bytes"] = document.stat().st_size
    run("ingest-full", "ingest", str(document), "--kb", str(kb))
    steps["kb-after-full"] = sorted(p.name for p in kb.iterdir()) if kb.is_dir() else None
    filler.unlink()  # the fault clears
    run("interview-freed", "interview", "--resume", session, input=ANSWERS[1] + "\n")
    run("ingest-freed", "ingest", str(document), "--kb", str(kb))
    run("ingest-first-freed", "ingest", str(document), "--kb", str(kb_first))
    run("ask-freed", "ask", QUESTION, "--kb", str(kb), "--json")
    steps["db-freed"] = _integrity(db)
    get_settings.cache_clear()
    from assistant.errors import MaturityError
    from assistant.knowledge import open_service

    for name, directory in (("kb", kb), ("kb-first", kb_first)):
        try:
            service = open_service(get_settings(), directory)
        except MaturityError as exc:  # recorded for the test to report, not raised
            steps[f"{name}-error"] = str(exc)
            continue
        steps[f"{name}-consistency"] = service.kb.consistency_report()
        steps[f"{name}-count"] = service.kb.count()
        steps[f"{name}-files"] = len(service.kb.files)
    out.write_text(json.dumps(steps, indent=1), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "disk-full":
        disk_full(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        sys.exit("usage: python -m tests.reliability._fault_support disk-full HOME OUT.json WORKDIR")
