"""The app in a real browser (Chromium through Playwright): interview, resume, text safety, consultant.

Screenshots go to tests/artifacts/ui/. The module is skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import CONSULTANT, RunningApp

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "ui"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
HOSTILE = '<img src=x onerror=alert(1)> then <script>alert("xss")</script> and [a](javascript:alert(3))'


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=TIMEOUT_MS)  # a loaded 2-core machine can take seconds per turn
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    yield opened
    context.close()
    assert not dialogs, f"a dialog opened: {dialogs}"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def start_interview(page: Page, app: RunningApp, organisation: str, role: str = "") -> None:
    page.goto(app.url)
    page.locator("#organisation textarea").fill(organisation)
    page.locator("#name textarea").fill("Dana")
    if role:
        page.locator("#role textarea").fill(role)
    page.locator("#start").click()
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#chat")).to_contain_text("Hello, Dana.")


def answer(page: Page, text: str, replies_before: int) -> None:
    """Type an answer, send it, and wait for the agent's next message."""
    page.locator("#message textarea").fill(text)
    page.locator("#send").click()
    wait_for_reply(page, replies_before)


def wait_for_reply(page: Page, replies_before: int) -> None:
    bot = page.locator("#chat .bot")
    expect(bot).to_have_count(replies_before + 1)
    expect(bot.last).not_to_contain_text("Loading content")  # Gradio's placeholder while it waits
    expect(page.locator("#send")).to_be_enabled()


def bot_messages(page: Page) -> int:
    return page.locator("#chat .bot").count()


def test_a_full_interview_in_the_page_reaches_the_closing_summary(page: Page, ui_app: RunningApp) -> None:
    start_interview(page, ui_app, "Browser Bank", role="Head of data science")
    expect(page.locator("#quick-0")).to_be_visible()
    expect(page.locator("#progress progress")).to_have_count(3)
    page.locator("#send").click()  # nothing typed
    expect(page.locator("#status")).to_contain_text("your message is empty; nothing was saved")
    expect(page.locator("#chat .user")).to_have_count(0)
    answer(page, "We meet IT every week and share a Teams channel for every model.", bot_messages(page))
    answer(page, "Our code is in GitLab and every merge runs unit tests in CI.", bot_messages(page))
    skip = page.get_by_role("button", name="Skip", exact=True)
    expect(skip).to_be_visible()
    before = bot_messages(page)
    skip.click()  # a quick reply sends its label
    wait_for_reply(page, before)
    expect(page.locator("#chat .user").last).to_have_text("Skip")
    answer(page, "stop", bot_messages(page))
    expect(page.locator("#chat .bot").last).to_contain_text("here is what I understood")
    expect(page.locator("#status")).to_contain_text("reply “yes” if it is right")
    shot(page, "interview-summary")
    confirm = page.get_by_role("button", name="Yes, that's right", exact=True)
    expect(confirm).to_be_visible()
    confirm.click()
    expect(page.locator("#chat .bot").last).to_contain_text("Thank you for your time")
    expect(page.locator("#status")).to_contain_text("The interview is complete")
    expect(page.locator("#message textarea")).to_be_disabled()
    expect(page.locator("button[id^='quick-']:visible")).to_have_count(0)
    shot(page, "interview-closed")


def test_script_and_html_in_a_message_are_shown_as_text(page: Page, ui_app: RunningApp) -> None:
    start_interview(page, ui_app, '<b>Evil</b> Corp <img src=x onerror=alert("org")>')
    answer(page, HOSTILE, bot_messages(page))
    chat = page.locator("#chat")
    expect(chat.locator(".user").last).to_have_text(HOSTILE)
    assert chat.locator("img").count() == 0
    assert chat.locator("script").count() == 0
    assert chat.locator("a[href^='javascript']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(500)  # give an injected handler the chance to fire
    assert page.dialogs == []  # type: ignore[attr-defined]
    shot(page, "html-as-text")


def test_closing_the_page_mid_interview_and_opening_the_link_resumes(browser: Browser, ui_app: RunningApp) -> None:
    first = browser.new_context(viewport={"width": 1280, "height": 1000})
    first.set_default_timeout(TIMEOUT_MS)
    page = first.new_page()
    start_interview(page, ui_app, "Resumable Ltd")
    answer(page, "We copy the model file to the server by hand.", bot_messages(page))
    last_question = page.locator("#chat .bot").last.inner_text()
    link = page.locator("#resume-link textarea").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?session=[\w-]{20,}", link), link
    expect(page).to_have_url(re.compile(r"\?session="))  # reloading the page resumes too
    first.close()  # the stakeholder closes the page

    second = browser.new_context(viewport={"width": 1280, "height": 1000})
    second.set_default_timeout(TIMEOUT_MS)
    page = second.new_page()
    page.goto(link)
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#chat .user")).to_have_text(["We copy the model file to the server by hand."])
    expect(page.locator("#chat .bot").last).to_contain_text(last_question.strip())
    expect(page.locator("#status")).to_contain_text("Welcome back")
    answer(page, "Nobody monitors the models once they are live.", bot_messages(page))
    shot(page, "resumed")
    second.close()


def test_a_forged_link_shows_a_clear_message(page: Page, ui_app: RunningApp) -> None:
    page.goto(f"{ui_app.url}?session=not-a-real-session")
    expect(page.locator("#status")).to_contain_text("unknown session id")
    expect(page.locator("#start-panel")).to_be_visible()
    expect(page.locator("#chat-panel")).to_be_hidden()


def login(page: Page, app: RunningApp) -> None:
    page.goto(app.consultant_url)
    page.get_by_test_id("textbox").fill(CONSULTANT[0])
    page.get_by_test_id("password").fill(CONSULTANT[1])
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_role("tab", name="Knowledge base")).to_be_visible()


def test_the_consultant_asks_the_knowledge_base_and_sees_citations(page: Page, ui_app: RunningApp) -> None:
    login(page, ui_app)
    page.get_by_role("tab", name="Knowledge base").click()
    page.locator("#question textarea").fill("What is level 3 in the maturity model?")
    page.locator("#ask").click()
    expect(page.locator("#answer")).to_contain_text("Defined")
    citations = page.locator("#citations details")
    expect(citations.first).to_be_visible()
    citations.first.locator("summary").click()
    expect(citations.first).to_have_attribute("open", "")
    shot(page, "consultant-knowledge")


def test_the_consultant_sees_stakeholder_html_as_text(page: Page, ui_app: RunningApp) -> None:
    interviews = ui_app.services.interviews  # type: ignore[attr-defined]
    started = interviews.start('Hostile <img src=x onerror=alert("org")> Ltd', role="<b>CTO</b>")
    interviews.send(started.session.id, "We have Grafana dashboards with drift alerts. " + HOSTILE)
    login(page, ui_app)
    page.locator("#engagement-pick input").click()
    page.get_by_role("option", name=re.compile(r"^Hostile")).click()
    page.locator("#session-pick input").click()
    page.get_by_role("option", name=re.compile(r"CTO")).click()
    expect(page.locator("#transcript .user")).to_have_count(1)
    expect(page.locator("#transcript .user")).to_contain_text("<img src=x onerror=alert(1)>")
    page.get_by_role("tab", name="Assessment").click()
    expect(page.locator("#overall")).to_contain_text('Hostile <img src=x onerror=alert("org")> Ltd')
    page.wait_for_timeout(500)
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("main script").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]
    shot(page, "consultant-html-as-text")


def test_the_consultant_reviews_an_engagement_and_downloads_its_report(page: Page, ui_app: RunningApp) -> None:
    pytest.importorskip("assistant.report.service", reason="the report service is not in this tree yet")
    interviews = ui_app.services.interviews  # type: ignore[attr-defined]
    started = interviews.start("Report Works", role="Head of data science")
    interviews.send(started.session.id, "We have Grafana dashboards with drift alerts that page the on-call.")
    interviews.send(started.session.id, "Our code is in GitLab and every merge runs unit tests in CI.")
    login(page, ui_app)
    page.locator("#engagement-pick input").click()
    page.get_by_role("option", name=re.compile(r"^Report Works")).click()
    expect(page.locator("#transcript .user")).to_have_count(0)  # the whole engagement is chosen
    page.get_by_role("tab", name="Assessment").click()
    expect(page.locator("#overall")).to_contain_text("Report Works")
    shot(page, "consultant-assessment")
    page.get_by_role("tab", name="Report").click()
    page.locator("#build-report").click()
    expect(page.locator("#report-preview iframe")).to_be_visible(timeout=120_000)
    page.locator("#report-format").get_by_text("pdf", exact=True).click()
    page.locator("#prepare-download").click()
    link = page.locator("#report-file a").first
    expect(link).to_be_visible(timeout=120_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    target = ARTIFACTS / download.suggested_filename
    download.save_as(target)
    assert target.suffix == ".pdf" and target.read_bytes().startswith(b"%PDF")
    shot(page, "consultant-report")
