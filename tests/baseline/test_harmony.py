from __future__ import annotations

import numpy as np
import pytest

from image2music.baseline.harmony import LOOPS, BaselineHarmony, diatonic_chord
from image2music.errors import ConfigError
from image2music.harmony.base import HarmonyGenerator
from image2music.types import Chord, Emotion, Key

GEN = BaselineHarmony()


def _gen(v: float, a: float, key: Key, bars: int = 8, seed: int = 0) -> list[Chord]:
    prog = GEN.generate(Emotion(v, a), key, bars, np.random.default_rng(seed))
    assert prog.bars == bars
    return [tc.chord for tc in prog.chords]


def test_satisfies_protocol() -> None:
    assert isinstance(GEN, HarmonyGenerator)


def test_diatonic_triads_of_major_and_minor() -> None:
    c = Key(0, "major")
    assert [diatonic_chord(c, d).quality for d in range(1, 8)] == [
        "maj", "min", "min", "maj", "maj", "min", "dim",
    ]  # fmt: skip
    a = Key(9, "minor")
    assert diatonic_chord(a, 6) == Chord(5, "maj")
    assert diatonic_chord(a, 7) == Chord(7, "maj")


@pytest.mark.parametrize("bars", [4, 8, 16])
@pytest.mark.parametrize(("v", "a"), [(0.8, 0.8), (0.6, -0.7), (-0.7, 0.7), (-0.7, -0.7)])
@pytest.mark.parametrize("seed", range(5))
def test_opens_and_closes_on_tonic_with_a_cadence(bars: int, v: float, a: float, seed: int) -> None:
    key = Key(2, "major" if v >= 0 else "minor")
    chords = _gen(v, a, key, bars, seed)
    assert chords[0].root_pc == key.tonic_pc
    assert chords[-1].root_pc == key.tonic_pc
    assert chords[-1].quality == ("maj" if v >= 0 else "min")
    cadence_rel = (chords[-2].root_pc - key.tonic_pc) % 12
    assert cadence_rel in (5, 7, 10)  # IV, V or bVII before the tonic


def test_mode_follows_the_key() -> None:
    major = _gen(0.7, 0.5, Key(0, "major"))
    minor = _gen(-0.7, 0.5, Key(9, "minor"))
    assert major[0] in (Chord(0, "maj"), Chord(0, "maj7"))
    assert minor[0] == Chord(9, "min")


def test_minor_cadence_uses_raised_dominant() -> None:
    for seed in range(10):
        chords = _gen(-0.7, -0.6, Key(9, "minor"), 4, seed)
        if (chords[-2].root_pc - 9) % 12 == 7:
            assert chords[-2].quality in ("maj", "7")


def test_same_seed_same_progression_and_seeds_vary() -> None:
    key = Key(7)
    assert _gen(0.5, 0.2, key, seed=3) == _gen(0.5, 0.2, key, seed=3)
    variants = {tuple(_gen(0.5, 0.2, key, seed=s)) for s in range(20)}
    assert len(variants) > 1


def test_loop_weights_follow_the_emotion() -> None:
    weights = dict((lp.name, w) for lp, w in GEN.loop_weights(Emotion(0.7, 0.6), Key(0)))
    assert max(weights, key=lambda k: weights[k]) == "I-V-vi-IV"
    assert all(not lp.minor for lp in LOOPS if lp.name in weights)


def test_rejects_unsupported_lengths() -> None:
    with pytest.raises(ConfigError, match="bars must be one of"):
        GEN.generate(Emotion(0, 0), Key(0), 5, np.random.default_rng(0))
