"""Informal writing read as if written out: "we dont have ci atm", "idk tbh", "don’t".

Stakeholders type in chat: contractions without apostrophes, typographic apostrophes, and chat
abbreviations. The readers of an answer (segmentation, moods, cue matching) are written for the
spelled-out forms, so an answer is read in its normalised form, while every quote still cites the
stakeholder's own words: ``Normalised.original`` maps a span of the normalised text back to the
span of the answer it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Contractions typed without their apostrophe. Only unambiguous ones: "its", "were", "well",
# "ill", "id", "hes" are ordinary words too.
_CONTRACTIONS = {
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "hadnt": "hadn't",
    "cant": "can't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "wont": "won't",
    "aint": "ain't",
    "theres": "there's",
    "thats": "that's",
    "whats": "what's",
    "ive": "I've",
    "im": "I'm",
    "youre": "you're",
    "theyre": "they're",
    "weve": "we've",
    "theyve": "they've",
    "youve": "you've",
    "noone": "no one",
    "noones": "no one's",
    "nobodys": "nobody's",
    "someones": "someone's",
    "everyones": "everyone's",
    "anyones": "anyone's",
    "whos": "who's",
    "shouldve": "should've",
    "couldve": "could've",
    "wouldve": "would've",
}

# Chat abbreviations, spelled out. Single letters ("u", "r") and words that are also names or
# acronyms in this domain ("bc", "env", "eng") are left alone.
_ABBREVIATIONS = {
    "idk": "I don't know",
    "dunno": "don't know",
    "rly": "really",
    "atm": "at the moment",
    "rn": "right now",
    "tbh": "to be honest",
    "imo": "in my opinion",
    "imho": "in my opinion",
    "afaik": "as far as I know",
    "iirc": "if I remember correctly",
    "btw": "by the way",
    "ofc": "of course",
    "cuz": "because",
    "coz": "because",
    "ppl": "people",
    "smth": "something",
    "sth": "something",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "have to",
    "kinda": "kind of",
    "sorta": "sort of",
    "yup": "yes",
    "prod": "production",
    "infra": "infrastructure",
    "mgmt": "management",
    "dept": "department",
    "retro": "retrospective",
    "retros": "retrospectives",
}
_SLASHED = {"w/o": "without", "b/c": "because", "w/": "with"}

_WORDS = {**_CONTRACTIONS, **_ABBREVIATIONS}
_INFORMAL = re.compile(
    r"[’‘]"
    + "".join(f"|(?<![\\w/]){re.escape(k)}(?![\\w/])" for k in _SLASHED)
    + r"|\b(?:"
    + "|".join(sorted(_WORDS, key=len, reverse=True))
    + r")\b(?!['’-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Normalised:
    """An answer's normalised text, and for each of its characters the span of the answer it came from."""

    source: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @property
    def changed(self) -> bool:
        return self.text != self.source

    def original(self, start: int, end: int) -> str:
        """The answer's own words for ``text[start:end]`` (whole words where a word was replaced)."""
        if not self.changed:
            return self.source[start:end]
        if start >= end:
            return ""
        return self.source[self.starts[start] : self.ends[end - 1]]

    def quote(self, fragment: str) -> str | None:
        """The answer's own words for a fragment of the normalised text, or None when it is not one."""
        if not self.changed:
            return fragment if fragment in self.source else None
        at = self.text.find(fragment)
        return None if at < 0 else self.original(at, at + len(fragment))


def _replacement(word: str) -> str:
    if word in "’‘":
        return "'"
    lowered = word.lower()
    spelled = _SLASHED.get(lowered) or _WORDS[lowered]
    # Keep a capital: "Dont" opens a sentence, and "I'm"/"I don't know" keep their own.
    return spelled[0].upper() + spelled[1:] if word[0].isupper() else spelled


def normalise(source: str) -> Normalised:
    """``source`` with informal spellings written out; unchanged text maps to itself."""
    matches = list(_INFORMAL.finditer(source))
    if not matches:  # nothing informal: the text maps to itself
        return Normalised(source, source, (), ())
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def keep(start: int, end: int) -> None:  # characters copied as they are map to themselves
        pieces.append(source[start:end])
        starts.extend(range(start, end))
        ends.extend(range(start + 1, end + 1))

    position = 0
    for match in matches:
        keep(position, match.start())
        spelled = _replacement(match.group(0))
        pieces.append(spelled)
        starts.extend([match.start()] * len(spelled))
        ends.extend([match.end()] * len(spelled))
        position = match.end()
    keep(position, len(source))
    return Normalised(source, "".join(pieces), tuple(starts), tuple(ends))
