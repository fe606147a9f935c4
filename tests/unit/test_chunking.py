"""Heading-aware chunking with a fake token counter (no embedding model)."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from assistant.chunking import Chunk, _enforce_limit, chunk_document, context_header
from assistant.documents import SourceDocument


def words(s: str) -> int:
    return len(s.split())


def pieces(s: str) -> int:
    # Roughly a word-piece count: one token per four characters, so a long word costs a lot.
    return math.ceil(len(s) / 4)


def make_document(text: str, title: str = "Guide", tags: tuple[str, ...] = ()) -> SourceDocument:
    return SourceDocument(
        path=Path("/kb/guide.md"),
        source="guide.md",
        title=title,
        kind="document",
        text=text,
        content_hash="h" * 64,
        tags=tags,
    )


def prose(prefix: str, sentences: int, words_per_sentence: int = 7) -> str:
    """Sentences made of words that all start with ``prefix``, so their section is recognisable."""
    out = []
    n = 0
    for _ in range(sentences):
        ws = [f"{prefix}{n + i}" for i in range(words_per_sentence)]
        n += words_per_sentence
        out.append(" ".join(ws).capitalize() + ".")
    return " ".join(out)


TWO_SECTIONS = (
    "# Guide\n\n## A\n\n" + prose("alpha", 12) + "\n\n" + prose("alpha", 3) + "\n\n## B\n\n" + prose("beta", 12) + "\n"
)


def test_every_embedded_text_fits_the_limit() -> None:
    chunks = chunk_document(make_document(TWO_SECTIONS), words, max_tokens=40)
    # 15 sentences of 7 words in A alone is ~105 words: several chunks are needed.
    assert len(chunks) >= 4
    for chunk in chunks:
        assert words(chunk.embed_text) <= 40


def test_chunks_never_straddle_sections() -> None:
    chunks = chunk_document(make_document(TWO_SECTIONS), words, max_tokens=40)
    assert {c.section for c in chunks} == {"A", "B"}
    for chunk in chunks:
        body_words = chunk.text.lower().split()
        if chunk.section == "A":
            assert all(w.startswith("alpha") for w in body_words), chunk.text
        else:
            assert all(w.startswith("beta") for w in body_words), chunk.text
    # Sections come in document order.
    sections = [c.section for c in chunks]
    assert sections == sorted(sections)


def test_embed_text_carries_the_context_and_ends_with_the_text() -> None:
    chunks = chunk_document(make_document(TWO_SECTIONS), words, max_tokens=40)
    for chunk in chunks:
        assert chunk.embed_text.endswith("\n\n" + chunk.text)
        assert chunk.section in chunk.embed_text[: -len(chunk.text)]
        assert "#" not in chunk.text  # heading lines are stripped from the body


def test_context_header_names_the_section_or_the_title() -> None:
    assert "A > B" in context_header("Guide", "A > B")
    assert context_header("Guide", "") == "Guide\n\n"
    assert context_header("Guide", "A").endswith("\n\n")


def test_nested_headings_give_a_section_path() -> None:
    text = "# Guide\n\n## Monitoring\n\n### Drift\n\nDrift is checked nightly.\n\n## Other\n\nMore text.\n"
    chunks = chunk_document(make_document(text), words, max_tokens=40)
    assert [(c.section, c.text) for c in chunks] == [
        ("Monitoring > Drift", "Drift is checked nightly."),
        ("Other", "More text."),
    ]


def test_title_heading_is_not_repeated_in_the_section_path() -> None:
    text = "# Guide\n\n## A\n\nSome text.\n"
    (chunk,) = chunk_document(make_document(text, title="Guide"), words, max_tokens=40)
    assert chunk.section == "A"
    # A first heading that differs from the title stays in the path.
    (chunk,) = chunk_document(make_document(text, title="Another Title"), words, max_tokens=40)
    assert chunk.section == "Guide > A"


def test_text_before_any_heading_has_an_empty_section() -> None:
    (chunk,) = chunk_document(make_document("Just a preamble.\n"), words, max_tokens=40)
    assert chunk.section == ""
    # No section: the title alone is the context.
    assert chunk.embed_text == "Guide\n\nJust a preamble."


def test_empty_sections_give_no_chunks() -> None:
    chunks = chunk_document(make_document("## Empty\n\n## Full\n\nContent here.\n"), words, max_tokens=40)
    assert [c.section for c in chunks] == ["Full"]


def test_chunk_ids_are_deterministic_and_follow_the_text() -> None:
    doc = make_document(TWO_SECTIONS)
    first = [c.chunk_id for c in chunk_document(doc, words, max_tokens=40)]
    second = [c.chunk_id for c in chunk_document(doc, words, max_tokens=40)]
    assert first == second
    assert len(set(first)) == len(first)  # unique within the document

    # "beta50" occurs once, in section B (no "beta500" exists).
    assert TWO_SECTIONS.count("beta50") == 1
    changed = make_document(TWO_SECTIONS.replace("beta50", "gamma50"))
    before = chunk_document(doc, words, max_tokens=40)
    after = chunk_document(changed, words, max_tokens=40)
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        if "gamma50" in new.text:
            assert new.chunk_id != old.chunk_id
        else:
            assert new.chunk_id == old.chunk_id
    assert any("gamma50" in c.text for c in after)


def test_chunk_id_format() -> None:
    # <sha256(path)[:12]>-<index, 4 digits>-<sha256(text)[:10]>
    (chunk,) = chunk_document(make_document("## A\n\nSome text.\n"), words, max_tokens=40)
    path_hash = hashlib.sha256(b"/kb/guide.md").hexdigest()[:12]
    body_hash = hashlib.sha256(b"Some text.").hexdigest()[:10]
    assert chunk.chunk_id == f"{path_hash}-0000-{body_hash}"
    assert chunk.index == 0


def test_indices_count_up_across_sections() -> None:
    chunks = chunk_document(make_document(TWO_SECTIONS), words, max_tokens=40)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_a_single_enormous_word_is_cut_to_fit() -> None:
    word = "x" * 5000
    chunks = chunk_document(make_document(f"## A\n\n{word}\n"), pieces, max_tokens=40)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert pieces(chunk.embed_text) <= 40
        assert set(chunk.text) == {"x"}
    # Nothing is lost: the pieces cover at least the whole word (they may overlap).
    assert sum(len(c.text) for c in chunks) >= 5000


def test_enforce_limit_halves_until_it_fits() -> None:
    # 100 characters, budget 30 with a character counter: 100 -> 50 + 50 -> four pieces of 25.
    assert _enforce_limit("x" * 100, len, 30) == ["x" * 25] * 4
    # Words are halved on spaces first: 8 words, budget 3 words -> 4 + 4 -> 2 + 2 + 2 + 2.
    assert _enforce_limit("a b c d e f g h", words, 3) == ["a b", "c d", "e f", "g h"]
    assert _enforce_limit("fits", words, 3) == ["fits"]


def test_long_heading_is_shortened_and_the_body_keeps_room() -> None:
    heading = " ".join(f"h{i}" for i in range(60))  # 60 words: more than half of max_tokens
    chunks = chunk_document(make_document(f"## {heading}\n\n{prose('body', 4)}\n"), words, max_tokens=40)
    assert chunks
    for chunk in chunks:
        assert chunk.section == heading  # the metadata keeps the full path
        assert "h0 " not in chunk.embed_text  # the header is shortened (here: the section dropped)
        assert words(chunk.embed_text) <= 40  # and the whole embedded text fits the model
        assert words(chunk.text) >= 16  # the body keeps at least half of the room


def test_metadata() -> None:
    (chunk,) = chunk_document(make_document("## A\n\nSome text.\n", tags=("mlops", "drift")), words, max_tokens=40)
    assert isinstance(chunk, Chunk)
    meta = chunk.metadata()
    assert {"source", "title", "section", "kind"} <= set(meta)
    assert meta["source"] == "guide.md"
    assert meta["source_path"] == "/kb/guide.md"
    assert meta["title"] == "Guide"
    assert meta["section"] == "A"
    assert meta["kind"] == "document"
    assert meta["tags"] == "mlops,drift"
    assert meta["index"] == 0
    assert meta["content_hash"] == "h" * 64
    # Chroma metadata must be flat scalars.
    assert all(isinstance(v, str | int) for v in meta.values())
