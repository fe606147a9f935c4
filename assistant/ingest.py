"""Ingestion: files to chunks to vectors to the knowledge base, idempotently.

Unchanged files (same content hash) are skipped, changed files replaced, and with ``prune``
files that no longer exist are removed. A file that cannot be read is reported and skipped;
the others are still ingested. Chunks of several files are embedded together in groups, because
the encoder is fastest on full batches, and each file is then written on its own so that a
failure never leaves a file half-stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.chunking import Chunk, chunk_document
from assistant.documents import SourceDocument, is_supported, load_document
from assistant.embeddings import Embedder
from assistant.errors import DocumentError
from assistant.store import KnowledgeBase, iter_paths

Progress = Callable[[int, int, str], None]
_GROUP_CHUNKS = 256


@dataclass
class FileOutcome:
    path: str
    source: str
    status: str  # added | updated | unchanged | failed | removed
    chunks: int = 0
    message: str = ""


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def chunks_written(self) -> int:
        return sum(o.chunks for o in self.outcomes if o.status in ("added", "updated"))

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged", "removed", "failed")]
        return f"{', '.join(parts)}; {self.chunks_written} chunks written in {self.seconds:.1f} s"


def ingest_paths(
    kb: KnowledgeBase,
    embedder: Embedder,
    paths: Iterable[Path],
    prune: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    requested = list(paths)
    files = iter_paths(requested)
    pending: list[tuple[SourceDocument, list[Chunk]]] = []
    pending_chunks = 0

    def flush() -> None:
        nonlocal pending, pending_chunks
        _write_group(kb, embedder, pending, report)
        pending, pending_chunks = [], 0

    for number, path in enumerate(files, start=1):
        if progress:
            progress(number, len(files), path.name)
        key = str(path.expanduser().resolve())
        if not path.exists():
            report.outcomes.append(FileOutcome(key, path.name, "failed", message=f"{path}: no such file or directory"))
            continue
        try:
            document = load_document(path)
        except DocumentError as exc:
            report.outcomes.append(FileOutcome(key, path.name, "failed", message=str(exc)))
            continue
        document = _with_resolved_path(document, key)
        report.warnings.extend(document.warnings)
        known = kb.files.get(key)
        if known and known.get("content_hash") == document.content_hash:
            report.outcomes.append(FileOutcome(key, path.name, "unchanged", len(known.get("chunk_ids", []))))
            continue
        chunks = chunk_document(document, embedder.count_tokens, embedder.max_tokens)
        if not chunks:
            report.outcomes.append(FileOutcome(key, path.name, "failed", message=f"{path.name}: no text to index"))
            continue
        pending.append((document, chunks))
        pending_chunks += len(chunks)
        if pending_chunks >= _GROUP_CHUNKS:
            flush()
    if pending:
        flush()
    if prune:
        _prune(kb, report)
    report.seconds = time.perf_counter() - started
    return report


def _with_resolved_path(document: SourceDocument, key: str) -> SourceDocument:
    from dataclasses import replace

    return replace(document, path=Path(key))


def _write_group(
    kb: KnowledgeBase, embedder: Embedder, group: list[tuple[SourceDocument, list[Chunk]]], report: IngestReport
) -> None:
    texts = [c.embed_text for _, chunks in group for c in chunks]
    vectors = embedder.encode(texts).tolist()
    offset = 0
    for document, chunks in group:
        key = str(document.path)
        status = "updated" if key in kb.files else "added"
        record = {
            "source": document.source,
            "title": document.title,
            "kind": document.kind,
            "content_hash": document.content_hash,
            "ingested_at": time.time(),
        }
        kb.replace_file(key, chunks, vectors[offset : offset + len(chunks)], record)
        offset += len(chunks)
        report.outcomes.append(FileOutcome(key, document.source, status, len(chunks)))


def _prune(kb: KnowledgeBase, report: IngestReport) -> None:
    for key in list(kb.files):
        path = Path(key)
        if not path.exists() or not is_supported(path):
            removed = kb.remove_file(key)
            report.outcomes.append(FileOutcome(key, path.name, "removed", removed))
    # Chunks of files the manifest does not record: a run killed after storing a file's chunks and
    # before recording the file leaves them. Ingesting that file again replaces them, but once the
    # file is gone nothing else would, and retrieval would still find and cite them.
    claimed = {chunk_id for record in kb.files.values() for chunk_id in record.get("chunk_ids", [])}
    unrecorded = {str(c.metadata.get("source_path")) for c in kb.all_chunks() if c.chunk_id not in claimed}
    for key in sorted(unrecorded - set(kb.files)):
        removed = kb.remove_file(key)
        report.outcomes.append(FileOutcome(key, Path(key).name, "removed", removed))
