"""Charts for the consultant view, as ``matplotlib.figure.Figure`` objects (never pyplot: no global state)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

NO_LEVEL = "none"


def radar(names: Sequence[str], series: Mapping[str, Sequence[int | None]], max_level: int = 5) -> Figure:
    """Levels per dimension on a radar; an unassessed dimension is drawn at 0."""
    figure = Figure(figsize=(5.2, 4.6), layout="constrained")
    axes = figure.add_subplot(projection="polar")
    count = max(len(names), 1)
    angles = [2 * math.pi * i / count for i in range(count)]
    for number, (label, levels) in enumerate(series.items()):
        values = [float(level or 0) for level in levels]
        main = number == 0
        axes.plot(
            [*angles, angles[0]],
            [*values, values[0]],
            linewidth=2.2 if main else 1.0,
            linestyle="-" if main else "--",
            label=label,
        )
        if main:
            axes.fill([*angles, angles[0]], [*values, values[0]], alpha=0.2)
    axes.set_xticks(angles)
    axes.set_xticklabels([_wrap(n) for n in names], fontsize=8)
    axes.set_ylim(0, max_level)
    axes.set_yticks(range(1, max_level + 1))
    axes.tick_params(axis="y", labelsize=7)
    if len(series) > 1:
        axes.legend(loc="upper right", bbox_to_anchor=(1.35, 1.12), fontsize=7)
    axes.set_title("Maturity level per dimension", fontsize=10)
    return figure


def accuracy_bars(per_dimension: Mapping[str, Mapping[str, float | None]]) -> Figure:
    """Exact and within-one accuracy per dimension (0-1)."""
    figure = Figure(figsize=(6, 3.6), layout="constrained")
    axes = figure.add_subplot()
    names = list(per_dimension)
    positions = range(len(names))
    width = 0.38
    for offset, key, label in ((-width / 2, "exact", "exact"), (width / 2, "within_one", "within one level")):
        values = [per_dimension[n].get(key) or 0.0 for n in names]
        bars = axes.bar([p + offset for p in positions], values, width, label=label)
        axes.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7)
    axes.set_xticks(list(positions))
    axes.set_xticklabels(names)
    axes.set_ylim(0, 1.1)
    axes.set_ylabel("accuracy")
    axes.set_title("Level accuracy per dimension", fontsize=10)
    axes.legend(fontsize=8, loc="lower right")
    return figure


def confusion(pairs: Sequence[tuple[int | None, int | None]], max_level: int = 5) -> Figure:
    """Expected (rows) against predicted (columns) levels; ``None`` is its own class."""
    labels: list[int | None] = [*range(1, max_level + 1), None]
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for predicted, expected in pairs:
        counts[index.get(expected, len(labels) - 1)][index.get(predicted, len(labels) - 1)] += 1
    figure = Figure(figsize=(4.8, 4.2), layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(counts, cmap="Blues")
    names = [NO_LEVEL if label is None else str(label) for label in labels]
    axes.set_xticks(range(len(labels)), names)
    axes.set_yticks(range(len(labels)), names)
    axes.set_xlabel("predicted level")
    axes.set_ylabel("expected level")
    top = max((max(row) for row in counts), default=0)
    for row, values in enumerate(counts):
        for column, value in enumerate(values):
            if value:
                colour = "white" if value > top / 2 else "black"
                axes.text(column, row, str(value), ha="center", va="center", fontsize=8, color=colour)
    figure.colorbar(image, ax=axes, shrink=0.8)
    axes.set_title("Confusion matrix (all dimensions)", fontsize=10)
    return figure


def _wrap(name: str, width: int = 16) -> str:
    words, lines, line = name.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
