"""Shared by the load and crash scenarios: the real app as a child process, on a prepared state directory.

A fresh state directory makes ``maturity ui`` build the built-in knowledge base first (most of a
minute on a 2-core machine). These scenarios are about the app under load and across a kill, not
about that build, so one child process builds a template state directory once per test session,
in the background while other scenarios run, and every app started here gets its own copy of it
(its own database, so no scenario sees another's sessions).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from evals import load
from tests.conftest import REPO

TEMPLATE_TIMEOUT_S = 300.0

# Load the app's services (database, built-in knowledge base, engine with its startup cache) once.
_BUILD = """
import sys
from pathlib import Path
from assistant.settings import Settings
from ui.services import load_services

services = load_services(Settings(home=Path(sys.argv[1])))
services.database.close()
"""


def child_env(home: Path) -> dict[str, str]:
    """The environment of a child ``maturity`` process: its own state directory, offline, and the
    embedded stores (a database or Chroma server named by the caller's environment is not used)."""
    env = {
        **os.environ,
        "MATURITY_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p),
    }
    for name in ("MATURITY_DATABASE_URL", "MATURITY_CHROMA_URL"):
        env.pop(name, None)
    return env


class HomeTemplate:
    """A state directory being prepared by a child process; ``copy_to`` waits for it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.log = path.with_suffix(".log")
        self.started = time.perf_counter()
        self.seconds: float | None = None
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _BUILD, str(path)],
                cwd=REPO,
                env=child_env(path),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def ready(self) -> Path:
        try:
            code = self.process.wait(timeout=max(1.0, TEMPLATE_TIMEOUT_S - (time.perf_counter() - self.started)))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"preparing the app's state directory took over {TEMPLATE_TIMEOUT_S:.0f} s")
        if code != 0:
            pytest.fail(f"preparing the app's state directory failed: {self.log.read_text(errors='replace')[-2000:]}")
        if self.seconds is None:
            self.seconds = time.perf_counter() - self.started
        return self.path

    def copy_to(self, home: Path) -> Path:
        """A copy of the prepared state directory, without its database."""
        shutil.copytree(self.ready(), home, ignore=shutil.ignore_patterns("maturity.db*", "*.lock"))
        return home


_templates: dict[Path, HomeTemplate] = {}


def home_template(base: Path) -> HomeTemplate:
    """The session's template (``base``: pytest's base temporary directory), started on first use."""
    if base not in _templates:
        _templates[base] = HomeTemplate(base / "reliability-app-home")
    return _templates[base]


@dataclass
class App:
    """``maturity ui`` (``python -m assistant.cli ui``) running as a child process."""

    home: Path
    port: int
    process: subprocess.Popen[bytes]
    startup: load.Startup

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.home / 'maturity.db'}"

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, no chance to finish a turn."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def start_app(home: Path, port: int | None = None) -> App:
    """Start the app on ``home`` (``evals.load.start_server``) and wait until it answers."""
    port = port or load.free_port()
    try:
        process, startup = load.start_server(home, port)
    except SystemExit as exc:  # the benchmark's way to stop; here it is a failed test
        pytest.fail(str(exc))
    return App(home, port, process, startup)
