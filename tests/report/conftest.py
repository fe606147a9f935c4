"""A hand-built, fully populated consultant report, as the builder would produce it.

Built by hand rather than through ``assistant.report.build`` so the renderer tests exercise
every field (and hostile text in the stakeholders' quotes) without depending on an engine.
"""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure

from assistant.assessment import Stakeholder
from assistant.report.charts import radar_chart
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
from assistant.report.render import ReportFigures

SCRIPT_QUOTE = 'We tried <script>alert("x")</script> in the notebook once & it broke'
LINK_QUOTE = "See [the wiki](https://evil.example/phish) or ![img](https://evil.example/x.png) *now*"
LONG_TOKEN = "x" * 300
WARDLEY_MAP_ID = "mlops-platform"


def tiny_png(colour: str = "#1f5fa8") -> bytes:
    """A small real PNG standing in for a drawn Wardley map."""
    figure = Figure(figsize=(2.0, 1.5))
    axes = figure.add_subplot()
    axes.plot([0, 1, 2], [0, 1, 0.5], color=colour)
    axes.set_title("map")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def _dimensions() -> list[DimensionSection]:
    return [
        DimensionSection(
            id="data",
            name="Data management",
            level=2,
            level_name="2 Repeatable",
            target_level=3,
            confidence=0.8,
            rationale="Datasets are versioned by hand; no lineage is recorded.",
            current_state=[
                Statement(text="Training data is copied to a shared bucket before each run.", cites=["Q1"]),
                Statement(text="A script snapshots the data — sometimes.", cites=["Q2", "Q3"]),
            ],
            missing=[Statement(text="Automated data validation in the pipeline.", cites=["K1"])],
            recommendations=[
                Recommendation(
                    id="R1",
                    dimension="data",
                    practice="data-validation",
                    target_level=3,
                    title="Validate data automatically",
                    text=Statement(text="Add schema and distribution checks to every pipeline run.", cites=["K1"]),
                    advice=[Statement(text="Start with schema checks; add drift checks later.", cites=["K2"])],
                )
            ],
        ),
        DimensionSection(
            id="deployment",
            name="Model deployment & serving",
            level=1,
            level_name="1 Initial",
            target_level=2,
            confidence=0.6,
            rationale="Models are deployed manually by one engineer (“the hero”).",
            current_state=[Statement(text="Deployments are manual and undocumented.", cites=["Q4"])],
            missing=[Statement(text="A scripted, repeatable deployment.", cites=["K2"])],
            recommendations=[
                Recommendation(
                    id="R2",
                    dimension="deployment",
                    target_level=2,
                    title="Script the deployment",
                    text=Statement(text="Write the deployment down as a script in version control.", cites=["K3"]),
                )
            ],
        ),
        DimensionSection(
            id="monitoring",
            name="Monitoring",
            level=None,
            level_name="not assessed",
            target_level=None,
            confidence=0.0,
            rationale="no stakeholder gave evidence: not assessed",
            current_state=[],
            missing=[],
            recommendations=[],
        ),
    ]


@pytest.fixture(scope="session")
def full_report() -> Report:
    """Every section populated; quotes include markup, a fake Markdown link, unicode and a 300-char token."""
    return Report(
        title="MLOps maturity assessment — Acme Café",
        organisation="Acme Café <Labs> & Co",
        date="2025-03-14",
        stakeholders=[
            Stakeholder(name="Zoë Martín", role="Head of Data", session="s1"),
            Stakeholder(role="ML engineer", session="s2"),
        ],
        engine="embedded",
        fallback=True,
        introduction=[Statement(text="This report assesses Acme’s MLOps practices 🚀.", cites=[])],
        scope=[Statement(text="Two interviews covering data, deployment and monitoring.", cites=["Q1"])],
        executive_summary=[
            Statement(text="Acme is at level 1 overall: deployment is the weakest dimension.", cites=["Q4"]),
            Statement(text="Automating data validation is the quickest win.", cites=["K1"]),
        ],
        maturity_model=[
            LevelRow(level=1, name="Initial", summary="Ad hoc, manual work."),
            LevelRow(level=2, name="Repeatable", summary="Practices are repeated but not automated."),
            LevelRow(level=3, name="Defined", summary="Standard, automated pipelines."),
            LevelRow(level=4, name="Managed", summary="Measured and monitored end to end."),
            LevelRow(level=5, name="Optimising", summary="Continuous improvement driven by metrics."),
        ],
        overall_level=1,
        overall_name="1 Initial",
        overall_rule=(
            "lowest assessed dimension (deployment) sets the overall level; incomplete: monitoring not assessed"
        ),
        overall_incomplete=True,
        dimensions=_dimensions(),
        roadmap=[
            RoadmapItem(
                priority=2,
                horizon="long-term",
                stage="Implementation",
                dimension="data",
                recommendation="R1",
                title="Validate data automatically",
                target_level=3,
            ),
            RoadmapItem(
                priority=1,
                horizon="short-term",
                stage="Initial Assessment",
                dimension="deployment",
                recommendation="R2",
                title="Script the deployment",
                target_level=2,
            ),
        ],
        strategic_context=[
            StrategicTopic(
                title="Build or buy the platform",
                why="Deployment is manual, so the platform choice decides how fast it can improve.",
                statements=[Statement(text="Commodity components are better bought than built.", cites=["K3"])],
            )
        ],
        wardley_figures=[
            WardleyFigure(
                map=WARDLEY_MAP_ID,
                title="MLOps platform value chain",
                highlights=["Model serving", "Data validation"],
                caption="Serving is custom-built although it is a commodity.",
            ),
            WardleyFigure(map="not-drawn", title="A map without an image", caption="No PNG was supplied."),
        ],
        divergences=[
            DivergenceNote(
                dimension="data",
                name="Data management",
                levels={"Head of Data": 3, "ML engineer": 1},
                spread=2,
                statement=Statement(text="The two stakeholders describe different data practices.", cites=["Q2"]),
            )
        ],
        conclusion=[Statement(text="Scripting deployment first unblocks the rest of the roadmap.", cites=["Q4", "K2"])],
        quotes=[
            QuoteSource(
                id="Q1",
                quote="We copy the data\x0b to a bucket\x00 before training.",
                turn=1,
                session="s1",
                stakeholder="Head of Data",
            ),
            QuoteSource(id="Q2", quote=SCRIPT_QUOTE, turn=2, session="s1", stakeholder="Head of Data"),
            QuoteSource(
                id="Q3",
                quote="“Smart quotes”, café, naïve — and an emoji 🚀 " + LONG_TOKEN,
                turn=3,
                session="s2",
                stakeholder="ML engineer",
            ),
            QuoteSource(
                id="Q4",
                quote=LINK_QUOTE + " " + "deployments are manual. " * 40,
                turn=1,
                session="s2",
                stakeholder="ML engineer",
            ),
        ],
        passages=[
            PassageSource(
                id="K1",
                document="recommendations.md",
                title="Recommendations",
                section="Data validation",
                text="Validate schemas and distributions on every pipeline run.",
            ),
            PassageSource(
                id="K2",
                document="practices.md",
                title="Practices",
                section="Deployment",
                text="Script deployments before automating them.",
            ),
            PassageSource(
                id="K3",
                document="strategy.md",
                title="Strategy",
                section="Build vs buy",
                text="Buy commodity components; build what differentiates.",
            ),
        ],
        unsupported_removed=2,
    )


@pytest.fixture(scope="session")
def full_figures(full_report: Report) -> ReportFigures:
    return ReportFigures(radar=radar_chart(full_report.dimensions), wardley={WARDLEY_MAP_ID: tiny_png()})


@pytest.fixture(scope="session")
def empty_report() -> Report:
    """Everything that can be empty is empty, and nothing is assessed."""
    return Report(
        title="",
        organisation="",
        date="",
        stakeholders=[],
        engine="",
        introduction=[],
        scope=[],
        executive_summary=[],
        maturity_model=[],
        overall_level=None,
        overall_name="not assessed",
        overall_rule="",
        overall_incomplete=True,
        dimensions=[
            DimensionSection(
                id=f"d{i}",
                name="",
                level=None,
                level_name="not assessed",
                target_level=None,
                confidence=0.0,
                rationale="",
                current_state=[],
                missing=[],
                recommendations=[],
            )
            for i in range(2)
        ],
        roadmap=[],
        strategic_context=[],
        conclusion=[],
        quotes=[],
        passages=[],
    )
