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

Faults a user can fix surface as one-line errors, never as the store's own exceptions: a Chroma
server that stops answering mid-session raises ``StoreUnavailableError`` (the next call, once the
server is back, works again: the HTTP client reconnects), and a full or unwritable disk raises
``KnowledgeBaseError``. A new knowledge base writes its manifest before the store opens, so a
first ingest that fails (disk full, server down) leaves a directory the same command can resume.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.chunking import Chunk
from assistant.errors import KnowledgeBaseError, MaturityError, StoreUnavailableError

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


def _is_connection_error(exc: BaseException) -> bool:
    """A request to the Chroma server that never got an answer (refused, reset, timed out)."""
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    try:
        import httpx
    except ImportError:  # pragma: no cover - chromadb's HTTP client depends on it
        return False
    return isinstance(exc, httpx.TransportError)


def store_error(exc: BaseException, directory: Path, chroma_url: str | None) -> MaturityError | None:
    """The one-line error for a store failure a user can fix, or None for anything else (a bug)."""
    if isinstance(exc, MaturityError):
        return exc
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    lowered = reason.lower()
    if chroma_url and _is_connection_error(exc):
        return StoreUnavailableError(
            f"lost the connection to the Chroma server at {chroma_url} ({reason}); make sure it is running "
            "(`chroma run`) and try again, or unset MATURITY_CHROMA_URL to use the embedded store"
        )
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if full or "disk is full" in lowered or "no space left" in lowered:
        return KnowledgeBaseError(
            f"cannot write the knowledge base {directory} ({reason}); free disk space and run the command again"
        )
    if isinstance(exc, OSError) or "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return KnowledgeBaseError(
            f"cannot write the knowledge base {directory} ({reason}); make sure the directory is writable "
            "and run the command again"
        )
    if _is_chroma_internal(exc):
        # Chroma's own storage failed; it often hides the cause (a full disk shows up as a failed
        # "compaction"), so say how much space is left where it writes.
        if chroma_url:
            return StoreUnavailableError(
                f"the Chroma server at {chroma_url} failed ({reason}); check its log and free disk space, "
                "then run the command again"
            )
        return KnowledgeBaseError(
            f"the vector store of the knowledge base {directory} failed to write ({reason}; {_free_space(directory)}); "
            "free disk space if it is full, then run the command again"
        )
    return None


def _is_chroma_internal(exc: BaseException) -> bool:
    try:
        from chromadb.errors import InternalError
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    return isinstance(exc, InternalError)


def _free_space(directory: Path) -> str:
    try:
        free = shutil.disk_usage(directory).free
    except OSError:
        return "free space unknown"
    return f"{free // 1024:,} KB free on its disk"


def connect(directory: Path, chroma_url: str | None) -> Any:
    """A Chroma client: embedded in ``directory`` or the server at ``chroma_url``."""
    import chromadb

    if not chroma_url:
        try:
            return chromadb.PersistentClient(path=str(directory / "chroma"), settings=_chroma_settings())
        except Exception as exc:
            known = store_error(exc, directory, None)
            if known is None:
                raise
            raise known from exc
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

    def __init__(self, directory: Path, client: Any, manifest: dict[str, Any], chroma_url: str | None = None) -> None:
        self.directory = directory
        self.client = client
        self.manifest = manifest
        self.chroma_url = chroma_url
        try:
            self.collection = client.get_or_create_collection(
                name=manifest["collection"],
                metadata={"hnsw:space": "cosine"},
                embedding_function=None,  # we always pass embeddings ourselves
            )
        except Exception as exc:
            known = store_error(exc, directory, chroma_url)
            if known is not None:
                raise known from exc
            raise StoreUnavailableError(f"cannot open the vector store collection ({exc})") from exc

    @contextmanager
    def _store(self) -> Iterator[None]:
        """Turn a lost server or a full disk during a store call into a one-line error."""
        try:
            yield
        except MaturityError:
            raise
        except Exception as exc:
            known = store_error(exc, self.directory, self.chroma_url)
            if known is None:
                raise
            if not self.chroma_url:
                # Chroma shares one storage system per directory within a process, and after a
                # failed write (a full disk) that system can hang the next write for good. Let it
                # go, so the next open in this process (a long-lived UI, a retried command) starts
                # from what is on disk.
                with suppress(Exception):
                    self.client.close()
            raise known from exc

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
            # The manifest first: a store that then fails to open (disk full, server down) leaves a
            # knowledge base that the same command opens and fills on the next try.
            _write_manifest(directory, manifest)
        client = connect(directory, chroma_url)
        return cls(directory, client, manifest, chroma_url)

    # -- manifest ------------------------------------------------------------------------------
    @property
    def files(self) -> dict[str, dict[str, Any]]:
        files: dict[str, dict[str, Any]] = self.manifest.setdefault("files", {})
        return files

    def save_manifest(self) -> None:
        _write_manifest(self.directory, self.manifest)

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
        with self._store():
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
            with self._store():
                self.collection.delete(ids=ids)
        return len(ids)

    def _ids_of(self, source_path: str) -> list[str]:
        with self._store():
            found = self.collection.get(where={"source_path": source_path}, include=[])
        return list(found["ids"])

    # -- reading -------------------------------------------------------------------------------
    def count(self) -> int:
        with self._store():
            return int(self.collection.count())

    def all_chunks(self) -> list[StoredChunk]:
        with self._store():
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
        with self._store():
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


def _write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically: readers see the old or the new one, never half of one."""
    manifest["updated"] = time.time()
    path = directory / MANIFEST
    tmp = path.with_suffix(".json.tmp")
    try:
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)  # a half-written temporary file would only take more space
        known = store_error(exc, directory, None)
        if known is None:
            raise
        raise known from exc


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
