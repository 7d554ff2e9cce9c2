from __future__ import annotations

import itertools

from image2music.arrangement.bass import bass_line, bass_pitches, passing_tone
from image2music.types import Chord, Key, TimedChord

from .conftest import arranged

C_MAJOR = Key(0, "major")
BAR, BEAT = 1920, 480


def test_passing_tone_approaches_the_target_by_step() -> None:
    assert passing_tone(36, 41, C_MAJOR) == 40  # C -> F through E
    assert passing_tone(43, 36, C_MAJOR) == 38  # G -> C through D
    assert passing_tone(36, 38, C_MAJOR) == 37  # a whole step: chromatic C#
    assert passing_tone(40, 41, C_MAJOR) is None  # a semitone: nothing between
    assert passing_tone(36, 36, C_MAJOR) is None


def test_passing_tones_lie_between_the_chord_roots() -> None:
    chords = [
        TimedChord(Chord(0), 0, BAR),
        TimedChord(Chord(9, "min"), BAR, BAR),
        TimedChord(Chord(5), 2 * BAR, BAR),
        TimedChord(Chord(7, "7"), 3 * BAR, BAR),
        TimedChord(Chord(0), 4 * BAR, BAR),
    ]
    for pattern in ("pad", "broken", "comping"):
        notes = bass_line(chords, C_MAJOR, pattern, low=33, high=52, bar_ticks=BAR, beat_ticks=BEAT)
        roots = bass_pitches([tc.chord for tc in chords], 33, 52)
        found = 0
        for i, tc in enumerate(chords[:-1]):
            last_beat = [n for n in notes if n.start_ticks == tc.end_ticks - BEAT]
            assert len(last_beat) == 1
            lo, hi = sorted((roots[i], roots[i + 1]))
            if hi - lo > 1:
                assert lo < last_beat[0].pitch < hi
                found += 1
        assert found >= 3
        assert notes[-1].start_ticks == 4 * BAR and notes[-1].duration_ticks == BAR  # held
        starts = [n.start_ticks for n in notes]
        assert starts == sorted(starts) and all(
            a.end_ticks <= b.start_ticks for a, b in itertools.pairwise(notes)
        )


def test_bass_track_of_an_arrangement_stays_in_its_register() -> None:
    arr = arranged(0.5, 0.6)
    lo, hi = arr.choice.to_report()["register"]["bass"]
    bass = next(t for t in arr.tracks if t.name == "Bass")
    assert all(lo <= n.pitch <= hi for n in bass.notes)
    assert bass.channel == 2
