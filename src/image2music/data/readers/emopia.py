"""EMOPIA reader: transcribed pop-piano clips with human 4Q emotion labels.

The clips are performance MIDI (GiantMIDI transcriptions at a nominal 120
bpm) without beats, chords or melody, so these are *estimated* and marked as
such (``chord_source = "estimated"``, ``key_source = "estimated"``):

* tempo: autocorrelation of a 10 ms onset-strength envelope (velocity
  weighted), 50-200 bpm, with a log-normal preference around 110 bpm; the
  beat phase maximises the onset strength on the beats. Metre: 4/4 assumed.
* key: Krumhansl-Kessler on the duration-weighted pitch-class histogram.
* melody: the skyline (a note is kept when no higher note is sounding at
  its onset).
* chords: one per half bar (2 beats), the best template of maj, min, 7,
  maj7, min7, dim, sus4 by cosine similarity with the duration-weighted
  pitch-class histogram (bass weighted double); N when nearly silent.
* label: ``4Q`` of ``label.csv`` (1..4); split: the official
  ``split/{train,val,test}_clip.csv``.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from image2music.data.archive import iter_archive
from image2music.data.chords import ParsedChord, make_chord
from image2music.data.keys import estimate_key
from image2music.data.midi import MidiNote, parse_midi
from image2music.data.readers.base import (
    ProgressFn,
    archive_path,
    decode_text,
    read_sorted,
)
from image2music.data.song import (
    ChordEvent,
    DatasetReport,
    NoteEvent,
    SongRecord,
    SongSkip,
    bar_starts_for,
)
from image2music.types import CHORD_QUALITIES

__all__ = ["estimate_chord", "estimate_tempo", "parse_clip", "read"]

ARCHIVE = "EMOPIA_1.0.tar.gz"
_CLIP = re.compile(r"(?:^|/)midis/(Q([1-4])_[^/]+)\.mid$")
_TEMPLATE_QUALITIES = ("maj", "min", "7", "maj7", "min7", "dim", "sus4")
_FPS = 100.0


def estimate_tempo(
    onsets: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[float, float]:
    """Tempo and beat phase of a performance from its note onsets.

    Args:
        onsets: Note onsets in seconds.
        weights: Onset strengths (e.g. velocities).

    Returns:
        ``(bpm, first_beat_seconds)``; (120, first onset) when there are too
        few onsets.
    """
    if len(onsets) < 8:
        return 120.0, float(onsets.min()) if len(onsets) else 0.0
    n = math.ceil(onsets.max() * _FPS) + 2
    env = np.zeros(n)
    np.add.at(env, np.round(onsets * _FPS).astype(np.int64), weights)
    kernel = np.exp(-0.5 * (np.arange(-3, 4) / 1.5) ** 2)
    env = np.convolve(env, kernel, mode="same")
    env = env - env.mean()
    lags = np.arange(int(_FPS * 60 / 200), int(_FPS * 60 / 50) + 1)
    ac = np.array([float(np.dot(env[:-lag], env[lag:])) / (n - lag) for lag in lags])
    bpms = 60.0 * _FPS / lags
    prior = np.exp(-0.5 * (np.log2(bpms / 110.0) / 0.9) ** 2)
    best = int(np.argmax(ac * prior))
    lag = int(lags[best])
    bpm = float(bpms[best])
    # Phase: the offset (within one beat) with the most onset strength on beats.
    phases = np.arange(lag)
    strength = [float(env[p::lag].sum()) for p in phases]
    first = int(phases[int(np.argmax(strength))]) / _FPS
    return bpm, first


@functools.cache
def _templates() -> NDArray[np.float64]:
    """Unit-norm chord templates, row ``q * 12 + root`` (root weighted 1.5)."""
    rows: list[NDArray[np.float64]] = []
    for q in _TEMPLATE_QUALITIES:
        t = np.zeros(12)
        t[list(CHORD_QUALITIES[q])] = 1.0
        t[0] = 1.5
        t /= np.linalg.norm(t)
        rows.extend(np.roll(t, root) for root in range(12))
    return np.array(rows)


def estimate_chord(hist: NDArray[np.float64], bass_pc: int | None) -> ParsedChord:
    """Best template chord for a pitch-class histogram.

    Args:
        hist: 12 duration weights.
        bass_pc: Pitch class of the lowest note (weighted extra), if any.

    Returns:
        A chord, or no-chord when the histogram is (nearly) empty.
    """
    h = hist.astype(float).copy()
    if bass_pc is not None:
        h[bass_pc] += h.sum() * 0.25
    norm = float(np.linalg.norm(h))
    if norm < 1e-6:
        return ParsedChord.none("silence")
    best = int(np.argmax(_templates() @ (h / norm)))
    q, root = _TEMPLATE_QUALITIES[best // 12], best % 12
    return make_chord(root, CHORD_QUALITIES[q], False, bass_pc, f"estimated:{q}")


def _skyline(notes: list[MidiNote], secs: NDArray[np.float64]) -> list[int]:
    """Indices of notes with no higher note sounding at their onset."""
    order = sorted(range(len(notes)), key=lambda i: (secs[2 * i], -notes[i].pitch))
    active: list[int] = []
    kept: list[int] = []
    for i in order:
        t = secs[2 * i]
        active = [j for j in active if secs[2 * j + 1] > t + 0.05]
        if all(notes[j].pitch < notes[i].pitch for j in active):
            kept.append(i)
        active.append(i)
    return sorted(kept, key=lambda i: secs[2 * i])


def parse_clip(clip: str, data: bytes, quadrant: int, split: str = "") -> SongRecord:
    """Build one EMOPIA clip.

    Args:
        clip: Clip id, e.g. ``"Q1_0vLPYiPN7qY_0"``.
        data: The MIDI bytes.
        quadrant: Human 4Q label, 1..4.
        split: Official split (``train``/``valid``/``test``) or "".

    Returns:
        The song (estimated tempo, key, melody and chords).

    Raises:
        SongSkip: If the clip has too few notes.
    """
    midi = parse_midi(data)
    notes = sorted((n for t in midi.tracks for n in t.notes), key=lambda n: (n.start, n.pitch))
    if len(notes) < 8:
        raise SongSkip("fewer than 8 notes")
    flat = midi.tick_to_seconds([x for n in notes for x in (n.start, n.end)])
    onsets = flat[0::2]
    bpm, first = estimate_tempo(onsets, np.array([n.velocity for n in notes], dtype=float))
    spb = 60.0 / bpm
    bar_len = 4.0
    # Bar 0 starts on a beat of the grid at or before the first onset.
    first_note = float(onsets.min())
    origin = first - math.ceil((first - first_note) / (spb * bar_len)) * spb * bar_len
    if origin > first_note:
        origin -= spb * bar_len

    def beats(sec: float) -> float:
        return (sec - origin) / spb

    end = max(beats(float(flat[2 * i + 1])) for i in range(len(notes)))
    n_bars = max(1, math.ceil(end / bar_len - 1e-6))
    # Pitch-class histograms per half bar, and the whole clip's for the key.
    slots = n_bars * 2
    hist = np.zeros((slots, 12))
    lowest = np.full(slots, 128)
    total = np.zeros(12)
    for i, n in enumerate(notes):
        b0, b1 = beats(float(flat[2 * i])), beats(float(flat[2 * i + 1]))
        total[n.pitch % 12] += b1 - b0
        for s in range(max(int(b0 // 2), 0), min(math.ceil(b1 / 2), slots)):
            overlap = min(b1, 2 * s + 2) - max(b0, 2 * s)
            if overlap > 0:
                hist[s, n.pitch % 12] += overlap
                lowest[s] = min(lowest[s], n.pitch)
    chords = [
        ChordEvent(
            2.0 * s, 2.0, estimate_chord(hist[s], int(lowest[s]) % 12 if lowest[s] < 128 else None)
        )
        for s in range(slots)
    ]
    melody = [
        NoteEvent(
            beats(float(flat[2 * i])),
            beats(float(flat[2 * i + 1])) - beats(float(flat[2 * i])),
            notes[i].pitch,
        )
        for i in _skyline(notes, flat)
    ]
    return SongRecord(
        dataset="emopia",
        local_id=clip,
        title=clip,
        artist="",
        time_signature=(4, 4),
        bar_starts=bar_starts_for(n_bars, bar_len),
        end=n_bars * bar_len,
        keys=[(0.0, estimate_key(total))],
        chords=chords,
        notes=melody,
        tempo_bpm=bpm,
        emotion_q=quadrant,
        official_split=split,
        chord_source="estimated",
        key_source="estimated",
    )


def _read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(decode_text(data))))


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every clip with its label and official split, by id (a :data:`~.base.ReadFn`)."""
    path = archive_path(folder, ARCHIVE, "emopia")
    midis: dict[str, tuple[bytes, int]] = {}
    labels: dict[str, int] = {}
    splits: dict[str, str] = {}
    split_names = {"train_clip.csv": "train", "val_clip.csv": "valid", "test_clip.csv": "test"}
    for name, data in iter_archive(
        path, lambda n: n.endswith(".mid") or n.endswith(("label.csv", "_clip.csv"))
    ):
        m = _CLIP.search(name)
        if m:
            midis[m.group(1)] = (data, int(m.group(2)))
        elif name.endswith("/label.csv") or name == "label.csv":
            for row in _read_csv(data):
                if row.get("ID") and (row.get("4Q") or "").strip().isdigit():
                    labels[row["ID"].strip()] = int(row["4Q"])
        elif name.rsplit("/", 1)[-1] in split_names:
            for row in _read_csv(data):
                clip = (row.get("clip_name") or "").strip().removesuffix(".mid")
                if clip:
                    splits[clip] = split_names[name.rsplit("/", 1)[-1]]
    return read_sorted(
        midis,
        lambda c, payload: parse_clip(c, payload[0], labels.get(c, payload[1]), splits.get(c, "")),
        report,
        progress,
    )
