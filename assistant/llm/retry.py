"""Which request failures are worth retrying, and how long to wait before the next attempt."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Failure(StrEnum):
    RATE_LIMITED = "rate-limited"  # 429
    SERVER = "server error"  # 5xx, 408
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"  # connection refused, DNS, TLS
    AUTH = "auth"  # 401, 403
    NOT_FOUND = "not found"  # 404: usually an unknown model
    REJECTED = "rejected"  # other 4xx: this request (too long a prompt, an unsupported option)
    LENGTH = "length"  # the reply was cut off at max_tokens


RETRYABLE = frozenset({Failure.RATE_LIMITED, Failure.SERVER, Failure.TIMEOUT, Failure.UNREACHABLE})


def status_code(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    if isinstance(code, int):
        return code
    response = getattr(exc, "response", None)
    code = getattr(response, "status_code", None)
    return code if isinstance(code, int) else None


def classify(exc: BaseException) -> Failure | None:
    """The kind of a request failure, or None for an exception that is not one (a bug)."""
    name = type(exc).__name__
    if name == "LengthFinishReasonError":  # the OpenAI SDK's parse(): finish_reason "length"
        return Failure.LENGTH
    if "Timeout" in name or isinstance(exc, TimeoutError):
        return Failure.TIMEOUT
    code = status_code(exc)
    if code is not None:
        if code == 429:
            return Failure.RATE_LIMITED
        if code >= 500 or code == 408:
            return Failure.SERVER
        if code in (401, 403):
            return Failure.AUTH
        if code == 404:
            return Failure.NOT_FOUND
        if 400 <= code < 500:
            return Failure.REJECTED
    if _is_connection_error(exc):
        return Failure.UNREACHABLE
    return None


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError):
        return True
    for module, names in (("openai", ("APIConnectionError",)), ("httpx", ("TransportError",))):
        try:
            imported = __import__(module)
        except ImportError:  # pragma: no cover - both come with langchain-openai
            continue
        for name in names:
            kind = getattr(imported, name, None)
            if isinstance(kind, type) and isinstance(exc, kind):
                return True
    return False


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After), when it said so."""
    response: Any = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    try:
        value = headers.get("retry-after")
        return float(str(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


@dataclass
class Backoff:
    """Exponential backoff with jitter: attempt n waits about ``base * 2**n`` seconds, between half
    and all of it (at most ``cap``), or what the server's Retry-After says when that is longer."""

    base: float = 0.5
    cap: float = 20.0
    uniform: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, exc: BaseException | None = None) -> float:
        ceiling = min(self.cap, self.base * (2.0**attempt))
        wait = ceiling * (0.5 + 0.5 * self.uniform())
        asked = retry_after(exc) if exc is not None else None
        if asked is not None:
            wait = max(wait, min(asked, self.cap))
        return round(wait, 3)
