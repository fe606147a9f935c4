"""The app over HTTP, as programs use it (gradio_client): interviews, resume, refusals, consultant login."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError, AuthenticationError

from tests.ui.conftest import CONSULTANT, RunningApp

REPO = Path(__file__).resolve().parents[2]
PERSONA = REPO / "evals" / "cases" / "assessments" / "dev" / "alder-edtech-founder.yaml"
MAX_TURNS = 40


@pytest.fixture(scope="module")
def client(ui_app: RunningApp) -> Client:
    return Client(ui_app.url, verbose=False, download_files=False)


@pytest.fixture(scope="module")
def consultant(ui_app: RunningApp) -> Client:
    return Client(ui_app.consultant_url, auth=CONSULTANT, verbose=False, download_files=False)


def start(client: Client, organisation: str = "Acme Insurance", **details: str) -> dict[str, Any]:
    return client.predict(  # type: ignore[no-any-return]
        organisation,
        details.get("name", ""),
        details.get("role", ""),
        details.get("engagement_id", ""),
        api_name="/start",
    )


def send(client: Client, session_id: str, message: str) -> dict[str, Any]:
    return client.predict(session_id, message, api_name="/send")  # type: ignore[no-any-return]


def turns(app: RunningApp, session_id: str) -> list[Any]:
    return app.services.interviews.database.turns(session_id)  # type: ignore[attr-defined,no-any-return]


def test_start_returns_the_first_question_quick_replies_and_progress(client: Client) -> None:
    started = start(client, name="Dana", role="Head of data science")
    assert len(started["session_id"]) >= 20
    assert started["kind"] == "question" and started["reply"].startswith("Hello, Dana.")
    assert "Skip" in started["suggestions"] and len(started["suggestions"]) >= 3
    assert [p["id"] for p in started["progress"]] == ["collaboration", "development", "monitoring"]
    reply = send(client, started["session_id"], started["suggestions"][0])  # a quick reply is a message
    assert reply["kind"] in ("question", "probe") and reply["suggestions"]
    assert sum(p["questions_asked"] for p in reply["progress"]) >= 1


def test_an_interview_runs_to_the_closing_summary_and_every_turn_is_stored(client: Client, ui_app: RunningApp) -> None:
    from assistant.evaluation.cases import PersonaCase, load_case

    persona = load_case(PERSONA)
    assert isinstance(persona, PersonaCase)
    answers = list(persona.statements)
    reply = start(client, persona.organisation or "Alder", role=persona.role or "")
    session_id = reply["session_id"]
    sent = 0
    while not reply["done"]:
        assert sent < MAX_TURNS, "the interview did not end"
        if reply["kind"] == "summary":
            assert "Yes, that's right" in reply["suggestions"]
            message = "Yes, that's right"
        else:
            message = answers.pop(0) if answers else "I don't know"
        reply = send(client, session_id, message)
        sent += 1
    assert reply["kind"] == "closing" and not reply["suggestions"]
    stored = turns(ui_app, session_id)
    assert len(stored) == 2 * sent + 1
    assert [t.speaker for t in stored[:3]] == ["agent", "stakeholder", "agent"]
    assert stored[1].text == persona.statements[0]
    database = ui_app.services.interviews.database  # type: ignore[attr-defined]
    assert database.get_session(session_id).status == "closed"
    assert database.get_assessment(session_id=session_id) is not None


def test_resume_by_session_id_from_another_client_shows_the_earlier_turns(ui_app: RunningApp, client: Client) -> None:
    started = start(client, "Nordbank")
    session_id = started["session_id"]
    first = send(client, session_id, "We meet IT every week and share a Teams channel.")
    other = Client(ui_app.url, verbose=False, download_files=False)  # a new browser, nothing shared
    resumed = other.predict(session_id, api_name="/resume")
    assert resumed["session_id"] == session_id
    assert [t["speaker"] for t in resumed["transcript"]] == ["agent", "stakeholder", "agent"]
    assert resumed["transcript"][1]["text"] == "We meet IT every week and share a Teams channel."
    assert resumed["reply"] == first["reply"] and resumed["suggestions"] == first["suggestions"]
    link = f"{ui_app.url}?session={session_id}"
    assert other.predict(link, api_name="/resume")["session_id"] == session_id  # the link works as well
    again = send(other, session_id, "Our code is in GitLab with CI tests.")
    assert again["kind"] in ("question", "probe")
    assert len(turns(ui_app, session_id)) == 5


@pytest.mark.parametrize("forged", ["forged-session-id", "../../etc/passwd", "<script>alert(1)</script>", "x" * 500])
def test_a_forged_session_id_is_refused_with_a_message(client: Client, ui_app: RunningApp, forged: str) -> None:
    database = ui_app.services.interviews.database  # type: ignore[attr-defined]
    before = len(database.list_engagements())
    with pytest.raises(AppError, match=r"session id"):
        client.predict(forged, api_name="/resume")
    with pytest.raises(AppError, match=r"session id|unknown session"):
        send(client, forged, "hello")
    assert len(database.list_engagements()) == before


def test_an_empty_message_is_refused_and_nothing_is_stored(client: Client, ui_app: RunningApp) -> None:
    session_id = start(client)["session_id"]
    for empty in ("", "   ", "\n\t"):
        with pytest.raises(AppError, match="empty; nothing was saved"):
            send(client, session_id, empty)
    assert len(turns(ui_app, session_id)) == 1


def test_a_one_megabyte_message_is_stored_whole_and_a_bigger_one_is_refused(client: Client, ui_app: RunningApp) -> None:
    session_id = start(client)["session_id"]
    big = ("We deploy models by hand and nobody monitors them. " * 20_000)[:1_000_000]
    reply = send(client, session_id, big)
    assert reply["kind"] in ("question", "probe")
    assert turns(ui_app, session_id)[1].text == big
    with pytest.raises(AppError, match="split it"):
        send(client, session_id, "x" * 1_200_000)
    assert len(turns(ui_app, session_id)) == 3


def test_an_unknown_engagement_in_a_link_is_refused(client: Client) -> None:
    with pytest.raises(AppError, match="unknown engagement"):
        start(client, engagement_id="no-such-engagement")
    with pytest.raises(AppError, match="organisation is empty"):
        start(client, "   ")


def test_the_consultant_view_refuses_requests_without_credentials(ui_app: RunningApp) -> None:
    base = ui_app.consultant_url
    with httpx.Client(timeout=10) as http:
        assert http.get(f"{base}config").status_code == 401
        assert http.get(f"{base}gradio_api/info").status_code == 401
        assert http.post(f"{base}gradio_api/queue/join", json={"fn_index": 0, "data": []}).status_code == 401
        assert http.post(f"{base}gradio_api/call/engagements", json={"data": []}).status_code == 401
        assert http.post(f"{base}gradio_api/upload", files={"files": ("a.md", b"# hi")}).status_code == 401
        wrong = http.post(f"{base}login", data={"username": CONSULTANT[0], "password": "wrong"})
        assert wrong.status_code == 400
        page = http.get(base)
        assert "MLOps maturity: consultant" not in page.text or page.status_code != 200 or "login" in page.text
    with pytest.raises(AuthenticationError):
        Client(base, verbose=False)
    with pytest.raises(Exception, match=r"(?i)credentials|login|auth"):
        Client(base, auth=(CONSULTANT[0], "wrong"), verbose=False)


def test_the_stakeholder_app_has_no_consultant_endpoints_and_serves_no_files(
    client: Client, ui_app: RunningApp
) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/start", "/send", "/resume"}
    database = ui_app.home / "maturity.db"
    for path in (str(database), "pyproject.toml", "/etc/passwd", str(REPO / "README.md")):
        assert httpx.get(f"{ui_app.url}gradio_api/file={path}").status_code in (403, 404), path


def test_the_consultant_lists_engagements_and_assesses_them_with_credentials(
    client: Client, consultant: Client, ui_app: RunningApp
) -> None:
    first = start(client, "Divergent Bank", role="Data scientist")
    send(client, first["session_id"], "We have Grafana dashboards with drift alerts that page the on-call.")
    engagement = _engagement_of(ui_app, first["session_id"])
    second = start(client, "ignored", role="Product owner", engagement_id=engagement)
    send(client, second["session_id"], "Nobody monitors the models; customers tell us when something is wrong.")

    table, _, _ = consultant.predict(api_name="/engagements")
    assert engagement in [row[0] for row in table["data"]]
    sessions, _, invite, _ = consultant.predict(engagement, api_name="/sessions")
    assert {row[0] for row in sessions["data"]} == {first["session_id"], second["session_id"]}
    assert f"?engagement={engagement}" in invite
    overall, radar, levels, evidence, _, divergences, notice = consultant.predict(
        engagement, "*", api_name="/assessment"
    )
    assert "Divergent Bank" in overall and notice == ""
    assert radar is not None
    assert [row[0] for row in levels["data"]] == [
        "Collaboration and Communication",
        "Model Development and Deployment",
        "Monitoring and Maintenance",
    ]
    assert any("Grafana dashboards" in row[3] for row in evidence["data"])
    assert "Monitoring" in divergences


def _engagement_of(app: RunningApp, session_id: str) -> str:
    # A stakeholder never sees the engagement id; the test reads it from the database.
    return app.services.interviews.database.get_session(session_id).engagement_id  # type: ignore[attr-defined,no-any-return]


def test_knowledge_questions_come_with_citations(consultant: Client) -> None:
    answer, citations, notice = consultant.predict("What is level 3 in the maturity model?", api_name="/ask")
    assert "Defined" in answer and notice == ""
    assert citations.count("<details>") >= 1 and "<summary>" in citations
    *_, notice = consultant.predict("   ", api_name="/ask")
    assert "question is empty" in notice


def test_uploads_are_indexed_and_bad_files_are_reported_by_name(consultant: Client, tmp_path: Path) -> None:
    good = tmp_path / "feature-store-notes.md"
    good.write_text("# Feature stores\n\nA feature store keeps features consistent between training and serving.\n")
    bad = tmp_path / "broken-report.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    result, notice = consultant.predict([handle_file(str(good)), handle_file(str(bad))], api_name="/ingest")
    assert "feature-store-notes.md: **added**" in result
    assert "broken-report.pdf: **failed**" in result
    assert "could not be added" in notice
    _, citations, _ = consultant.predict("What does a feature store keep consistent?", api_name="/ask")
    assert "feature-store-notes.md" in citations


def test_the_evaluator_runs_chosen_cases_and_draws_its_charts(consultant: Client) -> None:
    summary, results, accuracy, confusion, notice = consultant.predict(
        ["alder-edtech-founder.yaml", "brightwell-sre.yaml"], "embedded", api_name="/evaluate"
    )
    assert notice == "" and "of 2 cases passed" in summary
    assert [row[0] for row in results["data"]] == ["alder-edtech-founder", "brightwell-sre"]
    assert accuracy is not None and confusion is not None
    with pytest.raises(AppError):  # only listed case files can be chosen
        consultant.predict(["../../pyproject.toml"], "embedded", api_name="/evaluate")


def test_without_a_password_the_consultant_view_is_disabled(ui_settings, ui_services) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from ui.app import build_app

    settings = ui_settings.model_copy(update={"consultant_password": None})
    with TestClient(build_app(settings, ui_services)) as http:
        config = http.get("/consultant/config")
        assert config.status_code == 200
        assert "MATURITY_CONSULTANT_PASSWORD" in config.text
        assert "engagements" not in config.text


def test_the_consultant_builds_a_report_and_downloads_it_in_every_format(
    consultant: Client, ui_app: RunningApp
) -> None:
    pytest.importorskip("assistant.report.service", reason="the report service is not in this tree yet")
    interviews = ui_app.services.interviews  # type: ignore[attr-defined]
    started = interviews.start("Reported Ltd", role="Head of data science")
    interviews.send(started.session.id, "We have Grafana dashboards with drift alerts that page the on-call.")
    engagement = started.session.engagement_id
    consultant.predict(api_name="/engagements")  # the pickers offer what the consultant was shown
    consultant.predict(engagement, api_name="/sessions")
    preview, _, notice = consultant.predict(engagement, "*", api_name="/report")
    assert notice == "" and 'sandbox=""' in preview and "Reported Ltd" in preview
    magic = {"md": b"# ", "html": b"<!DOCTYPE html", "pdf": b"%PDF", "docx": b"PK"}
    with httpx.Client(timeout=30) as http:
        http.post(f"{ui_app.consultant_url}login", data={"username": CONSULTANT[0], "password": CONSULTANT[1]})
        for fmt, start_bytes in magic.items():
            file, notice = consultant.predict(fmt, api_name="/report_file")
            assert notice.endswith(f".{fmt} is ready")
            url = file["url"]
            assert http.get(url).content.startswith(start_bytes), fmt
            assert httpx.get(url).status_code == 401  # a report is not readable without the login
            assert httpx.get(url.replace("/consultant/", "/")).status_code == 403  # nor from the stakeholder app


def test_the_engines_startup_vectors_are_cached_and_identical(ui_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from assistant.embeddings import load_embedder
    from ui.services import open_app_engine

    settings = ui_settings.model_copy(update={"home": tmp_path})
    first = open_app_engine(settings)
    assert len(list((tmp_path / "cache" / "vectors").glob("*.npy"))) >= 2
    second = open_app_engine(settings)  # read back from the disk cache
    bank_a, bank_b = first.extractor.bank, second.extractor.bank
    assert np.array_equal(bank_a.cue_vectors, bank_b.cue_vectors)
    fresh = load_embedder(settings.embedding_model, settings.torch_threads).encode(bank_a.cue_texts)
    assert np.array_equal(bank_a.cue_vectors, fresh)
