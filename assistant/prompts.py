"""Prompts and agent phrasing as versioned data files in ``prompts/``, loaded by name."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import MaturityError
from assistant.settings import REPOSITORY_ROOT

PROMPTS_DIR = REPOSITORY_ROOT / "prompts"


class PromptError(MaturityError):
    """A prompt file is missing or malformed, or a template was filled without a variable."""


@dataclass(frozen=True)
class PromptSet:
    name: str
    version: int
    templates: dict[str, str]
    lists: dict[str, list[str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name}@v{self.version}"

    def render(self, key: str, **values: Any) -> str:
        """Fill one template; a placeholder without a value is an error, never left as '{x}'."""
        try:
            template = self.templates[key]
        except KeyError:
            raise PromptError(f"prompt {self.label}: no template {key!r}") from None
        needed = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        missing = sorted(needed - set(values))
        if missing:
            raise PromptError(f"prompt {self.label}/{key}: missing variable(s) {', '.join(missing)}")
        return template.format(**values)


@lru_cache(maxsize=32)
def load_prompts(name: str, directory: Path = PROMPTS_DIR) -> PromptSet:
    path = directory / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"no prompt file {path}; is the repository complete?") from None
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"{path}: cannot read prompt file ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("templates"), dict):
        raise PromptError(f"{path}: a prompt file is a mapping with name, version and templates")
    templates = {str(k): str(v) for k, v in data["templates"].items()}
    lists = {str(k): [str(x) for x in v] for k, v in (data.get("suggestions") or {}).items()}
    return PromptSet(str(data.get("name", name)), int(data.get("version", 1)), templates, lists)
