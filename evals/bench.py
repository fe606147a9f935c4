"""Benchmarks (`make bench`): ingestion throughput, retrieval quality, ask latency, cold start.

Every figure that depends on this machine's speed is a ratio against a baseline measured in the
same run, or a percentile over many repetitions; absolute times on a 2-core machine are noisy.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.chunking import chunk_document
from assistant.documents import load_document
from assistant.embeddings import load_embedder
from assistant.ingest import ingest_paths
from assistant.settings import REPOSITORY_ROOT, get_settings
from assistant.store import KnowledgeBase, iter_paths
from evals.dev_sets import load_sets, question_cases, service_for
from evals.retrieval_quality import MODES, case_queries, evaluate, seed_fact_queries

CORPUS = [
    REPOSITORY_ROOT / "knowledge",
    REPOSITORY_ROOT.parent / "shared" / "seeds",
    REPOSITORY_ROOT.parent / "shared" / "corpus" / "external",
]


def ingestion(repeats: int = 3) -> dict[str, Any]:
    """Our whole ingest (load, chunk, embed, store) against raw encode of the same chunks."""
    embedder = load_embedder(get_settings().embedding_model, get_settings().torch_threads)
    files = iter_paths([p for p in CORPUS if p.exists()])
    texts = [
        c.embed_text
        for f in files
        for c in chunk_document(load_document(f), embedder.count_tokens, embedder.max_tokens)
    ]
    embedder.model.encode(texts[:64])  # warm-up
    raw, ours = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True)
        raw.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as tmp:
            kb = KnowledgeBase.open(Path(tmp) / "kb", embedder.name, None, create=True)
            started = time.perf_counter()
            report = ingest_paths(kb, embedder, files)
            ours.append(time.perf_counter() - started)
            assert report.chunks_written == len(texts), (report.chunks_written, len(texts))
    return {
        "files": len(files),
        "chunks": len(texts),
        "raw_encode_s": round(min(raw), 3),
        "ingest_s": round(min(ours), 3),
        "throughput_ratio": round(min(raw) / min(ours), 3),
    }


def retrieval_quality() -> dict[str, Any]:
    settings = get_settings()
    out: dict[str, Any] = {}
    for name, spec in load_sets().items():
        service = service_for(name, spec, settings, settings.home / "eval")
        queries = case_queries(question_cases(spec)) + (seed_fact_queries() if name == "builtin" else [])
        out[name] = {mode: evaluate(service, queries, mode) for mode in MODES}
    return out


def ask_latency(rounds: int = 3) -> dict[str, Any]:
    settings = get_settings()
    spec = load_sets()["builtin"]
    service = service_for("builtin", spec, settings, settings.home / "eval")
    questions = [c.question for c in question_cases(spec)]
    for q in questions:  # warm-up: model, index and caches loaded
        service.ask(q)
    samples = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            service.ask(q)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "questions": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
    }


def cold_start(repeats: int = 3) -> dict[str, Any]:
    maturity = str(Path(sys.executable).parent / "maturity")
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [maturity, "ask", "--json", "What is level 3 called?"],
            check=True,
            capture_output=True,
            env=os.environ.copy(),
        )
        times.append(time.perf_counter() - started)
    return {"runs": repeats, "median_s": round(statistics.median(times), 2), "min_s": round(min(times), 2)}


def turn_latency(rounds: int = 2) -> dict[str, Any]:
    """Interview turn latency, answer in to next question out, including storing both turns.

    Replays the dev personas' statements as answers through the real session service on a
    SQLite database (what `maturity interview` and the UI do per turn), after a warm-up.
    """
    from assistant.engines import open_engine
    from assistant.evaluation.cases import PersonaCase, load_cases
    from assistant.persistence import Database
    from assistant.sessions import InterviewService

    settings = get_settings()
    engine = open_engine(settings)
    personas = [
        c
        for c in load_cases([REPOSITORY_ROOT / "evals" / "cases" / "assessments" / "dev"])
        if isinstance(c, PersonaCase)
    ]
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        service = InterviewService(Database(f"sqlite:///{tmp}/bench.db"), engine)
        for round_number in range(rounds + 1):  # round 0 warms the model and caches
            for case in personas:
                session = service.start(case.organisation or "bench").session
                for statement in case.statements:
                    # A fresh text every round, so no embedding is served from the cache.
                    answer = f"{statement} (Round {round_number}.)"
                    started = time.perf_counter()
                    service.send(session.id, answer)
                    if round_number:
                        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "turns": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
    }


def eval_wall_time() -> dict[str, Any]:
    """Wall time of the assessment dev set (transcripts and persona interviews) in one process."""
    from assistant.engines import open_engine
    from assistant.evaluation.cases import load_cases
    from assistant.evaluation.runner import run_cases

    engine = open_engine(get_settings())
    cases = load_cases([REPOSITORY_ROOT / "evals" / "cases" / "assessments" / "dev"])
    started = time.perf_counter()
    report = run_cases(cases, engine=engine)
    return {
        "cases": len(cases),
        "wall_s": round(time.perf_counter() - started, 2),
        "exact": report["summary"]["levels"]["exact"],
    }


def report_timing(repeats: int = 3) -> dict[str, Any]:
    """Drafting and exporting reports for the hold-out transcripts, per format, in one process.

    The baseline is assessing the same transcript (what a consultant waits for already), so the
    ratios say what the report adds on this machine; medians over the cases, best of ``repeats``.
    """
    from assistant.engines import open_engine
    from assistant.evaluation.cases import TranscriptCase, load_cases
    from assistant.evaluation.runner import assess_transcript
    from assistant.knowledge import open_service
    from assistant.report.service import Reporter

    settings = get_settings()
    engine = open_engine(settings)
    reporter = Reporter(settings, open_service(settings), engine.framework)
    cases = [
        c
        for c in load_cases([REPOSITORY_ROOT / "evals" / "cases" / "assessments" / "holdout"])
        if isinstance(c, TranscriptCase)
    ]
    timings: dict[str, list[float]] = {k: [] for k in ("assess", "build", "figures", "md", "html", "pdf", "docx")}

    def best(action: Any) -> tuple[float, Any]:
        results = []
        for _ in range(repeats):
            started = time.perf_counter()
            value = action()
            results.append((time.perf_counter() - started, value))
        return min(results, key=lambda r: r[0])

    for case in cases:
        seconds, assessment = best(lambda case=case: assess_transcript(engine, case))
        if all(level is None for level in assessment.levels.values()):
            continue
        timings["assess"].append(seconds)
        seconds, report = best(lambda assessment=assessment: reporter.build(assessment))
        timings["build"].append(seconds)
        seconds, figures = best(lambda report=report: reporter.figures(report))
        timings["figures"].append(seconds)
        for fmt in ("md", "html", "pdf", "docx"):
            seconds, _ = best(lambda report=report, fmt=fmt, figures=figures: reporter.render(report, fmt, figures))
            timings[fmt].append(seconds)
    medians = {k: statistics.median(v) for k, v in timings.items()}
    total = {
        fmt: medians["build"] + (medians["figures"] if fmt != "md" else 0) + medians[fmt]
        for fmt in ("md", "html", "pdf", "docx")
    }
    return {
        "cases": len(timings["assess"]),
        "median_s": {k: round(v, 3) for k, v in medians.items()},
        "report_total_s": {k: round(v, 3) for k, v in total.items()},
        "ratio_to_assessment": {k: round(v / medians["assess"], 1) for k, v in total.items()},
    }


def main() -> None:
    only = sys.argv[1:]
    unknown = [name for name in only if name not in BENCHES]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from: {', '.join(BENCHES)}")
    if only:
        chosen = {name: BENCHES[name]() for name in only}
        print(json.dumps(chosen, indent=2))
        return
    results = {
        "turn_latency_warm": turn_latency(),
        "assessment_eval": eval_wall_time(),
        "ingestion": ingestion(),
        "retrieval": retrieval_quality(),
        "ask_latency_warm": ask_latency(),
        "ask_cold_start": cold_start(),
        "report": report_timing(),
    }
    text = json.dumps(results, indent=2)
    print(text)
    out = get_settings().home / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")


BENCHES = {
    "turns": turn_latency,
    "eval": eval_wall_time,
    "ingestion": ingestion,
    "retrieval": retrieval_quality,
    "ask": ask_latency,
    "cold": cold_start,
    "report": report_timing,
}


if __name__ == "__main__":
    main()
