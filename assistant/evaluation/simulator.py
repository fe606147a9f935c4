"""The simulated stakeholder of persona cases, exactly as CASE-FORMAT specifies.

For each question it answers with the persona's statements most similar to the question
(embedding cosine, best first, at most two not yet said, above a similarity threshold), or
"I'm not sure." when none qualifies; a terse persona gives only the single best statement. It
never sees the expected levels.
"""

from __future__ import annotations

import numpy as np

from assistant.extraction import Encoder

#: Cosine a statement needs to count as an answer to a question. all-MiniLM-L6-v2 puts an
#: interview question and a statement on its topic at about 0.3-0.7, and small talk ("we moved
#: offices") at 0.13-0.26 from every framework question (measured on the dev personas). At 0.2 a
#: cooperative persona, like a real one, sometimes answers with loosely related remarks, which is
#: what the extractor has to cope with.
SIMILARITY_THRESHOLD = 0.2
NOT_SURE = "I'm not sure."


class SimulatedStakeholder:
    def __init__(
        self,
        statements: list[str],
        encoder: Encoder,
        behaviour: str = "cooperative",
        threshold: float = SIMILARITY_THRESHOLD,
    ) -> None:
        self.statements = statements
        self.encoder = encoder
        self.per_answer = 1 if behaviour == "terse" else 2
        self.threshold = threshold
        self.vectors = encoder.encode(statements)
        self.said: list[int] = []

    def answer(self, question: str) -> str:
        similarities = self.vectors @ self.encoder.encode([question])[0]
        chosen: list[int] = []
        for index in np.argsort(-similarities, kind="stable"):
            if len(chosen) == self.per_answer or similarities[index] < self.threshold:
                break
            if int(index) not in self.said:
                chosen.append(int(index))
        if not chosen:
            return NOT_SURE
        self.said.extend(chosen)
        # One statement per line: joined by a space, "... next year" and "retraining runs every
        # week" ran into one sentence and read as a plan to retrain (a person pauses between two
        # separate remarks; the line break is that pause, and quotes still cite one statement).
        return "\n".join(self.statements[i] for i in chosen)

    @property
    def elicited(self) -> int:
        return len(set(self.said))
