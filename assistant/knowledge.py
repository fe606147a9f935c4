"""Opening knowledge bases: the built-in one (built on first use) or a ``--kb`` directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.answerability import Thresholds, load_thresholds
from assistant.answering import Answer, answer_question
from assistant.embeddings import Embedder, load_embedder
from assistant.errors import KnowledgeBaseError
from assistant.ingest import IngestReport, Progress, ingest_paths
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings
from assistant.store import KnowledgeBase


def builtin_documents(settings: Settings) -> list[Path]:
    directory = settings.knowledge_dir
    documents = sorted(directory.glob("*.md")) if directory.is_dir() else []
    if not documents:
        raise KnowledgeBaseError(
            f"no built-in knowledge documents in {directory}; set MATURITY_KNOWLEDGE_DIR to the "
            "project's knowledge/ folder"
        )
    return documents


def open_builtin(settings: Settings, embedder: Embedder, progress: Progress | None = None) -> KnowledgeBase:
    """The built-in knowledge base, (re)built from ``knowledge/*.md`` when they changed."""
    directory = settings.builtin_kb_dir
    directory.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting at once (tests, several app workers) must not build it twice.
    lock = FileLock(str(directory) + ".lock")
    try:
        with lock.acquire(timeout=300):
            kb = KnowledgeBase.open(directory, embedder.name, settings.chroma_url, create=True)
            if _builtin_is_stale(kb, builtin_documents(settings)):
                report = ingest_paths(kb, embedder, builtin_documents(settings), progress=progress)
                if report.failed:
                    raise KnowledgeBaseError("built-in knowledge failed to load: " + report.failed[0].message)
                _prune_removed(kb, builtin_documents(settings))
    except Timeout as exc:
        raise KnowledgeBaseError(f"another process is building the built-in knowledge base ({lock.lock_file})") from exc
    return kb


def _builtin_is_stale(kb: KnowledgeBase, documents: list[Path]) -> bool:
    import hashlib

    wanted = {str(p.resolve()): hashlib.sha256(p.read_bytes()).hexdigest() for p in documents}
    folder = str(documents[0].resolve().parent)
    # Documents a user ingested into the default knowledge base live beside the built-in ones.
    have = {k: v.get("content_hash") for k, v in kb.files.items() if str(Path(k).parent) == folder}
    return wanted != have


def _prune_removed(kb: KnowledgeBase, documents: list[Path]) -> None:
    """Drop built-in documents that were deleted from ``knowledge/``; keep user documents."""
    keep = {str(p.resolve()) for p in documents}
    folder = str(documents[0].resolve().parent)
    for key in list(kb.files):
        if str(Path(key).parent) == folder and key not in keep:
            kb.remove_file(key)


@dataclass
class KnowledgeService:
    """One knowledge base with its retriever and calibrated answerability thresholds."""

    kb: KnowledgeBase
    retriever: HybridRetriever
    thresholds: Thresholds

    def ask(self, question: str, kinds: list[str] | None = None, sources: list[str] | None = None) -> Answer:
        return answer_question(self.retriever, question, self.thresholds, kinds=kinds, sources=sources)

    def ingest(self, paths: list[Path], prune: bool = False, progress: Progress | None = None) -> IngestReport:
        return ingest_paths(self.kb, self.retriever.embedder, paths, prune=prune, progress=progress)


def calibration_dir(settings: Settings) -> Path:
    return settings.knowledge_dir / "calibration"


def open_service(
    settings: Settings, kb_dir: Path | None = None, create: bool = False, progress: Progress | None = None
) -> KnowledgeService:
    """The built-in knowledge base when ``kb_dir`` is None, else the one in ``kb_dir``."""
    embedder = load_embedder(settings.embedding_model, settings.torch_threads)
    if kb_dir is None:
        kb = open_builtin(settings, embedder, progress=progress)
    else:
        kb = KnowledgeBase.open(kb_dir, embedder.name, settings.chroma_url, create=create)
    return KnowledgeService(kb, HybridRetriever(kb, embedder), load_thresholds(calibration_dir(settings)))
