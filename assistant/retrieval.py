"""Hybrid retrieval: dense (Chroma, cosine) plus BM25, fused by reciprocal rank fusion.

Dense retrieval finds paraphrases; BM25 finds exact names and numbers ("Travis CI", "0.62")
that a small embedding model blurs. Reciprocal rank fusion (Cormack et al., 2009) combines the
two rankings without calibrating their incomparable scores: a passage at rank r in a list earns
1 / (k + r), summed over lists, with k = 60 damping the head of each list.

We fuse by hand rather than with LangChain's ``EnsembleRetriever``: that one returns documents
without their scores, and the answerer needs the dense similarity of each passage to decide
whether the knowledge base covers a question at all.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rank_bm25 import BM25Okapi

from assistant.embeddings import Embedder
from assistant.store import KnowledgeBase, StoredChunk
from assistant.text import terms

RRF_K = 60
CANDIDATES = 20
DENSE_WEIGHT = 1.0
# BM25 counts double: on the dev questions all-MiniLM-L6-v2 alone ranks worse than BM25
# (recall@5 0.79 vs 0.88 on the built-in set), and weight 2 gave the best fused recall (evals/bench).
LEXICAL_WEIGHT = 2.0


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = sum over lists of w / (k + rank), ranks from 1.

    Weights default to 1 per list (plain RRF). Ties keep the order of first appearance, so the
    result is deterministic.
    """
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for weight, ranking in zip(weights, rankings, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(dict.fromkeys(i for r in rankings for i in r))}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


@dataclass(frozen=True)
class Passage:
    chunk_id: str
    text: str
    source: str
    title: str
    section: str
    kind: str
    score: float  # fused score
    dense: float | None = None  # cosine similarity to the question, when computed
    lexical: float | None = None  # BM25 score, when it matched
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)


class LexicalIndex:
    """BM25 over the chunks of a knowledge base (title and section included)."""

    def __init__(self, chunks: list[StoredChunk]) -> None:
        self.chunks = chunks
        self.by_id = {c.chunk_id: c for c in chunks}
        self.tokens = [terms(c.embed_text) for c in chunks]
        self.bm25 = BM25Okapi(self.tokens) if chunks else None
        self.document_frequency: dict[str, int] = {}
        for toks in self.tokens:
            for t in set(toks):
                self.document_frequency[t] = self.document_frequency.get(t, 0) + 1

    def search(self, query: str, k: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        if self.bm25 is None:
            return []
        query_terms = terms(query)
        if not query_terms:
            return []
        scores = self.bm25.get_scores(query_terms)
        ranked = sorted(range(len(self.chunks)), key=lambda i: -scores[i])
        out: list[tuple[str, float]] = []
        for i in ranked:
            if scores[i] <= 0:
                break
            cid = self.chunks[i].chunk_id
            if allowed is None or cid in allowed:
                out.append((cid, float(scores[i])))
                if len(out) >= k:
                    break
        return out


class HybridRetriever:
    """Search one knowledge base by meaning and by keywords at once."""

    def __init__(self, kb: KnowledgeBase, embedder: Embedder) -> None:
        self.kb = kb
        self.embedder = embedder
        self._index: LexicalIndex | None = None
        self._index_version = ""
        self._lock = threading.Lock()

    @property
    def index(self) -> LexicalIndex:
        with self._lock:
            if self._index is None or self._index_version != self.kb.version:
                self._index = LexicalIndex(self.kb.all_chunks())
                self._index_version = self.kb.version
            return self._index

    def search(
        self,
        query: str,
        k: int = 5,
        kinds: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        mode: str = "hybrid",
        query_vector: list[float] | None = None,
    ) -> list[Passage]:
        index = self.index
        where = _where(kinds, sources)
        allowed = None
        if where is not None:
            allowed = {c.chunk_id for c in index.chunks if _matches(c.metadata, kinds, sources)}
        dense: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vector = query_vector if query_vector is not None else self.embedder.embed_query(query)
            dense = self.kb.dense_search(vector, CANDIDATES, where)
        lexical = index.search(query, CANDIDATES, allowed) if mode in ("hybrid", "bm25") else []
        fused = reciprocal_rank_fusion(
            [[i for i, _ in dense], [i for i, _ in lexical]], weights=[DENSE_WEIGHT, LEXICAL_WEIGHT]
        )
        dense_scores, lexical_scores = dict(dense), dict(lexical)
        passages: list[Passage] = []
        for chunk_id, score in fused[:k]:
            chunk = index.by_id.get(chunk_id)
            if chunk is None:  # stored after the index was built: rebuilt on the next call
                continue
            meta = chunk.metadata
            passages.append(
                Passage(
                    chunk_id=chunk_id,
                    text=chunk.text,
                    source=str(meta.get("source", "")),
                    title=str(meta.get("title", "")),
                    section=str(meta.get("section", "")),
                    kind=str(meta.get("kind", "")),
                    score=score,
                    dense=dense_scores.get(chunk_id),
                    lexical=lexical_scores.get(chunk_id),
                    metadata=meta,
                )
            )
        return passages


def _where(kinds: Sequence[str] | None, sources: Sequence[str] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if kinds:
        clauses.append({"kind": {"$in": list(kinds)}})
    if sources:
        clauses.append({"source": {"$in": list(sources)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _matches(meta: dict[str, Any], kinds: Sequence[str] | None, sources: Sequence[str] | None) -> bool:
    return (not kinds or meta.get("kind") in kinds) and (not sources or meta.get("source") in sources)
