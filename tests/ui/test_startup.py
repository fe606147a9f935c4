"""The app serves its pages before the model and knowledge base are loaded (``maturity ui``).

``Services.load_in_background`` loads them in a thread; ``/healthz`` says "starting", "ready" or
"failed"; a request that needs them waits for the load, and a failed load reaches the page as a
one-line message. The loaders are replaced here by ones the test controls (the session's
already-loaded knowledge base and engine), so no second model is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.errors import MaturityError
from assistant.persistence import Database


@pytest.fixture
def unloaded(ui_settings, tmp_path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    from ui.services import Services

    settings = ui_settings.model_copy(update={"home": tmp_path})
    database = Database(settings.resolved_database_url)
    yield Services(settings, database)
    database.close()


def gated_loaders(monkeypatch: pytest.MonkeyPatch, ui_services: Any, gate: threading.Event) -> None:
    """Loaders that hand back the session's knowledge base and engine once ``gate`` is set."""
    import assistant.knowledge
    import ui.services

    def knowledge(settings: Any) -> Any:
        gate.wait(30)
        return ui_services.knowledge

    monkeypatch.setattr(assistant.knowledge, "open_service", knowledge)
    monkeypatch.setattr(ui.services, "open_app_engine", lambda settings: ui_services.engine)


def test_the_page_answers_before_the_model_is_loaded_and_healthz_says_starting(unloaded) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from ui.app import build_app

    with TestClient(build_app(unloaded.settings, unloaded)) as http:
        assert http.get("/").status_code == 200
        health = http.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "starting"
    assert unloaded.status == "starting"


def test_a_request_while_loading_waits_for_the_load_then_runs(monkeypatch, unloaded, ui_services) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from ui.app import build_app

    gate = threading.Event()
    gated_loaders(monkeypatch, ui_services, gate)
    finished: list[str] = []
    unloaded.load_in_background(lambda services: finished.append(services.status))

    got: list[Any] = []
    waiter = threading.Thread(target=lambda: got.append(unloaded.interviews.start("Waiting Ltd", role="CTO")))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive() and got == [], "the request waits while the model loads"

    gate.set()
    waiter.join(30)
    assert got and got[0].reply.text, "the waiting request ran once the model was loaded"
    assert finished == ["ready"]
    assert unloaded.database.turns(got[0].session.id), "its turn was stored"
    with TestClient(build_app(unloaded.settings, unloaded)) as http:
        health = http.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ready"


def test_a_request_that_outwaits_the_load_is_told_to_retry(unloaded) -> None:  # type: ignore[no-untyped-def]
    from ui.services import StillStarting

    with pytest.raises(StillStarting, match="try again in a few seconds"):
        unloaded.wait_until_loaded(timeout=0.05)


def test_a_failed_load_is_reported_by_healthz_and_by_every_request(monkeypatch, unloaded, ui_services) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    import assistant.knowledge
    import ui.services
    from ui.app import build_app
    from ui.stakeholder import Portal

    def broken(settings: Any) -> Any:
        raise MaturityError("embedding model not found at /nowhere; set MATURITY_EMBEDDING_MODEL")

    monkeypatch.setattr(assistant.knowledge, "open_service", lambda settings: ui_services.knowledge)
    monkeypatch.setattr(ui.services, "open_app_engine", broken)
    unloaded.load_in_background().join(30)

    assert unloaded.status == "failed"
    with pytest.raises(MaturityError, match="/nowhere") as raised:
        Portal(unloaded).start("Broken Ltd", None, "CTO", None)
    assert "server log" in str(raised.value)
    with TestClient(build_app(unloaded.settings, unloaded)) as http:
        assert http.get("/").status_code == 200, "the pages still answer"
        health = http.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "failed" and "/nowhere" in health.json()["error"]


def test_an_unexpected_exception_while_loading_is_kept_not_lost(monkeypatch, unloaded) -> None:  # type: ignore[no-untyped-def]
    import assistant.knowledge

    def crash(settings: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(assistant.knowledge, "open_service", crash)
    unloaded.load_in_background().join(30)
    assert unloaded.status == "failed"
    assert unloaded.failure == "OSError: disk full"
