"""Calibrate the answerability thresholds on the dev question sets and store them as data.

    python -m evals.calibrate

For every dev question (on its set's knowledge base) we record the two signals of
``assistant.answerability`` with its label, pick thresholds by grid search, and write them to
``knowledge/calibration/answerability.json`` with the figures that justify them.
"""

from __future__ import annotations

from assistant.answerability import Sample, Thresholds, balanced_accuracy, calibrate, save_thresholds
from assistant.answering import answer_question
from assistant.knowledge import calibration_dir
from assistant.settings import get_settings
from evals.dev_sets import load_sets, question_cases, service_for


def main() -> None:
    settings = get_settings()
    out = settings.home / "eval"
    samples: list[Sample] = []
    for name, spec in load_sets().items():
        service = service_for(name, spec, settings, out)
        # Thresholds of zero admit everything, so the signals are computed for every question.
        for case in question_cases(spec):
            answer = answer_question(service.retriever, case.question, Thresholds(dense=-1, coverage=-1))
            if answer.signals.get("quantity_missing"):
                continue  # refused by the answer-type rule whatever the thresholds
            samples.append(Sample(answer.signals["dense"], answer.signals["coverage"], case.expected.answerable))
    thresholds, score = calibrate(samples)
    details = {
        "samples": len(samples),
        "answerable": sum(s.answerable for s in samples),
        "unanswerable": sum(not s.answerable for s in samples),
        "balanced_accuracy": round(score, 4),
        "embedding_model": "all-MiniLM-L6-v2 (bundled)",
        "note": "written by `make calibrate` (python -m evals.calibrate); do not edit by hand",
    }
    path = save_thresholds(calibration_dir(settings), thresholds, details)
    print(
        f"thresholds dense>={thresholds.dense} coverage>={thresholds.coverage}: "
        f"balanced accuracy {balanced_accuracy(samples, thresholds):.3f} on {len(samples)} questions -> {path}"
    )
    for s in sorted(samples, key=lambda s: (s.answerable, s.dense)):
        if thresholds.answerable(s.dense, s.coverage) != s.answerable:
            print(f"  misclassified: answerable={s.answerable} dense={s.dense} coverage={s.coverage}")


if __name__ == "__main__":
    main()
