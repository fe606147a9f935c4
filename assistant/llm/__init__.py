"""The LLM engine: any OpenAI-compatible chat endpoint behind the same interfaces as the embedded one.

* ``client``: one chat model with retries, JSON-schema output validated by pydantic, re-asks,
  and a log row per request.
* ``reading``: an answer to observations, each checked against the framework and the answer.
* ``phrasing``: the planner's next question, rephrased to refer to what the stakeholder said.
* ``answers``: generative cited answers from the knowledge base, checked against the passages.
* ``engine``: ``LLMEngine``, which falls back to the embedded engine whenever the LLM's output
  fails validation, and says so in the assessment.

Levels never come from the model: they come from ``assistant.assessment.build_assessment``.
"""

from assistant.llm.errors import LLMBusyError, LLMError, LLMRecoverableError, LLMValidationError

__all__ = ["LLMBusyError", "LLMError", "LLMRecoverableError", "LLMValidationError"]
