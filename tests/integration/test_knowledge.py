"""The built-in knowledge base carries the seed facts, and retrieval finds them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXTERNAL, REPO, SEEDS

# A fact is "retrievable" when a consultant asking the natural question finds it on the first
# page of results (ten passages), whatever the answerer then selects.
RETRIEVAL_DEPTH = 10
FACTS = yaml.safe_load((REPO / "tests" / "data" / "seed_facts.yaml").read_text(encoding="utf-8"))


def test_fact_list_is_substantial() -> None:
    assert len(FACTS) >= 40
    assert {f["seed"] for f in FACTS} == {p.name for p in SEEDS.glob("*.txt")} or not SEEDS.is_dir()


def _param(entry: dict[str, str]):  # type: ignore[no-untyped-def]
    # Known retrieval misses stay in the list as strict xfails: fixing one makes the test fail
    # until the marker is removed, so the list can only get better.
    marks = [pytest.mark.xfail(reason=entry["known_miss"], strict=True)] if entry.get("known_miss") else []
    return pytest.param(entry, marks=marks, id=f"{entry['file']}:{entry['fact']}")


def test_most_seed_facts_are_retrievable() -> None:
    assert sum(1 for e in FACTS if not e.get("known_miss")) >= 40


@pytest.mark.parametrize("entry", [_param(e) for e in FACTS])
def test_seed_fact_is_retrievable(builtin_service, entry) -> None:  # type: ignore[no-untyped-def]
    passages = builtin_service.retriever.search(entry["query"], k=RETRIEVAL_DEPTH)
    hits = [
        p for p in passages if entry["fact"].lower() in p.text.lower() or entry["fact"].lower() in p.section.lower()
    ]
    assert hits, f"{entry['fact']!r} not in the top {RETRIEVAL_DEPTH} passages for {entry['query']!r}"
    assert any(p.source == entry["file"] for p in hits)


def test_knowledge_documents_have_front_matter() -> None:
    from assistant.documents import load_document

    kinds = set()
    for path in sorted((REPO / "knowledge").glob("*.md")):
        document = load_document(path)
        assert document.title and document.tags, path
        kinds.add(document.kind)
    assert kinds == {"maturity-model", "wardley-analysis", "recommendations"}


def test_knowledge_is_not_copied_prose() -> None:
    """Facts carry over, prose does not: no long run of words is shared with a seed."""
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside the repository")

    def grams(text: str) -> set[tuple[str, ...]]:
        # 16-word runs inside one sentence: a run across a heading and a name is not prose.
        out = set()
        for sentence in re.split(r"(?<=[.!?:])\s+|\n", text.lower()):
            w = re.findall(r"[a-z0-9]+", sentence)
            out.update(tuple(w[i : i + 16]) for i in range(len(w) - 15))
        return out

    seed_grams = set()
    for seed in SEEDS.glob("*.txt"):
        seed_grams |= grams(seed.read_text(encoding="utf-8"))
    for path in (REPO / "knowledge").glob("*.md"):
        # Tables and lists of names (competencies, key features) are facts, not prose.
        prose = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith(("|", "-", "*"))
        )
        shared = [" ".join(g) for g in grams(prose) & seed_grams]
        assert not shared, f"{path.name} copies seed prose: {shared[0]!r}"


def test_chunks_fit_the_model_input(embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.chunking import chunk_document
    from assistant.documents import load_document

    paths = sorted((REPO / "knowledge").glob("*.md")) + sorted(SEEDS.glob("*")) + sorted(EXTERNAL.glob("*"))
    limit = embedder.model.max_seq_length
    for path in paths:
        for chunk in chunk_document(load_document(path), embedder.count_tokens, embedder.max_tokens):
            # Measured exactly as the model will: with its special tokens.
            assert len(embedder.model.tokenizer.encode(chunk.embed_text)) <= limit, (path.name, chunk.section)


def test_hybrid_filters_by_kind_and_source(builtin_service) -> None:  # type: ignore[no-untyped-def]
    passages = builtin_service.retriever.search("critical paths", k=5, kinds=["wardley-analysis"])
    assert passages and all(p.kind == "wardley-analysis" for p in passages)
    passages = builtin_service.retriever.search("monitoring tools", k=5, sources=["recommendations.md"])
    assert passages and all(p.source == "recommendations.md" for p in passages)
    for p in passages:
        assert p.score > 0 and p.chunk_id and p.title


def test_hybrid_finds_exact_names_that_dense_alone_may_miss(builtin_service) -> None:  # type: ignore[no-untyped-def]
    passages = builtin_service.retriever.search("Travis CI", k=3)
    assert any("Travis CI" in p.text for p in passages)
    bm25_only = builtin_service.retriever.search("Travis CI", k=3, mode="bm25")
    assert all(p.dense is None for p in bm25_only)


def test_builtin_rebuilds_when_knowledge_changes(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.knowledge import open_builtin
    from assistant.settings import Settings

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    doc = knowledge / "a.md"
    doc.write_text("---\ntitle: A\nkind: recommendations\ntags: [x]\n---\n# A\n\nUse Zabbix for alerts.\n")
    settings = Settings(home=tmp_path / "home", knowledge_dir=knowledge)
    kb = open_builtin(settings, embedder)
    assert kb.count() == 1
    doc.write_text(
        "---\ntitle: A\nkind: recommendations\ntags: [x]\n---\n# A\n\nUse Nagios for alerts.\n\n## B\n\nMore.\n"
    )
    kb = open_builtin(settings, embedder)
    texts = " ".join(c.text for c in kb.all_chunks())
    assert "Nagios" in texts and "Zabbix" not in texts
    assert kb.consistency_report() == {"orphans": [], "missing": []}


def test_retrieve_reports_the_closest_chunk_by_meaning_even_when_fusion_drops_it(builtin_service) -> None:  # type: ignore[no-untyped-def]
    question = "What does level 3 of the maturity model mean?"
    retrieval = builtin_service.retriever.retrieve(question, k=1)
    dense_only = builtin_service.retriever.search(question, k=1, mode="dense")
    assert retrieval.best_dense is not None and dense_only[0].dense is not None
    assert retrieval.best_dense == pytest.approx(dense_only[0].dense)
    assert all(p.dense is None or p.dense <= retrieval.best_dense + 1e-9 for p in retrieval.passages)
    assert builtin_service.retriever.retrieve(question, mode="bm25").best_dense is None
