"""Layers that enter and leave between sections, a lifted chorus and a build into the last one.

A piece of three or more sections (:func:`~.form.section_layout`) is not
played the same way throughout:

* **the opening A** is played without the drums and the pad: they enter with
  the second section, so the piece opens lighter and grows;
* **every B** (the chorus) is played :data:`CHORUS_VELOCITY` louder;
* **the bridge C** drops the drums for its first half, then **builds** into
  the last chorus: velocities rise by up to :data:`BUILD_VELOCITY` over its
  last two bars;
* **the last B** plays every layer.

Pieces of one or two sections are left as arranged; notes after the last
section (the held bar of the ending) keep their level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from image2music.types import Note

__all__ = ["BUILD_VELOCITY", "CHORUS_VELOCITY", "SectionPlan", "apply_layers", "plan_layers"]

#: Velocity added to the chorus (B) sections.
CHORUS_VELOCITY = 6
#: Largest velocity added at the end of the bridge's build.
BUILD_VELOCITY = 12


@dataclass(frozen=True)
class SectionPlan:
    """How one section is played.

    Attributes:
        letter: ``A``, ``B`` or ``C`` (bridge).
        start_ticks: Its first tick.
        end_ticks: Its end.
        silent: Parts that rest in it, each with the tick it enters at
            (``end_ticks``: silent for the whole section).
        velocity: Velocity added to every note of it.
        build_from_ticks: Where a build starts (velocity rising to
            :data:`BUILD_VELOCITY` at the end), or ``None``.
        words: Plain words for the report.
    """

    letter: str
    start_ticks: int
    end_ticks: int
    silent: Mapping[str, int]
    velocity: int
    build_from_ticks: int | None
    words: str


def plan_layers(layout: str, section_ticks: int, bar_ticks: int) -> tuple[SectionPlan, ...]:
    """The plan of every section (module docstring).

    Args:
        layout: Section letters, e.g. ``"ABACB"``.
        section_ticks: Length of one section.
        bar_ticks: Length of a bar.

    Returns:
        One plan per section; empty for fewer than three sections.
    """
    if len(layout) < 3:
        return ()
    out = []
    last_b = layout.rfind("B")
    for i, letter in enumerate(layout):
        start, end = i * section_ticks, (i + 1) * section_ticks
        silent: dict[str, int] = {}
        velocity, build, words = 0, None, ""
        if i == 0:
            silent = {"drums": end, "pad": end}
            words = "opening: without drums and pad, which enter with the next section"
        elif letter == "B":
            velocity = CHORUS_VELOCITY
            words = f"chorus: {CHORUS_VELOCITY} louder" + (", every layer" if i == last_b else "")
        elif letter == "C":
            half = start + (section_ticks // (2 * bar_ticks)) * bar_ticks
            silent = {"drums": half}
            build = max(start, end - 2 * bar_ticks)
            words = "bridge: drums out for its first half, then a build into the last chorus"
        else:
            words = "verse"
        out.append(SectionPlan(letter, start, end, silent, velocity, build, words))
    return tuple(out)


def apply_layers(notes: Sequence[Note], part: str, plans: Sequence[SectionPlan]) -> list[Note]:
    """``notes`` of one part with the sections' silences, levels and builds applied.

    Notes after the last section (the held ending) are kept as they are.
    """
    if not plans:
        return list(notes)
    out = []
    for n in notes:
        plan = next((p for p in plans if p.start_ticks <= n.start_ticks < p.end_ticks), None)
        if plan is None:
            out.append(n)
            continue
        if part in plan.silent and n.start_ticks < plan.silent[part]:
            continue
        add = plan.velocity
        if plan.build_from_ticks is not None and n.start_ticks >= plan.build_from_ticks:
            span = max(1, plan.end_ticks - plan.build_from_ticks)
            add += round(BUILD_VELOCITY * (n.start_ticks - plan.build_from_ticks) / span)
        velocity = max(1, min(127, n.velocity + add))
        out.append(Note(n.pitch, n.start_ticks, n.duration_ticks, velocity))
    return out
