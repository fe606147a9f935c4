"""Assessment accuracy on the dev and hold-out transcript/persona cases, with per-case detail.

    python -m evals.assessments [dev|holdout|holdout2|...|all] [--verbose] [--no-engagements]

Sets, oldest first: ``dev`` (tuned on), ``holdout`` .. ``holdout46`` (each written blind, from
RUBRIC.md and CASE-FORMAT.md alone, by someone who had not seen the code or the other sets; each
was measured blind first and all but four were then used for error analysis, so their figures
flatter). ``holdout30``, ``holdout36``, ``holdout39`` and ``holdout40`` have never been read case by case: their
figures are the honest estimate of accuracy on unseen cases. ``all`` runs every set; ``make eval`` does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.engines import open_engine
from assistant.evaluation.cases import load_cases
from assistant.evaluation.engagements import load_engagement, run_engagement
from assistant.evaluation.runner import run_cases
from assistant.settings import get_settings

ROOT = Path(__file__).resolve().parent / "cases" / "assessments"
ENGAGEMENTS = Path(__file__).resolve().parent / "engagements"


def main(argv: list[str]) -> int:
    which = [a for a in argv if not a.startswith("-")] or ["dev", "holdout"]
    if which == ["all"]:
        which = sorted(p.name for p in ROOT.iterdir() if p.is_dir())
    verbose = "--verbose" in argv
    engine = open_engine(get_settings())
    for name in which:
        cases = load_cases([ROOT / name])
        report = run_cases(cases, engine=engine)
        levels = report["summary"]["levels"]
        print(f"== {name}: {len(cases)} cases, wall {report['summary']['wall_time_s']} s")
        for dimension, figures in levels["dimensions"].items():
            print(
                f"  {dimension:14} exact {figures['exact']:.3f}  within1 {figures['within_one']:.3f}  "
                f"n={figures['cases']}  nulls {figures['null_correct']}/{figures['null_expected']}"
            )
        print(f"  overall accuracy {levels['overall_accuracy']:.3f}  null accuracy {levels['null_accuracy']}")
        if report["summary"]["personas"]:
            print(f"  personas {json.dumps(report['summary']['personas'])}")
        for case in report["cases"]:
            if case["passed"] and not verbose:
                continue
            expected, predicted = case["expected"]["levels"], case["predicted"]["levels"]
            wrong = {d: (expected[d], predicted[d]) for d in expected if expected[d] != predicted[d]}
            extra = (
                f" q={case['questions_asked']} said={case['statements_elicited']}/{case['statements_total']}"
                if case["kind"] == "persona"
                else ""
            )
            status = "ok  " if case["passed"] else "FAIL"
            print(f"  {status} {case['id']} {case['kind']} expected->predicted {wrong}{extra}")
    if "--no-engagements" not in argv:
        passed = 0
        files = sorted(ENGAGEMENTS.glob("*.yaml"))
        for path in files:
            result = run_engagement(engine, load_engagement(path), [ROOT / "dev", ROOT / "holdout"])
            passed += result["passed"]
            print(
                f"  engagement {'ok  ' if result['passed'] else 'FAIL'} {result['id']} expected {result['expected']} "
                f"predicted {result['predicted']}"
            )
        print(f"== engagements: {passed}/{len(files)} exact (levels and divergences)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
