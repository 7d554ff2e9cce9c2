"""The harmony rules where the data falls short: dominants, vi, impossible moves, loops, colour."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from numpy.typing import NDArray

from image2music.harmony.colour import HarmonyRules, brightness
from image2music.harmony.constraints import step_mask
from image2music.harmony.decoding import decode
from image2music.harmony.grid import condition_vector
from image2music.harmony.tokens import VOCAB_SIZE, chord_id

V, V7, v, v7 = (chord_id(7, q) for q in ("maj", "7", "min", "min7"))
FLAT_VI = (chord_id(8, "maj"), chord_id(8, "maj7"))


class LoopModel:
    """A stand-in network that loves two chords and the minor v (what the rules correct)."""

    def __init__(self, favourites: dict[int, float]) -> None:
        self.favourites = favourites

    def start(self, n_steps: int, condition: NDArray[np.float32]) -> None:
        del n_steps, condition

    def next_logits(self, prev_token: int, t: int) -> NDArray[np.float32]:
        del prev_token, t
        logits = np.zeros(VOCAB_SIZE, dtype=np.float32)
        for token, logit in self.favourites.items():
            logits[token] = logit
        return logits


def _sample(
    model: LoopModel, mode: str, valence: float, seed: int, rules: HarmonyRules | None
) -> list[int]:
    cond = condition_vector(valence, 0.0, mode == "minor")
    rng = np.random.default_rng(seed)
    return decode(model, 16, mode, cond, rng, valence=valence, rules=rules)


def test_no_two_chord_loop_over_four_bars() -> None:
    model = LoopModel({chord_id(0, "maj"): 8.0, chord_id(5, "maj"): 8.0})
    for seed in range(10):
        ids = _sample(model, "major", 0.0, seed, HarmonyRules())
        assert all(len(set(ids[i : i + 8])) >= 3 for i in range(0, len(ids) - 2 - 7))
    looped = [_sample(model, "major", 0.0, s, None) for s in range(10)]
    assert any(len(set(ids[:14])) <= 2 for ids in looped)  # the model alone loops


def test_minor_dominants_are_mostly_raised_and_v_never_goes_to_flat_vi() -> None:
    # the minor v twice as likely as V, as in the network before the rules
    model = LoopModel({v: 4.0, v7: 4.0, V: 3.3, V7: 3.3, FLAT_VI[0]: 4.0, chord_id(3, "maj"): 4.0})
    raised = natural = 0
    for seed in range(20):
        ids = _sample(model, "minor", 0.0, seed, HarmonyRules())
        raised += sum(x in (V, V7) for x in ids)
        natural += sum(x in (v, v7) for x in ids)
        assert not any(a in (v, v7) and b in FLAT_VI for a, b in pairwise(ids))
    assert raised / (raised + natural) >= 0.5


@pytest.mark.parametrize("mode", ["major", "minor"])
def test_colour_follows_valence_within_a_mode(mode: str) -> None:
    model = LoopModel({})
    minor = mode == "minor"

    def mean_brightness(valence: float) -> float:
        ids = [x for s in range(12) for x in _sample(model, mode, valence, s, HarmonyRules())]
        return float(np.mean([brightness(x, minor) for x in ids]))

    levels = [mean_brightness(val) for val in (-0.8, -0.4, 0.0, 0.4, 0.8)]
    assert levels == sorted(levels)


def test_brightness_knows_borrowed_and_bright_chords() -> None:
    iv_major, flat_vi = chord_id(5, "min"), chord_id(8, "maj")
    assert brightness(iv_major, minor=False) < brightness(chord_id(5, "maj"), minor=False)
    assert brightness(flat_vi, minor=False) < brightness(chord_id(9, "min"), minor=False) + 0.5
    assert brightness(chord_id(5, "maj"), minor=True) > brightness(chord_id(5, "min"), minor=True)
    assert brightness(chord_id(0, "maj7"), minor=False) > brightness(chord_id(0, "maj"), False)


def test_rules_never_empty_the_mask() -> None:
    from image2music.harmony.colour import rule_bias

    mask = step_mask(14, 16, [chord_id(0, "maj")] * 14, "major")
    _, narrowed = rule_bias(14, 16, [chord_id(0, "maj")] * 14, False, 0.0, mask, HarmonyRules())
    assert narrowed.any()
