"""Drafting the consultant report from an assessment, deterministically (the embedded engine).

Every statement about the organisation is a template filled with a practice from the framework
and the stakeholder's verbatim quote (cited ``Q``); every recommendation is the framework's
action for a missing practice, backed by knowledge-base sentences quoted verbatim (cited ``K``)
that were chosen because they say the most of it. Same assessment, same date: same report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.assessment import Assessment, DimensionResult, Stakeholder
from assistant.errors import InputError
from assistant.findings import Evidence, Finding, Status
from assistant.framework import Dimension, Framework, KnowledgeLink, Practice
from assistant.prompts import PromptSet, load_prompts
from assistant.report.model import (
    DimensionSection,
    DivergenceNote,
    LevelRow,
    PassageSource,
    QuoteSource,
    Recommendation,
    Report,
    RoadmapItem,
    Statement,
    StrategicTopic,
    WardleyFigure,
)
from assistant.report.sources import MIN_SUPPORT, KnowledgeIndex, Section, support
from assistant.report.topics import Topic
from assistant.report.wardley import WardleyMap, weak_components

MAX_STATE_STATEMENTS = 6
MAX_ADVICE = 2
#: Rarity-weighted relevance a knowledge sentence needs to back a recommendation: lower for a
#: section the framework links to the practice (a person chose it) than for one found by search.
MIN_LINKED_RELEVANCE = 0.01
MIN_SEARCH_RELEVANCE = 0.2
LONG_TERM_RECOMMENDATIONS = 2  # practices of the level after next, for the long-term roadmap
MAX_TOPICS = 3
MAX_TOPIC_SENTENCES = 3
MATURITY_TABLE = KnowledgeLink(
    source="mlops-maturity-model.md", section="Summary table of the five MLOps maturity levels"
)
WORKFLOW = KnowledgeLink(source="consulting-workflow.md", section="Stage 1: Initial Assessment")
ITERATIVE = KnowledgeLink(source="consulting-workflow.md", section="The MLOps consulting workflow is iterative")
LEVEL_DOCUMENT = "mlops-maturity-model.md"  # its "Level N: Name" sections describe each level
SHORT_TERM_STAGE = "Implementation"
LONG_TERM_STAGE = "Optimization"
_STATUS_ORDER = {Status.ABSENT: 0, Status.PARTIAL: 1, Status.PLANNED: 2, Status.UNKNOWN: 3, Status.PRESENT: 4}


class NothingToReport(InputError):
    """The assessment has no assessed dimension, so there is nothing a report could say."""


@dataclass
class _Sources:
    """Numbers quotes and passages in order of first use, each once."""

    labels: dict[str | None, str]
    quotes: dict[tuple[str | None, int, str], QuoteSource] = field(default_factory=dict)
    passages: dict[tuple[str, str, str], PassageSource] = field(default_factory=dict)

    def quote(self, evidence: Evidence) -> str:
        key = (evidence.session, evidence.turn, evidence.quote)
        if key not in self.quotes:
            self.quotes[key] = QuoteSource(
                id=f"Q{len(self.quotes) + 1}",
                quote=evidence.quote,
                turn=evidence.turn,
                session=evidence.session,
                stakeholder=self.labels.get(evidence.session),
            )
        return self.quotes[key].id

    def passage(self, section: Section, excerpt: str) -> str:
        key = (section.document, section.path, excerpt)
        if key not in self.passages:
            self.passages[key] = PassageSource(
                id=f"K{len(self.passages) + 1}",
                document=section.document,
                title=section.title,
                section=section.path,
                text=excerpt,
            )
        return self.passages[key].id


class ReportBuilder:
    """Drafts reports for one framework, knowledge base and set of strategic topics."""

    def __init__(
        self,
        framework: Framework,
        knowledge: KnowledgeIndex,
        topics: Sequence[Topic] = (),
        maps: Mapping[str, WardleyMap] | None = None,
        prompts: PromptSet | None = None,
    ) -> None:
        self.framework = framework
        self.knowledge = knowledge
        self.topics = list(topics)
        self.maps = dict(maps or {})
        self.prompts = prompts or load_prompts("report")

    # -- the whole report -------------------------------------------------------------------
    def build(self, assessment: Assessment, today: dt.date | None = None) -> Report:
        if all(result.level is None for result in assessment.dimensions.values()):
            raise NothingToReport(
                "nothing to report: no dimension was assessed (every level is null). "
                "Interview stakeholders first, then draft the report."
            )
        today = today or dt.date.today()
        organisation = assessment.organisation or "The organisation"
        sources = _Sources(labels=_stakeholder_labels(assessment.stakeholders))
        dimensions = [self._dimension(d, assessment, sources) for d in self.framework.dimensions]
        roadmap = _roadmap(dimensions)
        gaps = {r.practice for d in dimensions for r in d.recommendations if r.practice}
        gaps |= {f.practice for f in assessment.findings if f.status is not Status.PRESENT}
        topics, figures = self._strategy(assessment, gaps, sources)
        return Report(
            title=self._say("title", organisation=organisation),
            organisation=organisation,
            date=today.isoformat(),
            stakeholders=list(assessment.stakeholders),
            engine=assessment.engine,
            fallback=assessment.fallback,
            fallback_reason=assessment.fallback_reason,
            introduction=self._introduction(assessment, organisation, sources),
            scope=self._scope(),
            executive_summary=self._executive_summary(assessment, organisation, dimensions, roadmap),
            maturity_model=self._maturity_model(sources),
            overall_level=assessment.overall,
            overall_name=assessment.overall_name,
            overall_rule=assessment.overall_rule,
            overall_incomplete=assessment.overall_incomplete,
            dimensions=dimensions,
            roadmap=roadmap,
            strategic_context=topics,
            wardley_figures=figures,
            divergences=self._divergences(assessment),
            conclusion=self._conclusion(assessment, organisation, dimensions, sources),
            quotes=list(sources.quotes.values()),
            passages=list(sources.passages.values()),
        )

    # -- sections ---------------------------------------------------------------------------
    def _introduction(self, assessment: Assessment, organisation: str, sources: _Sources) -> list[Statement]:
        count = len({s.session for s in assessment.stakeholders}) or 1
        people = ", ".join(_label(s) for s in assessment.stakeholders) or "one stakeholder"
        text = self._say(
            "introduction",
            organisation=organisation,
            interviews="one interview" if count == 1 else f"{count} interviews",
            people=people,
            framework=self.framework.title,
        )
        return [Statement(text=text), self._grounded(self._say("introduction_workflow"), [WORKFLOW], sources)]

    def _scope(self) -> list[Statement]:
        names = [d.name for d in self.framework.dimensions]
        return [
            Statement(text=self._say("scope", count=len(names), dimensions=_join(names))),
            Statement(text=self._say("scope_evidence")),
            Statement(text=self._say("scope_preliminary")),
        ]

    def _maturity_model(self, sources: _Sources) -> list[LevelRow]:
        """The five levels as the knowledge base's summary table states them, else the framework's names."""
        section = self.knowledge.section(MATURITY_TABLE.source, MATURITY_TABLE.section)
        rows: dict[int, str] = {}
        if section is not None:
            for line in section.text.splitlines():
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) == 3 and cells[0].isdigit():
                    rows[int(cells[0])] = cells[2]
        return [
            LevelRow(level=level, name=name, summary=rows.get(level, ""))
            for level, name in sorted(self.framework.levels.items())
        ]

    def _executive_summary(
        self, assessment: Assessment, organisation: str, dimensions: list[DimensionSection], roadmap: list[RoadmapItem]
    ) -> list[Statement]:
        statements: list[Statement] = []
        if assessment.overall is None:
            statements.append(
                Statement(
                    text=self._say("summary_overall_none", organisation=organisation, rule=assessment.overall_rule)
                )
            )
        else:
            statements.append(
                Statement(
                    text=self._say(
                        "summary_overall",
                        organisation=organisation,
                        level=assessment.overall,
                        level_name=self.framework.levels.get(assessment.overall, ""),
                        rule=assessment.overall_rule,
                    )
                )
            )
        if assessment.overall_incomplete:
            statements.append(Statement(text=self._say("summary_incomplete")))
        for section in dimensions:
            if section.level is None:
                statements.append(Statement(text=self._say("summary_dimension_none", dimension=section.name)))
                continue
            strongest = next((s for s in section.current_state if s.cites and "(in place)" in s.text), None)
            parts = [
                self._say(
                    "summary_dimension",
                    dimension=section.name,
                    level=section.level,
                    level_name=self.framework.levels.get(section.level, ""),
                )
            ]
            if strongest:
                parts.append(self._say("summary_strength", practice=_lead(strongest.text)))
            if section.recommendations:
                parts.append(self._say("summary_gap", practice=section.recommendations[0].title))
            statements.append(
                Statement(
                    text=" ".join(parts),
                    cites=strongest.cites if strongest else [],
                )
            )
        if roadmap:
            first = roadmap[0]
            recommendation = _find_recommendation(dimensions, first.recommendation)
            statements.append(
                Statement(
                    text=self._say(
                        "summary_priority",
                        dimension=self.framework.dimension(first.dimension).name,
                        action=recommendation.text.text,
                    ),
                    cites=recommendation.text.cites,
                )
            )
        return statements

    def _dimension(self, dimension: Dimension, assessment: Assessment, sources: _Sources) -> DimensionSection:
        result = assessment.dimensions.get(dimension.id)
        findings = [f for f in assessment.findings if f.dimension == dimension.id]
        level = result.level if result else None
        target = None if level is None else min(level + 1, dimension.max_level)
        return DimensionSection(
            id=dimension.id,
            name=dimension.name,
            level=level,
            level_name=self.framework.level_name(level),
            target_level=target,
            confidence=result.confidence if result else 0.0,
            rationale=result.rationale if result else "not assessed",
            current_state=self._current_state(findings, result, sources),
            missing=self._missing(dimension, result, findings, sources),
            recommendations=self._recommendations(dimension, level, findings, sources),
        )

    def _current_state(
        self, findings: list[Finding], result: DimensionResult | None, sources: _Sources
    ) -> list[Statement]:
        if not findings or result is None:
            return [Statement(text=self._say("state_none"))]
        deciding = set(result.evidence)
        ordered = sorted(
            (f for f in findings if f.evidence),
            key=lambda f: (
                not (set(f.evidence) & deciding),  # the quotes that decided the level first
                f.status is not Status.PRESENT,
                -f.level if f.status is Status.PRESENT else f.level,
            ),
        )
        statements: list[Statement] = []
        for finding in ordered[:MAX_STATE_STATEMENTS]:
            practice = self._practice(finding.practice)
            evidence = finding.evidence[0]
            key = "state_present" if finding.status is Status.PRESENT else "state_absent"
            statements.append(
                Statement(
                    text=self._say(
                        key, practice=practice.label, status=self._status(finding.status), quote=evidence.quote
                    ),
                    cites=[sources.quote(evidence)],
                )
            )
        return statements

    def _missing(
        self, dimension: Dimension, result: DimensionResult | None, findings: list[Finding], sources: _Sources
    ) -> list[Statement]:
        if result is None or result.level is None:
            return []
        if result.level >= dimension.max_level:
            return [Statement(text=self._say("missing_none", dimension=dimension.name))]
        statements: list[Statement] = []
        for gap in result.gaps:
            practice = self._practice(gap.practice)
            evidence = _evidence_for(findings, gap.practice)
            statements.append(
                Statement(
                    text=self._say(
                        "missing_practice",
                        practice=practice.label,
                        statement=practice.statement.rstrip("."),
                        status=self._status(gap.status),
                    ),
                    cites=[sources.quote(e) for e in evidence[:1]],
                )
            )
        return statements

    def _recommendations(
        self, dimension: Dimension, level: int | None, findings: list[Finding], sources: _Sources
    ) -> list[Recommendation]:
        if level is None or level >= dimension.max_level:
            return []
        status = _statuses(findings)
        chosen: list[tuple[Practice, int, Status]] = []
        for target in (level + 1, level + 2):
            if target > dimension.max_level:
                break
            candidates = [
                (p, target, status.get(p.id, Status.UNKNOWN))
                for p in dimension.levels[target - 1].practices
                if status.get(p.id) is not Status.PRESENT
            ]
            candidates.sort(key=lambda c: _STATUS_ORDER[c[2]])  # stated gaps before unknowns; stable otherwise
            if target == level + 1:
                chosen.extend(candidates)
            else:
                # Long-term steps; more when the next level leaves fewer than two recommendations.
                room = max(LONG_TERM_RECOMMENDATIONS, 2 - len(chosen))
                chosen.extend(candidates[:room])
        recommendations: list[Recommendation] = []
        for practice, target, _status in chosen:
            advice = self._advice(practice, target, sources)
            action = practice.action or self._say(
                "recommendation_default_action", statement=practice.statement[:1].lower() + practice.statement[1:]
            )
            quotes = [sources.quote(e) for e in _evidence_for(findings, practice.id)[:1]]
            recommendations.append(
                Recommendation(
                    id="R0",  # numbered across the report once the roadmap has ordered them
                    dimension=dimension.id,
                    practice=practice.id,
                    target_level=target,
                    title=practice.label,
                    text=Statement(
                        text=self._say(
                            "recommendation",
                            level=target,
                            level_name=self.framework.levels.get(target, ""),
                            dimension=dimension.name,
                            action=action,
                        ),
                        cites=[c for a in advice for c in a.cites] + quotes,
                    ),
                    advice=advice,
                )
            )
        return recommendations

    def _advice(self, practice: Practice, level: int, sources: _Sources) -> list[Statement]:
        """Knowledge-base sentences that back the practice: the best sentence of each linked section,
        else the best sentence anywhere in the knowledge base if it says enough of it, else what the
        maturity model says about the level the practice belongs to."""
        wanted = " ".join([practice.action or "", practice.statement, " ".join(practice.terms)])
        linked = [s for link in practice.knowledge if (s := self.knowledge.section(link.source, link.section))]
        advice: list[Statement] = []
        for section in linked:
            # A linked section was chosen by the framework's author to back this practice, so its
            # best sentence is taken as long as it shares anything with it.
            best = self.knowledge.best_sentence(wanted, [section])
            if best and best[2] >= MIN_LINKED_RELEVANCE and len(advice) < MAX_ADVICE:
                advice.append(Statement(text=best[1], cites=[sources.passage(section, best[1])]))
        if not advice:
            best = self.knowledge.best_sentence(wanted, self.knowledge.sections())
            if best and best[2] >= MIN_SEARCH_RELEVANCE:
                advice.append(Statement(text=best[1], cites=[sources.passage(best[0], best[1])]))
        if not advice:
            name = self.framework.levels.get(level, "")
            level_section = self.knowledge.section(LEVEL_DOCUMENT, f"Level {level}: {name}")
            best = self.knowledge.best_sentence(wanted, [level_section]) if level_section else None
            if best:
                advice.append(Statement(text=best[1], cites=[sources.passage(best[0], best[1])]))
        return advice

    def _strategy(
        self, assessment: Assessment, gaps: set[str], sources: _Sources
    ) -> tuple[list[StrategicTopic], list[WardleyFigure]]:
        levels = assessment.levels
        scored: list[tuple[int, int, Topic, list[str], list[str]]] = []
        for order, topic in enumerate(self.topics):
            practices, dimensions = topic.triggers(levels, gaps)
            if practices or dimensions:
                scored.append((-(len(practices) + len(dimensions)), order, topic, practices, dimensions))
        scored.sort(key=lambda t: (t[0], t[1]))
        topics: list[StrategicTopic] = []
        maps_used: list[str] = []
        for _, _, topic, practices, dimensions in scored[:MAX_TOPICS]:
            statements = self._topic_statements(topic, sources)
            if not statements:
                continue
            focus = [self._practice(p).label.lower() for p in practices[:3]] or [
                self.framework.dimension(d).name for d in dimensions
            ]
            topics.append(
                StrategicTopic(title=topic.title, why=topic.why.format(focus=_join(focus)), statements=statements)
            )
            if topic.map and topic.map in self.maps and topic.map not in maps_used:
                maps_used.append(topic.map)
        figures = []
        for map_id in maps_used:
            wardley_map = self.maps[map_id]
            highlights = weak_components(wardley_map, gaps)
            caption = (
                "Components marked in red stand for practices this assessment found missing: " + _join(highlights) + "."
                if highlights
                else "No component of this map corresponds to a gap found in this assessment."
            )
            figures.append(WardleyFigure(map=map_id, title=wardley_map.title, highlights=highlights, caption=caption))
        return topics, figures

    def _topic_statements(self, topic: Topic, sources: _Sources) -> list[Statement]:
        statements: list[Statement] = []
        topic_text = f"{topic.title} {topic.why}"
        for link in topic.passages:
            section = self.knowledge.section(link.source, link.section)
            if section is None:
                continue
            # The sentences that say most about the topic, in the document's order.
            sentences = section.sentences
            ranked = sorted(range(len(sentences)), key=lambda i: (-support(topic_text, sentences[i]), i))
            for i in sorted(i for i in ranked[:MAX_TOPIC_SENTENCES] if support(topic_text, sentences[i]) > 0):
                statements.append(Statement(text=sentences[i], cites=[sources.passage(section, sentences[i])]))
        return statements

    def _divergences(self, assessment: Assessment) -> list[DivergenceNote]:
        notes: list[DivergenceNote] = []
        for divergence in assessment.divergences:
            name = self.framework.dimension(divergence.dimension).name
            levels = ", ".join(f"{who}: level {lv}" for who, lv in divergence.levels.items())
            notes.append(
                DivergenceNote(
                    dimension=divergence.dimension,
                    name=name,
                    levels=divergence.levels,
                    spread=divergence.spread,
                    statement=Statement(
                        text=self._say("divergence", dimension=name, levels=levels, spread=divergence.spread)
                    ),
                )
            )
        return notes

    def _conclusion(
        self, assessment: Assessment, organisation: str, dimensions: list[DimensionSection], sources: _Sources
    ) -> list[Statement]:
        level = assessment.overall
        if level is None:
            first = Statement(text=self._say("conclusion_none", organisation=organisation))
        elif level >= max(self.framework.levels):
            first = Statement(
                text=self._say(
                    "conclusion_top", organisation=organisation, level=level, level_name=self.framework.levels[level]
                )
            )
        else:
            holding = [d for d in dimensions if d.level == level]
            gap_count = sum(len([r for r in d.recommendations if r.target_level == level + 1]) for d in holding)
            first = Statement(
                text=self._say(
                    "conclusion_overall",
                    organisation=organisation,
                    level=level,
                    level_name=self.framework.levels.get(level, ""),
                    next_level=level + 1,
                    gap_count=gap_count,
                    dimension=_join([d.name for d in holding]),
                )
            )
        return [first, self._grounded(self._say("conclusion_iterate"), [ITERATIVE], sources)]

    # -- helpers ----------------------------------------------------------------------------
    def _grounded(self, text: str, links: Iterable[KnowledgeLink], sources: _Sources) -> Statement:
        """A template sentence with the knowledge-base sentence that backs it, when one does."""
        sections = [s for link in links if (s := self.knowledge.section(link.source, link.section))]
        best = self.knowledge.best_sentence(text, sections)
        if best is None or best[2] < MIN_SUPPORT:
            return Statement(text=text)
        return Statement(text=text, cites=[sources.passage(best[0], best[1])])

    def _practice(self, practice_id: str) -> Practice:
        return self.framework.practice_index[practice_id][2]

    def _status(self, status: Status) -> str:
        return self._say(f"status_{status.value}")

    def _say(self, key: str, **values: object) -> str:
        return " ".join(self.prompts.render(key, **values).split())


def _roadmap(dimensions: list[DimensionSection]) -> list[RoadmapItem]:
    """Priority order: the next level before the one after it; the weakest dimension first (it
    holds the overall level down); stated gaps before practices nobody mentioned."""
    entries: list[tuple[tuple[int, int, int, int], DimensionSection, Recommendation]] = []
    for dim_order, section in enumerate(dimensions):
        for rec_order, recommendation in enumerate(section.recommendations):
            steps_ahead = recommendation.target_level - (section.level or 0)
            entries.append(((steps_ahead, section.level or 0, dim_order, rec_order), section, recommendation))
    entries.sort(key=lambda e: e[0])
    numbering: dict[tuple[str, str | None], str] = {}
    items: list[RoadmapItem] = []
    for priority, (key, section, recommendation) in enumerate(entries, start=1):
        rec_id = f"R{priority}"
        numbering[(section.id, recommendation.practice)] = rec_id
        short = key[0] == 1
        items.append(
            RoadmapItem(
                priority=priority,
                horizon="short-term" if short else "long-term",
                stage=SHORT_TERM_STAGE if short else LONG_TERM_STAGE,
                dimension=section.id,
                recommendation=rec_id,
                title=recommendation.title,
                target_level=recommendation.target_level,
            )
        )
    # Recommendations carry the id of their roadmap entry.
    for index, section in enumerate(dimensions):
        renumbered = [r.model_copy(update={"id": numbering[(section.id, r.practice)]}) for r in section.recommendations]
        renumbered.sort(key=lambda r: int(r.id[1:]))
        dimensions[index] = section.model_copy(update={"recommendations": renumbered})
    return items


def _find_recommendation(dimensions: list[DimensionSection], rec_id: str) -> Recommendation:
    return next(r for d in dimensions for r in d.recommendations if r.id == rec_id)


def _statuses(findings: list[Finding]) -> dict[str, Status]:
    """Per practice the most favourable status any stakeholder reported (present wins)."""
    best: dict[str, Status] = {}
    for finding in findings:
        current = best.get(finding.practice)
        if current is None or _STATUS_ORDER[finding.status] > _STATUS_ORDER[current]:
            best[finding.practice] = finding.status
    return best


def _evidence_for(findings: list[Finding], practice_id: str) -> list[Evidence]:
    return [e for f in findings if f.practice == practice_id for e in f.evidence]


def _stakeholder_labels(stakeholders: Sequence[Stakeholder]) -> dict[str | None, str]:
    return {s.session: _label(s) for s in stakeholders}


def _label(stakeholder: Stakeholder) -> str:
    if stakeholder.name and stakeholder.role:
        return f"{stakeholder.name} ({stakeholder.role})"
    return stakeholder.role or stakeholder.name or "stakeholder"


def _lead(text: str) -> str:
    """The practice name at the start of a current-state statement ("Name (status): quote")."""
    return text.split(" (", 1)[0]


def _join(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
