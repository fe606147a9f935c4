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
from functools import cache

import yaml

from assistant.settings import REPOSITORY_ROOT

#: Given names that stakeholders use for colleagues ("Ellie retrains it when we notice").
# (YAML, like the framework: `maturity ingest knowledge/` indexes the Markdown and text, not this.)
FIRST_NAMES_FILE = REPOSITORY_ROOT / "knowledge" / "lexicon" / "first_names.yaml"

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
    "thru": "through",
    "tho": "though",
    "abt": "about",
    "prolly": "probably",
    "freq": "frequency",
    "yep": "yes",
}
_SLASHED = {"w/o": "without", "b/c": "because", "w/": "with"}

_WORDS = {**_CONTRACTIONS, **_ABBREVIATIONS}

# Spoken fillers carry nothing, yet the embeddings read them: "they're, like, one team" sits
# further from "one team" than the words without the filler. "Like" is a filler only between
# commas ("like any other incident" is a comparison).
_FILLER_WORD = r"\b(?:u+m+|u+h+m*|e+r+m+|er|e+h+m+)\b"
_FILLER = rf"^\s*{_FILLER_WORD},?\s*|(?:,\s*|\s+){_FILLER_WORD},?|,\s*(?:like|you know),"
# Lower-case "it" before a word for people or their work is the IT department: "our it guy".
_IT_DEPARTMENT = (
    r"(?-i:\bit)(?= (?:guy|guys|bloke|person|people|folks|team|teams|department|dept|dept\.|support|ops|"
    r"desk|helpdesk|staff|manager|lead|contractor|side|crowd|colleagues)\b)"
)
_INFORMAL = re.compile(
    r"[’‘]"
    + "".join(f"|(?<![\\w/]){re.escape(k)}(?![\\w/])" for k in _SLASHED)
    + f"|(?P<filler>{_FILLER})|(?P<it>{_IT_DEPARTMENT})"
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


def _replacement(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in "’‘":
        return "'"
    if match.lastgroup == "filler":  # "We've, um, talked" is "We've talked"
        return ""
    if match.lastgroup == "it":
        return "IT"
    lowered = word.lower()
    spelled = _SLASHED.get(lowered) or _WORDS[lowered]
    # Keep a capital: "Dont" opens a sentence, and "I'm"/"I don't know" keep their own.
    return spelled[0].upper() + spelled[1:] if word[0].isupper() else spelled


@cache
def first_names() -> frozenset[str]:
    """The given names in ``FIRST_NAMES_FILE`` (none when the file is missing)."""
    try:
        data = yaml.safe_load(FIRST_NAMES_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return frozenset()
    names = data.get("first_names") if isinstance(data, dict) else None
    return frozenset(str(name).strip() for name in names or [] if str(name).strip())


# A capitalised word (a given name is one), and a surname that may follow it ("Tomasz Nowak").
_CAPITALISED = re.compile(r"(?<![\w'’-])[^\W\d_a-z][^\W\d_]*(?:-[^\W\d_]+)*(?![\w-])")
_SURNAME = re.compile(r" [A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w-])")
# Typed all in lower case ("jess kicks it off when she thinks it needs it"), a name of three letters
# or more is one in lower case too.
_LOWER_CASE_NAME = re.compile(r"(?<![\w'’-])[a-z]{3,}(?:-[a-z]+)?(?![\w-])")
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?]\s+)([^\W\d_])")


def _typed_in_lower_case(source: str) -> bool:
    openings = _SENTENCE_OPENING.findall(source)
    return bool(openings) and not any(letter.isupper() for letter in openings)


# A colleague's name is read as "someone": sentence embeddings weigh a rare name heavily, so
# "When Ellie has an update she fills in their change form" resembles a change request less than
# "When someone has an update ..." does (cosine 0.47 -> 0.62 to its nearest cue). "Someone" also
# says what a name does: a person doing the work ("Ellie retrains it") is work done by hand.
_A_COLLEAGUE = "someone"


def _names(source: str) -> list[tuple[int, int, str]]:
    """Spans of colleagues' names in ``source``, each with the words that stand in for it."""
    names = first_names()
    found = []
    lower_case = _typed_in_lower_case(source)
    candidates = _LOWER_CASE_NAME.finditer(source) if lower_case else iter(())
    for match in sorted([*_CAPITALISED.finditer(source), *candidates], key=lambda m: m.start()):
        word = match.group(0)
        if (word.capitalize() if word.islower() else word) not in names:
            continue
        surname = _SURNAME.match(source, match.end())
        end = surname.end() if surname and surname.group(0)[1:] not in names else match.end()
        before = source[max(0, match.start() - 40) : match.start()].rstrip()
        starts_sentence = not before or before[-1] in ".!?:;\n"
        found.append((match.start(), end, _A_COLLEAGUE.capitalize() if starts_sentence else _A_COLLEAGUE))
    return found


def normalise(source: str) -> Normalised:
    """``source`` with informal spellings written out and colleagues' names read as "someone";
    unchanged text maps to itself."""
    spans = [(m.start(), m.end(), _replacement(m)) for m in _INFORMAL.finditer(source)]
    spans += [name for name in _names(source) if not any(s < name[1] and name[0] < e for s, e, _ in spans)]
    if not spans:  # nothing informal: the text maps to itself
        return Normalised(source, source, (), ())
    spans.sort()
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def keep(start: int, end: int) -> None:  # characters copied as they are map to themselves
        pieces.append(source[start:end])
        starts.extend(range(start, end))
        ends.extend(range(start + 1, end + 1))

    position = 0
    for start, end, spelled in spans:
        keep(position, start)
        pieces.append(spelled)
        starts.extend([start] * len(spelled))
        ends.extend([end] * len(spelled))
        position = end
    keep(position, len(source))
    return Normalised(source, "".join(pieces), tuple(starts), tuple(ends))
