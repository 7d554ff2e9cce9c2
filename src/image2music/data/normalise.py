"""From a reader's :class:`SongRecord` to key-relative, quantised arrays.

Steps, the same for every dataset:

1. Chord boundaries are snapped to the 16th-note grid (0.25 beat); a chord
   that becomes empty is removed (counted as ``chords shorter than a 16th``);
   overlaps are cut so every chord ends where the next begins or earlier.
2. Each chord is made relative to the key in force at its onset: root and
   bass in semitones above the local tonic; the token comes from
   :func:`image2music.vocab.chord_token` (``N`` and ``UNK`` for no-chord
   and dropped labels).
3. The melody is quantised to 16th steps (onset and offset rounded), made
   monophonic (of notes starting on the same step the highest is kept,
   counted as ``melody notes merged on one 16th``; a note is cut at the next
   onset) and tokenised relative to the local tonic.
4. Phrases (:mod:`image2music.data.phrases`) and features
   (:mod:`image2music.data.features`) are computed per phrase and per song.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from image2music.data.chords import ChordStatus
from image2music.data.features import FEATURE_NAMES, window_features
from image2music.data.phrases import split_phrases
from image2music.data.song import SongRecord
from image2music.types import MODES
from image2music.vocab import (
    CHORD_N,
    CHORD_UNK,
    MELODY_MAX_OCTAVE,
    MELODY_MIN_OCTAVE,
    STEPS_PER_BEAT,
    chord_token,
    melody_token,
    quality_index,
)

__all__ = ["MODE_NAMES", "SongArrays", "normalise_song"]

#: Mode names by the integer stored in the corpus (index into ``MODES``).
MODE_NAMES: tuple[str, ...] = tuple(MODES)

_GRID = 1.0 / STEPS_PER_BEAT


@dataclass
class SongArrays:
    """One normalised song: metadata plus its arrays (see :mod:`.store`)."""

    record: SongRecord
    bar_starts: NDArray[np.float32]
    chord_onset: NDArray[np.float32]
    chord_dur: NDArray[np.float32]
    chord_token: NDArray[np.int16]
    chord_root: NDArray[np.int8]
    chord_quality: NDArray[np.int8]
    chord_bass: NDArray[np.int8]
    chord_status: NDArray[np.int8]
    chord_key_tonic: NDArray[np.int8]
    chord_key_mode: NDArray[np.int8]
    note_onset: NDArray[np.int32]
    note_dur: NDArray[np.int32]
    note_pitch: NDArray[np.int8]
    note_token: NDArray[np.int16]
    key_onset: NDArray[np.float32]
    key_tonic: NDArray[np.int8]
    key_mode: NDArray[np.int8]
    phrase_start_bar: NDArray[np.int32]
    phrase_end_bar: NDArray[np.int32]
    phrase_label: list[str]
    phrase_features: NDArray[np.float32]
    features: NDArray[np.float32]
    drop_reasons: Counter[str]


def _snap(x: float) -> float:
    return round(x / _GRID) * _GRID


def normalise_song(rec: SongRecord, counters: Counter[str]) -> SongArrays:
    """Normalise one song.

    Args:
        rec: The song as read.
        counters: Receives dataset-level counts (merged notes, octave folds,
            removed chords, removed phrases).

    Returns:
        The song's arrays.
    """
    keys = sorted(((_snap(on), k) for on, k in rec.keys), key=lambda kv: kv[0])
    key_on = [k[0] for k in keys]

    def key_at(beat: float) -> int:
        return max(bisect.bisect_right(key_on, beat + 1e-6) - 1, 0)

    end = rec.end
    # ---- chords
    c_on: list[float] = []
    c_off: list[float] = []
    c_tok: list[int] = []
    c_root: list[int] = []
    c_q: list[int] = []
    c_bass: list[int] = []
    c_stat: list[int] = []
    c_kt: list[int] = []
    c_km: list[int] = []
    drop_reasons: Counter[str] = Counter()
    for ev in sorted(rec.chords, key=lambda e: e.onset):
        on, off = _snap(ev.onset), min(_snap(ev.onset + ev.duration), end)
        if c_off and on < c_off[-1]:
            c_off[-1] = on
            if c_off[-1] <= c_on[-1]:
                for lst in (c_on, c_off, c_tok, c_root, c_q, c_bass, c_stat, c_kt, c_km):
                    lst.pop()
                counters["chords shorter than a 16th"] += 1
        if off <= on:
            counters["chords shorter than a 16th"] += 1
            continue
        ch = ev.chord
        key = keys[key_at(on)][1]
        if ch.is_chord:
            root = (ch.root_pc - key.tonic_pc) % 12
            tok, q = chord_token(root, ch.quality), quality_index(ch.quality)
            bass = -1 if ch.bass_pc < 0 else (ch.bass_pc - key.tonic_pc) % 12
        else:
            root, q, bass = -1, -1, -1
            tok = CHORD_N if ch.status == ChordStatus.NONE else CHORD_UNK
            if ch.status == ChordStatus.DROPPED:
                drop_reasons[ch.reason] += 1
        c_on.append(on)
        c_off.append(off)
        c_tok.append(tok)
        c_root.append(root)
        c_q.append(q)
        c_bass.append(bass)
        c_stat.append(int(ch.status))
        c_kt.append(key.tonic_pc)
        c_km.append(MODE_NAMES.index(key.mode))

    # ---- melody
    steps = sorted(
        (round(n.onset * STEPS_PER_BEAT), round((n.onset + n.duration) * STEPS_PER_BEAT), n.pitch)
        for n in rec.notes
    )
    end_steps = round(end * STEPS_PER_BEAT)
    mel: list[tuple[int, int, int]] = []
    for on_s, off_s, pitch in steps:
        if on_s >= end_steps or not 0 <= pitch <= 127:
            counters["melody notes outside the song"] += 1
            continue
        if mel and mel[-1][0] == on_s:
            counters["melody notes merged on one 16th"] += 1
            if pitch > mel[-1][2]:
                mel[-1] = (on_s, max(off_s, on_s + 1), pitch)
            continue
        mel.append((on_s, max(off_s, on_s + 1), pitch))
    n_on = np.array([m[0] for m in mel], dtype=np.int32)
    n_off = np.array([m[1] for m in mel], dtype=np.int32)
    if len(mel) > 1:
        n_off[:-1] = np.minimum(n_off[:-1], n_on[1:])
    n_off = np.minimum(n_off, end_steps)
    n_pitch = np.array([m[2] for m in mel], dtype=np.int8)
    n_tok = np.empty(len(mel), dtype=np.int16)
    for i, (on_s, _, pitch) in enumerate(mel):
        tonic = keys[key_at(on_s / STEPS_PER_BEAT)][1].tonic_pc
        octave = (pitch - tonic) // 12
        if not MELODY_MIN_OCTAVE <= octave <= MELODY_MAX_OCTAVE:
            counters["melody notes moved by octaves into range"] += 1
        n_tok[i] = melody_token(pitch, tonic)

    arr_c_on = np.array(c_on, dtype=np.float32)
    arr_c_dur = np.array(c_off, dtype=np.float32) - arr_c_on
    arr_c_q = np.array(c_q, dtype=np.int8)
    arr_c_tok = np.array(c_tok, dtype=np.int16)
    key_major = [k.is_major for _, k in keys]
    bars = [float(b) for b in rec.bar_starts]
    has_melody = bool(rec.notes)

    def feats(start: float, stop: float, n_bars: int) -> NDArray[np.float32]:
        return window_features(
            start,
            stop,
            n_bars,
            tempo_bpm=rec.tempo_bpm,
            emotion_q=rec.emotion_q,
            has_melody=has_melody,
            key_onsets=key_on,
            key_major=key_major,
            chord_onset=arr_c_on,
            chord_dur=arr_c_dur,
            chord_quality=arr_c_q,
            chord_token=arr_c_tok,
            note_onset_steps=n_on,
            note_pitch=n_pitch,
        )

    spans = []
    p_feats = []
    for span in split_phrases(bars, rec.sections):
        start = bars[span.start_bar]
        stop = bars[span.end_bar] if span.end_bar < len(bars) else end
        has_chord = bool(
            np.any((arr_c_q >= 0) & (arr_c_on < stop) & (arr_c_on + arr_c_dur > start))
        )
        s0, s1 = start * STEPS_PER_BEAT, stop * STEPS_PER_BEAT
        has_note = bool(np.any((n_on >= s0) & (n_on < s1)))
        if not (has_chord or has_note):
            counters["phrases without chords or notes (not kept)"] += 1
            continue
        spans.append(span)
        p_feats.append(feats(start, stop, span.end_bar - span.start_bar))
    song_feats = feats(0.0, end, len(bars))
    return SongArrays(
        record=rec,
        bar_starts=np.array(bars, dtype=np.float32),
        chord_onset=arr_c_on,
        chord_dur=arr_c_dur.astype(np.float32),
        chord_token=arr_c_tok,
        chord_root=np.array(c_root, dtype=np.int8),
        chord_quality=arr_c_q,
        chord_bass=np.array(c_bass, dtype=np.int8),
        chord_status=np.array(c_stat, dtype=np.int8),
        chord_key_tonic=np.array(c_kt, dtype=np.int8),
        chord_key_mode=np.array(c_km, dtype=np.int8),
        note_onset=n_on,
        note_dur=(n_off - n_on).astype(np.int32),
        note_pitch=n_pitch,
        note_token=n_tok,
        key_onset=np.array(key_on, dtype=np.float32),
        key_tonic=np.array([k.tonic_pc for _, k in keys], dtype=np.int8),
        key_mode=np.array([MODE_NAMES.index(k.mode) for _, k in keys], dtype=np.int8),
        phrase_start_bar=np.array([s.start_bar for s in spans], dtype=np.int32),
        phrase_end_bar=np.array([s.end_bar for s in spans], dtype=np.int32),
        phrase_label=[s.label for s in spans],
        phrase_features=(
            np.stack(p_feats) if p_feats else np.zeros((0, len(FEATURE_NAMES)), np.float32)
        ),
        features=song_feats,
        drop_reasons=drop_reasons,
    )
