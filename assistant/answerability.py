"""Does the knowledge base cover a question? Two signals and calibrated thresholds.

* ``dense``: the best cosine similarity between the question and any chunk. Off-topic
  questions ("the boiling point of ethanol") score low.
* ``coverage``: the share of the question's content terms, weighted by rarity (IDF), that occur
  in the retrieved passages. In-domain questions about facts the documents never give ("How many
  data scientists work at Aurora Dynamics?") are near in meaning but leave rare terms uncovered.

A question is answerable when both signals reach their thresholds. The thresholds are not
guessed: ``calibrate`` picks them by grid search on the dev set's labelled questions, and they
are stored as data in ``knowledge/calibration/answerability.json``.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.text import terms

CALIBRATION_FILE = "answerability.json"


@dataclass(frozen=True)
class Thresholds:
    dense: float = 0.35
    coverage: float = 0.5

    def answerable(self, dense: float, coverage: float) -> bool:
        return dense >= self.dense and coverage >= self.coverage


@dataclass(frozen=True)
class Sample:
    dense: float
    coverage: float
    answerable: bool  # the label


# Words that shape a question rather than name its subject ("How does X *compare*...", "Where
# does X *sit relative* to Y", "what is the *trade-off*"). Knowledge bases rarely use them, so as
# content terms they would count as uncovered and refuse questions the passages do answer.
FRAMING_WORDS = frozenset(
    terms(
        "compare compared comparison relative relation relationship sit sits situated trade-off tradeoff "
        "happen happens happening characterise characterize characterises characterizes distinguish "
        "distinguishes identify identified identifies mention mentioned mentions highlight highlighted "
        "involve involved involves play role aspect aspects regard regarding respect overall stand stands "
        "linear one-off"
    )
)


def term_coverage(question: str, passages: Iterable[str], document_frequency: dict[str, int], documents: int) -> float:
    """IDF-weighted share of the question's content terms found in ``passages`` (0..1)."""
    question_terms = set(terms(question)) - FRAMING_WORDS
    if not question_terms:
        return 0.0
    found = set()
    for text in passages:
        found.update(terms(text))
    total = covered = 0.0
    for term in question_terms:
        # Terms never seen in the knowledge base get the highest weight: they are what the
        # question is about, and nothing here talks about them.
        weight = rarity(term, document_frequency, documents)
        total += weight
        if term in found:
            covered += weight
    return covered / total if total else 0.0


def rarity(term: str, document_frequency: dict[str, int], documents: int) -> float:
    """IDF weight of ``term``: rare terms say what a question is about; unseen ones the most."""
    return math.log(1 + (documents + 1) / (document_frequency.get(term, 0) + 0.5))


def calibrate(samples: Sequence[Sample]) -> tuple[Thresholds, float]:
    """Thresholds with the best balanced accuracy on ``samples``; ties go to the widest margin.

    Candidate thresholds are midpoints between observed values, so the chosen ones separate the
    samples as far from both sides as the data allow.
    """
    if not samples:
        return Thresholds(), 0.0
    dense_values = _midpoints([s.dense for s in samples])
    coverage_values = _midpoints([s.coverage for s in samples])
    best: tuple[tuple[float, float, float], Thresholds] | None = None
    for d in dense_values:
        for c in coverage_values:
            candidate = Thresholds(dense=round(d, 4), coverage=round(c, 4))
            score = balanced_accuracy(samples, candidate)
            margins = [m for m in (_margin(s, candidate) for s in samples) if m >= 0]
            # Secondary tie-break: keep the dense threshold in the middle of its gap too, so it
            # still guards when coverage alone happens to separate the dev set.
            dense_gap = min((abs(s.dense - candidate.dense) for s in samples), default=0.0)
            key = (score, min(margins, default=0.0), dense_gap)
            if best is None or key > best[0]:
                best = (key, candidate)
    assert best is not None
    return best[1], best[0][0]


def balanced_accuracy(samples: Sequence[Sample], thresholds: Thresholds) -> float:
    positives = [s for s in samples if s.answerable]
    negatives = [s for s in samples if not s.answerable]
    rates = []
    if positives:
        rates.append(sum(thresholds.answerable(s.dense, s.coverage) for s in positives) / len(positives))
    if negatives:
        rates.append(sum(not thresholds.answerable(s.dense, s.coverage) for s in negatives) / len(negatives))
    return sum(rates) / len(rates) if rates else 0.0


def _midpoints(values: list[float]) -> list[float]:
    ordered = sorted(set(values))
    mids = [(a + b) / 2 for a, b in itertools.pairwise(ordered)]
    return [ordered[0] - 1e-3, *mids, ordered[-1] + 1e-3] if ordered else [0.0]


def _margin(sample: Sample, thresholds: Thresholds) -> float:
    # Distance of a sample from the decision boundary, signed positive when on the correct side.
    if sample.answerable:
        return min(sample.dense - thresholds.dense, sample.coverage - thresholds.coverage)
    return max(thresholds.dense - sample.dense, thresholds.coverage - sample.coverage)


def load_thresholds(directory: Path) -> Thresholds:
    path = directory / CALIBRATION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Thresholds(dense=float(data["dense"]), coverage=float(data["coverage"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Thresholds()


def save_thresholds(directory: Path, thresholds: Thresholds, details: dict[str, object]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CALIBRATION_FILE
    payload = {"dense": thresholds.dense, "coverage": thresholds.coverage, **details}
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
