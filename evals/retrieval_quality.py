"""Retrieval quality of hybrid vs BM25-only vs dense-only: recall@k and MRR.

Relevance comes from labelled data, not from the retriever: for dev question cases a passage is
relevant when it comes from an expected source and contains an expected fact; for the seed-fact
list (tests/data/seed_facts.yaml) when it contains the fact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from assistant.knowledge import KnowledgeService
from assistant.retrieval import Passage
from assistant.settings import REPOSITORY_ROOT

Query = tuple[str, Callable[[Passage], bool]]


def seed_fact_queries() -> list[Query]:
    facts = yaml.safe_load((REPOSITORY_ROOT / "tests" / "data" / "seed_facts.yaml").read_text())
    return [(f["query"], _contains(f["fact"], [f["file"]])) for f in facts]


def case_queries(cases: list[Any]) -> list[Query]:
    out: list[Query] = []
    for case in cases:
        expected = case.expected
        if expected.answerable and expected.facts:
            out.append((case.question, _contains_any(expected.facts, expected.sources)))
    return out


def _contains(fact: str, sources: list[str]) -> Callable[[Passage], bool]:
    return lambda p: fact.lower() in (p.section + " " + p.text).lower() and (not sources or p.source in sources)


def _contains_any(facts: list[str], sources: list[str]) -> Callable[[Passage], bool]:
    return lambda p: any(f.lower() in p.text.lower() for f in facts) and (not sources or p.source in sources)


MODES = ("hybrid", "hybrid-rrf", "bm25", "dense")


def evaluate(service: KnowledgeService, queries: list[Query], mode: str, k: int = 5) -> dict[str, float]:
    """Recall@k and MRR of one retrieval mode: hybrid (convex fusion), hybrid-rrf, bm25 or dense."""
    hits = 0
    reciprocal = 0.0
    fusion = "rrf" if mode == "hybrid-rrf" else "convex"
    for question, relevant in queries:
        passages = service.retriever.search(question, k=20, mode=mode.split("-")[0], fusion=fusion)
        rank = next((i for i, p in enumerate(passages, start=1) if relevant(p)), None)
        if rank is not None and rank <= k:
            hits += 1
        if rank is not None:
            reciprocal += 1.0 / rank
    n = max(1, len(queries))
    return {f"recall@{k}": round(hits / n, 3), "mrr": round(reciprocal / n, 3), "queries": len(queries)}
