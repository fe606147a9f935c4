"""Evaluation case files (maturity-case/1): valid cases load, invalid ones fail naming the file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assistant.errors import CaseFormatError, InputError
from assistant.evaluation.cases import (
    PersonaCase,
    QuestionCase,
    TranscriptCase,
    discover_cases,
    load_case,
    load_cases,
)

QUESTION = """\
format: maturity-case/1
id: q-monitoring-tools
kind: question
question: "Which tools are recommended for monitoring deployed models?"
expected:
  answerable: true
  sources: [002_6ffe63843e8ef173.txt]
  facts: [prometheus, grafana]
"""

TRANSCRIPT = """\
format: maturity-case/1
id: t-insurer
kind: transcript
organisation: Regional insurer
role: Head of data science
turns:
  - question: "How do models reach production?"
    answer: "Every merge request triggers a Jenkins pipeline."
  - question: "Who watches them?"
    answer: "Nobody, really."
expected:
  levels: {collaboration: 3, development: 3, monitoring: null}
  overall: 3
  tolerance: 1
"""

PERSONA = """\
format: maturity-case/1
id: p-fintech
kind: persona
organisation: Small fintech lender
role: Machine learning engineer
behaviour: terse
statements:
  - "There is no regular sync with engineering; we talk when something breaks."
  - "All our training code lives in a GitLab repo."
expected:
  levels: {collaboration: 1, development: 2}
  overall: 1
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ---------------------------------------------------------------- valid cases


def test_question_case(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, "q.yaml", QUESTION))
    assert isinstance(case, QuestionCase)
    assert case.id == "q-monitoring-tools"
    assert case.question == "Which tools are recommended for monitoring deployed models?"
    assert case.expected.answerable is True
    assert case.expected.sources == ["002_6ffe63843e8ef173.txt"]
    assert case.expected.facts == ["prometheus", "grafana"]


def test_question_case_optional_fields_default_to_empty(tmp_path: Path) -> None:
    text = "format: maturity-case/1\nid: q2\nkind: question\nquestion: Out of scope?\nexpected: {answerable: false}\n"
    case = load_case(write(tmp_path, "q2.yaml", text))
    assert isinstance(case, QuestionCase)
    assert case.expected.answerable is False
    assert case.expected.sources == []
    assert case.expected.facts == []


def test_transcript_case(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, "t.yaml", TRANSCRIPT))
    assert isinstance(case, TranscriptCase)
    assert case.organisation == "Regional insurer"
    assert [t.question for t in case.turns] == ["How do models reach production?", "Who watches them?"]
    assert case.turns[1].answer == "Nobody, really."
    assert case.expected.levels == {"collaboration": 3, "development": 3, "monitoring": None}
    assert case.expected.overall == 3
    assert case.expected.tolerance == 1


def test_persona_case_fills_missing_dimensions_with_none(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, "p.yml", PERSONA))
    assert isinstance(case, PersonaCase)
    assert case.behaviour == "terse"
    assert len(case.statements) == 2
    # monitoring is not given: not assessed.
    assert case.expected.levels == {"collaboration": 1, "development": 2, "monitoring": None}
    assert case.expected.tolerance == 0  # the default


def test_persona_behaviour_defaults_to_cooperative(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, "p.yaml", PERSONA.replace("behaviour: terse\n", "")))
    assert isinstance(case, PersonaCase)
    assert case.behaviour == "cooperative"


def test_load_cases_from_a_directory_tree(tmp_path: Path) -> None:
    write(tmp_path, "b/q.yaml", QUESTION)
    write(tmp_path, "a/t.yaml", TRANSCRIPT)
    write(tmp_path, "a/p.yml", PERSONA)
    write(tmp_path, "a/notes.txt", "not a case")
    cases = load_cases([tmp_path])
    # Sorted by path: a/p.yml, a/t.yaml, b/q.yaml; the .txt file is ignored.
    assert [c.id for c in cases] == ["p-fintech", "t-insurer", "q-monitoring-tools"]


def test_discover_cases_accepts_files_and_directories(tmp_path: Path) -> None:
    single = write(tmp_path, "single.yaml", QUESTION)
    write(tmp_path, "dir/x.yaml", TRANSCRIPT)
    assert discover_cases([single, tmp_path / "dir"]) == [single, tmp_path / "dir" / "x.yaml"]


# ---------------------------------------------------------------- errors


def assert_case_error(path: Path, *fragments: str) -> str:
    with pytest.raises(CaseFormatError) as info:
        load_case(path)
    message = str(info.value)
    # The message names the file first; the fragments are looked for in the rest (the temporary
    # directory's name could contain them by chance).
    assert message.startswith(f"{path}: "), message
    problem = message[len(str(path)) :]
    for fragment in fragments:
        assert fragment in problem, message
    return problem


def test_case_format_error_is_an_input_error() -> None:
    assert issubclass(CaseFormatError, InputError)


def test_invalid_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "format: maturity-case/1\nid: [unclosed\nkind: question\n")
    assert_case_error(path, "not valid YAML", "line")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "", "42\n"])
def test_not_a_mapping(tmp_path: Path, text: str) -> None:
    assert_case_error(write(tmp_path, "list.yaml", text), "mapping")


@pytest.mark.parametrize(
    ("replacement", "shown"),
    [("format: maturity-case/2", "'maturity-case/2'"), ("format: 1", "1"), ("", "None")],
)
def test_wrong_format(tmp_path: Path, replacement: str, shown: str) -> None:
    path = write(tmp_path, "fmt.yaml", QUESTION.replace("format: maturity-case/1", replacement))
    assert_case_error(path, "unknown format", shown, "maturity-case/1")


def test_unknown_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "kind.yaml", QUESTION.replace("kind: question", "kind: survey"))
    assert_case_error(path, "unknown kind 'survey'", "question", "transcript", "persona")


def test_missing_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "nokind.yaml", QUESTION.replace("kind: question\n", ""))
    assert_case_error(path, "unknown kind None")


def test_unknown_dimension(tmp_path: Path) -> None:
    path = write(tmp_path, "dim.yaml", TRANSCRIPT.replace("collaboration: 3", "culture: 3"))
    assert_case_error(path, "expected.levels", "unknown dimension", "culture")


@pytest.mark.parametrize(("level", "bound"), [("7", "less than or equal to 5"), ("0", "greater than or equal to 1")])
def test_level_out_of_range(tmp_path: Path, level: str, bound: str) -> None:
    path = write(tmp_path, "lvl.yaml", TRANSCRIPT.replace("collaboration: 3", f"collaboration: {level}"))
    assert_case_error(path, "expected.levels.collaboration", bound)


def test_overall_out_of_range(tmp_path: Path) -> None:
    path = write(tmp_path, "overall.yaml", TRANSCRIPT.replace("overall: 3", "overall: 6"))
    assert_case_error(path, "expected.overall")


def test_missing_required_field(tmp_path: Path) -> None:
    text = "format: maturity-case/1\nid: q3\nkind: question\nexpected: {answerable: true}\n"
    assert_case_error(write(tmp_path, "q3.yaml", text), ": question: Field required")


def test_missing_expected(tmp_path: Path) -> None:
    text = "format: maturity-case/1\nid: q4\nkind: question\nquestion: Why?\n"
    assert_case_error(write(tmp_path, "q4.yaml", text), "expected")


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    assert_case_error(write(tmp_path, "extra.yaml", QUESTION + "colour: blue\n"), "colour")


def test_empty_turns_are_rejected(tmp_path: Path) -> None:
    text = "format: maturity-case/1\nid: t2\nkind: transcript\nturns: []\nexpected: {levels: {collaboration: 1}}\n"
    assert_case_error(write(tmp_path, "t2.yaml", text), "turns")


def test_bad_id(tmp_path: Path) -> None:
    path = write(tmp_path, "id.yaml", QUESTION.replace("id: q-monitoring-tools", "id: 'has spaces!'"))
    assert_case_error(path, "id")


def test_bad_behaviour(tmp_path: Path) -> None:
    assert_case_error(write(tmp_path, "b.yaml", PERSONA.replace("terse", "chatty")), "behaviour")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(QUESTION.replace("Which", "W\xe9hich").encode("latin-1"))
    assert_case_error(path, "UTF-8")


def test_missing_file(tmp_path: Path) -> None:
    assert_case_error(tmp_path / "ghost.yaml", "cannot read")


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", QUESTION)
    write(tmp_path, "two.yaml", QUESTION)
    with pytest.raises(CaseFormatError, match="duplicate case id") as info:
        load_cases([tmp_path])
    assert "q-monitoring-tools" in str(info.value)


def test_directory_without_yaml_files(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no cases here", encoding="utf-8")
    with pytest.raises(CaseFormatError, match="no case files") as info:
        load_cases([tmp_path])
    assert str(tmp_path) in str(info.value)


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(CaseFormatError, match="no such file or directory") as info:
        load_cases([missing])
    assert str(missing) in str(info.value)


def test_one_bad_file_fails_the_whole_load_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", QUESTION)
    write(tmp_path, "worse.yaml", "format: maturity-case/9\nid: x\nkind: question\n")
    with pytest.raises(CaseFormatError, match=r"worse\.yaml"):
        load_cases([tmp_path])
