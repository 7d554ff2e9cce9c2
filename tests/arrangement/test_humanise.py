from __future__ import annotations

import numpy as np

from image2music.arrangement.humanise import humanise, remove_overlaps, swing
from image2music.types import Note

NOTES = [Note(60 + i % 5, i * 240, 240, 80) for i in range(64)]
FREEZE = 48 * 240


def _run(seed: int) -> list[Note]:
    rng = np.random.default_rng(seed)
    return humanise(NOTES, rng, timing_ticks=8, velocity_jitter=5, freeze_from=FREEZE)


def test_humanising_is_bounded() -> None:
    out = _run(3)
    for before, after in zip(NOTES, out, strict=True):
        assert abs(after.start_ticks - before.start_ticks) <= 8
        assert abs(after.velocity - before.velocity) <= 5
        assert after.end_ticks == before.end_ticks
        assert after.start_ticks >= 0
    assert any(a.start_ticks != b.start_ticks for a, b in zip(NOTES, out, strict=True))


def test_humanising_is_seeded() -> None:
    assert _run(1) == _run(1)
    assert _run(1) != _run(2)


def test_the_ending_is_never_touched() -> None:
    out = _run(5)
    assert out[48:] == NOTES[48:]


def test_swing_delays_offbeat_eighths_only() -> None:
    out = swing(NOTES, 80, beat_ticks=480, freeze_from=FREEZE)
    for before, after in zip(NOTES, out, strict=True):
        offbeat = before.start_ticks % 480 == 240 and before.start_ticks < FREEZE
        assert after.start_ticks == before.start_ticks + (80 if offbeat else 0)


def test_remove_overlaps_keeps_same_pitches_apart() -> None:
    notes = [Note(60, 0, 500), Note(60, 480, 480), Note(64, 0, 960), Note(60, 480, 100)]
    out = remove_overlaps(notes)
    sixty = [n for n in out if n.pitch == 60]
    assert [(n.start_ticks, n.end_ticks) for n in sixty] == [(0, 480), (480, 960)]
    mono = remove_overlaps([Note(60, 0, 500), Note(62, 490, 100)], monophonic=True)
    assert mono[0].end_ticks == 490
