"""One chat model behind the calls the LLM engine makes: retries, validated output, re-asks, a log.

``ChatClient`` wraps any LangChain chat model (``ChatOpenAI`` against an OpenAI-compatible
server in production, a fake model in tests):

* **Retries.** A request that fails with 429, a 5xx, a timeout or a connection error is retried
  up to ``max_retries`` times with exponential backoff and jitter (``Backoff``; the sleep is
  injectable). What still fails raises ``LLMBusyError`` (the caller falls back) or, for a server
  that cannot be reached or refuses the key, ``LLMError`` whose one line names the setting to fix.
* **Validation and re-asks.** ``structured`` asks for JSON matching a pydantic model
  (``response_format`` of type ``json_schema``, which OpenAI, vLLM and llama.cpp's llama-server
  enforce; a server that refuses it, such as llama-cpp-python's, gets ``json_object`` with the
  schema from then on), parses and validates it, runs an optional semantic check, and on failure asks again
  with the error appended, up to ``reasks`` times; then raises ``LLMValidationError``. ``text``
  does the same for prose. A reply cut off at ``max_tokens`` (finish reason "length") is invalid.
* **Log.** Every request, each retry and each re-ask included, is one row in the ``llm_calls``
  table: prompt name and version, model, latency, tokens, outcome (ok, re-asked, fallback,
  error). Logging failures are counted, never raised.

Prompts are the versioned files in ``prompts/`` (``system``, ``user`` and ``reask`` templates).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from assistant.llm.calllog import CallLog
from assistant.llm.errors import LLMBusyError, LLMError, LLMRecoverableError, LLMValidationError
from assistant.llm.retry import RETRYABLE, Backoff, Failure, classify, status_code
from assistant.prompts import PromptSet, load_prompts
from assistant.settings import Settings

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")
OPENAI_URL = "https://api.openai.com/v1"
#: Sent as the key to a server of one's own (MATURITY_LLM_BASE_URL) when no key is set: local
#: servers (llama.cpp, Ollama, vLLM without --api-key) accept any.
NO_KEY = "no-key-needed"
#: Servers (by URL) that refused ``json_schema``, so that later clients ask them the right way at once.
_JSON_MODES: dict[str, str] = {}
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


class InvalidOutput(ValueError):
    """The model's reply does not pass validation; the message is what the re-ask tells the model."""


@dataclass(frozen=True)
class _Reply:
    content: str
    finish_reason: str | None
    latency_ms: int
    prompt_tokens: int | None
    completion_tokens: int | None


class ChatClient:
    def __init__(
        self,
        model: BaseChatModel,
        *,
        model_name: str,
        base_url: str | None = None,
        max_retries: int = 3,
        reasks: int = 2,
        timeout_s: float | None = None,
        log: CallLog | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Backoff | None = None,
        prompts_loader: Callable[[str], PromptSet] = load_prompts,
        rest_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.model_name = model_name
        self.base_url = base_url or OPENAI_URL
        self.max_retries = max_retries
        self.reasks = reasks
        self.timeout_s = timeout_s
        self.log = log or CallLog()
        self.sleep = sleep
        self.backoff = backoff or Backoff()
        self._load = prompts_loader
        # Circuit breaker: after a request failed every retry (timeouts, 5xx, 429), the server is
        # left to rest for ``rest_s`` and calls fall back at once. Without it a hung server costs
        # timeout x (retries + 1) per call, minutes per answer of a transcript.
        self.rest_s = rest_s
        self.clock = clock
        self._resting_until = 0.0
        self._rest_reason = ""
        #: How structured output is asked for: "json_schema" until this server refuses it.
        self.json_mode = _JSON_MODES.get(self.base_url, "json_schema")

    @classmethod
    def from_settings(cls, settings: Settings, model_name: str, *, log: CallLog | None = None) -> ChatClient:
        """A client for ``openai:MODEL`` as the settings describe it (key, server, limits)."""
        key = settings.llm_api_key.get_secret_value().strip() if settings.llm_api_key else ""
        if not key:
            if settings.llm_base_url is None:
                raise LLMError(
                    f"no API key for the LLM engine openai:{model_name}; set MATURITY_LLM_API_KEY or "
                    "OPENAI_API_KEY (or MATURITY_LLM_BASE_URL for a server of your own)"
                )
            key = NO_KEY
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise LLMError(f"the LLM engine needs langchain-openai ({exc}); pip install langchain-openai") from exc
        from pydantic import SecretStr

        chat = ChatOpenAI(
            model=model_name,
            base_url=settings.llm_base_url,
            api_key=SecretStr(key),
            timeout=settings.llm_timeout_s,
            max_retries=0,  # retries are ours: backoff, logging, one-line errors
            max_tokens=settings.llm_max_tokens,  # type: ignore[call-arg]
            temperature=0,
        )
        return cls(
            chat,
            model_name=model_name,
            base_url=settings.llm_base_url,
            max_retries=settings.llm_max_retries,
            reasks=settings.llm_reasks,
            timeout_s=settings.llm_timeout_s,
            log=log,
        )

    # -- public calls ----------------------------------------------------------------------

    def structured(
        self,
        prompt_name: str,
        variables: Mapping[str, Any],
        schema: type[T],
        *,
        check: Callable[[T], None] | None = None,
        json_schema: dict[str, Any] | None = None,
        reasks: int | None = None,
    ) -> T:
        """An instance of ``schema`` from the model's JSON reply. ``check`` may raise ``ValueError``
        for output that is well-formed but wrong (its message goes into the re-ask);
        ``json_schema`` replaces the schema sent to the model (e.g. narrowed to an enum)."""
        prompts = self._load(prompt_name)
        sent_schema = json_schema if json_schema is not None else inline_refs(schema.model_json_schema())

        def runnable() -> Any:
            return self.model.bind(response_format=self._response_format(schema.__name__, sent_schema))

        def parse(text: str) -> T:
            value = schema.model_validate(parse_json(text))
            if check is not None:
                check(value)
            return value

        return self._ask(prompts, variables, runnable, parse, reasks)

    def text(
        self,
        prompt_name: str,
        variables: Mapping[str, Any],
        *,
        check: Callable[[str], str] | None = None,
        reasks: int | None = None,
        max_tokens: int | None = None,
    ) -> str:
        """Prose from the model. ``check`` returns the cleaned text or raises ``ValueError``;
        ``max_tokens`` lowers the token cap for this call (a reply cut off there is invalid)."""
        prompts = self._load(prompt_name)
        model = self.model.bind(max_tokens=max_tokens) if max_tokens else self.model

        def parse(text: str) -> str:
            cleaned = text.strip()
            if not cleaned:
                raise InvalidOutput("the reply was empty")
            return check(cleaned) if check is not None else cleaned

        return self._ask(prompts, variables, lambda: model, parse, reasks)

    def _response_format(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        """OpenAI's ``json_schema`` format (OpenAI, vLLM, llama.cpp's llama-server), or, for a server
        that refused it, ``json_object`` with a ``schema`` (llama-cpp-python's server)."""
        if self.json_mode == "json_object":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}

    # -- the re-ask loop -------------------------------------------------------------------

    def _ask(
        self,
        prompts: PromptSet,
        variables: Mapping[str, Any],
        runnable: Callable[[], Any],
        parse: Callable[[str], R],
        reasks: int | None,
    ) -> R:
        allowed = self.reasks if reasks is None else reasks
        messages: list[BaseMessage] = [
            SystemMessage(prompts.render("system", **variables)),
            HumanMessage(prompts.render("user", **variables)),
        ]
        for attempt in range(allowed + 1):
            reply = self._invoke(prompts, runnable, messages)
            try:
                if reply.finish_reason == "length":
                    raise InvalidOutput("the reply was cut off at the token limit; answer much more briefly")
                result = parse(reply.content)
            except (ValueError, ValidationError) as exc:
                error = describe_invalid(exc)
                last = attempt == allowed
                self._record(prompts, reply, "fallback" if last else "re-asked", error)
                if last:
                    raise LLMValidationError(
                        f"{prompts.name} output from {self.model_name} still invalid after {allowed} re-ask(s): {error}"
                    ) from None
                messages = [
                    *messages,
                    AIMessage(reply.content[:4000]),
                    HumanMessage(prompts.render("reask", error=error)),
                ]
                continue
            self._record(prompts, reply, "ok", None)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    # -- one request, with retries ----------------------------------------------------------

    def _invoke(self, prompts: PromptSet, runnable: Callable[[], Any], messages: Sequence[BaseMessage]) -> _Reply:
        attempts = self.max_retries + 1
        attempt = 0
        if self.clock() < self._resting_until:
            resting = LLMBusyError(
                f"not asked: {self._rest_reason} less than {self.rest_s:g} s ago; the server is left to rest"
            )
            self._log(prompts, 0, "fallback", str(resting))
            raise resting
        while True:
            started = time.perf_counter()
            try:
                message = runnable().invoke(list(messages))
            except Exception as exc:
                latency = _ms(started)
                if self.json_mode == "json_schema" and _format_refused(exc):
                    # Asked once per client: the same request again, in the format this server takes.
                    self.json_mode = _JSON_MODES[self.base_url] = "json_object"
                    self._log(
                        prompts, latency, "error", "server refused response_format json_schema; using json_object"
                    )
                    continue
                failure = classify(exc)
                if failure is None:
                    raise  # not a request failure: a bug, with its traceback under MATURITY_DEBUG
                if failure is Failure.LENGTH:
                    return _length_reply(exc, latency)
                what = self._describe_failure(failure, exc)
                if failure in RETRYABLE and attempt < attempts - 1:
                    delay = self.backoff.delay(attempt, exc)
                    self._log(
                        prompts, latency, "error", f"{what}; retry {attempt + 1} of {self.max_retries} in {delay:g} s"
                    )
                    self.sleep(delay)
                    attempt += 1
                    continue
                error = self._final_error(failure, what, attempts)
                if isinstance(error, LLMBusyError) and self.rest_s > 0:
                    self._resting_until = self.clock() + self.rest_s
                    self._rest_reason = str(error)
                recoverable = isinstance(error, LLMRecoverableError)
                self._log(prompts, latency, "fallback" if recoverable else "error", str(error))
                raise error from exc
            return _reply(message, _ms(started))

    def _describe_failure(self, failure: Failure, exc: BaseException) -> str:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        return f"{failure.value} ({detail})"

    def _final_error(self, failure: Failure, what: str, attempts: int) -> LLMError:
        where = self.base_url
        if failure is Failure.UNREACHABLE:
            return LLMError(
                f"cannot reach the LLM server at {where} after {attempts} attempt(s): {what}; "
                f"is the server at {where} running? set MATURITY_LLM_BASE_URL to its address"
            )
        if failure is Failure.AUTH:
            return LLMError(
                f"the LLM server at {where} refused the API key (401/403); set MATURITY_LLM_API_KEY or "
                "OPENAI_API_KEY to a valid key"
            )
        if failure is Failure.NOT_FOUND:
            return LLMError(
                f"the LLM server at {where} does not know the model {self.model_name!r} (404); "
                "check MATURITY_LLM (openai:MODEL) and MATURITY_LLM_BASE_URL"
            )
        if failure is Failure.REJECTED:
            return LLMRecoverableError(f"the LLM server at {where} rejected the request: {what}")
        return LLMBusyError(f"the LLM server at {where} failed {attempts} time(s): {what}")

    # -- logging ---------------------------------------------------------------------------

    def _record(self, prompts: PromptSet, reply: _Reply, outcome: str, error: str | None) -> None:
        self.log.record(
            prompt=prompts.name,
            prompt_version=prompts.version,
            model=self.model_name,
            latency_ms=reply.latency_ms,
            outcome=outcome,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            error=error,
        )

    def _log(self, prompts: PromptSet, latency_ms: int, outcome: str, error: str) -> None:
        self.log.record(
            prompt=prompts.name,
            prompt_version=prompts.version,
            model=self.model_name,
            latency_ms=latency_ms,
            outcome=outcome,
            error=error,
        )


# -- helpers -----------------------------------------------------------------------------------


def _format_refused(exc: BaseException) -> bool:
    """A server that does not take ``response_format`` of type ``json_schema`` (llama-cpp-python's
    answers 500 with a validation error naming the field; others 400 or 422)."""
    code = status_code(exc)
    text = str(exc).lower()
    return code is not None and code >= 400 and "response_format" in text and "json_schema" in text


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _reply(message: Any, latency_ms: int) -> _Reply:
    content = message.content if isinstance(message, BaseMessage) else message
    if isinstance(content, list):  # content blocks: keep the text ones
        content = "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content)
    metadata = getattr(message, "response_metadata", None) or {}
    usage = getattr(message, "usage_metadata", None) or {}
    return _Reply(
        content=str(content or ""),
        finish_reason=metadata.get("finish_reason"),
        latency_ms=latency_ms,
        prompt_tokens=usage.get("input_tokens"),
        completion_tokens=usage.get("output_tokens"),
    )


def _length_reply(exc: BaseException, latency_ms: int) -> _Reply:
    """The OpenAI SDK raises instead of returning a reply cut off at max_tokens: make it one."""
    completion: Any = getattr(exc, "completion", None)
    content = ""
    prompt_tokens = completion_tokens = None
    try:
        content = completion.choices[0].message.content or ""
        prompt_tokens = completion.usage.prompt_tokens
        completion_tokens = completion.usage.completion_tokens
    except (AttributeError, IndexError, TypeError):
        pass
    return _Reply(str(content), "length", latency_ms, prompt_tokens, completion_tokens)


def parse_json(text: str) -> Any:
    """The JSON value of a reply (a ```json fence around it is tolerated, prose is not)."""
    fenced = _FENCE.match(text)
    body = (fenced.group(1) if fenced else text).strip()
    if not body.startswith(("{", "[")):
        raise InvalidOutput("the reply was not JSON; reply with one JSON object only, no prose")
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise InvalidOutput(f"the reply was not valid JSON ({exc.msg} at character {exc.pos})") from None


def describe_invalid(exc: BaseException) -> str:
    """A short, model-readable account of why output was refused."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors()[:5]:
            where = ".".join(str(p) for p in error.get("loc", ())) or "reply"
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
        return "; ".join(parts)
    return " ".join(str(exc).split())[:400] or type(exc).__name__


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with ``$ref``s to ``$defs`` replaced by the definitions (small servers'
    grammar builders and small models both do better with one flat schema)."""
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(definitions[ref.split("/")[-1]])
            return {k: resolve(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    result: dict[str, Any] = resolve(schema)
    return result
