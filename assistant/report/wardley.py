"""Wardley maps from the knowledge base, as data and as figures.

The knowledge base carries two Wardley-map analyses as prose; ``knowledge/maps/*.yaml`` holds
their components (stage, position, dependencies) so the report can draw the maps itself instead
of copying an image, and can mark the components that stand for practices the assessed
organisation is weak in (each component lists framework practice or dimension ids).

A map file that contradicts itself (a stage outside its evolution band, a dependency on an
unknown component, a name used twice) is rejected on load with one line naming the file and the
place, like a framework file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import InputError
from assistant.yamlfile import parse_yaml, read_text

MAP_FORMAT = "wardley-map/1"
MAX_MAP_BYTES = 1024 * 1024
Stage = Literal["genesis", "custom-built", "product", "commodity"]
STAGES: tuple[Stage, ...] = ("genesis", "custom-built", "product", "commodity")
STAGE_LABELS = {"genesis": "Genesis", "custom-built": "Custom-built", "product": "Product", "commodity": "Commodity"}
# Evolution bands [low, high) of the stages; a position this close outside its band still counts
# as inside, since a map drawn by hand puts components on the band lines.
STAGE_BANDS: dict[Stage, tuple[float, float]] = {
    "genesis": (0.0, 0.25),
    "custom-built": (0.25, 0.5),
    "product": (0.5, 0.75),
    "commodity": (0.75, 1.0),
}
BAND_SLACK = 0.03
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
PracticeRef = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]


class WardleyMapError(InputError):
    """A Wardley map file is unreadable or breaks the schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_stage(stage: Stage | None, evolution: float) -> None:
    if stage is None:
        return
    low, high = STAGE_BANDS[stage]
    if not low - BAND_SLACK <= evolution < high + BAND_SLACK:
        raise ValueError(f"stage {stage!r} needs evolution in [{low}, {high}), got {evolution}")


class Anchor(_Strict):
    """The user need at the top of the value chain; its stage is optional (most maps give none)."""

    name: str = Field(min_length=1, max_length=80)
    evolution: Unit
    visibility: Unit
    stage: Stage | None = None
    seed_position: tuple[Unit, Unit] | None = Field(default=None, description="The pair the source prints")
    note: str = ""

    @model_validator(mode="after")
    def _in_band(self) -> Anchor:
        _check_stage(self.stage, self.evolution)
        return self


class MapComponent(_Strict):
    name: str = Field(min_length=1, max_length=80)
    stage: Stage
    evolution: Unit
    visibility: Unit
    moving_to: Stage | None = Field(default=None, description="The stage it evolves towards (drawn as an arrow)")
    inertia: bool = Field(default=False, description="Resists evolving (the source says 'with inertia')")
    inferred: bool = Field(default=False, description="The source gives no position: placed from its text")
    seed_position: tuple[Unit, Unit] | None = Field(default=None, description="The pair the source prints")
    note: str = ""
    practices: list[PracticeRef] = Field(default_factory=list, description="Framework practice or dimension ids")

    @model_validator(mode="after")
    def _in_band(self) -> MapComponent:
        _check_stage(self.stage, self.evolution)
        if self.moving_to is not None and STAGES.index(self.moving_to) <= STAGES.index(self.stage):
            raise ValueError(f"moving_to {self.moving_to!r} must be a later stage than {self.stage!r}")
        return self


class WardleyMap(_Strict):
    format: str
    id: PracticeRef
    title: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Knowledge document the map comes from")
    anchor: Anchor
    components: list[MapComponent] = Field(min_length=1)
    dependencies: list[tuple[str, str]] = Field(default_factory=list, description="[higher, lower] pairs")

    @model_validator(mode="after")
    def _consistent(self) -> WardleyMap:
        if self.format != MAP_FORMAT:
            raise ValueError(f"format must be {MAP_FORMAT!r}, got {self.format!r}")
        names = {self.anchor.name}
        for component in self.components:
            if component.name in names:
                raise ValueError(f"duplicate component name {component.name!r}")
            names.add(component.name)
        seen: set[tuple[str, str]] = set()
        for higher, lower in self.dependencies:
            unknown = [n for n in (higher, lower) if n not in names]
            if unknown:
                raise ValueError(f"dependency [{higher}, {lower}] names unknown component(s) {unknown}")
            if higher == lower:
                raise ValueError(f"dependency [{higher}, {lower}] links a component to itself")
            if (higher, lower) in seen:
                raise ValueError(f"duplicate dependency [{higher}, {lower}]")
            seen.add((higher, lower))
        return self

    def position(self, name: str) -> tuple[float, float]:
        """(evolution, visibility) of the anchor or a component."""
        if name == self.anchor.name:
            return self.anchor.evolution, self.anchor.visibility
        component = self.component(name)
        return component.evolution, component.visibility

    def component(self, name: str) -> MapComponent:
        for component in self.components:
            if component.name == name:
                return component
        raise KeyError(name)


def _location(data: Any, loc: tuple[int | str, ...]) -> str:
    """``components.3 (Hybrid Approach).stage`` rather than a bare index, so the user finds the entry."""
    parts: list[str] = []
    node = data
    for part in loc:
        parts.append(str(part))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("name"), str):
            parts[-1] = f"{part} ({node['name']})"
    return ".".join(parts)


def parse_map(text: str, origin: str = "map") -> WardleyMap:
    """Validate map YAML text; ``WardleyMapError`` names ``origin``, the place and the first problem."""
    data = parse_yaml(text, origin, WardleyMapError)
    if not isinstance(data, dict):
        raise WardleyMapError(f"{origin}: a Wardley map is a YAML mapping with format, id, anchor and components")
    try:
        return WardleyMap.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = _location(data, tuple(first["loc"]))
        message = str(first["msg"]).removeprefix("Value error, ")
        raise WardleyMapError(f"{origin}: {location + ': ' if location else ''}{message}") from exc


def load_map(path: Path) -> WardleyMap:
    """Read and validate one map file."""
    text = read_text(path, max_bytes=MAX_MAP_BYTES, error=WardleyMapError, too_big="is this a Wardley map file?")
    return parse_map(text, str(path))


def load_maps(directory: Path) -> dict[str, WardleyMap]:
    """Every ``*.yaml`` map in ``directory`` by id; no folder means no maps (a knowledge base may have none)."""
    if not directory.is_dir():
        return {}
    maps: dict[str, WardleyMap] = {}
    for path in sorted(directory.glob("*.yaml")):
        wardley_map = load_map(path)
        if wardley_map.id in maps:
            raise WardleyMapError(f"{path}: id: {wardley_map.id!r} is already used by another map in {directory}")
        maps[wardley_map.id] = wardley_map
    return maps


def weak_components(wardley_map: WardleyMap, weak_practices: Iterable[str]) -> list[str]:
    """Components standing for a weak practice, in map order.

    A component may name a whole dimension (``monitoring``): any weak practice of that dimension
    (the id part before the dot) marks it. A caller may also pass a bare dimension id as weak: it
    marks every component naming that dimension or one of its practices.
    """
    weak = set(weak_practices)
    dimensions = {practice.split(".", 1)[0] for practice in weak}
    bare = {practice for practice in weak if "." not in practice}
    return [
        c.name
        for c in wardley_map.components
        if any(ref in weak or ref in dimensions or ref.split(".", 1)[0] in bare for ref in c.practices)
    ]


# Drawing ---------------------------------------------------------------------------------------

_RED = "#d62728"
_DARK_RED = "#7f0000"
_LINE = "#9a9a9a"
WEAK_LEGEND = "weak practices in this assessment"
HAlign = Literal["left", "center", "right"]
VAlign = Literal["bottom", "center", "top"]
# Label offsets in points from the marker, tried in order: right of it first, as Wardley maps do.
_LABEL_SLOTS: tuple[tuple[float, float, HAlign, VAlign], ...] = (
    (7, 0, "left", "center"),
    (-7, 0, "right", "center"),
    (0, 7, "center", "bottom"),
    (0, -7, "center", "top"),
    (6, 6, "left", "bottom"),
    (6, -6, "left", "top"),
    (-6, 6, "right", "bottom"),
    (-6, -6, "right", "top"),
    (10, 12, "left", "bottom"),
    (10, -12, "left", "top"),
)
_INERTIA_DX = 0.014


def _arrow_end(component: MapComponent) -> float:
    """Where an evolution arrow points: just into the target stage, never a long jump across the map."""
    assert component.moving_to is not None
    target = STAGE_BANDS[component.moving_to][0] + 0.03
    return min(max(target, component.evolution + 0.06), component.evolution + 0.15, 0.99)


def _overlap(a: Bbox, b: Bbox) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width * height if width > 0 and height > 0 else 0.0


def _set_slot(text: Text, slot: tuple[float, float, HAlign, VAlign]) -> None:
    dx, dy, ha, va = slot
    text.set_position((dx, dy))
    text.set_horizontalalignment(ha)
    text.set_verticalalignment(va)


def _place_label(text: Text, renderer: Any, taken: list[Bbox], frame: Bbox) -> None:
    """Greedy placement with the renderer's real text extents: the first slot that hits no marker,
    arrow or earlier label, else the least overlapping one; leaving the plot area costs extra."""
    best: tuple[float, tuple[float, float, HAlign, VAlign]] | None = None
    for slot in _LABEL_SLOTS:
        _set_slot(text, slot)
        box = text.get_window_extent(renderer)
        cost = sum(_overlap(box, other) for other in taken) + 4 * (box.width * box.height - _overlap(box, frame))
        if best is None or cost < best[0]:
            best = (cost, slot)
        if cost == 0:
            break
    assert best is not None
    _set_slot(text, best[1])
    taken.append(text.get_window_extent(renderer))


def _draw_frame(axes: Axes, title: str) -> None:
    """Evolution stages across, value chain (visible at the top) down."""
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.04)
    axes.set_title(title, fontsize=13, fontweight="bold", pad=10)
    for low, _ in list(STAGE_BANDS.values())[1:]:
        axes.axvline(low, color="#b0b0b0", linestyle="--", linewidth=0.9, zorder=0)
    axes.set_xticks([(low + high) / 2 for low, high in STAGE_BANDS.values()])
    axes.set_xticklabels([STAGE_LABELS[s] for s in STAGES], fontsize=10)
    axes.tick_params(axis="x", length=0, pad=6)
    axes.set_yticks([])
    axes.set_xlabel("Evolution", fontsize=10, labelpad=4)
    axes.set_ylabel("Value chain", fontsize=10, labelpad=14)
    for y, word, va in ((1.02, "Visible", "top"), (0.0, "Invisible", "bottom")):
        axes.text(-0.012, y, word, transform=axes.transAxes, rotation=90, ha="right", va=va, fontsize=9)


def _draw_component(axes: Axes, component: MapComponent, weak: bool) -> None:
    x, y = component.evolution, component.visibility
    if component.moving_to is not None:
        arrow = {"arrowstyle": "-|>", "color": _RED, "linestyle": "--", "linewidth": 1.2, "shrinkA": 5, "shrinkB": 0}
        axes.annotate("", xy=(_arrow_end(component), y), xytext=(x, y), arrowprops=arrow, zorder=2)
    if component.inertia:
        axes.plot([x + _INERTIA_DX] * 2, [y - 0.022, y + 0.022], color="black", linewidth=3.2, zorder=3)
    axes.scatter(
        [x],
        [y],
        s=90 if weak else 60,
        zorder=4,
        facecolor=_RED if weak else "white",
        edgecolor=_DARK_RED if weak else "black",
        linewidth=1.2,
    )


def _obstacles(axes: Axes, wardley_map: WardleyMap) -> list[Bbox]:
    """Display-space boxes labels must keep clear of: markers, evolution arrows, inertia bars."""
    to_display = axes.transData.transform
    boxes = []
    for name in [wardley_map.anchor.name] + [c.name for c in wardley_map.components]:
        px, py = to_display(wardley_map.position(name))
        boxes.append(Bbox.from_extents(px - 6, py - 6, px + 6, py + 6))
    for component in wardley_map.components:
        y = component.visibility
        if component.moving_to is not None:
            (px0, py), (px1, _) = to_display([(component.evolution, y), (_arrow_end(component), y)])
            boxes.append(Bbox.from_extents(px0 + 6, py - 4, px1, py + 4))
        if component.inertia:
            px, py = to_display((component.evolution + _INERTIA_DX, y))
            boxes.append(Bbox.from_extents(px - 3, py - 14, px + 3, py + 14))
    return boxes


def _draw_labels(axes: Axes, renderer: Any, wardley_map: WardleyMap, marked: set[str]) -> None:
    """Anchor in bold, inferred positions in italics, weak components in bold red."""
    taken = _obstacles(axes, wardley_map)
    frame = axes.get_window_extent(renderer)
    anchor = wardley_map.anchor
    entries = [(anchor.name, "anchor")] + [
        (c.name, "inferred" if c.inferred else "plain") for c in wardley_map.components
    ]
    for name, style in entries:
        weak = name in marked
        label = axes.annotate(
            name,
            xy=wardley_map.position(name),
            xytext=(7, 0),
            textcoords="offset points",
            zorder=5,
            fontsize=9.5 if style == "anchor" else 8,
            fontweight="bold" if style == "anchor" or weak else "normal",
            fontstyle="italic" if style == "inferred" else "normal",
            color=_RED if weak else "black",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
        _place_label(label, renderer, taken, frame)


def _draw_legend(figure: Figure, wardley_map: WardleyMap, marked: set[str]) -> None:
    """Below the plot, so it never hides a component."""
    handles = [
        Line2D([], [], marker="s", color="black", linestyle="none", markersize=7, label="anchor (user need)"),
        Line2D([], [], marker="o", mfc="white", mec="black", linestyle="none", markersize=7, label="component"),
        Line2D([], [], color=_RED, linestyle="--", label="evolving towards"),
    ]
    if any(c.inertia for c in wardley_map.components):
        handles.append(Line2D([], [], color="black", linewidth=3.2, label="inertia"))
    if marked:
        handles.append(
            Line2D([], [], marker="o", mfc=_RED, mec=_DARK_RED, linestyle="none", markersize=8, label=WEAK_LEGEND)
        )
    figure.legend(
        handles=handles, loc="lower center", ncol=len(handles), fontsize=8.5, frameon=False, bbox_to_anchor=(0.5, 0.035)
    )
    if any(c.inferred for c in wardley_map.components):
        note = f"Italic labels: positions inferred from the text of {wardley_map.source}"
        figure.text(0.5, 0.012, note, ha="center", va="bottom", fontsize=7.5, color="#555555")


def draw_map(wardley_map: WardleyMap, highlights: Sequence[str] = ()) -> bytes:
    """The map as a PNG in the classic Wardley layout, the ``highlights`` filled red.

    Only the object-oriented Matplotlib API is used (no pyplot state), so the web app can draw
    from several threads. Names in ``highlights`` that are not components of this map are ignored:
    callers may pass one list for every map.
    """
    marked = {c.name for c in wardley_map.components} & set(highlights)
    figure = Figure(figsize=(10, 7), dpi=110)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0.07, 0.14, 0.9, 0.79))
    _draw_frame(axes, wardley_map.title)
    for higher, lower in wardley_map.dependencies:
        (x0, y0), (x1, y1) = wardley_map.position(higher), wardley_map.position(lower)
        axes.plot([x0, x1], [y0, y1], color=_LINE, linewidth=0.9, zorder=1)
    for component in wardley_map.components:
        _draw_component(axes, component, component.name in marked)
    anchor = wardley_map.anchor
    axes.scatter([anchor.evolution], [anchor.visibility], s=70, marker="s", facecolor="black", zorder=4)
    _draw_labels(axes, canvas.get_renderer(), wardley_map, marked)  # type: ignore[no-untyped-call]
    _draw_legend(figure, wardley_map, marked)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, metadata={"Software": None})
    return buffer.getvalue()
