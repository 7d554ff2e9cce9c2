"""The decoder's pop-harmony conventions, on the shipped model (no torch needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from image2music.errors import CompositionError, ConfigError
from image2music.harmony.base import HarmonyGenerator
from image2music.harmony.constraints import (
    CADENCES,
    cadence_ids,
    modal_bias,
    step_mask,
    tonic_ids,
)
from image2music.harmony.decoding import progression_to_tokens, tokens_to_progression
from image2music.harmony.network import NetworkHarmony
from image2music.harmony.sampling import sample_token
from image2music.harmony.tokens import BOS, CHORD_IDS, NO_CHORD, UNK, VOCAB_SIZE, chord_id
from image2music.theory import relative_root
from image2music.types import MODES, Chord, Emotion, Key, Progression


@pytest.fixture(scope="module")
def gen(shipped_model: Path) -> NetworkHarmony:
    return NetworkHarmony()


def _rel(key: Key, chord: Chord) -> tuple[int, str]:
    return relative_root(chord, key), chord.quality


def _check(prog: Progression, key: Key, bars: int) -> None:
    assert prog.bars == bars and prog.key == key
    bar, half = prog.bar_ticks, prog.bar_ticks // 2
    chords = prog.chords
    minor = MODES[key.mode][2] == 3
    tonic = (0, "min" if minor else "maj")
    # opens and closes on the same tonic triad
    assert _rel(key, chords[0].chord) == tonic
    assert _rel(key, chords[-1].chord) == tonic
    # one or two chords a bar, changes only at half bars
    for tc in chords:
        assert tc.start_ticks % half == 0 and tc.duration_ticks % half == 0
    for b in range(bars):
        starts = {tc.start_ticks for tc in chords if b * bar <= tc.start_ticks < (b + 1) * bar}
        assert len(starts) <= 2
    # the chord before the final tonic comes from the cadence set
    assert _rel(key, chords[-2].chord) in CADENCES[key.mode]
    # the final tonic sounds at least the last half bar, at most the whole last bar
    assert half <= chords[-1].duration_ticks <= bar
    assert chords[-1].end_ticks == bars * bar


def test_satisfies_protocol(gen: NetworkHarmony) -> None:
    assert isinstance(gen, HarmonyGenerator)
    assert gen.name == "network-harmony" and gen.version


@pytest.mark.parametrize("bars", [4, 8, 16])
@pytest.mark.parametrize("key", [Key(0, "major"), Key(9, "minor"), Key(2, "dorian")])
def test_constraints_hold_for_every_length_and_mode(
    gen: NetworkHarmony, bars: int, key: Key
) -> None:
    for seed in range(12):
        for v, a in ((0.8, 0.8), (-0.8, -0.8), (0.0, 0.0)):
            prog = gen.generate(Emotion(v, a), key, bars, np.random.default_rng(seed))
            _check(prog, key, bars)


@pytest.mark.parametrize("mode", list(MODES))
def test_every_mode_and_tonic(gen: NetworkHarmony, mode: str) -> None:
    for tonic in (0, 5, 11):
        key = Key(tonic, mode)
        _check(gen.generate(Emotion(0.3, -0.2), key, 8, np.random.default_rng(tonic)), key, 8)


def test_same_seed_same_progression_other_seeds_differ(gen: NetworkHarmony) -> None:
    key, emo = Key(3, "major"), Emotion(0.4, 0.1)
    a = gen.generate(emo, key, 8, np.random.default_rng(42))
    b = gen.generate(emo, key, 8, np.random.default_rng(42))
    assert a == b
    others = {gen.generate(emo, key, 8, np.random.default_rng(s)).chords for s in range(10)}
    assert len(others) > 3


def test_greedy_decoding_is_seed_independent(shipped_model: Path) -> None:
    greedy = NetworkHarmony(temperature=0.0)
    runs = {greedy.generate(Emotion(0.5, 0.5), Key(0), 8, np.random.default_rng(s)) for s in (1, 2)}
    assert len(runs) == 1


def test_bad_options_are_config_errors(gen: NetworkHarmony, shipped_model: Path) -> None:
    with pytest.raises(ConfigError):
        gen.generate(Emotion(0, 0), Key(0), 5, np.random.default_rng(0))
    with pytest.raises(ConfigError):
        NetworkHarmony(top_p=0.0)


def test_step_mask_rules() -> None:
    n = 16
    first = step_mask(0, n, [], "major")
    assert first.sum() == 1 and first[chord_id(0, "maj")]
    assert step_mask(0, n, [], "dorian")[chord_id(0, "min")]
    hist = [chord_id(0, "maj")] + [chord_id(9, "min")] * 13
    pen = step_mask(n - 2, n, hist, "major")
    assert set(np.flatnonzero(pen)) == set(cadence_ids("major"))
    hist_cad = [*hist[:-1], chord_id(7, "maj")]
    assert step_mask(n - 2, n, hist_cad, "major")[hist[0]]  # tonic after a cadence chord
    last = step_mask(n - 1, n, [*hist, chord_id(7, "7")], "major")
    assert np.flatnonzero(last).tolist() == [hist[0]]
    middle = step_mask(5, n, hist[:5], "minor")
    assert not middle[[0, 1, 2, NO_CHORD, UNK]].any() and middle[CHORD_IDS].all()
    assert tonic_ids("phrygian") == (chord_id(0, "min"),)


def test_modal_bias_only_for_church_modes() -> None:
    assert not modal_bias("major", 1.5).any()
    dorian = modal_bias("dorian", 1.5)
    assert dorian[chord_id(5, "maj")] == 1.5  # IV in dorian
    assert dorian[chord_id(8, "maj")] == 0.0  # bVI is not in dorian
    assert modal_bias("mixolydian", 1.5)[chord_id(10, "maj")] == 1.5


def test_sample_token_temperature_top_p_and_mask() -> None:
    logits = np.zeros(VOCAB_SIZE, dtype=np.float32)
    logits[10], logits[20] = 5.0, 4.0
    allowed = np.zeros(VOCAB_SIZE, dtype=bool)
    allowed[[10, 20, 30]] = True
    rng = np.random.default_rng(0)
    assert sample_token(logits, allowed, rng, temperature=0.0) == 10
    assert {sample_token(logits, allowed, rng, top_p=0.5) for _ in range(50)} == {10}
    drawn = {sample_token(logits, allowed, rng, temperature=5.0) for _ in range(300)}
    assert drawn == {10, 20, 30}
    allowed[10] = False
    assert sample_token(logits, allowed, rng, temperature=0.0) == 20
    with pytest.raises(CompositionError):
        sample_token(logits, np.zeros(VOCAB_SIZE, dtype=bool), rng)
    with pytest.raises(CompositionError):
        sample_token(logits, allowed, rng, top_p=1.5)


def test_tokens_round_trip_through_a_progression() -> None:
    key = Key(7, "minor")
    toks = [chord_id(0, "min")] * 3 + [chord_id(5, "min7"), chord_id(7, "7"), chord_id(0, "min")]
    toks += [chord_id(10, "maj"), chord_id(0, "min")]
    prog = tokens_to_progression(toks, key, 4)
    assert len(prog.chords) == 6  # the first three steps merge
    assert prog.chords[0].duration_ticks == 3 * 960
    assert progression_to_tokens(prog) == toks
    with pytest.raises(CompositionError):
        tokens_to_progression(toks[:-1], key, 4)
    assert BOS not in toks
