"""The LLM call log: one row per request in the state database, never in the way of the request."""

from __future__ import annotations

import threading
from typing import Protocol

from assistant.errors import MaturityError


class CallSink(Protocol):
    def log_llm_call(
        self,
        *,
        prompt: str,
        prompt_version: int,
        model: str,
        latency_ms: int,
        outcome: str,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        error: str | None = None,
    ) -> None: ...


class CallLog:
    """Writes call rows to a database opened on first use. A failure to open or write the
    database is counted in ``failures`` and otherwise ignored: logging never breaks a call."""

    def __init__(self, database_url: str | None = None, sink: CallSink | None = None) -> None:
        self._url = database_url
        self._sink = sink
        self._lock = threading.Lock()
        self.failures = 0
        self.last_failure: str | None = None

    def _open(self) -> CallSink | None:
        if self._sink is None and self._url is not None:
            from assistant.persistence import Database

            self._sink = Database(self._url)
        return self._sink

    def record(
        self,
        *,
        prompt: str,
        prompt_version: int,
        model: str,
        latency_ms: int,
        outcome: str,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        error: str | None = None,
    ) -> None:
        try:
            with self._lock:
                sink = self._open()
            if sink is None:
                return
            sink.log_llm_call(
                prompt=prompt,
                prompt_version=prompt_version,
                model=model,
                latency_ms=latency_ms,
                outcome=outcome,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                error=error,
            )
        except MaturityError as exc:  # StorageError (locked, full, unwritable) or a refused value
            self.failures += 1
            self.last_failure = str(exc)
