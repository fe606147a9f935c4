"""Stakeholder and document text goes to a model as delimited data, never as instructions.

Prompts put such text between tags (``<answer>...</answer>``) and tell the model that what is
inside is data. ``as_data`` removes anything in the text that looks like one of those tags, so
the text cannot close its own block and speak as the prompt.
"""

from __future__ import annotations

import re

#: The tag names the prompt files use around data.
DATA_TAGS = ("answer", "question", "last_answer", "passage", "passages", "data", "system", "instructions")
_TAG = re.compile(r"<\s*/?\s*(?:" + "|".join(DATA_TAGS) + r")\b[^<>]*>", re.IGNORECASE)


def as_data(text: str, max_chars: int | None = None) -> str:
    """The text with delimiter-like tags removed (and cut to ``max_chars``), ready to put inside a tag."""
    cleaned = text
    while True:  # "<ans<answer>wer>" becomes "<answer>" after one pass
        stripped = _TAG.sub(" ", cleaned)
        if stripped == cleaned:
            break
        cleaned = stripped
    cleaned = cleaned.strip()
    if max_chars is not None and len(cleaned) > max_chars:
        cleaned = cleaned[:max_chars].rstrip() + " ..."
    return cleaned
