"""What the app needs from the library, loaded once at startup and shared by every request.

The embedding model, the knowledge base and the interview engine are loaded here, once per
process; request handlers only use them. Nothing in here holds a conversation: interview state
lives in the database (and the ``InterviewService``'s cache keyed by session id).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embeddings import Embedder
from assistant.engines import Engine
from assistant.errors import MaturityError
from assistant.knowledge import KnowledgeService
from assistant.persistence import Database
from assistant.sessions import InterviewService
from assistant.settings import REPOSITORY_ROOT, Settings

#: Report files prepared for download are removed after this long (gradio serves its own copy meanwhile).
REPORT_FILE_TTL_S = 3600
#: The evaluator's case files.
DEFAULT_CASES_DIR = REPOSITORY_ROOT / "evals" / "cases" / "assessments" / "dev"
EMBEDDED = ("embedded", "rules")


#: How long a request waits for a background start-up to finish before it is told to retry.
STARTUP_WAIT_S = 120.0


class StillStarting(MaturityError):
    """The model and knowledge base are still loading (the page is served before they are)."""


class Services:
    """What every request shares. ``knowledge``, ``engine`` and ``interviews`` are available once
    loaded: given to the constructor (tests, tools), or loaded by ``load_in_background`` while the
    server already answers (``maturity ui``), in which case a request that needs them waits for
    the load (``STARTUP_WAIT_S`` at most) instead of failing."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        knowledge: KnowledgeService | None = None,
        engine: Engine | None = None,
        cases_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.cases_dir = cases_dir or DEFAULT_CASES_DIR
        self.load_seconds = 0.0
        #: One knowledge-base write at a time (uploads); readers are not blocked.
        self.ingest_lock = threading.Lock()
        self._lock = threading.Lock()
        self._reporter: Any = None
        self._engines: dict[str, Engine] = {}
        self._reports_dir: Path | None = None
        self._loaded = threading.Event()
        self._failure: str | None = None
        self._knowledge: KnowledgeService | None = None
        self._engine: Engine | None = None
        self._interviews: InterviewService | None = None
        if knowledge is not None and engine is not None:
            self._install(knowledge, engine)

    def _install(self, knowledge: KnowledgeService, engine: Engine) -> None:
        self._knowledge = knowledge
        self._engine = engine
        self._interviews = InterviewService(self.database, engine)
        self._loaded.set()

    def load_in_background(self, on_done: Callable[[Services], None] | None = None) -> threading.Thread:
        """Open the knowledge base and the engine in a daemon thread (the slow part of startup).

        A failure is kept and reported by every request that needs them (``status`` says
        "failed"), rather than killing a server whose other pages still work."""

        def load() -> None:
            from assistant.knowledge import open_service

            started = time.perf_counter()
            try:
                self._install(open_service(self.settings), open_app_engine(self.settings))
            except MaturityError as exc:
                self._failure = str(exc)
            except Exception as exc:  # any failure must reach the page, not die with the thread
                self._failure = f"{type(exc).__name__}: {exc}"
            finally:
                self.load_seconds = time.perf_counter() - started
                self._loaded.set()
                if on_done is not None:
                    on_done(self)

        thread = threading.Thread(target=load, name="maturity-startup", daemon=True)
        thread.start()
        return thread

    @property
    def status(self) -> str:
        """ "starting", "ready" or "failed" (what ``/healthz`` reports)."""
        if not self._loaded.is_set():
            return "starting"
        return "failed" if self._failure is not None else "ready"

    @property
    def failure(self) -> str | None:
        return self._failure

    def wait_until_loaded(self, timeout: float = STARTUP_WAIT_S) -> None:
        """Return once the model and knowledge base are loaded; ``MaturityError`` if loading failed
        or is still going on after ``timeout`` seconds."""
        if not self._loaded.wait(timeout):
            raise StillStarting(
                "the assistant is still loading its model; nothing was saved, try again in a few seconds"
            )
        if self._failure is not None:
            raise MaturityError(
                f"the assistant could not load its model or knowledge base ({self._failure}); "
                "ask the administrator to check the server log and restart it"
            )

    @property
    def knowledge(self) -> KnowledgeService:
        self.wait_until_loaded()
        assert self._knowledge is not None
        return self._knowledge

    @property
    def engine(self) -> Engine:
        self.wait_until_loaded()
        assert self._engine is not None
        return self._engine

    @property
    def interviews(self) -> InterviewService:
        self.wait_until_loaded()
        assert self._interviews is not None
        return self._interviews

    @property
    def uploads_dir(self) -> Path:
        return self.settings.home / "uploads"

    def engine_names(self) -> list[str]:
        """Engines the evaluator offers: the embedded one, and the configured LLM engine if any."""
        configured = (self.settings.llm or "embedded").strip()
        return ["embedded"] if configured in EMBEDDED else ["embedded", configured]

    def engine_for(self, name: str) -> Engine:
        """The engine called ``name`` (one of ``engine_names``), opened once; the app's own when it matches."""
        from assistant.engines import open_engine

        configured = (self.settings.llm or "embedded").strip()
        if name == configured or (name == "embedded" and configured in EMBEDDED):
            return self.engine
        with self._lock:
            if name not in self._engines:
                self._engines[name] = open_engine(self.settings, None, name)
            return self._engines[name]

    def report_file(self, name: str, data: bytes) -> Path:
        """Write a report for download in a private folder (0700), pruning the ones over an hour old."""
        with self._lock:
            if self._reports_dir is None:
                self._reports_dir = Path(tempfile.mkdtemp(prefix="maturity-reports-"))
            for old in self._reports_dir.iterdir():
                if time.time() - old.stat().st_mtime > REPORT_FILE_TTL_S:
                    shutil.rmtree(old, ignore_errors=True)
            folder = self._reports_dir / secrets.token_hex(8)
            folder.mkdir()
        path = folder / name
        path.write_bytes(data)
        return path

    def forget_reporter(self) -> None:
        """Drop the report builder (it indexes the knowledge base when created): after an upload."""
        with self._lock:
            self._reporter = None

    def reporter(self) -> Any:
        """The report builder (``assistant.report.service.Reporter``), created on first use."""
        with self._lock:
            if self._reporter is None:
                from assistant.report.service import Reporter

                self._reporter = Reporter(self.settings, self.knowledge, self.engine.framework)
            return self._reporter


class StartupVectorCache:
    """The embedded engine's encoder: the model, plus a disk cache for the engine's own startup.

    Building the engine embeds every cue of the framework (about 5 s of CPU on a small machine, at
    every start). While ``warm`` is set, each ``encode`` call's result is kept on disk under a hash
    of the model and the exact texts, so the next start reads the same vectors back; afterwards
    (stakeholder answers) every call goes straight to the model.
    """

    def __init__(self, embedder: Embedder, directory: Path) -> None:
        self.embedder = embedder
        self.directory = directory
        self.warm = True

    def encode(self, texts: list[str]) -> np.ndarray:
        if not self.warm:
            return self.embedder.encode(texts)
        digest = hashlib.sha256(self.embedder.name.encode("utf-8"))
        model = Path(self.embedder.name)
        if model.exists():  # a local model: new weights under the same path are a new key
            digest.update(str(model.stat().st_mtime_ns).encode("ascii"))
        for text in texts:
            digest.update(b"\0" + text.encode("utf-8"))
        path = self.directory / f"{digest.hexdigest()}.npy"
        try:
            cached = np.load(path, allow_pickle=False)
            if cached.shape[0] == len(texts):
                return np.asarray(cached, dtype=np.float32)
        except (OSError, ValueError):
            pass
        vectors = self.embedder.encode(texts)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
            with partial.open("wb") as handle:
                np.save(handle, vectors, allow_pickle=False)
            os.replace(partial, path)
        except OSError:
            pass  # a read-only state directory only costs the next start its 5 s
        return vectors


def open_app_engine(settings: Settings) -> Engine:
    """The engine the settings choose (``open_engine``); the embedded one with its startup cache."""
    from assistant.embeddings import load_embedder
    from assistant.engines import EmbeddedEngine, open_engine
    from assistant.framework import load_framework

    if (settings.llm or "embedded").strip() not in EMBEDDED:
        return open_engine(settings)
    encoder = StartupVectorCache(
        load_embedder(settings.embedding_model, settings.torch_threads), settings.home / "cache" / "vectors"
    )
    engine = EmbeddedEngine(load_framework(settings.framework), encoder)
    encoder.warm = False
    return engine


def load_services(settings: Settings, cases_dir: Path | None = None) -> Services:
    """Open the database, the knowledge base and the engine (the slow part of startup), in order."""
    from assistant.knowledge import open_service

    started = time.perf_counter()
    services = Services(
        settings, Database(settings.resolved_database_url), open_service(settings), open_app_engine(settings), cases_dir
    )
    services.load_seconds = time.perf_counter() - started
    return services
