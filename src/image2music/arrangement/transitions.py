"""Joins between the sections of a sequence: the keys, and the chords that change key.

**Keys.** Each picture has a key of its own (mode from its valence, tonic from
its colour, :func:`~image2music.arrangement.plan.plan_music`). In a sequence
the key of a section also depends on how far its mood is from the previous
section's (:func:`mood_distance`, the distance in the valence-arousal plane):

* closer than :data:`MOOD_CLOSE`: the same key, or its relative key when the
  mode changes (same notes, same signature);
* closer than :data:`MOOD_FAR`: the key of the picture's mode nearest its own
  within :data:`NEAR_FIFTHS` steps of the circle of fifths of the previous key;
* further: the picture's own key, however far.

So close moods sit in close keys and only far moods move far.

**Transitions** (:func:`transition_between`), played in the last bar of the
earlier section, so the new section starts on its tonic at the phrase boundary:

* the same key: nothing changes;
* the parallel key (same tonic, other mode): the shared dominant seventh;
* keys up to two fifths apart: a **pivot chord** (a chord of both keys that is
  a pre-dominant, ii, IV or vi, of the new one), then the new key's V7;
  with the same signature this is the move to the relative major or minor;
* up to four fifths: **secondary dominants**, V7 of V then V7 of the new key;
* further (only for far moods): a **direct modulation** at the phrase
  boundary, without preparation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from image2music.types import Chord, Emotion, Key, Progression, TimedChord

__all__ = [
    "MOOD_CLOSE",
    "MOOD_FAR",
    "NEAR_FIFTHS",
    "Transition",
    "apply_transition",
    "fifths_apart",
    "key_for_next",
    "mood_distance",
    "transition_between",
]

#: Mood distance below which a section keeps the key (or takes the relative key).
MOOD_CLOSE = 0.35
#: Mood distance from which a section takes its picture's own key.
MOOD_FAR = 0.8
#: Steps on the circle of fifths a middling mood change may move the key.
NEAR_FIFTHS = 2


@dataclass(frozen=True)
class Transition:
    """How one section leads into the next.

    Attributes:
        name: ``"none"``, ``"parallel major"``/``"parallel minor"``,
            ``"relative major"``/``"relative minor"``, ``"pivot chord"``,
            ``"secondary dominants"`` or ``"direct modulation"``.
        chords: Chords that replace the earlier section's last bar, evenly
            spaced (empty: the bar is left as written).
        why: Plain words for the report.
    """

    name: str
    chords: tuple[Chord, ...]
    why: str


def mood_distance(a: Emotion, b: Emotion) -> float:
    """Distance between two moods in the valence-arousal plane (0 to about 2.8)."""
    return math.hypot(a.valence - b.valence, a.arousal - b.arousal)


def _signature(key: Key) -> int:
    from image2music.theory import key_signature

    return key_signature(key)


def fifths_apart(a: Key, b: Key) -> int:
    """Steps between the keys' signatures on the circle of fifths, 0..6."""
    d = (_signature(a) - _signature(b)) % 12
    return min(d, 12 - d)


def key_for_next(previous: Key, own: Key, distance: float) -> tuple[Key, str]:
    """The key of a section, from the previous section's key and the mood distance.

    Args:
        previous: The key of the section before.
        own: The key the section's picture would get on its own.
        distance: :func:`mood_distance` between the two sections' moods.

    Returns:
        The key and the reason in plain words.
    """
    from image2music.theory import key_from_signature, key_name, relative_key

    near = f"mood {distance:.2f} from the section before"
    if own == previous:
        return own, f"{key_name(own)}: the picture's own key, as before"
    if distance < MOOD_CLOSE:
        if own.mode == previous.mode:
            return previous, f"{key_name(previous)}: {near}, close, so the key stays"
        relative = relative_key(previous, own.mode)
        return relative, f"{key_name(relative)}: {near}, close, so the relative {own.mode}"
    if distance < MOOD_FAR:
        if fifths_apart(previous, own) <= NEAR_FIFTHS:
            return own, f"{key_name(own)}: the picture's own key, near the key before"
        base = _signature(previous)
        options = [
            key_from_signature(f, own.mode)
            for f in range(base - NEAR_FIFTHS, base + NEAR_FIFTHS + 1)
            if -6 <= f <= 6
        ]
        chosen = min(options, key=lambda k: (fifths_apart(k, own), _signature(k)))
        return chosen, (
            f"{key_name(chosen)}: {near}, so a key within {NEAR_FIFTHS} fifths of "
            f"{key_name(previous)}, the nearest to the picture's own {key_name(own)}"
        )
    return own, f"{key_name(own)}: the picture's own key ({near}, far)"


def _dominant(key: Key) -> Chord:
    return Chord((key.tonic_pc + 7) % 12, "7")


def _pivot(old: Key, new: Key) -> Chord | None:
    """A pre-dominant of ``new`` (ii, IV, vi, iii) that is also a chord of ``old``."""
    from image2music.theory import diatonic_chord, is_diatonic

    for degree in (2, 4, 6, 3):
        chord = diatonic_chord(new, degree)
        if chord.quality in ("maj", "min") and is_diatonic(chord, old):
            return chord
    return None


def transition_between(old: Key, new: Key) -> Transition:
    """The chords that carry ``old`` into ``new`` (module docstring).

    Args:
        old: Key of the earlier section.
        new: Key of the next section.

    Returns:
        The transition.
    """
    from image2music.theory import chord_symbol, key_name, roman_numeral

    if old == new:
        return Transition("none", (), f"stays in {key_name(new)}")
    v7 = _dominant(new)
    v7_words = f"{chord_symbol(v7, new)} (V7 of {key_name(new)})"
    if old.tonic_pc == new.tonic_pc:
        return Transition(
            f"parallel {new.mode}",
            (v7,),
            f"{key_name(old)} to the parallel {key_name(new)} through their shared dominant "
            f"{v7_words}",
        )
    apart = fifths_apart(old, new)
    pivot = _pivot(old, new) if apart <= NEAR_FIFTHS else None
    if pivot is not None:
        name = f"relative {new.mode}" if apart == 0 else "pivot chord"
        return Transition(
            name,
            (pivot, v7),
            f"{key_name(old)} to {key_name(new)}: pivot chord {chord_symbol(pivot, old)} "
            f"({roman_numeral(pivot, old)} in the old key, {roman_numeral(pivot, new)} in the "
            f"new), then {v7_words}",
        )
    if apart <= 4:
        applied = Chord((new.tonic_pc + 2) % 12, "7")  # V7 of V
        return Transition(
            "secondary dominants",
            (applied, v7),
            f"{key_name(old)} to {key_name(new)}, {apart} fifths apart: secondary dominants "
            f"{chord_symbol(applied, new)} (V7 of V) and {v7_words}",
        )
    return Transition(
        "direct modulation",
        (),
        f"{key_name(old)} to {key_name(new)}, {apart} fifths apart: a direct modulation at "
        "the phrase boundary, as the moods are far apart",
    )


def apply_transition(progression: Progression, transition: Transition) -> Progression:
    """Replace the last bar of ``progression`` with the transition's chords.

    A chord that started before the last bar is cut at the bar line; the
    transition's chords share the bar evenly (the last takes any remainder).

    Args:
        progression: The earlier section's chords.
        transition: The transition into the next section.

    Returns:
        The progression leading into the next key (unchanged for no chords).
    """
    if not transition.chords:
        return progression
    bar_start = progression.total_ticks - progression.bar_ticks
    kept = []
    for tc in progression.chords:
        if tc.start_ticks >= bar_start:
            break
        kept.append(
            TimedChord(tc.chord, tc.start_ticks, min(tc.end_ticks, bar_start) - tc.start_ticks)
        )
    share = progression.bar_ticks // len(transition.chords)
    for i, chord in enumerate(transition.chords):
        start = bar_start + i * share
        end = progression.total_ticks if i == len(transition.chords) - 1 else start + share
        kept.append(TimedChord(chord, start, end - start))
    return Progression(
        progression.key,
        tuple(kept),
        progression.bars,
        progression.time_signature,
        progression.ticks_per_beat,
    )
