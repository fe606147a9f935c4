"""One app for the UI tests: loaded once (model, knowledge base, engine), served in-process by uvicorn.

The app gets an explicit ``Settings`` with a private state directory (``get_settings`` is cached
and read from the environment, so it is not used here), and a consultant password.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CONSULTANT = ("consultant", "ui-test-secret")


@dataclass(frozen=True)
class RunningApp:
    url: str  # ends with "/"
    home: Path
    services: object  # ui.services.Services

    @property
    def consultant_url(self) -> str:
        return f"{self.url}consultant/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def ui_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    from assistant.settings import Settings

    home = tmp_path_factory.mktemp("ui-home")
    return Settings(home=home, consultant_user=CONSULTANT[0], consultant_password=SecretStr(CONSULTANT[1]))


@pytest.fixture(scope="session")
def ui_services(ui_settings):  # type: ignore[no-untyped-def]
    from ui.services import load_services

    return load_services(ui_settings)


@contextmanager
def serving(app: object, name: str = "ui-test-server") -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port, in a thread; yields its URL (ending "/")."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        server.force_exit = True  # open event streams of gradio clients would hold it for seconds
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def ui_app(ui_settings, ui_services) -> Iterator[RunningApp]:  # type: ignore[no-untyped-def]
    from ui.app import build_app

    with serving(build_app(ui_settings, ui_services)) as url:
        yield RunningApp(url=url, home=ui_settings.home, services=ui_services)
