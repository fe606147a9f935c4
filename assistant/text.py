"""Small text utilities shared by retrieval and answering: terms, stemming, sentences."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "s",
        "t",
        "according",
        "tell",
        "describe",
        "explain",
        "give",
        "list",
        "say",
        "says",
        "said",
        "does",
        "did",
        "many",
        "much",
        "use",
        "used",
        "using",
        "make",
        "makes",
        "made",
        "like",
        "get",
        "gets",
        "got",
        "kind",
        "kinds",
        "way",
        "ways",
        "thing",
        "things",
        "one",
        "ones",
        "main",
        "key",
        "would",
        "could",
        "should",
        "exactly",
        "currently",
        "current",
        "today",
        "name",
        "named",
    ]
)

_TERM = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'models'/'model' or 'monitoring'/'monitor'."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            word = word[: len(word) - len(suffix)] + repl
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, stemmed content terms; hyphenated and dotted words also yield their parts."""
    out: list[str] = []
    for token in _TERM.findall(text.lower()):
        pieces = [token]
        if "-" in token or ("." in token and not token.replace(".", "").isdigit()):
            pieces += [p for p in re.split(r"[.\-]", token) if p]
        for piece in pieces:
            if keep_stopwords or piece not in STOPWORDS:
                out.append(stem(piece))
    return out


# Retrieval and answering compare words by their first six letters after stemming ("truncation
# stemming"): compete/competition/competitive, develop/development, organise/organization all
# meet, which the light stemmer above cannot do without a dictionary. Six letters keep
# model/modern and data/database apart. Assessment extraction keeps full stems (its cues are
# exact phrasings).
MATCH_PREFIX = 6


def match_terms(text: str) -> list[str]:
    """Terms cut to ``MATCH_PREFIX`` letters (numbers whole): the keys retrieval and answers match on."""
    return [t if t[:1].isdigit() or not MATCH_PREFIX else t[:MATCH_PREFIX] for t in terms(text)]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9*])")
# Abbreviations whose full stop does not end a sentence ("Open-Source vs. Proprietary").
_ABBREVIATION = re.compile(r"\b(vs|e\.g|i\.e|etc|cf|approx|incl|no|fig|dr|mr|mrs|ms|inc|ltd|co)\.$", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, in order, without Markdown markup at the edges."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|  \n|\n(?=\s*(?:[-*•]|\d+\.)\s)", text):
        block = " ".join(block.split())
        block = re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", block)  # a list marker is not a sentence
        if not block:
            continue
        pieces: list[str] = []
        for piece in _SENTENCE_END.split(block):
            if pieces and _ABBREVIATION.search(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {piece}"
            else:
                pieces.append(piece)
        for sentence in pieces:
            cleaned = sentence.strip().lstrip("-*• ").strip()
            cleaned = cleaned.replace("**", "")
            if len(cleaned) >= 2:
                sentences.append(cleaned)
    return sentences
