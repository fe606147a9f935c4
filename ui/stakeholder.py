"""The stakeholder view: start or resume an interview, answer, confirm the summary.

No login: the session id (``persistence.new_id(16)``, 128 random bits, from ``InterviewService.start``) is the
stakeholder's key, carried in the resume link ``/?session=ID``. It lives in a per-user
``gr.State`` and is never kept in a module-level variable, so a page only ever sees its own
session. Every turn is stored by ``InterviewService.send`` before the reply comes back.

``Portal`` is the gradio-free part (used by the page and by the API endpoints ``/start``,
``/send`` and ``/resume`` that ``gradio_client`` and the load benchmark call).

This module does not use ``from __future__ import annotations``: ``gr.api`` reads the endpoint
functions' annotations at run time.
"""

import html
import logging
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qs, urlsplit

import gradio as gr
from gradio.events import api

from assistant.errors import InputError, MaturityError
from assistant.interview import MIN_QUESTIONS_PER_DIMENSION, AgentReply
from assistant.persistence import TurnRecord
from assistant.sessions import InterviewService
from ui import render
from ui.services import Services

log = logging.getLogger(__name__)

#: Quick-reply button slots; a question offers at most four answers plus "I don't know" and "Skip".
MAX_QUICK_REPLIES = 6
#: Every event that runs the interview engine shares one concurrency group, so the queue's
#: ``default_concurrency_limit`` bounds the turns in flight across the page and the API.
INTERVIEW = "interview"
_ID_CHARS = 200

# After a start or resume, the address bar shows the resume link, so reloading the page resumes.
_SHOW_LINK_IN_ADDRESS_BAR = """(link) => {
  try { if (link) { history.replaceState(null, "", new URL(link).search); } } catch (error) {}
  return [];
}"""

CSS = """
.maturity-dimension { margin-bottom: 0.8em; }
.maturity-dimension progress { width: 100%; }
"""


class Portal:
    """The stakeholder's operations over ``InterviewService``, with their input checks."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def interviews(self) -> InterviewService:
        return self.services.interviews

    def start(
        self, organisation: str, name: str | None, role: str | None, engagement_id: str | None
    ) -> tuple[str, AgentReply]:
        started = self.interviews.start(
            organisation or "", stakeholder=name or None, role=role or None, engagement_id=engagement_id or None
        )
        return started.session.id, started.reply

    def send(self, session_id: str | None, text: str | None) -> AgentReply:
        if not session_id:
            raise InputError("no interview is open in this page; start one or open your resume link")
        if not (text or "").strip():
            raise InputError("your message is empty; nothing was saved. Type an answer or pick a quick reply")
        return self.interviews.send(session_id, text or "")

    def resume(self, session_or_link: str | None) -> tuple[str, list[TurnRecord], AgentReply]:
        session_id = session_from(session_or_link)
        _, reply = self.interviews.resume(session_id)
        return session_id, self.interviews.database.turns(session_id), reply


def session_from(value: str | None) -> str:
    """The session id in a resume link (``...?session=ID``) or given as is."""
    value = (value or "").strip()
    if "session=" in value:
        found = parse_qs(urlsplit(value).query).get("session") or parse_qs(value.split("?", 1)[-1]).get("session")
        value = (found or [""])[0].strip()
    if not value:
        raise InputError("no session id given; paste your resume link or session id")
    if len(value) > _ID_CHARS:
        raise InputError("that is not a session id (too long); paste the resume link you were given")
    return value


def reply_dict(session_id: str, reply: AgentReply, turns: list[TurnRecord] | None = None) -> dict[str, Any]:
    """The JSON the API endpoints return."""
    data: dict[str, Any] = {
        "session_id": session_id,
        "reply": reply.text,
        "kind": reply.kind,
        "suggestions": list(reply.suggestions),
        "progress": [asdict(p) for p in reply.progress],
        "done": reply.done,
    }
    if turns is not None:
        data["transcript"] = [{"seq": t.seq, "speaker": t.speaker, "text": t.text} for t in turns]
    return data


def page_url(request: gr.Request | None) -> str:
    """The stakeholder page's address, for the resume link (the page's own URL when the browser says it)."""
    headers = getattr(request, "headers", None) or {}
    referer = headers.get("referer") or ""
    if referer.startswith(("http://", "https://")):
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
    host = headers.get("x-forwarded-host") or headers.get("host") or "127.0.0.1:7860"
    scheme = headers.get("x-forwarded-proto") or "http"
    return f"{scheme}://{host}/"


def build_stakeholder(services: Services) -> gr.Blocks:
    portal = Portal(services)

    demo = gr.Blocks(title="MLOps maturity interview", analytics_enabled=False)
    with demo:
        session = gr.State(None)  # this page's session id: per user, never global
        engagement = gr.State(None)  # engagement id from the link (?engagement=ID)

        gr.Markdown(
            "# MLOps maturity interview\n"
            "A few questions about how your organisation builds, deploys and looks after its "
            "machine-learning models. Your answers are saved as you go."
        )
        notice = gr.Markdown(elem_id="status")

        with gr.Column(visible=True, elem_id="start-panel") as start_panel:
            joining = gr.Markdown(visible=False)
            organisation = gr.Textbox(label="Organisation", elem_id="organisation", max_length=200)
            with gr.Row():
                name = gr.Textbox(label="Your name (optional)", elem_id="name", max_length=200)
                role = gr.Textbox(label="Your role (optional)", elem_id="role", max_length=200)
            start_button = gr.Button("Start the interview", variant="primary", elem_id="start")
            with gr.Accordion("Continue an earlier interview", open=False):
                resume_box = gr.Textbox(label="Resume link or session id", elem_id="resume-id")
                resume_button = gr.Button("Continue", elem_id="resume")

        with gr.Column(visible=False, elem_id="chat-panel") as chat_panel:
            link = gr.Textbox(
                label="Your resume link: open it to continue later (anyone with it can continue this interview)",
                interactive=False,
                buttons=["copy"],
                elem_id="resume-link",
            )
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Interview",
                        height=480,
                        render_markdown=False,  # content is escaped HTML built by ui.render
                        sanitize_html=True,
                        allow_tags=False,
                        latex_delimiters=[],
                        feedback_options=None,
                        buttons=["copy"],
                        elem_id="chat",
                    )
                    with gr.Row(elem_id="quick-replies"):
                        quick = [
                            gr.Button(visible=False, size="sm", elem_id=f"quick-{i}") for i in range(MAX_QUICK_REPLIES)
                        ]
                    message = gr.Textbox(
                        label="Your answer",
                        lines=3,
                        placeholder="Type your answer; Enter sends, Shift+Enter for a new line",
                        elem_id="message",
                    )
                    send_button = gr.Button("Send", variant="primary", elem_id="send")
                with gr.Column(scale=1):
                    gr.Markdown("### Progress")
                    progress = gr.HTML(elem_id="progress")

        outputs = [session, start_panel, chat_panel, joining, notice, link, chatbot, progress, message, send_button]
        outputs += quick

        def view(
            session_id: str | None,
            history: list[dict[str, Any]] | None,
            reply: AgentReply | None,
            note: str = "",
            url: str | None = None,
            keep_message: bool = False,
        ) -> dict[Any, Any]:
            updates: dict[Any, Any] = {session: session_id, notice: note}
            if history is not None:
                updates[chatbot] = history
            if url is not None:
                updates[link] = url
            if not keep_message:
                updates[message] = gr.update(value="")
            if reply is None:
                return updates
            updates[start_panel] = gr.update(visible=False)
            updates[chat_panel] = gr.update(visible=True)
            updates[progress] = render.progress_html(reply.progress, MIN_QUESTIONS_PER_DIMENSION)
            open_ = not reply.done
            updates[message] = gr.update(interactive=open_) if keep_message else gr.update(interactive=open_, value="")
            updates[send_button] = gr.update(interactive=open_)
            labels = reply.suggestions[:MAX_QUICK_REPLIES] if open_ else []
            for i, button in enumerate(quick):
                label = labels[i] if i < len(labels) else ""
                updates[button] = gr.update(value=label, visible=bool(label))
            if not note:
                if reply.done:
                    updates[notice] = render.status("The interview is complete; your answers are saved.", "ok")
                elif reply.kind == "summary":
                    updates[notice] = render.status(
                        "Please check the summary: reply “yes” if it is right, or type what to correct.", "info"
                    )
            return updates

        def history_of(turns: list[TurnRecord]) -> list[dict[str, str]]:
            return [render.chat_message(t.speaker, t.text) for t in turns]

        def on_load(request: gr.Request) -> dict[Any, Any]:
            params = dict(request.query_params) if request is not None else {}
            session_id = (params.get("session") or "").strip()
            engagement_id = (params.get("engagement") or "").strip()[:_ID_CHARS] or None
            updates: dict[Any, Any] = {engagement: engagement_id}
            if engagement_id:
                updates[joining] = gr.update(
                    visible=True, value=f"You are joining engagement `{render.md_text(engagement_id)}`."
                )
            if not session_id:
                return updates
            return {**updates, **on_resume(session_id, request)}

        def on_resume(value: str | None, request: gr.Request) -> dict[Any, Any]:
            try:
                session_id, turns, reply = portal.resume(value)
            except MaturityError as exc:
                return {notice: render.status(str(exc))}
            except Exception:
                log.exception("resuming a session failed")
                return {notice: render.status("unexpected error while opening the interview; please retry")}
            url = f"{page_url(request)}?session={session_id}"
            welcome = render.status("Welcome back: continue below.", "info")
            note = "" if reply.done or reply.kind == "summary" else welcome
            return view(session_id, history_of(turns), reply, note, url)

        def on_start(org: str, who: str, what: str, engagement_id: str | None, request: gr.Request) -> dict[Any, Any]:
            try:
                session_id, reply = portal.start(org, who, what, engagement_id)
            except MaturityError as exc:
                return {notice: render.status(str(exc))}
            except Exception:
                log.exception("starting a session failed")
                return {notice: render.status("unexpected error while starting; please retry")}
            url = f"{page_url(request)}?session={session_id}"
            return view(session_id, [render.chat_message("agent", reply.text)], reply, "", url)

        def on_send(session_id: str | None, text: str, history: list[dict[str, Any]] | None) -> dict[Any, Any]:
            return answer(session_id, text, history, keep_message=False)

        def on_quick_reply(session_id: str | None, label: str, history: list[dict[str, Any]] | None) -> dict[Any, Any]:
            return answer(session_id, label, history, keep_message=True)  # a half-typed answer stays

        def answer(
            session_id: str | None, text: str, history: list[dict[str, Any]] | None, keep_message: bool
        ) -> dict[Any, Any]:
            try:
                reply = portal.send(session_id, text)
            except MaturityError as exc:
                # Nothing was stored; the text stays in the box so it can be shortened or retried.
                return {notice: render.status(str(exc))}
            except Exception:
                log.exception("a turn failed")
                return {
                    notice: render.status(
                        "unexpected error: your message may not have been answered; "
                        "reload the page to see what was saved"
                    )
                }
            history = [
                *(history or []),
                render.chat_message("stakeholder", text),
                render.chat_message("agent", reply.text),
            ]
            return view(session_id, history, reply, keep_message=keep_message)

        def on_clear(session_id: str | None) -> list[dict[str, str]]:
            """The chat's clear button only clears the view: show the stored transcript again."""
            if not session_id:
                return []
            try:
                return history_of(services.database.turns(session_id))
            except MaturityError:
                return []

        chatbot.clear(on_clear, [session], [chatbot], api_visibility="private")

        def wire(trigger: Any, fn: Any, inputs: list[Any]) -> Any:
            """A page event: not an API endpoint, and in the interview's concurrency group."""
            return trigger(fn, inputs, outputs, api_visibility="private", concurrency_id=INTERVIEW)

        demo.load(on_load, None, [*outputs, engagement], api_visibility="private", concurrency_id=INTERVIEW)
        for trigger in (start_button.click, organisation.submit):
            wire(trigger, on_start, [organisation, name, role, engagement]).then(
                None, [link], None, js=_SHOW_LINK_IN_ADDRESS_BAR
            )
        for trigger in (resume_button.click, resume_box.submit):
            wire(trigger, on_resume, [resume_box]).then(None, [link], None, js=_SHOW_LINK_IN_ADDRESS_BAR)
        for trigger in (send_button.click, message.submit):
            wire(trigger, on_send, [session, message, chatbot])
        for button in quick:
            wire(button.click, on_quick_reply, [session, button, chatbot])

        _api(portal)
    return demo


def _api(portal: Portal) -> None:
    """Endpoints for programs (gradio_client, the load benchmark): the same operations as the page."""

    def start(organisation: str, name: str = "", role: str = "", engagement_id: str = "") -> dict[str, Any]:
        """Start an interview; returns the session id (keep it: it is the key to the session) and the first question."""
        session_id, reply = _call(portal.start, organisation, name, role, engagement_id)
        return reply_dict(session_id, reply)

    def send(session_id: str, message: str) -> dict[str, Any]:
        """Send one answer (stored before the reply); returns the agent's reply, quick replies and progress."""
        reply = _call(portal.send, session_id, message)
        return reply_dict(session_id, reply)

    def resume(session_id: str) -> dict[str, Any]:
        """Open a stored session: its transcript and the last thing the agent said."""
        found, turns, reply = _call(portal.resume, session_id)
        return reply_dict(found, reply, turns)

    api(start, api_name="start", concurrency_id=INTERVIEW)
    api(send, api_name="send", concurrency_id=INTERVIEW)
    api(resume, api_name="resume", concurrency_id=INTERVIEW)


def _call(fn: Any, *args: Any) -> Any:
    """Run a library call; its errors become ``gr.Error`` messages (never a traceback)."""
    try:
        return fn(*args)
    except MaturityError as exc:
        # gr.Error messages may be shown as HTML: the text (it can echo a forged id) is escaped.
        raise gr.Error(html.escape(str(exc), quote=False), print_exception=False) from None
    except Exception:
        log.exception("an API call failed")
        raise gr.Error("unexpected error; it was logged on the server", print_exception=False) from None
