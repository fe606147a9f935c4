"""Hand-worked examples for every decision rule of RUBRIC.md, one test per rule."""

from __future__ import annotations

from assistant.findings import Evidence, Finding, Status
from assistant.scoring import first_blocked_level, group_by_level, overall_level, score_dimension

D = "development"


def f(practice: str, level: int, status: Status, confidence: float = 0.8, dimension: str = D) -> Finding:
    return Finding(
        practice=practice,
        dimension=dimension,
        level=level,
        status=status,
        confidence=confidence,
        evidence=[Evidence(turn=1, quote=practice)],
    )


def test_no_evidence_is_not_assessed_never_guessed() -> None:
    score = score_dimension(D, [])
    assert score.level is None and score.confidence == 0.0
    # Findings about another dimension, or with unknown status, are not evidence for this one.
    other = [f("collab.meet", 3, Status.PRESENT, dimension="collaboration"), f("dev.ci", 3, Status.UNKNOWN)]
    assert score_dimension(D, other).level is None


def test_staged_level_is_highest_level_with_positive_evidence() -> None:
    findings = [f("dev.vcs", 2, Status.PRESENT), f("dev.ci", 3, Status.PRESENT)]
    assert score_dimension(D, findings).level == 3


def test_higher_practice_implies_its_foundations() -> None:
    # Only a level-5 practice is mentioned: levels 2-4 are not held down by silence.
    score = score_dimension(D, [f("dev.canary", 5, Status.PRESENT)])
    assert score.level == 5 and score.settled


def test_stated_absence_caps_below_first_blocked_level() -> None:
    findings = [f("dev.vcs", 2, Status.PRESENT), f("dev.ci", 3, Status.ABSENT), f("dev.canary", 5, Status.PRESENT)]
    score = score_dimension(D, findings)
    # Level 5 is mentioned but level 3 is stated missing: capped at 2, and the conflict lowers confidence.
    assert score.level == 2
    assert "above the block" in score.rationale
    assert score.confidence < 0.8


def test_planned_practice_is_not_in_place() -> None:
    findings = [f("dev.vcs", 2, Status.PRESENT), f("dev.ci", 3, Status.PLANNED)]
    score = score_dimension(D, findings)
    assert score.level == 2 and score.settled
    assert [h.practice for h in score.holding_back] == ["dev.ci"]


def test_partial_practice_counts_toward_the_level_below() -> None:
    # Only partial CI (level 3): positive evidence for 2, and level 3 is held back.
    assert score_dimension(D, [f("dev.ci", 3, Status.PARTIAL)]).level == 2
    # A partial level-2 practice on its own leaves level 1.
    assert score_dimension(D, [f("dev.tests", 2, Status.PARTIAL)]).level == 1


def test_only_missing_evidence_sits_at_the_cap() -> None:
    # "We have no version control": level 2 blocked, nothing positive -> level 1, assessed.
    score = score_dimension(D, [f("dev.vcs", 2, Status.ABSENT)])
    assert score.level == 1 and score.settled


def test_only_advanced_practices_missing_places_nothing() -> None:
    # "Nothing retrains automatically" and "we don't measure lead time": the ceiling, not a level.
    gaps = [f("dev.auto-retrain", 4, Status.ABSENT), f("dev.lead-time", 5, Status.PLANNED)]
    score = score_dimension(D, gaps)
    assert score.level is None and "not assessed" in score.rationale
    # A level-3 gap beside them still places the dimension at level 1.
    assert score_dimension(D, [*gaps, f("dev.ci", 3, Status.ABSENT)]).level == 1
    # So does any practice in place: the gap then caps it.
    assert score_dimension(D, [*gaps, f("dev.vcs", 2, Status.PRESENT)]).level == 2
    assert score_dimension(D, [*gaps, f("dev.registry", 3, Status.PARTIAL)]).level == 2


def test_one_missing_practice_does_not_block_a_level_that_is_substantially_in_place() -> None:
    level3 = [
        f("dev.ci", 3, Status.PRESENT),
        f("dev.containers", 3, Status.PRESENT),
        f("dev.registry", 3, Status.ABSENT),
    ]
    assert score_dimension(D, level3).level == 3
    # ... but a tie blocks: one practice present and one missing is not "substantially".
    tie = [f("dev.ci", 3, Status.PRESENT), f("dev.registry", 3, Status.ABSENT)]
    assert score_dimension(D, tie).level == 2


def test_unsettled_level_has_lower_confidence_than_settled() -> None:
    open_above = score_dimension(D, [f("dev.ci", 3, Status.PRESENT, 0.9)])
    closed = score_dimension(D, [f("dev.ci", 3, Status.PRESENT, 0.9), f("dev.cd", 4, Status.ABSENT, 0.9)])
    assert not open_above.settled and closed.settled
    assert open_above.confidence < closed.confidence


def test_grouping_and_blocking_helpers() -> None:
    grouped = group_by_level([f("dev.ci", 3, Status.PARTIAL), f("dev.vcs", 2, Status.PRESENT)])
    assert sorted(grouped.present) == [2]
    assert [x.practice for x in grouped.present[2]] == ["dev.ci", "dev.vcs"]
    assert first_blocked_level(grouped, 5) == 3
    # Absence of a level-1 practice never blocks anything: level 1 is the floor.
    assert first_blocked_level(group_by_level([f("dev.adhoc", 1, Status.ABSENT)]), 5) is None


def test_overall_is_the_weakest_assessed_dimension_and_flags_incomplete() -> None:
    result = overall_level({"collaboration": 3, "development": 2, "monitoring": None})
    assert result.level == 2 and result.incomplete
    assert result.weakest == ("development",)
    assert "monitoring not assessed" in result.rule
    complete = overall_level({"collaboration": 4, "development": 4, "monitoring": 5})
    assert complete.level == 4 and not complete.incomplete and complete.weakest == ("collaboration", "development")
    assert overall_level({"a": None, "b": None}).level is None


def test_a_practice_above_a_level_counts_once_against_a_stated_gap() -> None:
    # Shared on-call (level 4) stands on level 3's foundations, but it is one statement: it counts
    # once at level 3, and one stated level-3 gap (1.5) outweighs it. RUBRIC: capped below the
    # first level stated absent, so collaboration sits at 2.
    findings = [
        f("collab.on-call", 4, Status.PRESENT, dimension="collaboration"),
        f("collab.tool", 3, Status.ABSENT, dimension="collaboration"),
    ]
    assert score_dimension("collaboration", findings).level == 2
    # With a level-3 practice also stated in place (2 in place against 1.5), level 4 stands.
    findings.append(f("collab.roles", 3, Status.PRESENT, dimension="collaboration"))
    assert score_dimension("collaboration", findings).level == 4


def test_practices_in_place_above_a_level_count_toward_it() -> None:
    # Level 3: one practice stated missing (registry); in place above it: continuous delivery (4)
    # and canary releases (5) -> 2 > 1, level 3 is substantially in place and level 5 stands.
    strong = [
        f("dev.cd", 4, Status.PRESENT),
        f("dev.canary", 5, Status.PRESENT),
        f("dev.registry", 3, Status.ABSENT),
    ]
    assert score_dimension(D, strong).level == 5
    # With only one practice above, it is a tie: level 3 is blocked and the dimension sits at 2.
    weak = [f("dev.cd", 4, Status.PRESENT), f("dev.registry", 3, Status.ABSENT)]
    assert score_dimension(D, weak).level == 2


def test_two_stated_gaps_outweigh_three_practices_in_place() -> None:
    # Level 3: CI and the registry stated missing; in place: containers (3), and canary releases
    # and automatic rollback above it. 2 gaps x 1.5 = 3 >= 3 in place: level 3 is blocked, the
    # dimension sits at 2 although level 5 practices were described (RUBRIC: capped below the
    # first level whose practices are stated absent).
    findings = [
        f("dev.git", 2, Status.PRESENT),
        f("dev.containers", 3, Status.PRESENT),
        f("dev.ci", 3, Status.ABSENT),
        f("dev.registry", 3, Status.ABSENT),
        f("dev.canary", 5, Status.PRESENT),
        f("dev.rollback", 5, Status.PRESENT),
    ]
    assert score_dimension(D, findings).level == 2
    # One gap (1.5) against the same three in place does not block.
    assert score_dimension(D, [x for x in findings if x.practice != "dev.registry"]).level == 5
