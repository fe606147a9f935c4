"""Run the dev question sets, each on its own knowledge base, and print one summary per set.

    python -m evals.dev_sets [--out DIR] [--set NAME ...]

Knowledge bases for the seed and external sets are built (idempotently) under DIR.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from assistant.evaluation.cases import QuestionCase, load_cases
from assistant.evaluation.runner import run_cases
from assistant.knowledge import KnowledgeService, open_service
from assistant.settings import REPOSITORY_ROOT, Settings, get_settings


def load_sets() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load((REPOSITORY_ROOT / "evals" / "sets.yaml").read_text())
    return data


def service_for(name: str, spec: dict[str, Any], settings: Settings, out: Path) -> KnowledgeService:
    if not spec.get("documents"):
        return open_service(settings)
    service = open_service(settings, out / f"kb-{name}", create=True)
    report = service.ingest([REPOSITORY_ROOT / p for p in spec["documents"]])
    if report.failed:
        raise SystemExit(f"{name}: ingest failed: {report.failed[0].message}")
    return service


def question_cases(spec: dict[str, Any]) -> list[QuestionCase]:
    return [c for c in load_cases([REPOSITORY_ROOT / spec["cases"]]) if isinstance(c, QuestionCase)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=get_settings().home / "eval")
    parser.add_argument("--set", action="append", dest="sets")
    args = parser.parse_args()
    settings = get_settings()
    for name, spec in load_sets().items():
        if args.sets and name not in args.sets:
            continue
        service = service_for(name, spec, settings, args.out)
        report = run_cases(list(question_cases(spec)), knowledge=service)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"report-{name}.json").write_text(json.dumps(report, indent=2))
        q = report["summary"]["questions"]
        print(
            f"{name:9s} cases={report['summary']['cases']:3d} passed={report['summary']['passed']:3d} "
            f"fact_recall={q['fact_recall']:.3f} source_recall={q['source_recall']:.3f} "
            f"refusal_acc={q['refusal_accuracy']:.3f} unanswerable_refused={q['unanswerable_refused']:.3f} "
            f"answerable_answered={q['answerable_answered']:.3f}"
        )
        for case in report["cases"]:
            if not case["passed"]:
                print(
                    f"   FAIL {case['id']}: answerable={case['answerable']} signals={case['signals']} "
                    f"missing={case['facts_missing']} sources={case['sources']}"
                )


if __name__ == "__main__":
    main()
