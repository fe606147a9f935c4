"""The one exception hierarchy of the assistant.

Every error a user can cause or fix is a ``MaturityError``; its message is one line that says
what went wrong and what to do. The CLI and the UI print that line and never a traceback.

    MaturityError
    ├── InputError            the user gave something unusable (empty question, bad file, bad case)
    │   ├── CaseFormatError   an evaluation case file that does not follow CASE-FORMAT
    │   ├── FrameworkError    a framework file that breaks the schema (assistant.framework)
    │   └── NotFoundError     an unknown session or engagement id
    ├── DocumentError         one document could not be read (reported and skipped during ingest)
    ├── KnowledgeBaseError    a --kb directory that is missing, foreign or inconsistent
    ├── StoreUnavailableError the vector store (usually a Chroma server) cannot be reached
    ├── StorageError          the sessions database cannot be opened or written
    └── PromptError           a prompt file is missing or a template lacks a variable
"""

from __future__ import annotations


class MaturityError(Exception):
    """Base class: a problem with a one-line, actionable message."""


class InputError(MaturityError):
    """Unusable input from the user."""


class CaseFormatError(InputError):
    """An evaluation case that does not follow the case format."""


class DocumentError(MaturityError):
    """A document that cannot be ingested (corrupt, empty, binary, unsupported)."""


class KnowledgeBaseError(MaturityError):
    """A knowledge-base directory that cannot be used."""


class StoreUnavailableError(MaturityError):
    """The vector store cannot be reached."""


class NotFoundError(InputError):
    """An id (engagement, session) that the database does not hold."""


class StorageError(MaturityError):
    """The sessions database cannot be opened, read or written (locked, unwritable, full, unreachable)."""
