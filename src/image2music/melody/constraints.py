"""The melody decoder's musical sense: masks and logit biases of one 16th step (numpy).

The network proposes; these rules shape what it may say. With ``MIDI`` pitch
``p`` of a candidate onset, ``prev`` the last onset's pitch and ``(v, a)``
the valence and arousal:

* **Strong beats** (beats 1 and 3 of the bar): a tone of the sounding chord
  gets ``strong_chord_bonus`` (its third, fifth and seventh
  ``upper_tone_bonus`` more: the melody sits on the chord's upper notes);
  another scale tone may sound there as an appoggiatura, which must then
  resolve by step (next rule), as real melodies do about a quarter of the time.
* **Non-chord tones resolve by step**: after an onset that is not a tone of
  the chord now sounding (appoggiatura, suspension, passing or neighbour
  tone), a next onset that does not move by one or two semitones loses
  ``resolution_penalty``; off the strong beats, a non-chord tone approached
  by a leap loses ``leap_to_dissonance_penalty``.
* **Syncopation**: an onset on the second 8th of a beat gets
  ``offbeat_bonus``, and a note begun there is held into the next beat with
  ``syncopation_bonus`` (anticipations, syncopated figures).
* **No stutter**: one pitch may be struck at most ``max_repeats`` times in a row.
* **Scale**: an onset off the mode's scale that is no chord tone loses
  ``off_scale_penalty``.
* **Steps**: ``-leap_weight * max(0, |p - prev| - 2)`` with
  ``leap_weight = step_weight - valence_leap_weight * v``: happy melodies
  leap more, sad ones move by step; no interval beyond ``max_leap``.
* **Thirds**: on strong beats a chord's major third gains ``third_weight * v``
  and a minor third loses it (sad melodies lean on minor thirds).
* **Range**: onsets only inside a window of ``range_semitones`` (at most two
  octaves) whose centre rises with arousal and, less, with valence
  (:func:`range_window`).
* **Contour**: ``-contour_weight * |p - target(t)|`` where the target follows
  an arch over each four-bar phrase for positive valence and a falling line
  for negative valence, by ``|v|`` (:func:`contour_target`).
* **Density**: ``HOLD`` loses ``density_weight * a`` and ``REST`` half of it
  (plus constants ``hold_penalty`` and ``rest_penalty``), so aroused melodies have more, shorter
  notes and calm ones fewer, longer ones; rests last at most a quarter note
  (a half bar at a phrase end) and notes at most a half note (calm: a dotted
  half); a repeated pitch loses ``repeat_penalty``.
* **Phrase ends**: in the second half of each phrase's fourth bar an onset
  must be a stable tone (a chord tone that is the tonic, third or fifth of
  the key, else any chord tone).
* **End**: the last half bar is the tonic, held (forced by the decoder).

``HOLD`` is allowed only while a note sounds; ``PAD``, ``BOS`` and ``EOS``
never.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from image2music.errors import ConfigError
from image2music.melody.grid import STEPS_PER_BAR, STEPS_PER_BEAT, STEPS_PER_HALF_BAR
from image2music.melody.tokens import FIRST_NOTE_ID, HOLD, MIN_OCTAVE, REST, VOCAB_SIZE

__all__ = [
    "PHRASE_BARS",
    "DecodingSettings",
    "StepContext",
    "contour_target",
    "is_strong",
    "range_window",
    "step_bias",
]

#: Bars per phrase (contour arcs, phrase ends).
PHRASE_BARS = 4
# semitones of every note id above the tonic of octave MIN_OCTAVE
_OFFSETS = np.arange(VOCAB_SIZE - FIRST_NOTE_ID)
_DEGREES = _OFFSETS % 12


def _has_degree(degrees: tuple[int, ...]) -> NDArray[np.bool_]:
    """For every note id, whether its degree is one of ``degrees`` (``np.isin``, faster)."""
    table = np.zeros(12, dtype=bool)
    table[list(degrees)] = True
    return table[_DEGREES]


@dataclass(frozen=True)
class DecodingSettings:
    """Weights of the decoding rules (see the module docstring).

    Attributes:
        temperature: Sampling temperature, >= 0 (0: the likeliest allowed id).
        top_p: Nucleus mass, in (0, 1].
        upper_tone_bonus: Logit bonus of a chord's third, fifth or seventh on strong beats.
        off_scale_penalty: Logit penalty of a non-chord tone off the mode's scale.
        step_weight: Logit penalty per semitone beyond a whole step (valence 0).
        valence_leap_weight: How much valence turns that penalty into a
            bonus: the weight is ``step_weight - valence_leap_weight * v``.
        max_leap: Largest interval between consecutive notes, in semitones.
        range_semitones: Width of the pitch window (<= 24).
        contour_weight: Logit penalty per semitone away from the contour target.
        density_weight: ``HOLD`` penalty per unit of arousal (``REST``: half).
        echo_weight: Logit penalty per semitone away from the echoed interval.
        echo: Whether bars 5-7 of every 8 echo bars 1-3.
        rest_penalty: Logit penalty of ``REST`` (the corpus's long silences
            between phrases would otherwise swallow the melody).
        max_rest_steps: Longest run of ``REST`` steps (16ths) inside a phrase;
            the second half of a phrase's last bar may rest up to a half bar.
        max_hold_steps: Longest note at arousal >= 0, in 16ths (calm melodies
            may hold up to 4 steps longer).
        repeat_penalty: Logit penalty of repeating the previous pitch.
        hold_penalty: Constant logit penalty of ``HOLD`` (denser rhythm).
        strong_chord_bonus: Logit bonus of a chord tone on a strong beat.
        leap_to_dissonance_penalty: Logit penalty of a non-chord tone off the
            strong beats that is reached by a leap.
        offbeat_bonus: Logit bonus of an onset on the second 8th of a beat.
        syncopation_bonus: Logit bonus of ``HOLD`` on a beat right after an
            onset on the previous 8th.
        max_repeats: Most onsets of one pitch in a row.
        resolution_penalty: Logit penalty of leaving a non-chord tone other
            than by a step of one or two semitones.
        third_weight: On strong beats, the chord's third gains ``third_weight
            * v`` when it is a major third and loses it when it is minor, so
            happy melodies dwell on major thirds and sad ones on minor thirds.
    """

    temperature: float = 1.0
    top_p: float = 0.97
    upper_tone_bonus: float = 0.8
    off_scale_penalty: float = 2.0
    step_weight: float = 0.03
    valence_leap_weight: float = 0.08
    max_leap: int = 12
    range_semitones: int = 19
    contour_weight: float = 0.06
    density_weight: float = 1.0
    echo_weight: float = 1.2
    echo: bool = True
    rest_penalty: float = 1.0
    max_rest_steps: int = 4
    max_hold_steps: int = 8
    repeat_penalty: float = 0.6
    hold_penalty: float = 0.2
    strong_chord_bonus: float = 0.8
    leap_to_dissonance_penalty: float = 0.8
    offbeat_bonus: float = 0.6
    syncopation_bonus: float = 1.0
    max_repeats: int = 3
    resolution_penalty: float = 1.0
    third_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.temperature < 0 or not 0.0 < self.top_p <= 1.0:
            raise ConfigError(
                f"need temperature >= 0 and 0 < top_p <= 1, got {self.temperature}, {self.top_p}"
            )
        if not 7 <= self.range_semitones <= 24:
            raise ConfigError(f"range_semitones must be in 7..24, got {self.range_semitones}")


@dataclass(frozen=True)
class StepContext:
    """What the rules need to know about one step.

    Attributes:
        t: Step index (16th notes from the start).
        n_steps: Length of the melody in steps.
        tonic_pc: Pitch class of the key's tonic.
        scale: Degrees (semitones above the tonic) of the mode's scale.
        chord: Degrees of the sounding chord's tones, root first (empty: no chord).
        prev_pitch: MIDI pitch of the last onset, ``None`` before the first.
        sounding: Whether a note sounds into this step (``HOLD`` is possible).
        low: Lowest allowed MIDI pitch.
        high: Highest allowed MIDI pitch.
        valence: In [-1, 1].
        arousal: In [-1, 1].
        rest_run: ``REST`` steps right before this one.
        hold_run: Steps the sounding note has lasted so far.
        repeats: Onsets of ``prev_pitch`` in a row so far.
        onset_steps_ago: Steps since the last onset (0: none yet).
    """

    t: int
    n_steps: int
    tonic_pc: int
    scale: tuple[int, ...]
    chord: tuple[int, ...]
    prev_pitch: int | None
    sounding: bool
    low: int
    high: int
    valence: float
    arousal: float
    rest_run: int = 0
    hold_run: int = 0
    repeats: int = 0
    onset_steps_ago: int = 0


def is_strong(t: int) -> bool:
    """Whether step ``t`` falls on beat 1 or 3 of its bar."""
    return t % STEPS_PER_HALF_BAR == 0


def range_window(
    arousal: float, tonic_pc: int, width: int, valence: float = 0.0
) -> tuple[int, int]:
    """The allowed pitch window: ``width`` semitones centred on about G4 + 4 a + 2 v.

    Args:
        arousal: In [-1, 1]; raises the register by up to 4 semitones (lowers when negative).
        tonic_pc: Pitch class of the tonic (the window always holds two tonics).
        width: Window width in semitones.
        valence: In [-1, 1]; raises the register by up to 2 semitones (default 0).

    Returns:
        ``(low, high)`` MIDI pitches.
    """
    a, v = (float(np.clip(x, -1.0, 1.0)) for x in (arousal, valence))
    centre = 67 + round(4 * a + 2 * v)
    low = centre - width // 2
    return low, low + width


def contour_target(t: int, centre: float, valence: float) -> float:
    """The pitch the phrase contour aims at in step ``t``.

    Positive valence: an arch over each four-bar phrase (up to ``5 v`` semitones
    above and below ``centre``); negative valence: a line falling by ``6 |v|``.
    """
    phase = (t % (PHRASE_BARS * STEPS_PER_BAR)) / (PHRASE_BARS * STEPS_PER_BAR)
    if valence >= 0:
        return centre + 5.0 * valence * (2.0 * math.sin(math.pi * phase) - 1.0)
    return centre + 6.0 * (-valence) * (0.5 - phase)


def _stable_tones(chord: tuple[int, ...], minor: bool) -> tuple[int, ...]:
    tonic_triad = (0, 3 if minor else 4, 7)
    stable = tuple(d for d in chord if d in tonic_triad)
    return stable or chord


def step_bias(ctx: StepContext, settings: DecodingSettings) -> NDArray[np.float64]:
    """Additive logits for one step: ``-inf`` where an id is not allowed.

    Args:
        ctx: The step.
        settings: Rule weights.

    Returns:
        Array ``(VOCAB_SIZE,)``.
    """
    bias = np.full(VOCAB_SIZE, -np.inf)
    strong = is_strong(ctx.t)
    bar_in_phrase = (ctx.t // STEPS_PER_BAR) % PHRASE_BARS
    phrase_end = bar_in_phrase == PHRASE_BARS - 1 and ctx.t % STEPS_PER_BAR >= STEPS_PER_HALF_BAR
    max_rest = STEPS_PER_HALF_BAR if phrase_end else settings.max_rest_steps
    if ctx.rest_run < max_rest:
        bias[REST] = -settings.rest_penalty - 0.5 * settings.density_weight * ctx.arousal
    max_hold = settings.max_hold_steps + round(4 * max(0.0, -ctx.arousal))
    if ctx.sounding and ctx.hold_run < max_hold:
        bias[HOLD] = -settings.hold_penalty - settings.density_weight * ctx.arousal
        if ctx.t % STEPS_PER_BEAT == 0 and ctx.onset_steps_ago == STEPS_PER_BEAT // 2:
            bias[HOLD] += settings.syncopation_bonus  # carry the off-beat note over the beat
    minor = 3 in ctx.scale and 4 not in ctx.scale
    pitch = ctx.tonic_pc + 12 * MIN_OCTAVE + _OFFSETS
    ok = (pitch >= ctx.low) & (pitch <= ctx.high)
    chord_tone = _has_degree(ctx.chord) if ctx.chord else np.ones(len(_OFFSETS), dtype=bool)
    if ctx.chord and phrase_end:
        tired = ctx.repeats >= settings.max_repeats  # the stable tone has been struck enough
        ok &= _has_degree(ctx.chord if tired else _stable_tones(ctx.chord, minor))
    elif strong:  # chord tones, or scale tones that will resolve (appoggiaturas)
        ok &= chord_tone | _has_degree(ctx.scale)
    leap_weight = settings.step_weight - settings.valence_leap_weight * ctx.valence
    target = contour_target(ctx.t, (ctx.low + ctx.high) / 2.0, ctx.valence)
    b = -settings.contour_weight * np.abs(pitch - target)
    if ctx.prev_pitch is not None:
        interval = np.abs(pitch - ctx.prev_pitch)
        ok &= interval <= settings.max_leap
        if ctx.chord and (ctx.prev_pitch - ctx.tonic_pc) % 12 not in ctx.chord:
            b -= settings.resolution_penalty * ((interval < 1) | (interval > 2))
        if ctx.repeats >= settings.max_repeats and (ok & (interval != 0)).any():
            ok &= interval != 0
        b -= leap_weight * np.maximum(0, interval - 2)
        b -= settings.repeat_penalty * (interval == 0)
        if not strong:
            b -= settings.leap_to_dissonance_penalty * (~chord_tone & (interval > 2))
    if strong and ctx.chord:
        b += settings.strong_chord_bonus * chord_tone
        if len(ctx.chord) > 1:
            b += settings.upper_tone_bonus * _has_degree(ctx.chord[1:])
            third = (ctx.chord[1] - ctx.chord[0]) % 12
            if third in (3, 4):  # a major third brightens, a minor third darkens
                sign = 1.0 if third == 4 else -1.0
                b += sign * settings.third_weight * ctx.valence * _has_degree(ctx.chord[1:2])
    if ctx.t % STEPS_PER_BEAT == STEPS_PER_BEAT // 2:
        b += settings.offbeat_bonus
    off_scale = ~_has_degree(ctx.scale + ctx.chord)
    b -= settings.off_scale_penalty * off_scale
    if not (ok & np.isfinite(b)).any():  # the rules left nothing: keep the range only
        ok = (pitch >= ctx.low) & (pitch <= ctx.high)
    bias[FIRST_NOTE_ID:] = np.where(ok, b, -np.inf)
    return bias
