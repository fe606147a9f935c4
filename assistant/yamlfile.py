"""Reading the small YAML files users hand us (cases, transcripts, frameworks) with one-line errors.

Each caller passes its own error class and wording, so a message names the file and says what
kind of file was expected; the reading and the YAML error handling are the same for all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant.errors import MaturityError


def read_text(
    path: Path,
    *,
    max_bytes: int,
    error: type[MaturityError],
    too_big: str,
    missing: str | None = None,
) -> str:
    """The UTF-8 text of ``path``. ``too_big`` ends the over-size message ("a case file is small
    YAML"); ``missing``, when given, replaces the generic message for a file that does not exist."""
    try:
        if path.stat().st_size > max_bytes:
            raise error(f"{path}: over {max_bytes // (1024 * 1024)} MB; {too_big}")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        if missing is None:
            raise error(f"{path}: cannot read ({exc.strerror or exc})") from exc
        raise error(f"{path}: {missing}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from exc


def parse_yaml(text: str, origin: str, error: type[MaturityError]) -> Any:
    """``yaml.safe_load`` with the line of a syntax error in the message."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{origin}: not valid YAML{where}") from exc
