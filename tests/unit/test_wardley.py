"""The shipped Wardley maps follow the seed analyses; broken map files get clear errors; drawing works.

Expectations are worked by hand from the knowledge documents (wardley-*.md), not read back from
the YAML, so a map edited away from its analysis fails here.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.errors import InputError
from assistant.framework import load_framework
from assistant.report.wardley import (
    STAGE_BANDS,
    WardleyMap,
    WardleyMapError,
    draw_map,
    load_map,
    load_maps,
    parse_map,
    weak_components,
)

REPO = Path(__file__).resolve().parents[2]
MAPS = REPO / "knowledge" / "maps"
PNG = b"\x89PNG\r\n\x1a\n"

# Every component and element the analyses name ("Components" sections and the lists of other elements).
OPEN_SOURCE_NAMES = {
    "AI Development",
    "MLOps",
    "Open-Source Solutions",
    "Proprietary Solutions",
    "Hybrid Approach",
    "Security & Compliance",
    "In-house Expertise",
    "Interoperability",
    "Customisation",
    "Cost Efficiency",
    "Scalability",
    "Version Control",
    "Containerisation",
    "Model Monitoring",
}
UNIFIED_NAMES = {
    "AI Value",
    "Unified AI Ops Framework",
    "DataOps",
    "MLOps",
    "FinOps",
    "Centralized Platform",
    "Data Management",
    "Model Lifecycle",
    "Data Cataloging",
    "CI/CD Pipelines",
    "Model Monitoring",
    "Collaborative Workflows",
    "Governance & Compliance",
    "Change Management",
    "Leadership Support",
    "Training & Upskilling",
    "Common Metrics & KPIs",
    "Cost Optimization",
    "Cloud Cost Management",
}
# The framework has no practice about cost or about which tools to buy: these stand for none.
UNLINKED = {
    "Open-Source Solutions",
    "Proprietary Solutions",
    "Customisation",
    "Cost Efficiency",
    "Cost Optimization",
    "Cloud Cost Management",
}


@pytest.fixture(scope="module")
def maps() -> dict[str, WardleyMap]:
    return load_maps(MAPS)


def _names(wardley_map: WardleyMap) -> set[str]:
    return {wardley_map.anchor.name} | {c.name for c in wardley_map.components}


def _evolution(wardley_map: WardleyMap, name: str) -> float:
    return wardley_map.position(name)[0]


def test_both_maps_ship_with_every_named_component(maps: dict[str, WardleyMap]) -> None:
    assert set(maps) == {"open-source-vs-proprietary", "unified-ai-operations"}
    assert _names(maps["open-source-vs-proprietary"]) == OPEN_SOURCE_NAMES
    assert _names(maps["unified-ai-operations"]) == UNIFIED_NAMES
    for wardley_map in maps.values():
        assert (REPO / "knowledge" / wardley_map.source).is_file()
        assert (MAPS / f"{wardley_map.id}.yaml").is_file()  # report figures name maps by file stem


def test_open_source_map_follows_the_seed(maps: dict[str, WardleyMap]) -> None:
    m = maps["open-source-vs-proprietary"]
    assert m.anchor.name == "AI Development" and m.anchor.stage == "custom-built"
    stages = {c.name: c.stage for c in m.components}
    assert stages["MLOps"] == "product"
    assert stages["Open-Source Solutions"] == stages["Proprietary Solutions"] == "product"
    assert stages["Hybrid Approach"] == "custom-built"
    assert m.component("Open-Source Solutions").inertia and m.component("Proprietary Solutions").inertia
    # The printed pairs, read as (evolution, visibility), where the named stage allows them.
    assert m.position("MLOps") == (0.62, 0.8)
    assert m.position("Open-Source Solutions") == (0.55, 0.7)
    assert m.position("Proprietary Solutions") == (0.65, 0.7)
    assert m.component("Hybrid Approach").seed_position == (0.58, 0.75)
    # Proprietary "more evolved" than open-source; the value chain runs AI Development > MLOps > Hybrid.
    assert _evolution(m, "Proprietary Solutions") > _evolution(m, "Open-Source Solutions")
    visibility = {name: m.position(name)[1] for name in _names(m)}
    assert visibility["AI Development"] > visibility["MLOps"] > visibility["Hybrid Approach"]
    assert visibility["Hybrid Approach"] > visibility["Open-Source Solutions"]
    # Key evolving components.
    assert m.component("MLOps").moving_to and m.component("Hybrid Approach").moving_to == "product"
    assert m.component("Customisation").moving_to == "product"
    # Only the five main components have a position in the seed.
    assert {c.name for c in m.components if not c.inferred} == {
        "MLOps",
        "Open-Source Solutions",
        "Proprietary Solutions",
        "Hybrid Approach",
    }


def test_unified_map_follows_the_seed(maps: dict[str, WardleyMap]) -> None:
    m = maps["unified-ai-operations"]
    assert m.anchor.name == "AI Value"
    assert m.anchor.visibility == max(v for _, v in map(m.position, _names(m)))  # top
    assert m.anchor.evolution >= 0.75  # right
    for name in ("Unified AI Ops Framework", "DataOps", "MLOps", "FinOps", "Centralized Platform"):
        component = m.component(name)
        assert (component.stage, component.moving_to, component.inferred) == ("custom-built", "product", False), name
    assert _evolution(m, "FinOps") > _evolution(m, "MLOps") > _evolution(m, "DataOps")
    # FinOps is "nearing Product": in the upper half of the custom-built band.
    assert 0.45 <= _evolution(m, "FinOps") < STAGE_BANDS["product"][0]
    # Value flows from the foundations through the Ops layers to the framework and AI Value.
    height = {name: m.position(name)[1] for name in _names(m)}
    for lower, ops in (("Data Management", "DataOps"), ("Model Lifecycle", "MLOps")):
        assert height[lower] < height[ops] < height["Unified AI Ops Framework"] < height["AI Value"]
    # Governance & Compliance and Change Management lag the technical components.
    assert _evolution(m, "Governance & Compliance") < _evolution(m, "Model Monitoring")
    assert _evolution(m, "Change Management") < _evolution(m, "MLOps")


@pytest.mark.parametrize(
    ("map_id", "path"),
    [
        ("open-source-vs-proprietary", ["AI Development", "MLOps", "Hybrid Approach"]),
        ("open-source-vs-proprietary", ["Open-Source Solutions", "Security & Compliance"]),
        ("open-source-vs-proprietary", ["Proprietary Solutions", "Security & Compliance"]),
        ("unified-ai-operations", ["AI Value", "Unified AI Ops Framework", "DataOps", "Data Management"]),
        ("unified-ai-operations", ["Unified AI Ops Framework", "MLOps", "Model Lifecycle"]),
        ("unified-ai-operations", ["Change Management", "Leadership Support"]),
        ("unified-ai-operations", ["FinOps", "Cost Optimization", "Cloud Cost Management"]),
    ],
)
def test_critical_paths_are_dependencies(maps: dict[str, WardleyMap], map_id: str, path: list[str]) -> None:
    edges = set(maps[map_id].dependencies)
    for higher, lower in itertools.pairwise(path):
        assert (higher, lower) in edges


def test_dependencies_resolve_and_point_down_or_sideways(maps: dict[str, WardleyMap]) -> None:
    for wardley_map in maps.values():
        names = _names(wardley_map)
        linked = set()
        for higher, lower in wardley_map.dependencies:
            assert higher in names and lower in names
            assert wardley_map.position(higher)[1] >= wardley_map.position(lower)[1], (higher, lower)
            linked |= {higher, lower}
        assert linked == names, names - linked  # nothing floats unconnected


def test_practices_are_framework_ids(maps: dict[str, WardleyMap]) -> None:
    framework = load_framework(REPO / "knowledge" / "framework.yaml")
    known = set(framework.practice_index) | set(framework.dimension_ids)
    for wardley_map in maps.values():
        for component in wardley_map.components:
            assert set(component.practices) <= known, (component.name, set(component.practices) - known)
            assert bool(component.practices) != (component.name in UNLINKED), component.name


def test_stages_lie_in_their_bands(maps: dict[str, WardleyMap]) -> None:
    for wardley_map in maps.values():
        for component in wardley_map.components:
            low, high = STAGE_BANDS[component.stage]
            assert low <= component.evolution < high or component.evolution == high == 1.0, component.name


MINIMAL: dict[str, Any] = {
    "format": "wardley-map/1",
    "id": "tiny",
    "title": "Tiny",
    "source": "tiny.md",
    "anchor": {"name": "Need", "evolution": 0.8, "visibility": 0.95},
    "components": [
        {"name": "Pipeline", "stage": "product", "evolution": 0.6, "visibility": 0.6, "practices": ["development.ci"]},
        {"name": "Alerts", "stage": "custom-built", "evolution": 0.3, "visibility": 0.3, "practices": ["monitoring"]},
        {"name": "Meetings", "stage": "genesis", "evolution": 0.1, "visibility": 0.4, "practices": []},
    ],
    "dependencies": [["Need", "Pipeline"], ["Pipeline", "Alerts"]],
}


def _write(tmp_path: Path, data: dict[str, Any], name: str = "broken-map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _mutated(change: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(yaml.safe_dump(MINIMAL))
    components = data["components"]
    if change == "stage outside band":
        components[0]["evolution"] = 0.2  # product needs [0.5, 0.75)
    elif change == "unknown dependency":
        data["dependencies"].append(["Pipeline", "Nowhere"])
    elif change == "duplicate name":
        components.append(dict(components[1]))
    elif change == "anchor name reused":
        components[2]["name"] = "Need"
    elif change == "out of range":
        components[1]["visibility"] = 1.5
    elif change == "backwards movement":
        components[0]["moving_to"] = "genesis"
    elif change == "wrong format":
        data["format"] = "wardley-map/9"
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("stage outside band", "components.0 (Pipeline): stage 'product' needs evolution in [0.5, 0.75), got 0.2"),
        ("unknown dependency", "unknown component(s) ['Nowhere']"),
        ("duplicate name", "duplicate component name 'Alerts'"),
        ("anchor name reused", "duplicate component name 'Need'"),
        ("out of range", "components.1 (Alerts).visibility: Input should be less than or equal to 1"),
        ("backwards movement", "later stage"),
        ("wrong format", "format must be 'wardley-map/1'"),
    ],
)
def test_broken_maps_name_the_file_place_and_problem(tmp_path: Path, change: str, expected: str) -> None:
    path = _write(tmp_path, _mutated(change))
    with pytest.raises(WardleyMapError) as caught:
        load_map(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message
    assert isinstance(caught.value, InputError)


def test_band_edges_have_slack() -> None:
    data: dict[str, Any] = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["components"][0]["evolution"] = 0.48  # product drawn just left of the band line
    assert parse_map(yaml.safe_dump(data)).component("Pipeline").evolution == 0.48
    data["components"][0]["evolution"] = 0.46
    with pytest.raises(WardleyMapError, match="needs evolution"):
        parse_map(yaml.safe_dump(data), "x.yaml")


def test_unreadable_files_and_folders(tmp_path: Path) -> None:
    assert load_maps(tmp_path / "missing") == {}
    with pytest.raises(WardleyMapError, match="not valid YAML at line"):
        parse_map("format: [", "bad.yaml")
    with pytest.raises(WardleyMapError, match=r"^list\.yaml: a Wardley map is a YAML mapping"):
        parse_map("- 1\n- 2\n", "list.yaml")
    _write(tmp_path, MINIMAL, "one.yaml")
    _write(tmp_path, MINIMAL, "two.yaml")
    with pytest.raises(WardleyMapError, match=re.escape("two.yaml: id: 'tiny' is already used")):
        load_maps(tmp_path)


def test_weak_components_by_practice_or_dimension() -> None:
    tiny = parse_map(yaml.safe_dump(MINIMAL))
    assert weak_components(tiny, []) == []
    assert weak_components(tiny, ["development.ci"]) == ["Pipeline"]
    # Alerts stands for the whole monitoring dimension: any weak monitoring practice marks it.
    assert weak_components(tiny, ["monitoring.drift-detection", "development.ci"]) == ["Pipeline", "Alerts"]
    assert weak_components(tiny, ["development.traceability", "collaboration.training"]) == []
    # A whole weak dimension marks components naming any of its practices.
    assert weak_components(tiny, ["development"]) == ["Pipeline"]
    assert weak_components(tiny, iter(["monitoring"])) == ["Alerts"]


def test_weak_components_on_the_shipped_maps(maps: dict[str, WardleyMap]) -> None:
    weak = ["collaboration.training", "monitoring.drift-detection"]
    assert weak_components(maps["open-source-vs-proprietary"], weak) == ["In-house Expertise", "Model Monitoring"]
    assert weak_components(maps["unified-ai-operations"], weak) == ["Training & Upskilling", "Model Monitoring"]
    assert weak_components(maps["unified-ai-operations"], ["development.ci"]) == [
        "MLOps",
        "CI/CD Pipelines",
    ]


def test_draw_map_marks_highlights(maps: dict[str, WardleyMap]) -> None:
    for wardley_map in maps.values():
        plain = draw_map(wardley_map)
        marked = draw_map(wardley_map, ["MLOps", "Model Monitoring", "Not On This Map"])
        assert plain.startswith(PNG) and marked.startswith(PNG)
        assert marked != plain
        assert draw_map(wardley_map, ["Not On This Map"]) == plain  # unknown names are ignored
