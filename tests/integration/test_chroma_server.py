"""Ingest and ask against a real Chroma server (`chroma run`) on a free loopback port."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chroma_binary() -> str | None:
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = _chroma_binary()
    if binary is None:
        pytest.fail("the `chroma` command from the chromadb package is not installed")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-data")
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [binary, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start: " + (data / "server.log").read_text()[-2000:])
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_ingest_and_ask_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    from assistant.settings import get_settings

    runner = CliRunner()
    env = {"MATURITY_CHROMA_URL": chroma_url}
    kb = tmp_path / "kb"
    get_settings.cache_clear()
    result = runner.invoke(app, ["ingest", str(REPO / "knowledge"), "--kb", str(kb)], env=env)
    assert result.exit_code == 0, result.output
    assert "6 added" in result.stdout
    # only the manifest lives locally: the vectors are on the server
    assert not (kb / "chroma").exists()
    get_settings.cache_clear()
    result = runner.invoke(app, ["ingest", str(REPO / "knowledge"), "--kb", str(kb)], env=env)
    assert "6 unchanged" in result.stdout
    get_settings.cache_clear()
    result = runner.invoke(
        app,
        ["ask", "Which automation tools does the report suggest for deployment?", "--kb", str(kb), "--json"],
        env=env,
    )
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["answerable"] is True
    assert "jenkins" in payload["answer"].lower()
