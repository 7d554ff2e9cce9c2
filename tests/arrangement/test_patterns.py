from __future__ import annotations

import itertools

import pytest

from image2music.arrangement.patterns import NEUTRAL_VELOCITY, PATTERNS, pattern_for, play_pattern
from image2music.types import Chord, TimedChord

from .conftest import arranged

BAR, BEAT = 1920, 480
CHORDS = [TimedChord(Chord(0, "maj"), 0, BAR), TimedChord(Chord(7, "7"), BAR, BAR)]
VOICINGS = [(48, 52, 55, 60), (47, 50, 53, 55)]


@pytest.mark.parametrize(
    ("arousal", "pattern"),
    [(-0.9, "pad"), (-0.4, "pad"), (-0.2, "broken"), (0.0, "broken"), (0.3, "arpeggio"),
     (0.55, "comping"), (1.0, "comping")],
)  # fmt: skip
def test_pattern_by_arousal(arousal: float, pattern: str) -> None:
    assert pattern_for(arousal)[0] == pattern


def test_pad_holds_the_voicing_per_bar() -> None:
    notes = play_pattern(CHORDS, VOICINGS, "pad", bar_ticks=BAR, beat_ticks=BEAT)
    assert [(n.pitch, n.start_ticks, n.duration_ticks) for n in notes[:4]] == [
        (p, 0, BAR) for p in VOICINGS[0]
    ]
    assert len(notes) == 8


def test_broken_plays_one_tone_per_beat_and_arpeggio_eighths() -> None:
    broken = play_pattern(CHORDS, VOICINGS, "broken", bar_ticks=BAR, beat_ticks=BEAT)
    assert [n.start_ticks for n in broken] == list(range(0, 2 * BAR, BEAT))
    assert [n.pitch for n in broken[:4]] == [48, 55, 52, 60]
    arp = play_pattern(CHORDS, VOICINGS, "arpeggio", bar_ticks=BAR, beat_ticks=BEAT)
    assert [n.start_ticks for n in arp] == list(range(0, 2 * BAR, BEAT // 2))
    assert [n.pitch for n in arp[:8]] == [48, 52, 55, 60, 55, 52, 48, 52]


def test_comping_stabs_the_whole_voicing_with_accents() -> None:
    notes = play_pattern(CHORDS, VOICINGS, "comping", bar_ticks=BAR, beat_ticks=BEAT)
    onsets = sorted({n.start_ticks for n in notes if n.start_ticks < BAR})
    assert onsets == [0, 720, 960, 1440]
    first = [n for n in notes if n.start_ticks == 0]
    assert sorted(n.pitch for n in first) == list(VOICINGS[0])
    assert all(n.velocity > NEUTRAL_VELOCITY for n in first)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_note_lies_inside_its_chord(pattern: str) -> None:
    short = [TimedChord(Chord(0), 0, 960), TimedChord(Chord(5), 960, 2880)]
    notes = play_pattern(short, VOICINGS, pattern, bar_ticks=BAR, beat_ticks=BEAT)
    for n in notes:
        tc = short[0] if n.start_ticks < 960 else short[1]
        assert tc.start_ticks <= n.start_ticks and n.end_ticks <= tc.end_ticks
        assert n.pitch in VOICINGS[short.index(tc)]
    assert {n.start_ticks for n in notes} >= {0, 960}  # each chord is struck on arrival


def test_voice_leading_is_smooth_and_complete() -> None:
    arr = arranged(-0.7, -0.7, bars=8)  # pad pattern: one voicing per chord
    chords = arr.progression.chords
    track = next(t for t in arr.tracks if t.name == "Chords")
    voicings = []
    for tc in chords:
        struck = sorted(n.pitch for n in track.notes if abs(n.start_ticks - tc.start_ticks) <= 16)
        assert {p % 12 for p in struck} == set(tc.chord.pitch_classes) or len(struck) >= 3
        voicings.append(struck)
    moves = [
        sum(abs(a - b) for a, b in zip(v, w, strict=False)) / len(v)
        for v, w in itertools.pairwise(voicings)
        if len(v) == len(w)
    ]
    assert moves and max(moves) <= 4.0
    assert sum(moves) / len(moves) <= 2.5
