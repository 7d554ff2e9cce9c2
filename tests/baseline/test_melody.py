from __future__ import annotations

import numpy as np
import pytest

from image2music.baseline.harmony import BaselineHarmony
from image2music.baseline.melody import BaselineMelody
from image2music.melody.base import MelodyGenerator
from image2music.types import Emotion, Key, Melody, Progression

GEN = BaselineMelody()


def _compose(v: float, a: float, bars: int = 8, seed: int = 0) -> tuple[Progression, Melody]:
    key = Key(0, "major" if v >= 0 else "minor")
    prog = BaselineHarmony().generate(Emotion(v, a), key, bars, np.random.default_rng(seed))
    return prog, GEN.generate(prog, Emotion(v, a), np.random.default_rng(seed + 100))


def test_satisfies_protocol() -> None:
    assert isinstance(GEN, MelodyGenerator)


@pytest.mark.parametrize(("v", "a"), [(0.8, 0.8), (0.6, -0.7), (-0.7, 0.7), (-0.7, -0.7)])
@pytest.mark.parametrize("bars", [4, 8, 16])
def test_melody_spans_the_progression_and_ends_on_tonic(v: float, a: float, bars: int) -> None:
    prog, mel = _compose(v, a, bars)
    assert mel.notes[0].start_ticks == 0
    assert mel.notes[-1].end_ticks == prog.total_ticks
    assert mel.notes[-1].pitch % 12 == prog.key.tonic_pc
    pitches = [n.pitch for n in mel.notes]
    assert max(pitches) - min(pitches) <= 24  # singable: at most two octaves


@pytest.mark.parametrize("seed", range(5))
def test_strong_beats_are_chord_tones(seed: int) -> None:
    prog, mel = _compose(0.5, 0.5, 8, seed)
    half = prog.bar_ticks // 2
    strong = [n for n in mel.notes if n.start_ticks % half == 0]
    hits = sum(n.pitch % 12 in prog.chord_at(n.start_ticks).chord.pitch_classes for n in strong)
    assert hits / len(strong) >= 0.9


def test_notes_stay_in_the_scale() -> None:
    prog, mel = _compose(0.5, 0.2)
    assert all(n.pitch % 12 in prog.key.scale_pcs for n in mel.notes)


def test_arousal_raises_note_density() -> None:
    calm = np.mean([len(_compose(0.5, -0.8, seed=s)[1].notes) for s in range(5)])
    excited = np.mean([len(_compose(0.5, 0.8, seed=s)[1].notes) for s in range(5)])
    assert excited > calm * 1.5


def test_second_phrase_echoes_the_first() -> None:
    prog, mel = _compose(0.4, 0.1, 8, seed=1)
    phrase = 4 * prog.bar_ticks
    first = [n.start_ticks for n in mel.notes if n.start_ticks < 3 * prog.bar_ticks]
    second = [
        n.start_ticks - phrase
        for n in mel.notes
        if phrase <= n.start_ticks < phrase + 3 * prog.bar_ticks
    ]
    assert first == second


def test_phrases_breathe() -> None:
    _, mel = _compose(0.4, 0.1, 8)
    gaps = [b.start_ticks - a.end_ticks for a, b in zip(mel.notes, mel.notes[1:], strict=False)]
    assert any(g > 0 for g in gaps)


def test_deterministic_for_a_seed() -> None:
    assert _compose(0.3, 0.3, seed=4)[1] == _compose(0.3, 0.3, seed=4)[1]
