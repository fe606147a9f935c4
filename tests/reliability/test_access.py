"""Access: who may read or change what, and erasure of a stakeholder's data (``maturity forget``).

The model (``ui/stakeholder.py``, ``ui/app.py``): the consultant view sits behind Gradio's login;
the stakeholder view has no login, and a session id (``secrets.token_urlsafe(16)``, 128 random
bits) is the only key to a session. So the properties tested here are: the consultant's routes
refuse every request without a valid login cookie; session ids are long random tokens; an id
that was not handed out opens nothing (however it is forged); the stakeholder API has no way to
list or discover sessions or engagements; and ``maturity forget`` leaves no trace of a session.

``tests/ui/test_app_api.py`` already checks a handful of consultant routes (config, info, join,
call, upload), a wrong password, four forged ids and the stakeholder API's endpoint names; this
module extends those to every consultant endpoint, forged cookies, logout, many forged ids and
the resume link's capability, without repeating them.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from typer.testing import CliRunner

from tests.ui.conftest import CONSULTANT, serving

#: Every endpoint the consultant view names (``ui/consultant.py``); none may answer without a login.
CONSULTANT_ENDPOINTS = ("engagements", "sessions", "assessment", "report", "report_file", "ask", "ingest", "evaluate")
STAKEHOLDER_ENDPOINTS = {"/start", "/send", "/resume"}
#: Logins that must all fail (user, password): near misses of the real pair included.
WRONG_LOGINS = [
    (CONSULTANT[0], "wrong"),
    (CONSULTANT[0], ""),
    (CONSULTANT[0], CONSULTANT[1] + " "),
    (CONSULTANT[0], CONSULTANT[1].upper()),
    (CONSULTANT[0], CONSULTANT[1][:-1]),
    ("Consultant", CONSULTANT[1]),
    ("admin", CONSULTANT[1]),
    ("", CONSULTANT[1]),
    ("", ""),
    ("consultant' OR '1'='1", "' OR '1'='1"),
    (CONSULTANT[0], CONSULTANT[1] + "\x00"),
    (CONSULTANT[0], "ui-test-secrét"),
]
SECRET_SENTENCE = "Our quarterly churn model runs on a laptop under Priya's desk called Zephyr-7731."
OTHER_SENTENCE = "We retrain the fraud model every Monday with Airflow and check it in Grafana."


@dataclass(frozen=True)
class Served:
    """An app served by uvicorn on loopback, with the services it runs on."""

    url: str  # ends with "/"
    services: Any  # ui.services.Services

    @property
    def consultant_url(self) -> str:
        return f"{self.url}consultant/"


@contextmanager
def serve(services: Any) -> Iterator[Served]:
    """Run ``ui.app.build_app`` for ``services`` in a thread."""
    from ui.app import build_app

    with serving(build_app(services.settings, services), name="reliability-ui") as url:
        yield Served(url=url, services=services)


def make_services(home: Path, knowledge: Any, engine: Any) -> Any:
    """Services over a private state directory, reusing the session's knowledge base and engine."""
    from pydantic import SecretStr

    from assistant.persistence import Database
    from assistant.settings import Settings
    from ui.services import Services

    settings = Settings(home=home, consultant_user=CONSULTANT[0], consultant_password=SecretStr(CONSULTANT[1]))
    return Services(settings, Database(settings.resolved_database_url), knowledge, engine)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, builtin_service: Any, engine: Any) -> Iterator[Served]:
    with serve(make_services(tmp_path_factory.mktemp("access-home"), builtin_service, engine)) as running:
        yield running


@pytest.fixture(scope="module")
def stakeholder(served: Served) -> Client:
    return Client(served.url, verbose=False, download_files=False)


def _page_config(page: str) -> dict[str, Any]:
    """The ``window.gradio_config`` object a Gradio page embeds."""
    found = re.search(r"window\.gradio_config = (\{.*?\});</script>", page, re.DOTALL)
    assert found, page[:300]
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def login_cookies(served: Served) -> httpx.Cookies:
    with httpx.Client(timeout=10) as http:
        response = http.post(
            f"{served.consultant_url}login", data={"username": CONSULTANT[0], "password": CONSULTANT[1]}
        )
        assert response.status_code == 200, response.text
        return response.cookies


# --------------------------------------------------------------------------------------------
# Consultant view
# --------------------------------------------------------------------------------------------


def test_every_consultant_endpoint_refuses_requests_without_a_valid_login(served: Served) -> None:
    base = served.consultant_url
    good = login_cookies(served)
    cookie_names = list(good.keys())
    assert cookie_names and all(name.startswith("access-token") for name in cookie_names)
    forged_cookies: list[dict[str, str]] = [
        {},  # none
        {name: secrets.token_urlsafe(16) for name in cookie_names},  # well-formed, never issued
        {name: "" for name in cookie_names},
        {name: "' OR 1=1 --" for name in cookie_names},
        {"access-token": good[cookie_names[0]]},  # the right token under the wrong cookie name
    ]
    refused = 0
    with httpx.Client(timeout=10) as http:
        for cookies in forged_cookies:
            http.cookies.clear()
            for name, value in cookies.items():
                http.cookies.set(name, value)
            for endpoint in CONSULTANT_ENDPOINTS:
                response = http.post(f"{base}gradio_api/call/{endpoint}", json={"data": []})
                assert response.status_code == 401, (endpoint, cookies, response.status_code)
                refused += 1
            for path in ("config", "gradio_api/info", "gradio_api/login_check", "gradio_api/queue/data"):
                assert http.get(f"{base}{path}").status_code in (401, 404), path
                refused += 1
            # The page itself is the login form's shell: no components, no events, no data.
            config = _page_config(http.get(base).text)
            assert config.get("auth_required") is True
            assert config["components"] == [] and config["dependencies"] == []
        # The same requests with the real cookie get through: the refusals above are the login's doing.
        http.cookies.clear()
        for name, value in good.items():
            http.cookies.set(name, value)
        assert http.get(f"{base}config").status_code == 200
        assert http.post(f"{base}gradio_api/call/engagements", json={"data": []}).status_code == 200
    assert refused == len(forged_cookies) * (len(CONSULTANT_ENDPOINTS) + 4)


def test_the_login_page_describes_no_api_and_the_logged_in_page_does(served: Served) -> None:
    """Gradio embeds its API description in every page; before login the consultant's is emptied."""
    with httpx.Client(timeout=10) as http:
        login_page = http.get(served.consultant_url)
        assert login_page.status_code == 200
        assert _page_config(login_page.text).get("auth_required") is True
        assert "window.gradio_api_info = {};</script>" in login_page.text
        for endpoint in CONSULTANT_ENDPOINTS:
            assert f'"/{endpoint}"' not in login_page.text, endpoint
        assert int(login_page.headers["content-length"]) == len(login_page.content)
        http.cookies.update(login_cookies(served))
        page = http.get(served.consultant_url)
        assert '"/engagements"' in page.text  # after login, untouched


@pytest.mark.parametrize(("user", "password"), WRONG_LOGINS)
def test_wrong_credentials_get_no_session_cookie(served: Served, user: str, password: str) -> None:
    with httpx.Client(timeout=10) as http:
        response = http.post(f"{served.consultant_url}login", data={"username": user, "password": password})
        assert response.status_code in (400, 422), response.status_code
        assert not any(name.startswith("access-token") for name in response.cookies)
        assert http.get(f"{served.consultant_url}config").status_code == 401


def test_gradio_client_with_wrong_credentials_cannot_call_the_consultant_api(served: Served) -> None:
    for user, password in WRONG_LOGINS[:4]:
        with pytest.raises(Exception, match=r"(?i)credentials|login|auth|401"):
            Client(served.consultant_url, auth=(user, password), verbose=False)
    client = Client(served.consultant_url, auth=CONSULTANT, verbose=False, download_files=False)
    table, _, _ = client.predict(api_name="/engagements")
    assert "data" in table


def test_a_logged_out_cookie_no_longer_opens_the_consultant_view(served: Served) -> None:
    cookies = login_cookies(served)
    with httpx.Client(timeout=10, cookies=cookies) as http:
        assert http.get(f"{served.consultant_url}config").status_code == 200
        http.get(f"{served.consultant_url}logout", follow_redirects=False)
    with httpx.Client(timeout=10, cookies=cookies) as replay:  # the old token, replayed
        assert replay.get(f"{served.consultant_url}config").status_code == 401


def test_a_stakeholder_session_id_is_no_consultant_credential(served: Served, stakeholder: Client) -> None:
    session_id = stakeholder.predict("Credential Ltd", "", "", "", api_name="/start")["session_id"]
    with httpx.Client(timeout=10) as http:
        for name in ("access-token", "session", "session_hash"):
            http.cookies.set(name, session_id)
        assert http.get(f"{served.consultant_url}config").status_code == 401
        assert (
            http.post(
                f"{served.consultant_url}login", data={"username": session_id, "password": session_id}
            ).status_code
            == 400
        )


# --------------------------------------------------------------------------------------------
# Stakeholder view: the session id is the key
# --------------------------------------------------------------------------------------------


def test_session_ids_are_long_unrelated_random_tokens(served: Served, stakeholder: Client) -> None:
    interviews = served.services.interviews
    ids = [interviews.start("Token Ltd", role="Analyst").session.id for _ in range(40)]
    ids += [stakeholder.predict("Token Ltd", "", "", "", api_name="/start")["session_id"] for _ in range(5)]
    assert len(set(ids)) == len(ids)
    for session_id in ids:
        # token_urlsafe(16): 22 characters of [A-Za-z0-9_-], 128 random bits.
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", session_id), session_id
    # Unrelated: consecutive ids share no prefix beyond chance (a counter or timestamp would).
    shared = [len(_common_prefix(a, b)) for a, b in itertools.pairwise(ids)]
    assert max(shared) <= 4, shared
    alphabet = set("".join(ids))
    assert len(alphabet) >= 50  # the whole base64url alphabet is in use, not hex or digits


def _common_prefix(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[:i]
    return a[: min(len(a), len(b))]


def test_forged_and_guessed_session_ids_open_nothing(served: Served, stakeholder: Client) -> None:
    started = stakeholder.predict("Victim Corp", "Priya", "CTO", "", api_name="/start")
    real = started["session_id"]
    stakeholder.predict(real, SECRET_SENTENCE, api_name="/send")
    engagement_id = served.services.database.get_session(real).engagement_id
    flipped = real[:-1] + ("A" if real[-1] != "A" else "B")
    forged = [
        secrets.token_urlsafe(16),  # well-formed, never handed out
        flipped,  # one character off
        real[:6],  # the prefix the consultant view shows
        real[:-1],
        real + "x",
        real.swapcase(),
        engagement_id,  # the invitation link's id is not a session id
        f" {real[:10]}% ",
        "%",
        "*",
        "' OR '1'='1",
        "1; DROP TABLE turns; --",
        "../" + real,
        f"{served.url}?session={secrets.token_urlsafe(16)}",  # a link to a session that does not exist
        f"{served.url}?engagement={engagement_id}",
    ]
    before = len(served.services.database.turns(real))
    for value in forged:
        with pytest.raises(AppError) as resumed:
            stakeholder.predict(value, api_name="/resume")
        assert "session id" in str(resumed.value)
        with pytest.raises(AppError) as sent:
            stakeholder.predict(value, "I take over this interview.", api_name="/send")
        assert "session" in str(sent.value)
        for refusal in (resumed.value, sent.value):
            assert "Zephyr-7731" not in str(refusal) and "Victim" not in str(refusal)
    assert len(served.services.database.turns(real)) == before  # nothing was written to the real one
    assert served.services.database.turns(real)[1].text == SECRET_SENTENCE


def test_joining_an_engagement_reveals_nothing_of_its_other_sessions(served: Served, stakeholder: Client) -> None:
    first = stakeholder.predict("Shared Engagement plc", "Ola", "Data scientist", "", api_name="/start")
    stakeholder.predict(first["session_id"], SECRET_SENTENCE, api_name="/send")
    engagement_id = served.services.database.get_session(first["session_id"]).engagement_id

    other = Client(served.url, verbose=False, download_files=False)  # another browser, with the invitation
    joined = other.predict("ignored", "Ben", "Engineer", engagement_id, api_name="/start")
    replies = [joined, other.predict(joined["session_id"], OTHER_SENTENCE, api_name="/send")]
    replies.append(other.predict(joined["session_id"], api_name="/resume"))
    text = repr(replies)
    assert joined["session_id"] != first["session_id"]
    assert first["session_id"] not in text and engagement_id not in text
    assert "Zephyr" not in text and "Ola" not in text and "Data scientist" not in text
    assert [t["text"] for t in replies[-1]["transcript"] if t["speaker"] == "stakeholder"] == [OTHER_SENTENCE]


def test_the_stakeholder_api_offers_no_way_to_list_sessions_or_engagements(served: Served, stakeholder: Client) -> None:
    mine = stakeholder.predict("Listing Ltd", "", "", "", api_name="/start")["session_id"]
    stakeholder.predict(mine, SECRET_SENTENCE, api_name="/send")
    info = stakeholder.view_api(print_info=False, return_format="dict")
    assert set(info["named_endpoints"]) == STAKEHOLDER_ENDPOINTS and not info["unnamed_endpoints"]
    for endpoint, spec in info["named_endpoints"].items():
        names = [p["parameter_name"] for p in spec["parameters"]]
        # start takes an engagement (from an invitation) to join; nothing takes a listing filter.
        assert not any(re.search(r"list|all|filter|query|limit", n) for n in names), (endpoint, names)
    with httpx.Client(timeout=10) as http:
        for endpoint in CONSULTANT_ENDPOINTS:
            # The consultant's names do not exist on the stakeholder mount: a clean 404
            # (ui/middleware.py; Gradio itself fails an unknown name with an unhandled error).
            for route in ("call", "run", "api", "call/v2"):
                response = http.post(f"{served.url}gradio_api/{route}/{endpoint}", json={"data": []})
                assert response.status_code == 404 and "event_id" not in response.text, (route, endpoint)
        config = http.get(f"{served.url}config").json()
    # The page's own configuration carries no data: no session or engagement ids, no transcripts.
    existing = served.services.database.list_engagements()
    assert existing
    dumped = repr(config)
    for record in existing[:20]:
        assert record.id not in dumped
        for session in served.services.database.list_sessions(record.id):
            assert session.id not in dumped
    assert "Zephyr" not in dumped


# --------------------------------------------------------------------------------------------
# maturity forget
# --------------------------------------------------------------------------------------------

runner = CliRunner()


def forget_cli(home: Path, *args: str, input: str | None = None) -> Any:
    from assistant.cli import app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    try:
        return runner.invoke(app, ["forget", *args], env={"MATURITY_HOME": str(home)}, input=input)
    finally:
        get_settings.cache_clear()


def everything_in(db_path: Path) -> list[tuple[str, str]]:
    """Every value of every row of every table, as (table, text), read with plain sqlite3."""
    found: list[tuple[str, str]] = []
    with sqlite3.connect(db_path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                found.extend((table, str(value)) for value in row)
    connection.close()
    return found


def database_files(db_path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in [db_path, *db_path.parent.glob(db_path.name + "-*")] if p.is_file()}


@pytest.fixture()
def two_sessions(tmp_path: Path, engine: Any) -> tuple[Path, str, str]:
    """A state directory whose engagement has two interviewed stakeholders and a saved combined assessment."""
    from assistant.persistence import Database
    from assistant.sessions import InterviewService

    home = tmp_path / "home"
    database = Database(f"sqlite:///{home / 'maturity.db'}")
    interviews = InterviewService(database, engine)
    doomed = interviews.start("Forgetful Bank", stakeholder="Priya Raman", role="Head of data")
    for answer in (SECRET_SENTENCE, "stop", "Yes, that's right"):
        interviews.send(doomed.session.id, answer)
    kept = interviews.start("ignored", role="Engineer", engagement_id=doomed.session.engagement_id)
    interviews.send(kept.session.id, OTHER_SENTENCE)
    combined = interviews.engagement_assessment(doomed.session.engagement_id)
    database.save_assessment(combined.model_dump(mode="json"), engagement_id=doomed.session.engagement_id)
    assert database.get_assessment(session_id=doomed.session.id) is not None  # the interview closed
    database.close()
    return home, doomed.session.id, kept.session.id


def test_forget_erases_every_trace_of_a_session_and_nothing_else(two_sessions: tuple[Path, str, str]) -> None:
    from assistant.persistence import Database

    home, doomed, kept = two_sessions
    db_path = home / "maturity.db"
    markers = (doomed, SECRET_SENTENCE, "Zephyr-7731", "Priya Raman")
    before = everything_in(db_path)
    for marker in markers:  # the search below can see each marker while it is there
        assert any(marker in value for _, value in before), marker
    assert any(SECRET_SENTENCE.encode() in data for data in database_files(db_path).values())
    kept_turns = [(t, v) for t, v in before if t == "turns" and OTHER_SENTENCE in v]
    assert kept_turns

    result = forget_cli(home, doomed, "--yes")
    assert result.exit_code == 0, result.output
    assert f"erased session {doomed}" in result.stdout

    after = everything_in(db_path)
    for marker in markers:
        leftovers = [(table, value[:80]) for table, value in after if marker in value]
        assert leftovers == [], (marker, leftovers)
    raw = database_files(db_path)
    for marker in markers:
        assert not [name for name, data in raw.items() if marker.encode() in data], marker
    with Database(f"sqlite:///{db_path}") as database:
        session = database.get_session(kept)
        assert [t.text for t in database.turns(kept) if t.speaker == "stakeholder"] == [OTHER_SENTENCE]
        assert [s.id for s in database.list_sessions(session.engagement_id)] == [kept]
        assert database.get_assessment(engagement_id=session.engagement_id) is None  # it quoted the erased one
        assert database.get_engagement(session.engagement_id).organisation == "Forgetful Bank"  # invitations work


def test_forget_asks_first_and_refuses_to_guess(
    two_sessions: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import cli
    from assistant.persistence import Database

    home, doomed, _ = two_sessions

    def turns_left() -> int:
        with Database(f"sqlite:///{home / 'maturity.db'}") as database:
            return len(database.turns(doomed))

    stored = turns_left()
    # Not on a terminal and no --yes: a one-line refusal, nothing erased.
    result = forget_cli(home, doomed)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"error: refusing to erase session {doomed} without confirmation; rerun with --yes to erase it"
    ]
    assert turns_left() == stored
    # On a terminal: the question names the session; "no" keeps it, "yes" erases it.
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)
    declined = forget_cli(home, doomed, input="n\n")
    assert declined.exit_code == 1 and "Priya Raman" in declined.stderr and "nothing erased" in declined.stderr
    assert turns_left() == stored
    accepted = forget_cli(home, doomed, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    with pytest.raises(Exception, match="unknown session id"):
        turns_left()
    # An unknown (or already erased) id: one line, non-zero, before any question.
    for unknown in (doomed, "no-such-session", "x" * 300):
        again = forget_cli(home, unknown, "--yes")
        assert again.exit_code == 2
        lines = [line for line in again.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: unknown session id"), again.stderr


def test_forget_in_a_running_app_also_drops_the_cached_interview(served: Served) -> None:
    from assistant.errors import NotFoundError

    interviews = served.services.interviews
    started = interviews.start("Cached Ltd", stakeholder="Cache Person")
    interviews.send(started.session.id, SECRET_SENTENCE)
    assert interviews.assessment(started.session.id) is not None  # the agent is in the cache now
    interviews.forget(started.session.id)
    for call in (interviews.assessment, interviews.resume, lambda sid: interviews.send(sid, "hello again")):
        with pytest.raises(NotFoundError):
            call(started.session.id)
    assert started.session.id not in interviews._agents
    client = Client(served.url, verbose=False, download_files=False)
    with pytest.raises(AppError, match="unknown session id"):
        client.predict(started.session.id, api_name="/resume")
