"""What can go wrong with an LLM, split by what the caller should do about it.

MaturityError
└── LLMError                 fix the configuration: no key, wrong key, server down, unknown model
    └── LLMRecoverableError  use the embedded engine's result instead, and record the fallback
        ├── LLMBusyError     rate-limited, server errors or timeouts after every retry
        └── LLMValidationError  output that still fails validation after every re-ask
"""

from __future__ import annotations

from assistant.errors import MaturityError


class LLMError(MaturityError):
    """The LLM cannot be used as configured; the message names the setting to fix."""


class LLMRecoverableError(LLMError):
    """This request failed, but the embedded engine can stand in for it."""


class LLMBusyError(LLMRecoverableError):
    """The server kept failing (429, 5xx, timeouts) through every retry."""


class LLMValidationError(LLMRecoverableError):
    """The model's output failed validation through every re-ask."""
