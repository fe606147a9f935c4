"""The knowledge base on disk: a Chroma collection plus a manifest of ingested files.

A knowledge base is a directory. Its ``kb.json`` manifest records, per ingested file, the
content hash and chunk ids; with the embedded store the Chroma files live beside it, with a
Chroma server (``MATURITY_CHROMA_URL``) the directory keeps only the manifest and the collection
lives on the server. Embeddings are always computed here and handed to Chroma, never by one of
Chroma's own embedding functions (the default one downloads a model).

We use ``chromadb`` directly rather than ``langchain-chroma``: its ``add_texts`` embeds the very
text it stores, while we embed a context-headed version of each chunk (title and section path)
and store the plain section text for quoting.

Write order for one file keeps the store consistent across a crash at any point: drop the file
from the manifest, upsert its new chunks, delete its stale chunks, then record it again. A file
missing from the manifest is simply ingested again next time, and chunks of files that are not
in the manifest are orphans that ``consistency_report`` finds.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.chunking import Chunk
from assistant.errors import KnowledgeBaseError, StoreUnavailableError

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

MANIFEST = "kb.json"
MANIFEST_FORMAT = "maturity-kb/1"
_UPSERT_BATCH = 256


@dataclass(frozen=True)
class StoredChunk:
    chunk_id: str
    text: str
    metadata: dict[str, Any]

    @property
    def embed_text(self) -> str:
        from assistant.chunking import context_header

        return context_header(str(self.metadata.get("title", "")), str(self.metadata.get("section", ""))) + self.text


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def connect(directory: Path, chroma_url: str | None) -> Any:
    """A Chroma client: embedded in ``directory`` or the server at ``chroma_url``."""
    import chromadb

    if not chroma_url:
        return chromadb.PersistentClient(path=str(directory / "chroma"), settings=_chroma_settings())
    parsed = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    if not parsed.hostname:
        raise StoreUnavailableError(f"MATURITY_CHROMA_URL={chroma_url!r} is not a URL; use e.g. http://127.0.0.1:8000")
    port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    try:
        client = chromadb.HttpClient(
            host=parsed.hostname, port=port, ssl=parsed.scheme == "https", settings=_chroma_settings()
        )
        client.heartbeat()
    except Exception as exc:
        raise StoreUnavailableError(
            f"cannot reach the Chroma server at {chroma_url}; start it (`chroma run --port {port}`) "
            "or unset MATURITY_CHROMA_URL to use the embedded store"
        ) from exc
    return client


class KnowledgeBase:
    """One knowledge-base directory and its Chroma collection."""

    def __init__(self, directory: Path, client: Any, manifest: dict[str, Any]) -> None:
        self.directory = directory
        self.client = client
        self.manifest = manifest
        try:
            self.collection = client.get_or_create_collection(
                name=manifest["collection"],
                metadata={"hnsw:space": "cosine"},
                embedding_function=None,  # we always pass embeddings ourselves
            )
        except Exception as exc:
            raise StoreUnavailableError(f"cannot open the vector store collection ({exc})") from exc

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, directory: Path, embedding_model: str, chroma_url: str | None, create: bool = False) -> KnowledgeBase:
        """Open the knowledge base in ``directory``; with ``create``, make a new one if needed."""
        directory = directory.expanduser().resolve()
        manifest_path = directory / MANIFEST
        if manifest_path.is_file():
            manifest = _read_manifest(manifest_path)
            if manifest.get("embedding_model_id") != _model_id(embedding_model):
                raise KnowledgeBaseError(
                    f"{directory} was built with another embedding model "
                    f"({manifest.get('embedding_model')}); re-create it with `maturity ingest` "
                    "into a new --kb directory"
                )
        elif not create:
            if not directory.exists():
                raise KnowledgeBaseError(
                    f"no knowledge base at {directory}; create one with `maturity ingest FILES... --kb {directory}`"
                )
            raise KnowledgeBaseError(
                f"{directory} is not a knowledge base (it has no {MANIFEST}); create one with "
                "`maturity ingest FILES... --kb NEW_DIR`"
            )
        else:
            if directory.exists() and not directory.is_dir():
                raise KnowledgeBaseError(f"{directory} is a file, not a directory; choose another --kb")
            if directory.is_dir() and any(directory.iterdir()):
                raise KnowledgeBaseError(
                    f"{directory} exists and is not a knowledge base; choose an empty or new --kb directory"
                )
            manifest = {
                "format": MANIFEST_FORMAT,
                "collection": "kb-" + hashlib.sha256(str(directory).encode()).hexdigest()[:16],
                "embedding_model": embedding_model,
                "embedding_model_id": _model_id(embedding_model),
                "store": "server" if chroma_url else "embedded",
                "files": {},
            }
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise KnowledgeBaseError(f"cannot create {directory} ({exc.strerror or exc})") from exc
        client = connect(directory, chroma_url)
        kb = cls(directory, client, manifest)
        if not manifest_path.is_file():
            kb.save_manifest()
        return kb

    # -- manifest ------------------------------------------------------------------------------
    @property
    def files(self) -> dict[str, dict[str, Any]]:
        files: dict[str, dict[str, Any]] = self.manifest.setdefault("files", {})
        return files

    def save_manifest(self) -> None:
        self.manifest["updated"] = time.time()
        path = self.directory / MANIFEST
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)  # atomic: readers see the old or the new manifest, never half

    @property
    def version(self) -> str:
        return str(self.manifest.get("updated", 0))

    # -- writing -------------------------------------------------------------------------------
    def replace_file(
        self, source_path: str, chunks: list[Chunk], vectors: list[list[float]], record: dict[str, Any]
    ) -> None:
        """Make ``chunks`` the only chunks of ``source_path`` (see the module docstring on order)."""
        if source_path in self.files:
            del self.files[source_path]
            self.save_manifest()
        new_ids = [c.chunk_id for c in chunks]
        for start in range(0, len(chunks), _UPSERT_BATCH):
            batch = chunks[start : start + _UPSERT_BATCH]
            self.collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[start : start + _UPSERT_BATCH],
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],  # type: ignore[misc]
            )
        stale = [i for i in self._ids_of(source_path) if i not in set(new_ids)]
        if stale:
            self.collection.delete(ids=stale)
        self.files[source_path] = {**record, "chunk_ids": new_ids}
        self.save_manifest()

    def remove_file(self, source_path: str) -> int:
        ids = self._ids_of(source_path)
        if source_path in self.files:
            del self.files[source_path]
            self.save_manifest()
        if ids:
            self.collection.delete(ids=ids)
        return len(ids)

    def _ids_of(self, source_path: str) -> list[str]:
        found = self.collection.get(where={"source_path": source_path}, include=[])
        return list(found["ids"])

    # -- reading -------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.collection.count())

    def all_chunks(self) -> list[StoredChunk]:
        found = self.collection.get(include=["documents", "metadatas"])
        return [
            StoredChunk(chunk_id=i, text=d or "", metadata=dict(m or {}))
            for i, d, m in zip(found["ids"], found["documents"] or [], found["metadatas"] or [], strict=False)
        ]

    def dense_search(self, vector: list[float], k: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        """Chunk ids and cosine similarities of the ``k`` nearest chunks."""
        total = self.count()
        if total == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector], n_results=min(k, total), where=where or None, include=["distances"]
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=False)]

    def consistency_report(self) -> dict[str, list[str]]:
        """Orphan chunks (no manifest entry) and missing chunks (in the manifest, not the store)."""
        stored = {c.chunk_id: str(c.metadata.get("source_path")) for c in self.all_chunks()}
        expected = {cid for rec in self.files.values() for cid in rec.get("chunk_ids", [])}
        return {
            "orphans": sorted(set(stored) - expected),
            "missing": sorted(expected - set(stored)),
        }


def _model_id(name: str) -> str:
    # The bundled model's path differs between virtual environments; its identity does not.
    path = Path(name)
    if path.is_dir() and (path / "config.json").is_file():
        return "dir:" + hashlib.sha256((path / "config.json").read_bytes()).hexdigest()[:16] + ":" + path.name
    return "name:" + name


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnowledgeBaseError(
            f"{path} is unreadable or corrupt; re-create the knowledge base with `maturity ingest`"
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise KnowledgeBaseError(f"{path} is not a {MANIFEST_FORMAT} manifest")
    return manifest


def iter_paths(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into the supported files under them (sorted, hidden files skipped)."""
    from assistant.documents import is_supported

    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and is_supported(child)
                    and not any(p.startswith(".") for p in child.relative_to(path).parts)
                ):
                    out.append(child)
        else:
            out.append(path)
    return out
