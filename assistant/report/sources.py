"""The knowledge base as the report sees it: sections addressed by document and heading.

Recommendations and strategic context quote knowledge-base sentences verbatim, so the index
holds the stored chunks (exactly what retrieval serves) grouped by section. ``support`` measures
how much of a statement a passage actually says; the builder uses it to choose sentences and the
checker uses it to reject citations that do not back their statement.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from assistant.answerability import rarity
from assistant.store import StoredChunk
from assistant.text import split_sentences, terms

#: A statement is backed by a passage when at least this share of its content terms occur in it.
MIN_SUPPORT = 0.25


def normalise(text: str) -> str:
    """Whitespace and Markdown emphasis ignored: what 'verbatim' means for quotes and excerpts."""
    return " ".join(text.replace("**", "").split())


def support(statement: str, passage: str) -> float:
    """Share of the statement's distinct content terms that the passage contains (0..1)."""
    wanted = set(terms(statement))
    if not wanted:
        return 0.0
    return len(wanted & set(terms(passage))) / len(wanted)


@dataclass(frozen=True)
class Section:
    document: str
    title: str
    heading: str  # the section's own heading (the last part of its path)
    path: str  # "Parent > Child" as stored
    text: str

    @property
    def sentences(self) -> list[str]:
        return split_sentences(self.text)


class KnowledgeIndex:
    """Stored chunks grouped into sections, looked up by (document, heading or full path)."""

    def __init__(self, chunks: Iterable[StoredChunk]) -> None:
        grouped: dict[tuple[str, str], list[StoredChunk]] = defaultdict(list)
        for chunk in chunks:
            meta = chunk.metadata
            grouped[(str(meta.get("source", "")), str(meta.get("section", "")))].append(chunk)
        self._sections: dict[tuple[str, str], Section] = {}
        for (document, path), parts in sorted(grouped.items()):
            parts.sort(key=lambda c: int(c.metadata.get("index", 0)))
            section = Section(
                document=document,
                title=str(parts[0].metadata.get("title", document)),
                heading=path.split(" > ")[-1],
                path=path,
                text="\n\n".join(c.text for c in parts),
            )
            self._sections[(document, path)] = section
            self._sections.setdefault((document, section.heading), section)

    def __len__(self) -> int:
        return len({id(s) for s in self._sections.values()})

    def section(self, document: str, heading: str) -> Section | None:
        return self._sections.get((document, heading))

    def sections(self) -> list[Section]:
        return list({id(s): s for s in self._sections.values()}.values())

    def contains(self, document: str, heading: str, excerpt: str) -> bool:
        """True when ``excerpt`` is verbatim text of that section (whitespace aside)."""
        section = self.section(document, heading)
        return section is not None and normalise(excerpt) in normalise(section.text)

    @cached_property
    def _sentence_frequency(self) -> tuple[Counter[str], int]:
        """In how many knowledge-base sentences each term occurs: generic words ('model', 'level')
        are everywhere and say little about which sentence backs a recommendation."""
        frequency: Counter[str] = Counter()
        count = 0
        for section in self.sections():
            for sentence in section.sentences:
                frequency.update(set(terms(sentence)))
                count += 1
        return frequency, count

    def relevance(self, statement: str, sentence: str) -> float:
        """Rarity-weighted share of the statement's terms that the sentence contains (0..1)."""
        wanted = set(terms(statement))
        if not wanted:
            return 0.0
        frequency, count = self._sentence_frequency
        have = set(terms(sentence))
        weights = {t: rarity(t, frequency, count) for t in wanted}
        return sum(w for t, w in weights.items() if t in have) / sum(weights.values())

    def best_sentence(self, statement: str, sections: Iterable[Section]) -> tuple[Section, str, float] | None:
        """The sentence of ``sections`` most relevant to ``statement``; ties go to the earlier one."""
        best: tuple[Section, str, float] | None = None
        for section in sections:
            for sentence in section.sentences:
                score = self.relevance(statement, sentence)
                if best is None or score > best[2]:
                    best = (section, sentence, score)
        return best
