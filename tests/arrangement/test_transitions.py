"""Keys of a sequence's sections and the chords that carry one key into the next."""

from __future__ import annotations

import pytest

from image2music.arrangement.transitions import (
    MOOD_CLOSE,
    MOOD_FAR,
    apply_transition,
    fifths_apart,
    key_for_next,
    mood_distance,
    transition_between,
)
from image2music.theory import chord_symbol, is_diatonic, parse_key
from image2music.types import Chord, Emotion, Key, Progression, TimedChord

C, G, D, A_MIN, C_MIN, E_MAJ, F_SHARP = (
    parse_key(k) for k in ("C", "G", "D", "Am", "Cm", "E", "F#")
)


def test_mood_distance_is_in_the_valence_arousal_plane() -> None:
    assert mood_distance(Emotion(0.0, 0.0), Emotion(0.3, 0.4)) == pytest.approx(0.5)


def test_fifths_apart_on_the_circle() -> None:
    assert fifths_apart(C, G) == 1
    assert fifths_apart(C, A_MIN) == 0
    assert fifths_apart(C, F_SHARP) == 6
    assert fifths_apart(C, C_MIN) == 3


def test_a_close_mood_keeps_the_key_or_takes_the_relative() -> None:
    close = MOOD_CLOSE / 2
    assert key_for_next(C, E_MAJ, close)[0] == C
    key, why = key_for_next(C, parse_key("F#m"), close)
    assert key == A_MIN and "relative" in why


def test_a_middling_mood_moves_at_most_two_fifths() -> None:
    middling = (MOOD_CLOSE + MOOD_FAR) / 2
    assert key_for_next(C, D, middling)[0] == D  # its own key is near enough
    key, _ = key_for_next(C, E_MAJ, middling)
    assert fifths_apart(C, key) <= 2 and key.mode == "major"
    assert key == D  # of the keys within two fifths, the nearest to E


def test_a_far_mood_takes_the_pictures_own_key() -> None:
    assert key_for_next(C, F_SHARP, MOOD_FAR + 0.1)[0] == F_SHARP


@pytest.mark.parametrize(
    ("old", "new", "name", "symbols"),
    [
        (C, C, "none", []),
        (C, C_MIN, "parallel minor", ["G7"]),
        (C, A_MIN, "relative minor", ["Dm", "E7"]),
        (C, G, "pivot chord", ["Am", "D7"]),
        (C, E_MAJ, "secondary dominants", ["F#7", "B7"]),
        (C, F_SHARP, "direct modulation", []),
    ],
)
def test_transitions_by_key_distance(old: Key, new: Key, name: str, symbols: list[str]) -> None:
    t = transition_between(old, new)
    assert t.name == name
    assert [chord_symbol(c) for c in t.chords] == symbols
    assert t.why


def test_a_pivot_chord_belongs_to_both_keys() -> None:
    for new in (G, D, parse_key("F"), parse_key("Em"), parse_key("Dm")):
        t = transition_between(C, new)
        if t.name in ("pivot chord", "relative minor"):
            assert is_diatonic(t.chords[0], C) and is_diatonic(t.chords[0], new)
            assert t.chords[-1] == Chord((new.tonic_pc + 7) % 12, "7")


def test_apply_transition_replaces_only_the_last_bar() -> None:
    bar = 1920
    chords = (
        TimedChord(Chord(0, "maj"), 0, bar),
        TimedChord(Chord(5, "maj"), bar, bar + bar // 2),  # runs into the last bar
        TimedChord(Chord(0, "maj"), 2 * bar + bar // 2, bar // 2),
    )
    prog = Progression(C, chords, 3)
    out = apply_transition(prog, transition_between(C, G))
    assert out.total_ticks == prog.total_ticks
    assert out.chords[:2] == (chords[0], TimedChord(Chord(5, "maj"), bar, bar))
    assert [chord_symbol(tc.chord) for tc in out.chords[2:]] == ["Am", "D7"]
    assert [tc.start_ticks for tc in out.chords[2:]] == [2 * bar, 2 * bar + bar // 2]
    assert apply_transition(prog, transition_between(C, C)) == prog
