"""Hybrid retrieval: dense (Chroma, cosine) plus BM25 plus section headings, fused by score.

Dense retrieval finds paraphrases; BM25 finds exact names and numbers ("Travis CI", "0.62")
that a small embedding model blurs; the heading signal finds the section a question names
("Where is MLOps positioned?" -> "Component Analysis > MLOps", whose short body repeats neither
"MLOps" nor the question's other words often enough for BM25 to rank it first).

Fusion is a convex combination of normalised scores (Bruch et al., 2023, "An Analysis of Fusion
Functions for Hybrid Retrieval"): ``ALPHA * bm25 / max_bm25 + (1 - ALPHA) * min-max(dense)
+ HEADING_BONUS * heading share``. We first used reciprocal rank fusion (Cormack et al., 2009),
which only sees ranks: on the dev questions it ranked *worse* than BM25 alone (recall@5 0.883 vs
0.935 on the seed documents, 0.875 vs 0.882 on the built-in knowledge) because all-MiniLM-L6-v2's
rank order is weak on these short sections, and RRF gives its rank 1 nearly the weight of BM25's.
Scores keep the size of each retriever's lead; with the heading signal the fused ranking beats
both single retrievers on every set (figures: ``python -m evals.bench retrieval``). RRF stays
available (``fusion="rrf"``) for comparison.

We fuse by hand rather than with LangChain's ``EnsembleRetriever``: that one does weighted RRF
only and returns documents without their scores, and the answerer needs the dense similarity of
each passage to decide whether the knowledge base covers a question at all.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

from assistant.answerability import rarity
from assistant.embeddings import Embedder
from assistant.store import KnowledgeBase, StoredChunk
from assistant.text import match_terms, terms

RRF_K = 60
CANDIDATES = 20
# Fusion weights, chosen on the dev questions of all three sets (evals/bench.py retrieval). With
# six-letter match keys BM25 is the stronger retriever here (recall@5 0.931 vs dense 0.785 on the
# built-in set), so it carries 0.8; a question naming a section's heading lifts it by 0.2.
# Neighbours (0.6-0.8 / 0.2-0.3) change recall@5 by at most 0.02.
ALPHA = 0.8
HEADING_BONUS = 0.2
HEADING_MIN_SHARE = 0.5  # at least half of a heading's (IDF-weighted) terms must be in the question
# Weighted RRF, for comparison only: BM25 counted double gave RRF's best fused recall.
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 2.0
HEADING_WEIGHT = 1.0
FUSIONS = ("convex", "rrf")


def convex_fusion(
    dense: Sequence[tuple[str, float]],
    lexical: Sequence[tuple[str, float]],
    headings: Sequence[tuple[str, float]],
    alpha: float = ALPHA,
    heading_bonus: float = HEADING_BONUS,
) -> list[tuple[str, float]]:
    """Fuse scored candidate lists: ``alpha * bm25 / max + (1 - alpha) * min-max(dense) + bonus * heading``.

    A candidate missing from the dense list gets the list's minimum (it was not in the top
    candidates, so at most that similar), one missing from the BM25 list gets 0. Only BM25 and
    dense candidates are ranked (the retriever adds named sections to the BM25 list with their
    own scores). Ties keep the order of first appearance (BM25 first), so the result is
    deterministic.
    """
    dense_scores, lexical_scores, heading_scores = dict(dense), dict(lexical), dict(headings)
    low = min(dense_scores.values(), default=0.0)
    high = max(dense_scores.values(), default=0.0)
    top_lexical = max(lexical_scores.values(), default=0.0)
    fused: list[tuple[str, float]] = []
    for item in dict.fromkeys([i for i, _ in lexical] + [i for i, _ in dense]):
        dense_part = (dense_scores.get(item, low) - low) / (high - low) if high > low else 0.0
        lexical_part = lexical_scores.get(item, 0.0) / top_lexical if top_lexical > 0 else 0.0
        score = alpha * lexical_part + (1 - alpha) * dense_part + heading_bonus * heading_scores.get(item, 0.0)
        fused.append((item, score))
    order = {item: n for n, (item, _) in enumerate(fused)}
    return sorted(fused, key=lambda kv: (-kv[1], order[kv[0]]))


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
        self.tokens = [match_terms(c.embed_text) for c in chunks]
        self.bm25 = BM25Okapi(self.tokens) if chunks else None
        self.document_frequency: dict[str, int] = {}
        for toks in self.tokens:
            for t in set(toks):
                self.document_frequency[t] = self.document_frequency.get(t, 0) + 1
        # Coverage (answerability) compares whole stems: prefix keys would let "industry" in a
        # question count as covered by "Industry Comparison", blurring answerable from not.
        self.stem_frequency: dict[str, int] = {}
        for chunk in chunks:
            for t in set(terms(chunk.embed_text)):
                self.stem_frequency[t] = self.stem_frequency.get(t, 0) + 1
        # The innermost heading of each chunk's section path, as IDF weights of its terms.
        self.position = {c.chunk_id: n for n, c in enumerate(chunks)}
        self.heading_weights = [
            heading_weights(str(c.metadata.get("section", "")), self.document_frequency, len(chunks)) for c in chunks
        ]

    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (in ``chunks`` order); all zeros without terms."""
        query_terms = match_terms(query)
        if self.bm25 is None or not query_terms:
            return np.zeros(len(self.chunks))
        return np.asarray(self.bm25.get_scores(query_terms))

    def heading_search(
        self, query: str, k: int, allowed: set[str] | None, scores: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Chunks whose section heading the question names, scored by the share of it named.

        The share is IDF-weighted over the terms of the chunk's own (innermost) heading, so
        "Critical Paths" is named by "What are the critical paths?", and a heading made only of
        common words is not named by a question that happens to use one of them. Sections named
        equally are ordered by BM25 (``scores``, computed when not given), which brings in the
        document title.
        """
        query_terms = set(match_terms(query))
        if not query_terms:
            return []
        named: list[tuple[int, float]] = []
        for position, weights in enumerate(self.heading_weights):
            if allowed is not None and self.chunks[position].chunk_id not in allowed:
                continue
            share = named_share(weights, query_terms)
            if share:
                named.append((position, share))
        if not named:
            return []
        bm25 = self.bm25_scores(query) if scores is None else scores
        named.sort(key=lambda item: (-item[1], -bm25[item[0]], item[0]))
        return [(self.chunks[position].chunk_id, share) for position, share in named[:k]]

    def search(
        self, query: str, k: int, allowed: set[str] | None, scores: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best chunks by BM25 (``scores``, computed when not given), positive scores only."""
        scores = self.bm25_scores(query) if scores is None else scores
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


def heading_weights(section: str, document_frequency: dict[str, int], documents: int) -> dict[str, float]:
    """IDF weights of the terms of a section path's innermost heading ("A > B" -> B's terms)."""
    leaf = section.split(" > ")[-1] if section else ""
    return {t: rarity(t, document_frequency, documents) for t in set(match_terms(leaf))}


def named_share(weights: dict[str, float], query_terms: Collection[str]) -> float:
    """The weighted share of a heading that the question names; 0 below ``HEADING_MIN_SHARE`` (not named)."""
    total = sum(weights.values())
    if not total:
        return 0.0
    share = sum(w for t, w in weights.items() if t in query_terms) / total
    return share if share >= HEADING_MIN_SHARE else 0.0


@dataclass(frozen=True)
class Retrieval:
    passages: list[Passage]
    best_dense: float | None  # None when dense search was not run (mode bm25) or found nothing


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
        fusion: str = "convex",
    ) -> list[Passage]:
        """The ``k`` best passages; ``mode`` hybrid, bm25 or dense; ``fusion`` convex or rrf (hybrid)."""
        return self.retrieve(query, k, kinds, sources, mode, query_vector, fusion).passages

    def retrieve(
        self,
        query: str,
        k: int = 5,
        kinds: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        mode: str = "hybrid",
        query_vector: list[float] | None = None,
        fusion: str = "convex",
    ) -> Retrieval:
        """``search``, plus the best dense similarity among all dense candidates.

        The answerer's "is this covered at all?" signal needs the closest chunk by meaning, which
        need not survive fusion: a BM25-heavy top five can hold no dense candidate at all.
        """
        index = self.index
        where = _where(kinds, sources)
        allowed = None
        if where is not None:
            allowed = {c.chunk_id for c in index.chunks if _matches(c.metadata, kinds, sources)}
        dense: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vector = query_vector if query_vector is not None else self.embedder.embed_query(query)
            dense = self.kb.dense_search(vector, CANDIDATES, where)
        bm25 = index.bm25_scores(query) if mode in ("hybrid", "bm25") else None
        lexical = index.search(query, CANDIDATES, allowed, bm25) if bm25 is not None else []
        headings = index.heading_search(query, CANDIDATES, allowed, bm25) if mode == "hybrid" else []
        if headings and bm25 is not None:
            # A named section outside BM25's top candidates still competes, with its own BM25 score.
            known = {i for i, _ in lexical}
            lexical = lexical + [(i, float(bm25[index.position[i]])) for i, _ in headings if i not in known]
        if mode == "hybrid" and fusion == "rrf":
            fused = reciprocal_rank_fusion(
                [[i for i, _ in dense], [i for i, _ in lexical], [i for i, _ in headings]],
                weights=[DENSE_WEIGHT, LEXICAL_WEIGHT, HEADING_WEIGHT],
            )
        elif mode == "hybrid":
            fused = convex_fusion(dense, lexical, headings)
        else:  # one retriever: its own order
            fused = dense or lexical
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
        return Retrieval(passages, max((score for _, score in dense), default=None))


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
