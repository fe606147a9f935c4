"""Sentence embeddings, computed by the project itself and never by Chroma.

``Embedder`` is a LangChain ``Embeddings`` (so it plugs into ``langchain-chroma``) that also knows
its model's input limit in word pieces, which the chunker needs: all-MiniLM-L6-v2 silently
truncates anything past 256 word pieces, so chunk sizes are measured with its own tokenizer.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import MaturityError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def _offline_environment() -> None:
    # Model weights can never be downloaded at run time: load by path, refuse the hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


class Embedder(Embeddings):
    """A sentence-transformers model behind LangChain's ``Embeddings`` interface."""

    def __init__(self, model: SentenceTransformer, name: str, batch_size: int = 32) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self._lock = threading.Lock()  # torch inference from several UI threads at once is slower
        # Two of the model's positions go to the [CLS] and [SEP] special tokens.
        self.max_tokens = int(model.max_seq_length or 256) - 2

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text`` (without special tokens)."""
        return len(self.model.tokenizer.encode(text, add_special_tokens=False))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def dimension(self) -> int:
        dim = self.model.get_sentence_embedding_dimension()
        return int(dim) if dim else 384

    # LangChain interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()  # type: ignore[no-any-return]


@lru_cache(maxsize=4)
def load_embedder(name_or_path: str, torch_threads: int = 1) -> Embedder:
    """Load (once per process) the sentence-transformers model at ``name_or_path``, offline.

    Torch runs on ``torch_threads`` threads. One is the default because it measured 16x faster
    than two for the short batches an interview encodes, on a 2-core machine where another
    process competes (57 ms vs 930 ms per batch of 8 sentences), and 1.8x faster even for
    batches of 64 long texts; inter-op spinning costs more than the parallelism gains here.
    """
    _offline_environment()
    try:
        import torch

        if torch_threads > 0:
            torch.set_num_threads(torch_threads)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model: Any = SentenceTransformer(name_or_path, device="cpu")
    except Exception as exc:  # any loader failure becomes one actionable line
        raise MaturityError(
            f"cannot load the embedding model {name_or_path!r} ({type(exc).__name__}); "
            "set MATURITY_EMBEDDING_MODEL to a local sentence-transformers model directory, "
            "or unset it to use the bundled all-MiniLM-L6-v2"
        ) from exc
    return Embedder(model, name=name_or_path)
