"""Property-based fuzzing of every parser that reads user files: cases, transcripts, frameworks,
Wardley maps, report topics, assessment JSON and documents.

The property is the same for all of them: whatever the bytes, the parser either returns a valid
object or raises a ``MaturityError`` with a message naming the file; never another exception.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import MaturityError

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
REPO = Path(__file__).resolve().parents[2]

# YAML-ish values: scalars, lists and mappings nested a few levels, with the keys parsers look for.
KEYS = st.sampled_from(
    [
        "format",
        "id",
        "kind",
        "turns",
        "question",
        "answer",
        "expected",
        "levels",
        "overall",
        "statements",
        "dimensions",
        "practices",
        "present",
        "name",
        "components",
        "stage",
        "evolution",
        "topics",
        "passages",
        "organisation",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["maturity-case/1", "maturity-framework/1", "wardley-map/1", "transcript", "persona", "question"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)


def _yaml_text(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True)


def _raises_only_maturity_errors(call) -> None:  # type: ignore[no-untyped-def]
    try:
        call()
    except MaturityError as exc:
        assert str(exc).strip(), "an error must say what is wrong"


@FUZZ
@given(data=VALUES)
def test_case_files(tmp_path_factory, data: object) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluation.cases import load_case

    path = tmp_path_factory.mktemp("case") / "case.yaml"
    path.write_text(_yaml_text(data), encoding="utf-8")
    _raises_only_maturity_errors(lambda: load_case(path))


@FUZZ
@given(text=st.text(max_size=400))
def test_case_files_with_arbitrary_text(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluation.cases import load_case
    from assistant.transcripts import load_transcript

    path = tmp_path_factory.mktemp("text") / "case.yaml"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    _raises_only_maturity_errors(lambda: load_case(path))
    _raises_only_maturity_errors(lambda: load_transcript(path))


@FUZZ
@given(data=VALUES)
def test_transcripts(tmp_path_factory, data: object) -> None:  # type: ignore[no-untyped-def]
    from assistant.transcripts import load_transcript

    path = tmp_path_factory.mktemp("transcript") / "t.yaml"
    path.write_text(_yaml_text(data), encoding="utf-8")
    _raises_only_maturity_errors(lambda: load_transcript(path))


@FUZZ
@given(data=VALUES, text=st.text(max_size=200))
def test_frameworks(data: object, text: str) -> None:
    from assistant.framework import parse_framework

    _raises_only_maturity_errors(lambda: parse_framework(_yaml_text(data), "fuzz.yaml"))
    _raises_only_maturity_errors(lambda: parse_framework(text, "fuzz.yaml"))


@FUZZ
@given(mutation=st.tuples(st.integers(0, 10_000), st.sampled_from(["", "x", ":", "- ", "{", "\t", "level: 0"])))
def test_mutated_builtin_framework(mutation: tuple[int, str]) -> None:
    """The real framework with a few characters inserted somewhere: loads or fails cleanly."""
    from assistant.framework import parse_framework

    text = (REPO / "knowledge" / "framework.yaml").read_text(encoding="utf-8")
    position, insert = mutation
    position = position % len(text)
    _raises_only_maturity_errors(lambda: parse_framework(text[:position] + insert + text[position:], "mutated"))


@FUZZ
@given(data=VALUES)
def test_wardley_maps(data: object) -> None:
    from assistant.report.wardley import parse_map

    _raises_only_maturity_errors(lambda: parse_map(_yaml_text(data), "fuzz-map.yaml"))


@FUZZ
@given(data=VALUES)
def test_report_topics(tmp_path_factory, data: object) -> None:  # type: ignore[no-untyped-def]
    from assistant.report.topics import load_topics

    path = tmp_path_factory.mktemp("topics") / "topics.yaml"
    path.write_text(_yaml_text(data), encoding="utf-8")
    _raises_only_maturity_errors(lambda: load_topics(path))


@FUZZ
@given(data=VALUES)
def test_assessment_json(tmp_path_factory, data: object) -> None:  # type: ignore[no-untyped-def]
    from assistant.report.service import load_assessment_file

    path = tmp_path_factory.mktemp("assessment") / "a.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    _raises_only_maturity_errors(lambda: load_assessment_file(path))


@FUZZ
@given(
    raw=st.binary(max_size=2000) | st.text(string.printable, max_size=2000).map(str.encode),
    suffix=st.sampled_from([".md", ".txt", ".html", ".pdf", ".docx", ".htm", ".markdown"]),
)
def test_documents(tmp_path_factory, raw: bytes, suffix: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.documents import load_document

    path = tmp_path_factory.mktemp("doc") / f"document{suffix}"
    path.write_bytes(raw)
    _raises_only_maturity_errors(lambda: load_document(path))
