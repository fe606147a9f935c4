"""Charts for the report: the maturity radar (current level against the next target per dimension).

Drawn with matplotlib's object API (``matplotlib.figure.Figure``) rather than pyplot, so nothing
touches pyplot's global figure registry or backend: charts can be drawn from any thread, in a web
app or a CLI alike. PNG metadata that varies between runs is left out so the same report gives the
same bytes.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes

from assistant.report.model import DimensionSection

NOT_ASSESSED = "not assessed"
_CURRENT_COLOUR = "#1f5fa8"
_TARGET_COLOUR = "#d9822b"
_LABEL_WIDTH = 18
_DPI = 150
# A radar needs three axes to enclose an area; with fewer, bars say the same thing honestly.
_MIN_RADAR_AXES = 3


def radar_chart(dimensions: Sequence[DimensionSection], max_level: int = 5) -> bytes:
    """A PNG comparing each dimension's current level with its target level.

    Unassessed dimensions are drawn at 0 and labelled "not assessed", so a gap in the evidence
    looks like a gap rather than silently vanishing. With fewer than three dimensions a radar has
    no area to show, so the same data is drawn as horizontal bars.
    """
    max_level = max(max_level, 1)
    labels = [_label(d) for d in dimensions]
    current = [_clamp(d.level, max_level) for d in dimensions]
    target = [_clamp(_target(d), max_level) for d in dimensions]
    if len(dimensions) >= _MIN_RADAR_AXES:
        figure = _radar_figure(labels, current, target, max_level)
    else:
        figure = _bar_figure(labels, current, target, max_level)
    return _png(figure)


def _label(dimension: DimensionSection) -> str:
    name = textwrap.fill(dimension.name, _LABEL_WIDTH) or dimension.id
    return f"{name}\n({NOT_ASSESSED})" if dimension.level is None else name


def _target(dimension: DimensionSection) -> int | None:
    """The top level's target is the top level itself; an unknown target stays where the level is."""
    return dimension.target_level if dimension.target_level is not None else dimension.level


def _clamp(level: int | None, max_level: int) -> float:
    return float(min(max(level or 0, 0), max_level))


def _radar_figure(labels: list[str], current: list[float], target: list[float], max_level: int) -> Figure:
    figure = Figure(figsize=(7.0, 6.2))
    axes = figure.add_subplot(projection="polar")
    assert isinstance(axes, PolarAxes)
    angles = [2 * math.pi * i / len(labels) for i in range(len(labels))]
    closed_angles = [*angles, angles[0]]
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.plot(closed_angles, [*target, target[0]], color=_TARGET_COLOUR, linewidth=2, linestyle="--", label="Target")
    axes.fill(closed_angles, [*target, target[0]], color=_TARGET_COLOUR, alpha=0.08)
    axes.plot(closed_angles, [*current, current[0]], color=_CURRENT_COLOUR, linewidth=2, marker="o", label="Current")
    axes.fill(closed_angles, [*current, current[0]], color=_CURRENT_COLOUR, alpha=0.25)
    axes.set_xticks(angles)
    axes.set_xticklabels(labels, fontsize=9)
    axes.tick_params(axis="x", pad=10)
    for text, angle in zip(axes.get_xticklabels(), angles, strict=True):
        # Labels on the left and right grow away from the circle instead of across it.
        horizontal = math.sin(angle)
        text.set_horizontalalignment("left" if horizontal > 0.1 else "right" if horizontal < -0.1 else "center")
    axes.set_ylim(0, max_level)
    axes.set_yticks(range(1, max_level + 1))
    axes.set_yticklabels([str(level) for level in range(1, max_level + 1)], fontsize=8, color="#555555")
    axes.set_rlabel_position(0)
    handles, names = axes.get_legend_handles_labels()
    axes.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.1), frameon=False)
    return figure


def _bar_figure(labels: list[str], current: list[float], target: list[float], max_level: int) -> Figure:
    rows = max(len(labels), 1)
    figure = Figure(figsize=(7.0, 1.6 + 1.1 * rows), layout="constrained")
    axes: Axes = figure.add_subplot()
    if not labels:
        axes.text(0.5, 0.5, "No dimensions to chart", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    positions = list(range(len(labels)))
    height = 0.38
    axes.barh([p - height / 2 for p in positions], current, height, color=_CURRENT_COLOUR, label="Current")
    axes.barh([p + height / 2 for p in positions], target, height, color=_TARGET_COLOUR, label="Target")
    axes.set_yticks(positions)
    axes.set_yticklabels(labels, fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, max_level)
    axes.set_xticks(range(0, max_level + 1))
    axes.set_xlabel("Maturity level")
    axes.grid(axis="x", color="#dddddd")
    axes.set_axisbelow(True)
    axes.legend(loc="lower right", frameon=False)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # A tight bounding box keeps long axis labels on the left and right edges of a radar inside the image.
    figure.savefig(
        buffer,
        format="png",
        dpi=_DPI,
        facecolor="white",
        bbox_inches="tight",
        pad_inches=0.15,
        metadata={"Software": None},
    )
    return buffer.getvalue()
