"""Keep the consultant's API description off its login page.

Gradio's page route embeds ``window.gradio_api_info`` (endpoint names and parameters, example
values such as the evaluator's case file names, the engine name) in every page it serves, the
login page included. Nothing there is stakeholder data, but a login page should say nothing
about what is behind it. This ASGI middleware rewrites only HTML pages under the consultant
mount whose embedded config says a login is required, replacing the description with ``{}``;
after login the page is served untouched.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.DOTALL)
_LOGIN_REQUIRED = re.compile(rb'"auth_required":\s*true')
EMPTY_API_INFO = b"window.gradio_api_info = {};</script>"


def hide_api_info(body: bytes) -> bytes:
    """``body`` with its API description emptied when it is a login page (pure; tested alone)."""
    if not _LOGIN_REQUIRED.search(body):
        return body
    return _API_INFO.sub(EMPTY_API_INFO, body)


class HideApiInfoBeforeLogin:
    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or scope.get("method") != "GET" or not path.startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers") or []).get(b"content-type", b"")
                if not content_type.startswith(b"text/html"):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if start is None:  # not a page: passed through as it comes
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = hide_api_info(b"".join(chunks))
            headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)


_CALL = re.compile(r"^/gradio_api/(?:run|api|call(?:/v2)?)/([^/]+)/?$")


class RefuseUnknownEndpoints:
    """A clean 404 for API names a mount does not have.

    Gradio answers ``POST /gradio_api/call/<unknown>`` with an unhandled error (a 500 with a
    traceback in the log, or a dropped connection). Only for mounts without a login: behind one,
    a 404 for unknown names next to a 401 for known ones would tell who is not logged in which
    names exist.
    """

    def __init__(self, app: ASGIApp, prefix: str, names: frozenset[str], exclude: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")
        self.names = names
        self.exclude = exclude

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and scope.get("method") == "POST" and not path.startswith(self.exclude):
            found = _CALL.match(path[len(self.prefix) :]) if path.startswith(self.prefix) else None
            if found and found.group(1) not in self.names:
                body = b'{"error": "no such endpoint on this page"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 404,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
