"""Rule-based melody: chord tones on strong beats, scale steps between.

The yardstick for the melody network. Rules:

* **Rhythm** in eighth notes from a table of one-bar patterns in three
  densities; arousal picks the density (calm: half and quarter notes, excited:
  eighths). Melodies are built in four-bar phrases; bar 3 repeats bar 1's
  rhythm, bar 4 is a cadence bar with longer notes, and every phrase after
  the first echoes the first (same rhythm, same contour re-fitted to the
  chords), so motifs return.
* **Pitch**: on strong beats (beats 1 and 3 of 4/4) a chord tone, favouring
  the third and fifth over the root; between them scale steps, with a leap
  now and then (more often for high valence and arousal). Notes follow a
  phrase contour: an arch for positive valence, a falling line for negative.
* **Range**: about an octave and a half around the tonic above middle C,
  raised up to three semitones by arousal.
* **Breath and resolution**: each phrase ends on a stable chord tone followed
  by an eighth rest; the piece ends on the tonic.
* **Dynamics**: velocity 72..97 by arousal, strong beats accented.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from image2music.types import Emotion, Melody, Note, Progression

__all__ = ["RHYTHMS", "BaselineMelody"]

#: One-bar rhythms of 4/4 in eighth notes, by density (0 calm .. 2 excited).
RHYTHMS: tuple[tuple[tuple[int, ...], ...], ...] = (
    ((4, 4), (6, 2), (2, 2, 4), (4, 2, 2), (3, 1, 4)),
    ((2, 2, 2, 2), (3, 1, 2, 2), (2, 1, 1, 4), (2, 2, 1, 1, 2), (1, 1, 2, 2, 2)),
    ((1, 1, 1, 1, 2, 2), (1, 1, 2, 1, 1, 2), (2, 1, 1, 2, 1, 1), (1, 1, 1, 1, 1, 1, 2)),
)

#: Cadence-bar rhythms (the fourth bar of a phrase), by density.
CADENCE_RHYTHMS: tuple[tuple[tuple[int, ...], ...], ...] = (
    ((8,), (4, 4)),
    ((4, 4), (2, 2, 4)),
    ((2, 2, 4), (1, 1, 2, 4)),
)

_PHRASE_BARS = 4


@dataclass(frozen=True)
class _Slot:
    start_ticks: int
    duration_ticks: int
    strong: bool
    phrase_end: bool


class BaselineMelody:
    """Chord tones on strong beats, scale steps between, in echoing phrases."""

    name = "baseline-melody"
    version = "1.0"

    def generate(
        self, progression: Progression, emotion: Emotion, rng: np.random.Generator
    ) -> Melody:
        """Generate a melody over ``progression``.

        Args:
            progression: The chords; its key, metre and length frame the melody.
            emotion: Arousal sets density, register and dynamics; valence the
                contour and the share of leaps.
            rng: Seeded random generator.

        Returns:
            A monophonic melody ending on the tonic.
        """
        slots = self._rhythm(progression, emotion, rng)
        pitches = self._pitches(progression, emotion, slots, rng)
        base_vel = 72 + round(25 * (emotion.arousal + 1) / 2)
        notes = []
        for i, (slot, pitch) in enumerate(zip(slots, pitches, strict=True)):
            duration = slot.duration_ticks
            last = i == len(slots) - 1
            eighth = progression.ticks_per_beat // 2
            if slot.phrase_end and not last and duration >= 2 * eighth:
                duration -= eighth  # breathe before the next phrase
            velocity = base_vel + (8 if slot.strong else 0) + int(rng.integers(-3, 4))
            notes.append(Note(pitch, slot.start_ticks, duration, max(1, min(127, velocity))))
        return Melody(tuple(notes), progression.ticks_per_beat)

    # ----------------------------------------------------------------- rhythm

    @staticmethod
    def _density(emotion: Emotion) -> int:
        if emotion.arousal < -0.33:
            return 0
        return 1 if emotion.arousal < 0.33 else 2

    def _rhythm(
        self, progression: Progression, emotion: Emotion, rng: np.random.Generator
    ) -> list[_Slot]:
        tpb = progression.ticks_per_beat
        eighth = tpb // 2
        bar_ticks = progression.bar_ticks
        eighths_per_bar = bar_ticks // eighth
        density = self._density(emotion)

        def pick(table: tuple[tuple[int, ...], ...]) -> tuple[int, ...]:
            return table[int(rng.integers(len(table)))]

        if eighths_per_bar == 8:
            a, b = pick(RHYTHMS[density]), pick(RHYTHMS[density])
            cadence = pick(CADENCE_RHYTHMS[density])
            phrase = [a, b, a, cadence]
            final = (8,) if density == 0 else (4, 4)
        else:
            beat_units = max(1, eighths_per_bar // 2)
            plain = tuple([2] * beat_units) if eighths_per_bar % 2 == 0 else (eighths_per_bar,)
            phrase, final = [plain, plain, plain, plain], (eighths_per_bar,)

        slots: list[_Slot] = []
        half_bar = bar_ticks // 2
        for bar in range(progression.bars):
            pattern = final if bar == progression.bars - 1 else phrase[bar % _PHRASE_BARS]
            pos = bar * bar_ticks
            for j, units in enumerate(pattern):
                end_of_phrase = (bar % _PHRASE_BARS == _PHRASE_BARS - 1) and j == len(pattern) - 1
                slots.append(_Slot(pos, units * eighth, (pos % half_bar) == 0, end_of_phrase))
                pos += units * eighth
        last = slots[-1]
        slots[-1] = _Slot(last.start_ticks, last.duration_ticks, last.strong, True)
        return slots

    # ----------------------------------------------------------------- pitch

    def _pitches(
        self,
        progression: Progression,
        emotion: Emotion,
        slots: list[_Slot],
        rng: np.random.Generator,
    ) -> list[int]:
        key = progression.key
        tonic_mid = 60 + key.tonic_pc
        if tonic_mid > 66:
            tonic_mid -= 12
        shift = round(3 * max(0.0, emotion.arousal))
        lo, hi = tonic_mid - 5 + shift, tonic_mid + 16 + shift
        scale = [p for p in range(lo, hi + 1) if p % 12 in key.scale_pcs]
        centre = tonic_mid + 5 + shift
        leap_chance = 0.1 + 0.15 * max(0.0, emotion.valence) + 0.1 * max(0.0, emotion.arousal)
        phrase_ticks = _PHRASE_BARS * progression.bar_ticks

        first_phrase: dict[int, int] = {}
        pitches: list[int] = []
        prev = centre
        for idx, slot in enumerate(slots):
            tc = progression.chord_at(slot.start_ticks)
            chord_pcs = tc.chord.pitch_classes
            phase = (slot.start_ticks % phrase_ticks) / phrase_ticks
            if emotion.valence >= 0:
                target = centre + 5 * math.sin(math.pi * phase) - 1
            else:
                target = centre + 4 - 8 * phase
            offset = slot.start_ticks % phrase_ticks
            echo = slot.start_ticks >= phrase_ticks and offset in first_phrase
            if idx == len(slots) - 1:
                tonics = [p for p in scale if p % 12 == key.tonic_pc]
                pitch = min(tonics, key=lambda p: (abs(p - prev), p))
            elif slot.strong or slot.phrase_end:
                tones = [p for p in scale if p % 12 in chord_pcs] or scale
                want = first_phrase[offset] if echo else target

                scores = [
                    self._strong_score(p, want, prev, chord_pcs, slot.phrase_end) for p in tones
                ]
                pitch = self._softmax_pick(tones, scores, rng, temperature=0.5)
            else:
                if echo:
                    pitch = min(scale, key=lambda p: (abs(p - first_phrase[offset]), p))
                else:
                    pitch = self._step(prev, target, scale, leap_chance, rng)
            if slot.start_ticks < phrase_ticks:
                first_phrase[offset] = pitch
            pitches.append(pitch)
            prev = pitch
        return pitches

    @staticmethod
    def _step(
        prev: int, target: float, scale: list[int], leap_chance: float, rng: np.random.Generator
    ) -> int:
        i = min(range(len(scale)), key=lambda k: (abs(scale[k] - prev), k))
        direction = 1 if target > prev else -1
        if rng.random() < 0.25:
            direction = -direction
        size = int(rng.integers(2, 5)) if rng.random() < leap_chance else 1
        j = max(0, min(len(scale) - 1, i + direction * size))
        if j == i:
            j = max(0, min(len(scale) - 1, i - direction))
        return scale[j]

    @staticmethod
    def _strong_score(
        p: int, want: float, prev: int, chord_pcs: tuple[int, ...], phrase_end: bool
    ) -> float:
        """Preference of a chord tone: near the contour and the last note, upper tones."""
        role = chord_pcs.index(p % 12) if p % 12 in chord_pcs else 0
        upper = 1.0 if role in (1, 2) else 0.0
        stable = 1.5 if phrase_end and role in (0, 1) else 0.0
        return -abs(p - want) * 0.5 - abs(p - prev) * 0.4 + upper + stable

    @staticmethod
    def _softmax_pick(
        candidates: list[int], scores: list[float], rng: np.random.Generator, temperature: float
    ) -> int:
        values = np.array(scores)
        w = np.exp((values - values.max()) / temperature)
        return candidates[int(rng.choice(len(candidates), p=w / w.sum()))]
