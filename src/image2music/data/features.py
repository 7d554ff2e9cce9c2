"""Conditioning features of a song or a phrase, computed from the music itself.

All features are floats; NaN means "unknown" (the training code imputes).
For a time window ``[start, end)`` in beats:

==================  ========================================================
name                definition
==================  ========================================================
``mode_major``      share of the window's beats in a major-family key
                    (local key; 1.0 all major, 0.0 all minor)
``tempo_bpm``       the song's tempo in quarter notes per minute (NaN when
                    the dataset has none: JazzStandards, Nottingham,
                    When in Rome)
``note_density``    melody notes starting in the window per beat (NaN when
                    the song has no melody)
``pitch_mean``      mean MIDI pitch of those notes (register; NaN if none)
``pitch_std``       their standard deviation in semitones (NaN if none)
``share_major``     share of mapped-chord beats with a major-family quality
                    (maj, 6, maj7)
``share_minor``     ... minor family (min, min6, min7, minmaj7)
``share_dominant``  ... dominant seventh (7)
``share_diminished``... diminished and half-diminished (dim, dim7, hdim7)
``share_sus``       ... sus and power chords (sus2, sus4, 7sus4, 5)
``share_aug``       ... augmented (aug, aug7)
``harmonic_rhythm`` chord changes per bar: chord onsets in the window whose
                    token differs from the previous chord's (N and dropped
                    chords not counted), divided by the window's bars
``emotion_q``       human Russell-quadrant label 1..4 (EMOPIA), else 0
==================  ========================================================

Chord shares are NaN when the window has no mapped chord.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from image2music.data.chords import QUALITY_FAMILIES
from image2music.vocab import QUALITY_NAMES, STEPS_PER_BEAT

__all__ = ["FEATURE_NAMES", "window_features"]

#: Names of the feature columns, in order.
FEATURE_NAMES: tuple[str, ...] = (
    "mode_major",
    "tempo_bpm",
    "note_density",
    "pitch_mean",
    "pitch_std",
    "share_major",
    "share_minor",
    "share_dominant",
    "share_diminished",
    "share_sus",
    "share_aug",
    "harmonic_rhythm",
    "emotion_q",
)

_FAMILY_INDEX = np.full(len(QUALITY_NAMES), -1, dtype=np.int64)
for _i, _fam in enumerate(QUALITY_FAMILIES):
    for _q in QUALITY_FAMILIES[_fam]:
        _FAMILY_INDEX[QUALITY_NAMES.index(_q)] = _i


def window_features(
    start: float,
    end: float,
    n_bars: int,
    *,
    tempo_bpm: float,
    emotion_q: int,
    has_melody: bool,
    key_onsets: Sequence[float],
    key_major: Sequence[bool],
    chord_onset: NDArray[np.float32],
    chord_dur: NDArray[np.float32],
    chord_quality: NDArray[np.int8],
    chord_token: NDArray[np.int16],
    note_onset_steps: NDArray[np.int32],
    note_pitch: NDArray[np.int8],
) -> NDArray[np.float32]:
    """Features of the window ``[start, end)`` (beats) of one song.

    Args:
        start: Window start in beats.
        end: Window end in beats (> start).
        n_bars: Bars in the window (>= 1).
        tempo_bpm: The song's tempo (NaN when unknown).
        emotion_q: The song's human quadrant label, 0 when none.
        has_melody: Whether the song has a melody.
        key_onsets: Onsets (beats) of the song's key segments.
        key_major: Whether each key segment is major-family.
        chord_onset: Chord onsets in beats.
        chord_dur: Chord durations in beats.
        chord_quality: Quality index per chord, -1 for N/dropped.
        chord_token: Chord token per chord.
        note_onset_steps: Melody onsets in 16th steps.
        note_pitch: Melody MIDI pitches.

    Returns:
        One row of :data:`FEATURE_NAMES`, float32.
    """
    span = max(end - start, 1e-9)
    # Mode: overlap of the window with each key segment.
    major_beats = 0.0
    for i, onset in enumerate(key_onsets):
        seg_end = key_onsets[i + 1] if i + 1 < len(key_onsets) else math.inf
        overlap = min(end, seg_end) - max(start, onset)
        if overlap > 0 and key_major[i]:
            major_beats += overlap
    mode_major = major_beats / span

    # Chord shares, weighted by the overlap of each chord with the window.
    c_end = chord_onset + chord_dur
    overlap = np.clip(np.minimum(c_end, end) - np.maximum(chord_onset, start), 0.0, None)
    mapped = (chord_quality >= 0) & (overlap > 0)
    shares = np.full(len(QUALITY_FAMILIES), np.nan)
    if mapped.any():
        fam = _FAMILY_INDEX[chord_quality[mapped].astype(np.int64)]
        w = overlap[mapped].astype(float)
        shares = np.bincount(fam, weights=w, minlength=len(QUALITY_FAMILIES)) / w.sum()

    # Harmonic rhythm: changes of mapped chord token, onsets inside the window.
    changes = 0
    prev = -1
    for onset, q, tok in zip(chord_onset, chord_quality, chord_token, strict=True):
        if q < 0:
            continue
        if start <= onset < end and tok != prev:
            changes += 1
        prev = int(tok)
    harmonic_rhythm = changes / max(n_bars, 1)

    # Melody.
    if has_melody:
        s0, s1 = start * STEPS_PER_BEAT, end * STEPS_PER_BEAT
        sel = (note_onset_steps >= s0) & (note_onset_steps < s1)
        n = int(sel.sum())
        density = n / span
        if n:
            p = note_pitch[sel].astype(float)
            pitch_mean, pitch_std = float(p.mean()), float(p.std())
        else:
            pitch_mean = pitch_std = math.nan
    else:
        density = pitch_mean = pitch_std = math.nan

    row = [mode_major, tempo_bpm, density, pitch_mean, pitch_std, *shares, harmonic_rhythm]
    row.append(float(emotion_q))
    return np.asarray(row, dtype=np.float32)
