"""Writing a melody step by step: network logits + rules + echo, sampled with a seeded generator.

:func:`decode` runs a :class:`StepModel` over the 16th-note grid of a
progression. At every step the rules of :mod:`.constraints` add their biases
and masks to the network's logits, and :func:`image2music.harmony.sampling.sample_token`
draws the id (temperature, top-p). Three things are decided by the decoder
itself:

* **Echo** (motifs return): in every group of eight bars, bars 5-7 repeat the
  rhythm of bars 1-3 (which steps start a note, hold or rest), and their
  pitches are drawn again over the new chords with a bias towards the same
  interval from the previous note as in the first phrase (so the contour
  returns, re-fitted to the harmony; the rules still apply). Bar 8 is free
  for the cadence. The forced ids are fed to the network, so its state
  follows what was written.
* **End**: the last half bar is the tonic nearest the previous note, held.
* **Rendering**: onsets and their holds become notes of
  ``ticks_per_beat / 4`` ticks per step; velocity rises with arousal and
  strong beats are accented.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.sampling import sample_token
from image2music.harmony.tokens import chord_id
from image2music.melody.constraints import (
    DecodingSettings,
    StepContext,
    is_strong,
    range_window,
    step_bias,
)
from image2music.melody.grid import STEPS_PER_BAR, STEPS_PER_BEAT, STEPS_PER_HALF_BAR
from image2music.melody.tokens import (
    BOS,
    FIRST_NOTE_ID,
    HOLD,
    MIN_OCTAVE,
    REST,
    is_note,
    note_id,
    pitch_of,
)
from image2music.types import CHORD_QUALITIES, MODES, Melody, Note, Progression

__all__ = [
    "ECHO_BARS",
    "StepModel",
    "decode",
    "echo_source",
    "progression_chord_ids",
    "tokens_to_melody",
]

#: Bars (0-based, within each group of eight) that echo the bar four earlier.
ECHO_BARS: tuple[int, ...] = (4, 5, 6)


class StepModel(Protocol):
    """A network fed one id at a time."""

    def start(
        self, chords: NDArray[np.integer], condition: NDArray[np.float32]
    ) -> None:  # pragma: no cover - protocol
        """Begin a melody over these per-step chord ids with these conditioning inputs."""

    def next_logits(self, prev_token: int, t: int) -> NDArray[np.float32]:  # pragma: no cover
        """Logits for step ``t`` after ``prev_token``; advances the state."""


def progression_chord_ids(progression: Progression) -> NDArray[np.int64]:
    """Key-relative chord id (harmony vocabulary) of every 16th step of a progression."""
    step_ticks = progression.ticks_per_beat // STEPS_PER_BEAT
    n = progression.total_ticks // step_ticks
    tonic = progression.key.tonic_pc
    out = np.zeros(n, dtype=np.int64)
    for tc in progression.chords:
        token = chord_id((tc.chord.root_pc - tonic) % 12, tc.chord.quality)
        a = tc.start_ticks // step_ticks
        b = -(-tc.end_ticks // step_ticks)
        out[a:b] = token
    return out


def _chord_degrees(progression: Progression) -> list[tuple[int, ...]]:
    step_ticks = progression.ticks_per_beat // STEPS_PER_BEAT
    n = progression.total_ticks // step_ticks
    tonic = progression.key.tonic_pc
    out: list[tuple[int, ...]] = [()] * n
    for tc in progression.chords:
        root = (tc.chord.root_pc - tonic) % 12
        degrees = tuple((root + iv) % 12 for iv in CHORD_QUALITIES[tc.chord.quality])
        for t in range(tc.start_ticks // step_ticks, min(-(-tc.end_ticks // step_ticks), n)):
            out[t] = degrees
    return out


def echo_source(t: int, n_steps: int) -> int | None:
    """The step that step ``t`` echoes, or ``None`` when it is free.

    Steps in bars 5-7 of a complete group of eight bars echo the step four
    bars earlier; the last half bar of the melody is never an echo.
    """
    bar = t // STEPS_PER_BAR
    group_end = (bar // 8 + 1) * 8 * STEPS_PER_BAR
    if bar % 8 not in ECHO_BARS or group_end > n_steps or t >= n_steps - STEPS_PER_HALF_BAR:
        return None
    return t - 4 * STEPS_PER_BAR


def _nearest_tonic(prev: int | None, tonic_pc: int, low: int, high: int) -> int:
    tonics = [p for p in range(low, high + 1) if p % 12 == tonic_pc]
    ref = prev if prev is not None else (low + high) // 2
    return min(tonics, key=lambda p: (abs(p - ref), p))


def decode(
    model: StepModel,
    progression: Progression,
    valence: float,
    arousal: float,
    condition: NDArray[np.float32],
    rng: np.random.Generator,
    settings: DecodingSettings | None = None,
) -> list[int]:
    """Sample the melody ids of a 4/4 progression (see the module docstring).

    Args:
        model: The network.
        progression: The chords (4/4).
        valence: In [-1, 1] (rules).
        arousal: In [-1, 1] (rules).
        condition: The network's conditioning inputs.
        rng: Seeded generator (one number per sampled step).
        settings: Rule weights (default :class:`DecodingSettings`).

    Returns:
        One melody id per 16th step.
    """
    s = settings or DecodingSettings()
    chords = progression_chord_ids(progression)
    degrees = _chord_degrees(progression)
    n = len(chords)
    tonic = progression.key.tonic_pc
    scale = MODES[progression.key.mode]
    low, high = range_window(arousal, tonic, s.range_semitones, valence)
    model.start(chords, condition)
    tokens: list[int] = []
    pitches: list[int | None] = []  # pitch of the note sounding at each step
    prev_token, prev_pitch = BOS, None
    repeats = 0
    last_onset: int | None = None
    final = max(0, n - STEPS_PER_HALF_BAR)
    for t in range(n):
        logits = np.asarray(model.next_logits(prev_token, t), dtype=np.float64)
        sounding = t > 0 and pitches[t - 1] is not None
        if t == final:
            token = note_id(_nearest_tonic(prev_pitch, tonic, low, high), tonic)
        elif t > final:
            token = HOLD if sounding else REST
        else:
            ctx = StepContext(
                t,
                n,
                tonic,
                scale,
                degrees[t],
                prev_pitch,
                sounding,
                low,
                high,
                valence,
                arousal,
                rest_run=_run_length(tokens, REST),
                hold_run=_run_length(tokens, HOLD) + 1 if sounding else 0,
                repeats=repeats,
                onset_steps_ago=t - last_onset if last_onset is not None else 0,
            )
            bias = step_bias(ctx, s)
            src = echo_source(t, n) if s.echo else None
            if src is not None:
                bias = _echo_bias(bias, src, tokens, pitches, prev_pitch, sounding, tonic, s)
            token = sample_token(
                logits + bias, np.isfinite(bias), rng, temperature=s.temperature, top_p=s.top_p
            )
        tokens.append(token)
        if is_note(token):
            pitch = pitch_of(token, tonic)
            repeats = repeats + 1 if pitch == prev_pitch else 1
            prev_pitch, last_onset = pitch, t
            pitches.append(prev_pitch)
        else:
            pitches.append(pitches[-1] if token == HOLD and pitches else None)
        prev_token = token
    return tokens


def _run_length(tokens: Sequence[int], token: int) -> int:
    """How many of the last ids equal ``token``."""
    k = 0
    while k < len(tokens) and tokens[-1 - k] == token:
        k += 1
    return k


def _echo_bias(
    bias: NDArray[np.float64],
    src: int,
    tokens: Sequence[int],
    pitches: Sequence[int | None],
    prev_pitch: int | None,
    sounding: bool,
    tonic: int,
    s: DecodingSettings,
) -> NDArray[np.float64]:
    """Restrict a step to the echoed step's kind; pull onsets to the echoed interval."""
    out = np.full_like(bias, -np.inf)
    kind = tokens[src]
    if kind == HOLD and sounding:
        out[HOLD] = 0.0
        return out
    if not is_note(kind):
        out[REST] = 0.0
        return out
    src_pitch = pitch_of(kind, tonic)
    before = [p for p in pitches[:src] if p is not None]
    src_prev = next(
        (pitch_of(tokens[k], tonic) for k in range(src - 1, -1, -1) if is_note(tokens[k])), None
    )
    if prev_pitch is None or src_prev is None or not before:
        want = float(src_pitch)
    else:
        want = float(prev_pitch + (src_pitch - src_prev))
    notes = np.flatnonzero(np.isfinite(bias))
    notes = notes[notes >= 5]
    pitches_of_notes = tonic + 12 * MIN_OCTAVE + (notes - FIRST_NOTE_ID)
    out[notes] = bias[notes] - s.echo_weight * np.abs(pitches_of_notes - want)
    if not np.isfinite(out).any():  # nothing fits: keep the step free
        return bias
    return out


def tokens_to_melody(
    tokens: Sequence[int], progression: Progression, arousal: float, rng: np.random.Generator
) -> Melody:
    """Notes of melody ids in the progression's key (onset + its holds = one note).

    Args:
        tokens: One id per 16th step.
        progression: Supplies key and resolution.
        arousal: Sets the velocity (72..97); strong beats get +8.
        rng: Seeded generator (a small velocity jitter per note).

    Returns:
        The monophonic melody.
    """
    step = progression.ticks_per_beat // STEPS_PER_BEAT
    tonic = progression.key.tonic_pc
    base = 72 + round(25 * (float(np.clip(arousal, -1.0, 1.0)) + 1) / 2)
    notes: list[Note] = []
    t = 0
    while t < len(tokens):
        token = tokens[t]
        if not is_note(token):
            t += 1
            continue
        end = t + 1
        while end < len(tokens) and tokens[end] == HOLD:
            end += 1
        velocity = base + (8 if is_strong(t) else 0) + int(rng.integers(-3, 4))
        notes.append(
            Note(pitch_of(token, tonic), t * step, (end - t) * step, max(1, min(127, velocity)))
        )
        t = end
    return Melody(tuple(notes), progression.ticks_per_beat)
