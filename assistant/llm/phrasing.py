"""Question phrasing: the planner's next question, rephrased to follow on from the last answer.

The shared planner decides *what* to ask; the model only words it. Its wording is used when it
is one open question (exactly one question mark, at the end), at most 300 characters, and not
leading; on any failure the framework's own text is asked, and the call is logged as a fallback.
"""

from __future__ import annotations

import re

from assistant.llm.client import ChatClient, InvalidOutput
from assistant.llm.delimit import as_data
from assistant.llm.errors import LLMRecoverableError

PROMPT = "phrasing"
MAX_QUESTION_CHARS = 300
MAX_CONTEXT_CHARS = 1500
#: A question of at most 300 characters is well under 100 tokens; a longer reply is cut off and refused.
MAX_TOKENS = 100
_LEADING = re.compile(
    r"\b(?:don'?t you|isn'?t it|aren'?t you|wouldn'?t you agree|surely|you must|right\?$|correct\?$)",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"^(?:question|next question|rephrased(?: question)?)\s*:\s*", re.IGNORECASE)


def check_question(text: str) -> str:
    """The model's question, cleaned, or ``InvalidOutput`` saying why it cannot be asked."""
    cleaned = _PREFIX.sub("", " ".join(text.split())).strip().strip("\"'“”").strip()
    if not cleaned:
        raise InvalidOutput("the reply was empty")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise InvalidOutput(f"the question is {len(cleaned)} characters long; use at most {MAX_QUESTION_CHARS}")
    marks = cleaned.count("?")
    if marks != 1 or not cleaned.endswith("?"):
        raise InvalidOutput("ask exactly one question, ending with its only question mark")
    if _LEADING.search(cleaned):
        raise InvalidOutput("the question suggests its answer; ask an open question")
    return cleaned


def phrase_question(client: ChatClient, question: str, last_answer: str) -> str:
    """The question reworded to follow on from ``last_answer``, or ``question`` itself."""
    said = as_data(last_answer, MAX_CONTEXT_CHARS)
    if not said:
        return question
    try:
        return client.text(
            PROMPT, {"question": question, "last_answer": said}, check=check_question, reasks=0, max_tokens=MAX_TOKENS
        )
    except LLMRecoverableError:
        return question
