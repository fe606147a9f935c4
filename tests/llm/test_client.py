"""The chat client: validated structured output, re-asks, retries with backoff, errors, the call log."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, SecretStr

from assistant.llm.calllog import CallLog
from assistant.llm.client import ChatClient, InvalidOutput
from assistant.llm.errors import LLMBusyError, LLMError, LLMRecoverableError, LLMValidationError
from assistant.persistence import Database
from assistant.settings import Settings
from tests.integration.test_cli import assert_one_line_error, invoke
from tests.llm.conftest import Cut, MemorySink, ScriptedChatModel, connection_error, http_error


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    score: int


VALID = '{"label": "fine", "score": 3}'


def test_valid_json_is_parsed_validated_and_logged_once(make_client, sink: MemorySink) -> None:  # type: ignore[no-untyped-def]
    client = make_client(VALID)
    result = client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    assert result == Verdict(label="fine", score=3)
    assert sink.outcomes == ["ok"]
    row = sink.rows[0]
    assert (row["prompt"], row["prompt_version"], row["model"]) == ("extraction", 1, "fake-model")
    assert (row["prompt_tokens"], row["completion_tokens"]) == (100, 20)
    assert row["latency_ms"] >= 0


def test_structured_sends_a_json_schema_response_format(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(VALID)
    client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    response_format = client.model.calls[0]["kwargs"]["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert set(schema["properties"]) == {"label", "score"} and schema["additionalProperties"] is False


def test_fenced_json_is_accepted(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(f"```json\n{VALID}\n```")
    assert client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict).score == 3


def test_prose_is_re_asked_with_the_error_then_accepted(make_client, sink: MemorySink) -> None:  # type: ignore[no-untyped-def]
    client = make_client("Sure! The label is fine and the score is 3.", VALID)
    result = client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    assert result.score == 3
    assert sink.outcomes == ["re-asked", "ok"]
    reask = client.model.calls[1]["messages"]
    assert reask[-2].content.startswith("Sure!")  # the model sees its own reply ...
    assert "not JSON" in reask[-1].content  # ... and why it was refused


def test_output_still_invalid_after_the_re_asks_raises_validation_error(make_client, sink: MemorySink) -> None:  # type: ignore[no-untyped-def]
    client = make_client("prose", '{"label": "x"}', '{"label": "x", "score": "many"}')
    with pytest.raises(LLMValidationError) as caught:
        client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    assert "after 2 re-ask(s)" in str(caught.value) and "score" in str(caught.value)
    assert sink.outcomes == ["re-asked", "re-asked", "fallback"]
    assert "\n" not in str(caught.value)


def test_semantic_check_failures_are_re_asked(make_client, sink: MemorySink) -> None:  # type: ignore[no-untyped-def]
    def check(value: Verdict) -> None:
        if value.score > 5:
            raise InvalidOutput("score must be at most 5")

    client = make_client('{"label": "x", "score": 9}', VALID)
    assert client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict, check=check)
    assert "score must be at most 5" in client.model.calls[1]["messages"][-1].content
    assert sink.outcomes == ["re-asked", "ok"]


def test_a_reply_cut_off_at_the_token_cap_is_invalid(make_client, sink: MemorySink) -> None:  # type: ignore[no-untyped-def]
    client = make_client(Cut('{"label": "fine", "sco'), VALID)
    assert client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict).score == 3
    assert sink.outcomes == ["re-asked", "ok"]
    assert "token limit" in client.model.calls[1]["messages"][-1].content


def test_a_complete_reply_that_hit_the_cap_is_still_refused(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(Cut(VALID), Cut(VALID), Cut(VALID))
    with pytest.raises(LLMValidationError, match="token limit"):
        client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)


def test_rate_limit_storm_retries_with_exponential_backoff_then_gives_up(make_client, sink, sleeps) -> None:  # type: ignore[no-untyped-def]
    client = make_client(*[http_error(429) for _ in range(4)])
    with pytest.raises(LLMBusyError) as caught:
        client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    assert list(sleeps) == [0.5, 1.0, 2.0]  # bounded by max_retries=3, doubling each time
    assert len(client.model.calls) == 4
    assert sink.outcomes == ["error", "error", "error", "fallback"]
    assert "rate-limited" in str(caught.value) and isinstance(caught.value, LLMRecoverableError)


def test_jitter_keeps_each_delay_between_half_and_all_of_the_step(sink, sleeps) -> None:  # type: ignore[no-untyped-def]
    from assistant.llm.retry import Backoff

    draws = iter([0.0, 0.5, 1.0])
    client = ChatClient(
        ScriptedChatModel(script=[http_error(503), http_error(502), http_error(500), VALID]),
        model_name="m",
        max_retries=3,
        log=CallLog(sink=sink),
        sleep=sleeps,
        backoff=Backoff(base=1.0, uniform=lambda: next(draws)),
    )
    client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    assert list(sleeps) == [0.5, 1.5, 4.0]
    assert sink.outcomes == ["error", "error", "error", "ok"]


def test_retry_after_header_is_honoured(make_client, sleeps) -> None:  # type: ignore[no-untyped-def]
    client = make_client(http_error(429, {"retry-after": "7"}), VALID)
    client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    assert list(sleeps) == [7.0]


def test_server_error_then_success(make_client, sink, sleeps) -> None:  # type: ignore[no-untyped-def]
    client = make_client(http_error(500), VALID)
    assert client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict).score == 3
    assert sink.outcomes == ["error", "ok"] and list(sleeps) == [0.5]


def test_unreachable_server_names_the_setting(make_client, sink) -> None:  # type: ignore[no-untyped-def]
    client = make_client(*[connection_error() for _ in range(4)])
    with pytest.raises(LLMError) as caught:
        client.text("phrasing", {"question": "q?", "last_answer": "a"})
    assert not isinstance(caught.value, LLMRecoverableError)  # a configuration problem: not hidden by a fallback
    message = str(caught.value)
    assert "is the server at http://llm.test/v1 running?" in message and "MATURITY_LLM_BASE_URL" in message
    assert sink.outcomes == ["error", "error", "error", "error"]


def test_wrong_key_is_one_clear_error_without_retries(make_client, sleeps) -> None:  # type: ignore[no-untyped-def]
    client = make_client(http_error(401))
    with pytest.raises(LLMError, match="MATURITY_LLM_API_KEY or OPENAI_API_KEY"):
        client.text("phrasing", {"question": "q?", "last_answer": "a"})
    assert list(sleeps) == []


def test_bad_request_is_recoverable(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(http_error(400))
    with pytest.raises(LLMRecoverableError, match="rejected"):
        client.text("phrasing", {"question": "q?", "last_answer": "a"})


def test_a_bug_is_not_mistaken_for_a_request_failure(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(KeyError("bug"))
    with pytest.raises(KeyError):
        client.text("phrasing", {"question": "q?", "last_answer": "a"})


def test_logging_failures_never_break_the_call(sleeps) -> None:  # type: ignore[no-untyped-def]
    log = CallLog(sink=MemorySink(fail=True))
    client = ChatClient(ScriptedChatModel(script=[VALID]), model_name="m", log=log, sleep=sleeps)
    assert client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict).score == 3
    assert log.failures == 1 and "busy" in (log.last_failure or "")


def test_unwritable_database_only_counts_failures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    log = CallLog(f"sqlite:///{blocker}/sub/maturity.db")
    client = ChatClient(ScriptedChatModel(script=[VALID]), model_name="m", log=log)
    assert client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict).score == 3
    assert log.failures == 1


def test_calls_are_stored_in_the_database_and_shown_by_maturity_log(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'maturity.db'}"
    client = ChatClient(
        ScriptedChatModel(script=["no json", VALID]), model_name="m", log=CallLog(url), sleep=lambda s: None
    )
    client.structured("extraction", {"practices": "-", "question": "q", "answer": "a"}, Verdict)
    calls = Database(url).llm_calls(10)
    assert [c.outcome for c in calls] == ["ok", "re-asked"]  # newest first
    assert calls[1].error and "not JSON" in calls[1].error
    result = invoke("log", "--json", "--limit", "5", env={"MATURITY_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["outcome"] for r in rows] == ["ok", "re-asked"]
    assert rows[0]["prompt"] == "extraction" and rows[0]["prompt_version"] == 1
    table = invoke("log", env={"MATURITY_DATABASE_URL": url})
    assert table.exit_code == 0 and "re-asked" in table.stdout


def test_maturity_log_with_no_calls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("log", env={"MATURITY_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    assert result.exit_code == 0 and "no LLM calls" in result.stdout


def test_outcome_must_be_known() -> None:
    from assistant.errors import InputError

    with pytest.raises(InputError):
        Database("sqlite://").log_llm_call(prompt="p", prompt_version=1, model="m", latency_ms=1, outcome="great")


# -- settings and configuration errors --------------------------------------------------------


def _settings(**values: Any) -> Settings:
    return Settings(**values)


def test_missing_key_names_both_variables() -> None:
    with pytest.raises(LLMError, match="set MATURITY_LLM_API_KEY or OPENAI_API_KEY"):
        ChatClient.from_settings(_settings(llm_api_key=None), "gpt-4o-mini")


def test_a_server_of_ones_own_needs_no_key() -> None:
    client = ChatClient.from_settings(_settings(llm_api_key=None, llm_base_url="http://127.0.0.1:9/v1"), "local")
    assert client.base_url == "http://127.0.0.1:9/v1" and client.model_name == "local"


def test_settings_read_the_llm_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATURITY_LLM_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai-variable")
    monkeypatch.setenv("MATURITY_LLM", "openai:gpt-4o-mini")
    monkeypatch.setenv("MATURITY_LLM_BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("MATURITY_LLM_REASKS", "1")
    settings = Settings()
    assert settings.llm == "openai:gpt-4o-mini" and settings.llm_reasks == 1
    assert settings.llm_api_key == SecretStr("sk-from-openai-variable")
    assert (settings.llm_timeout_s, settings.llm_max_retries, settings.llm_max_tokens) == (60, 3, 1024)
    monkeypatch.setenv("MATURITY_LLM_API_KEY", "sk-own")
    assert Settings().llm_api_key == SecretStr("sk-own")
    assert "sk-own" not in repr(Settings())


def test_cli_missing_key_is_one_line(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("MATURITY_LLM_API_KEY", raising=False)
    monkeypatch.delenv("MATURITY_LLM_BASE_URL", raising=False)
    transcript = tmp_path / "t.yaml"
    transcript.write_text("- question: How do models reach production?\n  answer: We copy files by hand.\n")
    result = invoke("assess", str(transcript), "--engine", "openai:gpt-4o-mini")
    assert_one_line_error(result, "MATURITY_LLM_API_KEY or OPENAI_API_KEY")


def test_cli_unreachable_server_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transcript = tmp_path / "t.yaml"
    transcript.write_text("- question: How do models reach production?\n  answer: We copy files by hand.\n")
    env = {
        "MATURITY_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1",
        "MATURITY_LLM_MAX_RETRIES": "1",
        "MATURITY_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
    }
    result = invoke("assess", str(transcript), "--engine", "openai:local", env=env)
    assert_one_line_error(result, f"is the server at http://127.0.0.1:{port}/v1 running?", "MATURITY_LLM_BASE_URL")


def test_cli_unknown_engine_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    transcript = tmp_path / "t.yaml"
    transcript.write_text("- question: q\n  answer: We copy files by hand.\n")
    assert_one_line_error(invoke("assess", str(transcript), "--engine", "gpt"), "unknown engine", "openai:MODEL")
