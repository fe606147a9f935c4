"""Safe text for the page: everything a stakeholder or a document wrote is data, never markup.

Gradio renders Markdown and HTML (sanitised, but an ``<img>`` survives sanitising). Every piece
of untrusted text therefore goes through ``html.escape`` here before it reaches a component, so a
message such as ``<img src=x onerror=alert(1)>`` shows as those characters and creates no element.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: A stakeholder message longer than this is shown shortened in the chat (it is stored whole).
DISPLAY_CHARS = 4_000

# Characters that format anywhere in a line, and the markers that only count at its start.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MARKDOWN_LEADING = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def attribute(text: str) -> str:
    """Text for inside a double-quoted HTML attribute."""
    return html.escape(text, quote=True)


def md_text(text: str) -> str:
    """Plain text for a Markdown component: no HTML, no Markdown formatting, one paragraph."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    return _MARKDOWN_LEADING.sub(_escape_leading, escaped)


def _escape_leading(match: re.Match[str]) -> str:
    space, marker = match.group(1), match.group(2)
    # "1." is escaped after the number ("1\."), a heading or list marker before it ("\#").
    return f"{space}{marker}\\" if marker[0].isdigit() else f"{space}\\{marker}"


def shortened(text: str, limit: int = DISPLAY_CHARS) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters in all; the whole message is saved)"


def chat_message(speaker: str, text: str) -> dict[str, str]:
    """One Chatbot message (the chatbot is built with ``render_markdown=False``: content is HTML)."""
    role = "user" if speaker == "stakeholder" else "assistant"
    return {"role": role, "content": text_html(shortened(text) if role == "user" else text)}


def status(message: str, kind: str = "error") -> str:
    """A one-line notice for a status Markdown component."""
    if not message:
        return ""
    label = {"error": "Problem", "info": "Note", "ok": "Done"}.get(kind, "Note")
    return f"**{label}:** {md_text(message)}"


def progress_html(progress: Iterable[Any], target: int) -> str:
    """Per-dimension progress: a bar (questions asked against ``target``), statements noted, state."""
    blocks = []
    for item in progress:
        value = target if item.done else min(item.questions_asked, target)
        state = "covered" if item.done else "in progress" if item.questions_asked or item.evidence else "not started"
        blocks.append(
            '<div class="maturity-dimension">'
            f"<strong>{text_html(item.name)}</strong><br>"
            f'<progress max="{target}" value="{value}" aria-label="{attribute(item.name)}"></progress><br>'
            f"<small>{item.questions_asked} asked · {item.evidence} noted · {state}</small>"
            "</div>"
        )
    return "".join(blocks)


def details(summary: str, body: str) -> str:
    """An expandable block (``<details>``) with escaped summary and body, on one line for Markdown."""
    return f"<details><summary>{text_html(summary)}</summary><p>{text_html(body)}</p></details>"


def table_markdown(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table whose cells are escaped text."""
    lines = ["| " + " | ".join(md_text(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(md_text("" if c is None else str(c)) for c in row) + " |")
    return "\n".join(lines)
