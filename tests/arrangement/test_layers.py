"""Layers entering and leaving, a louder chorus and a build into the last one."""

from __future__ import annotations

from image2music.arrangement.layers import (
    BUILD_VELOCITY,
    CHORUS_VELOCITY,
    apply_layers,
    plan_layers,
)
from image2music.types import Note

BAR = 1920
SECTION = 4 * BAR


def _every_beat(total: int) -> list[Note]:
    return [Note(36, t, 240, 80) for t in range(0, total, 480)]


def test_short_forms_are_left_alone() -> None:
    assert plan_layers("AB", SECTION, BAR) == ()
    notes = _every_beat(2 * SECTION)
    assert apply_layers(notes, "drums", ()) == notes


def test_the_opening_is_lighter_and_the_chorus_louder() -> None:
    plans = plan_layers("ABACB", SECTION, BAR)
    assert [p.letter for p in plans] == list("ABACB")
    drums = apply_layers(_every_beat(5 * SECTION), "drums", plans)
    assert min(n.start_ticks for n in drums) == SECTION  # drums enter with the second section
    pad = apply_layers(_every_beat(5 * SECTION), "pad", plans)
    assert min(n.start_ticks for n in pad) == SECTION
    melody = apply_layers(_every_beat(5 * SECTION), "melody", plans)
    assert min(n.start_ticks for n in melody) == 0  # the tune plays from the start
    by_section = {
        n.start_ticks // SECTION: n.velocity for n in melody if n.start_ticks % SECTION == 0
    }
    assert by_section[1] == by_section[4] == 80 + CHORUS_VELOCITY
    assert by_section[0] == by_section[2] == 80


def test_the_bridge_drops_the_drums_then_builds() -> None:
    plans = plan_layers("ABACB", SECTION, BAR)
    drums = apply_layers(_every_beat(5 * SECTION), "drums", plans)
    bridge = [n for n in drums if 3 * SECTION <= n.start_ticks < 4 * SECTION]
    assert min(n.start_ticks for n in bridge) == 3 * SECTION + 2 * BAR
    velocities = [n.velocity for n in bridge]
    assert velocities == sorted(velocities) and velocities[-1] > 80
    assert velocities[-1] <= 80 + BUILD_VELOCITY


def test_notes_after_the_sections_keep_their_level() -> None:
    plans = plan_layers("ABA", SECTION, BAR)
    held = [Note(60, 3 * SECTION + 10, 1000, 70)]
    assert apply_layers(held, "chords", plans) == held
