"""Fake chat models for the LLM engine's tests: scripted replies, errors and truncations."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from assistant.errors import StorageError
from assistant.llm.calllog import CallLog
from assistant.llm.client import ChatClient
from assistant.llm.retry import Backoff


class Cut:
    """A scripted reply that stops at the token limit (finish_reason "length")."""

    def __init__(self, content: str) -> None:
        self.content = content


def http_error(status: int, headers: dict[str, str] | None = None) -> Exception:
    """The exception the OpenAI SDK raises for an HTTP status."""
    import openai

    request = httpx.Request("POST", "http://llm.test/v1/chat/completions")
    response = httpx.Response(status, request=request, headers=headers or {}, json={"error": {"message": "scripted"}})
    kind = {429: openai.RateLimitError, 401: openai.AuthenticationError, 404: openai.NotFoundError}.get(status)
    if kind is None:
        kind = openai.InternalServerError if status >= 500 else openai.BadRequestError
    return kind(f"Error code: {status}", response=response, body=None)


def connection_error() -> Exception:
    import openai

    return openai.APIConnectionError(request=httpx.Request("POST", "http://llm.test/v1/chat/completions"))


Responder = Callable[[list[BaseMessage]], Any]


class ScriptedChatModel(BaseChatModel):
    """Plays a script: each call takes the next item, a reply (str), a ``Cut`` reply, an exception
    to raise, or a function of the messages that returns one of those. When the script runs out,
    ``default`` (a responder) answers, else the test fails."""

    script: list[Any] = Field(default_factory=list)
    default: Any = None
    calls: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self.calls.append({"messages": list(messages), "kwargs": kwargs})
        if self.script:
            item = self.script.pop(0)
        elif self.default is not None:
            item = self.default
        else:
            raise AssertionError("the fake model was called more often than scripted")
        if callable(item) and not isinstance(item, (str, Exception)):
            item = item(list(messages))
        if isinstance(item, Exception):
            raise item
        finish = "stop"
        if isinstance(item, Cut):
            item, finish = item.content, "length"
        content = item if isinstance(item, str) else json.dumps(item)
        message = AIMessage(
            content=content,
            response_metadata={"finish_reason": finish},
            usage_metadata={"input_tokens": 100, "output_tokens": 20, "total_tokens": 120},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


class MemorySink:
    def __init__(self, fail: bool = False) -> None:
        self.rows: list[dict[str, Any]] = []
        self.fail = fail

    def log_llm_call(self, **row: Any) -> None:
        if self.fail:
            raise StorageError("the database sqlite:///x.db is busy (locked)")
        self.rows.append(row)

    @property
    def outcomes(self) -> list[str]:
        return [r["outcome"] for r in self.rows]


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sink() -> MemorySink:
    return MemorySink()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(sink: MemorySink, sleeps: Sleeps) -> Callable[..., ChatClient]:
    """A client around a scripted model, with recorded sleeps, a clock they drive, no jitter, an in-memory log."""

    def make(*script: Any, default: Any = None, reasks: int = 2, max_retries: int = 3) -> ChatClient:
        model = ScriptedChatModel(script=list(script), default=default)
        return ChatClient(
            model,
            model_name="fake-model",
            base_url="http://llm.test/v1",
            max_retries=max_retries,
            reasks=reasks,
            log=CallLog(sink=sink),
            sleep=sleeps,
            backoff=Backoff(base=0.5, cap=20.0, uniform=lambda: 1.0),
            clock=lambda: sum(sleeps),  # time passes only when the client sleeps (or a test says so)
        )

    return make
