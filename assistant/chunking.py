"""Heading-aware chunking measured in the embedding model's own tokens.

A document is first cut at its Markdown headings (LangChain's ``MarkdownHeaderTextSplitter``), so
a chunk never straddles two sections and carries its section path. Each section is then cut by
LangChain's ``RecursiveCharacterTextSplitter`` (paragraphs, then lines, sentences, words) with the
length measured by the embedding model's tokenizer. The text that gets embedded is prefixed with
the document title and section path ("contextual chunk header"), and that *whole* string must fit
the model's input: all-MiniLM-L6-v2 silently drops every word piece past 256, so the budget for
the body is the model limit minus the header's own tokens.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from assistant.documents import SourceDocument

TokenCounter = Callable[[str], int]

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")]
_SEPARATORS = ["\n\n", "\n", ". ", "; ", ", ", " ", ""]


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    text: str  # the section text shown and quoted in answers
    embed_text: str  # header + text: what the embedding model and BM25 see
    source: str
    source_path: str
    title: str
    section: str
    kind: str
    tags: str
    index: int
    content_hash: str

    def metadata(self) -> dict[str, str | int]:
        return {
            "source": self.source,
            "source_path": self.source_path,
            "title": self.title,
            "section": self.section,
            "kind": self.kind,
            "tags": self.tags,
            "index": self.index,
            "content_hash": self.content_hash,
        }


def context_header(title: str, section: str) -> str:
    return f"{title}\n{section}\n\n" if section and section != title else f"{title}\n\n"


def chunk_document(
    document: SourceDocument,
    count_tokens: TokenCounter,
    max_tokens: int,
    overlap_tokens: int = 24,
) -> list[Chunk]:
    """Cut ``document`` into chunks whose embedded text is at most ``max_tokens`` tokens."""
    sections = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True).split_text(document.text)
    source_path = str(document.path)
    chunks: list[Chunk] = []
    for section_doc in sections:
        body = section_doc.page_content.strip()
        if not body:
            continue
        path_parts = [str(section_doc.metadata[key]) for _, key in _HEADERS if key in section_doc.metadata]
        # The document title is usually the H1; repeating it in the section path wastes tokens.
        if path_parts and path_parts[0] == document.title:
            path_parts = path_parts[1:]
        section = " > ".join(path_parts)
        header = context_header(document.title, section)
        header_tokens = count_tokens(header)
        # Absurdly long headings must not eat the body's room: shorten, then drop the section.
        for title_chars, section_chars in ((80, 120), (40, 40), (40, 0), (20, 0)):
            if header_tokens <= max_tokens // 2:
                break
            header = context_header(document.title[:title_chars], section[-section_chars:] if section_chars else "")
            header_tokens = count_tokens(header)
        budget = max(16, max_tokens - header_tokens)
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=budget,
            chunk_overlap=min(overlap_tokens, budget // 4),
            length_function=count_tokens,
            separators=_SEPARATORS,
            keep_separator="end",
        )
        for piece in splitter.split_text(body):
            for text in _enforce_limit(piece.strip(), count_tokens, budget):
                if text:
                    chunks.append(_make_chunk(document, section, header, text, len(chunks), source_path))
    return chunks


def _enforce_limit(text: str, count_tokens: TokenCounter, budget: int) -> list[str]:
    """Guarantee the limit even where the splitter could not (token counts are not additive)."""
    if count_tokens(text) <= budget:
        return [text]
    words = text.split(" ")
    if len(words) == 1:  # one enormous "word": cut by characters
        half = max(1, len(text) // 2)
        return _enforce_limit(text[:half], count_tokens, budget) + _enforce_limit(text[half:], count_tokens, budget)
    half = len(words) // 2
    return _enforce_limit(" ".join(words[:half]), count_tokens, budget) + _enforce_limit(
        " ".join(words[half:]), count_tokens, budget
    )


def _make_chunk(document: SourceDocument, section: str, header: str, text: str, index: int, source_path: str) -> Chunk:
    body_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    path_hash = hashlib.sha256(source_path.encode("utf-8")).hexdigest()[:12]
    return Chunk(
        chunk_id=f"{path_hash}-{index:04d}-{body_hash}",
        text=text,
        embed_text=header + text,
        source=document.source,
        source_path=source_path,
        title=document.title,
        section=section,
        kind=document.kind,
        tags=",".join(document.tags),
        index=index,
        content_hash=document.content_hash,
    )
