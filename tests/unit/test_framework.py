"""The framework file: the built-in one implements the rubric; broken files get clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.framework import FrameworkError, load_framework, parse_framework

REPO = Path(__file__).resolve().parents[2]
BUILTIN = REPO / "knowledge" / "framework.yaml"
SMALL = REPO / "tests" / "data" / "small-framework.yaml"


def test_builtin_framework_covers_three_dimensions_and_five_levels() -> None:
    framework = load_framework(BUILTIN)
    assert framework.dimension_ids == ["collaboration", "development", "monitoring"]
    assert framework.levels == {1: "Ad-hoc", 2: "Repeatable", 3: "Defined", 4: "Managed", 5: "Optimized"}
    for dimension in framework.dimensions:
        assert [lv.level for lv in dimension.levels] == [1, 2, 3, 4, 5]
        # Every level can be probed: some question targets a practice of each level.
        asked = {framework.practice_index[p][1] for q in dimension.questions for p in q.practices}
        assert asked == {1, 2, 3, 4, 5}, dimension.id
        for question in dimension.questions:
            assert question.text.endswith("?") and question.probe


def test_builtin_practices_link_to_existing_knowledge_sections() -> None:
    framework = load_framework(BUILTIN)
    headings: dict[str, set[str]] = {}
    for path in (REPO / "knowledge").glob("*.md"):
        headings[path.name] = {
            line.lstrip("#").strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")
        }
    for dimension in framework.dimensions:
        for level in dimension.levels[1:]:
            for practice in level.practices:
                assert practice.knowledge, f"{practice.id} has no knowledge link"
                for link in practice.knowledge:
                    assert link.section in headings.get(link.source, set()), f"{practice.id}: {link}"


def test_a_second_small_framework_loads() -> None:
    framework = load_framework(SMALL)
    assert framework.label == "data-governance-lite@0.1"
    assert framework.dimension_ids == ["quality", "access"]
    assert framework.dimension("quality").max_level == 3
    assert framework.practice_index["access.audit"][1] == 3
    assert framework.practice_index["access.audit"][2].is_automated


def _broken(mutate) -> str:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    mutate(data)
    return yaml.safe_dump(data)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["dimensions"][0]["levels"].pop(1), "gap"),
        (lambda d: d["levels"].pop(2), "without gaps"),
        (
            lambda d: d["dimensions"][1]["levels"][0]["practices"].append(
                d["dimensions"][0]["levels"][0]["practices"][0]
            ),
            "duplicate practice id",
        ),
        (lambda d: d["dimensions"][0]["questions"][0]["practices"].append("quality.nope"), "unknown practice"),
        (lambda d: d.update(format="maturity-framework/9"), "format"),
        (lambda d: d["dimensions"][0]["levels"][0]["practices"][0].update(denies=["quality.nope"]), "denies unknown"),
        (lambda d: d["dimensions"][0]["levels"][0]["practices"][0].update(denies=["access.roles"]), "denies unknown"),
        (
            lambda d: d["dimensions"][0]["levels"][1]["practices"][0].update(denies=["quality.unchecked"]),
            "higher levels",
        ),
        (lambda d: d["dimensions"][0]["levels"][0]["practices"][0].update(present=[True]), "present"),
        (lambda d: d["dimensions"][0]["levels"][0]["practices"][0].update(requires=["zzzq"]), "lacks a word"),
        (lambda d: d["dimensions"][0]["levels"][0]["practices"][0].update(requires=["(unclosed"]), "not a valid"),
    ],
)
def test_broken_frameworks_name_the_file_and_problem(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FrameworkError) as caught:
        parse_framework(_broken(mutate), "custom.yaml")
    text = str(caught.value)
    assert text.startswith("custom.yaml: ") and message in text


def test_unreadable_framework_files(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="no such framework file"):
        load_framework(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("dimensions: [unclosed", encoding="utf-8")
    with pytest.raises(FrameworkError, match="not valid YAML"):
        load_framework(bad)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(FrameworkError, match="UTF-8"):
        load_framework(binary)


def test_required_words_gate_a_practice() -> None:
    framework = load_framework(BUILTIN)
    meetings = framework.practice_index["collaboration.regular-meetings"][2]
    training = framework.practice_index["collaboration.training"][2]
    assert meetings.admits("We have a sync with IT every other Tuesday")
    assert not meetings.admits("A data scientist retrains it at the start of every month")
    assert training.admits("Everyone goes on an MLOps course in their first quarter")
    assert not training.admits("A data scientist starts the retraining job")


def test_ad_hoc_states_deny_the_practice_they_lack() -> None:
    framework = load_framework(BUILTIN)
    index = framework.practice_index
    untracked = index["development.untracked-code"][2]
    assert untracked.denies == ["development.version-control"] and not untracked.denies_in_words_only
    # "I eyeball the validation numbers" is a manual check (basic testing): only "no tests" denies it.
    assert index["development.no-testing"][2].denies_in_words_only
    for pid, (_, level, practice) in index.items():
        for denied in practice.denies:
            assert level == 1 and index[denied][1] > 1, pid
