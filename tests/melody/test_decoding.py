"""The decoder's musical rules, with a random stand-in network (no model files needed)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from image2music.baseline.harmony import BaselineHarmony
from image2music.melody.constraints import DecodingSettings, range_window
from image2music.melody.decoding import decode, echo_source, tokens_to_melody
from image2music.melody.grid import condition_vector
from image2music.melody.tokens import HOLD, is_note
from image2music.types import MODES, Emotion, Key, Melody, Progression

from .conftest import RandomStepModel


def _progression(key: Key, bars: int = 8, seed: int = 0) -> Progression:
    return BaselineHarmony().generate(Emotion(0.3, 0.0), key, bars, np.random.default_rng(seed))


def _melody(
    prog: Progression, v: float, a: float, seed: int, settings: DecodingSettings | None = None
) -> tuple[list[int], Melody]:
    rng = np.random.default_rng(seed)
    cond = condition_vector(v, a, prog.key.mode == "minor")
    tokens = decode(RandomStepModel(seed), prog, v, a, cond, rng, settings)
    return tokens, tokens_to_melody(tokens, prog, a, rng)


@pytest.mark.parametrize("key", [Key(0, "major"), Key(9, "minor"), Key(3, "dorian")])
def test_rules_hold(key: Key) -> None:
    prog = _progression(key)
    for seed in range(4):
        tokens, mel = _melody(prog, 0.0, 0.0, seed)
        assert len(tokens) == 16 * prog.bars
        notes = mel.notes
        # monophonic, sorted, spans the progression, last note the held tonic
        assert all(a.end_ticks <= b.start_ticks for a, b in itertools.pairwise(notes))
        assert notes[-1].end_ticks == prog.total_ticks
        assert notes[-1].pitch % 12 == key.tonic_pc
        assert notes[-1].start_ticks == prog.total_ticks - prog.bar_ticks // 2
        # beats 1 and 3: chord tones, or scale tones (appoggiaturas)
        strong = [n for n in notes if n.start_ticks % (prog.bar_ticks // 2) == 0]
        assert strong
        scale = {(key.tonic_pc + d) % 12 for d in MODES[key.mode]}
        for n in strong:
            chord = set(prog.chord_at(n.start_ticks).chord.pitch_classes)
            assert n.pitch % 12 in chord | scale
        # no pitch struck more than max_repeats times in a row
        runs = [len(list(g)) for _, g in itertools.groupby(n.pitch for n in notes)]
        assert max(runs) <= DecodingSettings().max_repeats
        # singable range inside the arousal window
        low, high = range_window(0.0, key.tonic_pc, DecodingSettings().range_semitones)
        assert all(low <= n.pitch <= high for n in notes)
        assert max(n.pitch for n in notes) - min(n.pitch for n in notes) <= 24
        # no leap beyond an octave
        assert all(abs(a.pitch - b.pitch) <= 12 for a, b in itertools.pairwise(notes))
        # phrase ends (second half of bar 4) on chord tones, stable ones first
        third = 4 if key.is_major else 3
        stable = {(key.tonic_pc + d) % 12 for d in (0, third, 7)}
        ends = []
        for n in notes:
            bar, pos = divmod(n.start_ticks, prog.bar_ticks)
            if bar % 4 == 3 and pos >= prog.bar_ticks // 2:
                tones = set(prog.chord_at(n.start_ticks).chord.pitch_classes)
                assert n.pitch % 12 in tones
                ends.append(n.pitch % 12 in (tones & stable or tones))
        assert np.mean(ends) > 0.5


def test_hold_only_after_a_note_and_deterministic() -> None:
    prog = _progression(Key(7, "major"))
    a, _ = _melody(prog, 0.2, 0.4, 5)
    b, _ = _melody(prog, 0.2, 0.4, 5)
    c, _ = _melody(prog, 0.2, 0.4, 6)
    assert a == b and a != c
    for prev, cur in itertools.pairwise(a):
        if cur == HOLD:
            assert prev == HOLD or is_note(prev)


def test_echo_bars_5_to_7_repeat_rhythm_and_contour() -> None:
    prog = _progression(Key(0, "major"))
    agree, total = 0, 0
    for seed in range(6):
        tokens, mel = _melody(prog, 0.3, 0.2, seed)
        for t in range(64, 112):
            assert echo_source(t, len(tokens)) == t - 64
            src, cur = tokens[t - 64], tokens[t]
            assert is_note(src) == is_note(cur)
            if not is_note(src):
                assert (cur == HOLD) == (src == HOLD) or cur != HOLD
        first = [n for n in mel.notes if 0 < n.start_ticks < 3 * prog.bar_ticks]
        echo = [n for n in mel.notes if 4 * prog.bar_ticks < n.start_ticks < 7 * prog.bar_ticks]
        assert len(first) == len(echo)
        d1 = np.sign(np.diff([n.pitch for n in first]))
        d2 = np.sign(np.diff([n.pitch for n in echo]))
        agree += int((d1 == d2).sum())
        total += len(d1)
    assert agree / total > 0.6
    assert echo_source(70, 64) is None  # 4 bars: no echo
    assert echo_source(16 * 8 - 4, 16 * 8) is None  # the end is never an echo


def test_arousal_sets_density_and_register() -> None:
    prog = _progression(Key(2, "major"))
    no_echo = DecodingSettings(echo=False)
    calm = [_melody(prog, 0.0, -0.9, s, no_echo)[1] for s in range(8)]
    lively = [_melody(prog, 0.0, 0.9, s, no_echo)[1] for s in range(8)]
    assert np.mean([len(m.notes) for m in lively]) > 1.2 * np.mean([len(m.notes) for m in calm])

    def pitch(ms: list[Melody]) -> float:
        return float(np.mean([n.pitch for m in ms for n in m.notes]))

    assert pitch(lively) > pitch(calm) + 3


def test_valence_shapes_leaps_and_contour() -> None:
    prog = _progression(Key(0, "major"))
    no_echo = DecodingSettings(echo=False)
    sad = [_melody(prog, -0.9, 0.0, s, no_echo)[1] for s in range(10)]
    happy = [_melody(prog, 0.9, 0.0, s, no_echo)[1] for s in range(10)]

    def leaps(ms: list[Melody]) -> float:
        return float(
            np.mean(
                [
                    abs(b.pitch - a.pitch)
                    for m in ms
                    for a, b in zip(m.notes, m.notes[1:], strict=False)
                ]
            )
        )

    assert leaps(happy) > leaps(sad)

    def slope(ms: list[Melody]) -> float:
        """Mean pitch of each phrase's first bar minus its third bar."""
        bt = prog.bar_ticks
        first = [n.pitch for m in ms for n in m.notes if (n.start_ticks // bt) % 4 == 0]
        third = [n.pitch for m in ms for n in m.notes if (n.start_ticks // bt) % 4 == 2]
        return float(np.mean(first) - np.mean(third))

    assert slope(sad) > slope(happy)  # sad lines fall, happy ones arch upwards
