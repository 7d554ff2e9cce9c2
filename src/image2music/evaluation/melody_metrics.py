"""Per-melody features for comparing generated and real melodies, and the overlapping area.

Every feature is computed on one melody over its chords
(:func:`melody_features`); :func:`overlapping_area` compares two sets of
per-melody values the way Yang and Lerch (2020) compare feature
distributions: a Gaussian kernel density estimate of each set, and the area
under the smaller of the two curves (1 = the same distribution, 0 = disjoint).

Features (MusPy / Yang and Lerch definitions where they exist):

* ``chord_tone_ratio``: share of the onsets on beats 1 and 3 that are tones
  of the sounding chord;
* ``scale_consistency``: largest share of notes in one major or natural-minor
  scale, over the 24 such scales;
* ``pitch_class_entropy``: Shannon entropy (bits) of the notes' pitch-class
  histogram;
* ``pitch_range``: highest minus lowest pitch, semitones;
* ``note_density``: onsets per quarter-note beat;
* ``mean_interval``: mean absolute interval between consecutive notes,
  semitones (the interval histogram's centre; :func:`interval_histogram`
  gives the whole histogram);
* ``step_share``: share of intervals of at most two semitones;
* ``groove_consistency``: one minus the mean Hamming distance between the
  16th-note onset patterns of consecutive bars, divided by 16;
* ``offbeat_share``: share of onsets that fall between beats;
* ``syncopation``: share of onsets after which the next metrically stronger
  position of the bar (bar > half bar > beat > 8th > 16th) has no onset, so
  the accent falls off the beat: an 8th off the beat held over (or followed
  by a rest on) the beat, a 16th held over the next 8th, a note on beat 2
  held over beat 3 (anticipations, syncopated figures);
* ``stutter``: 1 when the melody strikes one pitch six or more times in a
  row on consecutive 16ths, else 0 (its mean is the share of such melodies).

:data:`FEATURES` holds the first eight (the overlapping-area mean is over
them, comparable with earlier reports); :data:`RHYTHM_FEATURES` the other three.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from image2music.types import Melody, Progression

__all__ = [
    "FEATURES",
    "INTERVAL_BINS",
    "RHYTHM_FEATURES",
    "STUTTER_RUN",
    "interval_histogram",
    "melody_features",
    "overlapping_area",
]

#: Feature names, in report order.
FEATURES: tuple[str, ...] = (
    "chord_tone_ratio",
    "scale_consistency",
    "pitch_class_entropy",
    "pitch_range",
    "note_density",
    "mean_interval",
    "step_share",
    "groove_consistency",
)
#: Features of the rhythm against the beat, reported beside :data:`FEATURES`.
RHYTHM_FEATURES: tuple[str, ...] = ("offbeat_share", "syncopation", "stutter")
#: Same-pitch 16th onsets in a row that make a stutter.
STUTTER_RUN = 6
#: Interval histogram bins: 0, 1, ..., 11 semitones, then "12 or more".
INTERVAL_BINS = 13

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
_SCALES = np.array(
    [[(pc - t) % 12 in s for pc in range(12)] for s in (_MAJOR, _MINOR) for t in range(12)]
)


def interval_histogram(melody: Melody) -> NDArray[np.float64]:
    """Counts of absolute intervals between consecutive notes (:data:`INTERVAL_BINS` bins)."""
    p = np.array([n.pitch for n in melody.notes])
    out = np.zeros(INTERVAL_BINS)
    if len(p) > 1:
        iv = np.minimum(np.abs(np.diff(p)), INTERVAL_BINS - 1)
        np.add.at(out, iv, 1.0)
    return out


def _groove(melody: Melody, progression: Progression) -> float:
    step = progression.ticks_per_beat // 4
    per_bar = progression.bar_ticks // step
    grid = np.zeros((progression.bars, per_bar), dtype=bool)
    for n in melody.notes:
        k = n.start_ticks // step
        if k < progression.bars * per_bar:
            grid[k // per_bar, k % per_bar] = True
    if progression.bars < 2:
        return math.nan
    return float(1.0 - np.mean(grid[1:] != grid[:-1]))


def _weight(pos: int, per_bar: int) -> int:
    """Metrical weight of a 16th position in a bar: bar 4, half bar 3, beat 2, 8th 1, 16th 0."""
    pos %= per_bar
    if pos == 0:
        return 4
    if per_bar % 2 == 0 and pos == per_bar // 2:
        return 3
    return 2 if pos % 4 == 0 else 1 if pos % 2 == 0 else 0


def _next_stronger(p: int, per_bar: int) -> int | None:
    """The next 16th position after ``p`` that is metrically stronger (``None``: a downbeat)."""
    w = _weight(p, per_bar)
    if w == 4:  # nothing is stronger than the downbeat
        return None
    q = p + 1
    while _weight(q, per_bar) <= w:
        q += 1
    return q


def _rhythm(melody: Melody, progression: Progression) -> dict[str, float]:
    """``offbeat_share``, ``syncopation`` and ``stutter`` of one melody."""
    tpb = progression.ticks_per_beat
    sixteenth = tpb // 4
    notes = melody.notes
    off = [n for n in notes if n.start_ticks % tpb]
    per_bar = progression.bar_ticks // sixteenth
    total = progression.total_ticks // sixteenth
    onsets = {n.start_ticks // sixteenth for n in notes}
    synced = [
        p
        for p in sorted(onsets)
        if (q := _next_stronger(p, per_bar)) is not None and q < total and q not in onsets
    ]
    longest = run = 1
    for a, b in itertools.pairwise(notes):
        same = b.pitch == a.pitch and b.start_ticks - a.start_ticks == sixteenth
        run = run + 1 if same else 1
        longest = max(longest, run)
    return {
        "offbeat_share": len(off) / len(notes),
        "syncopation": len(synced) / len(notes),
        "stutter": float(longest >= STUTTER_RUN),
    }


def melody_features(melody: Melody, progression: Progression) -> dict[str, float]:
    """Every feature of :data:`FEATURES` and :data:`RHYTHM_FEATURES` (NaN where undefined).

    Args:
        melody: The melody.
        progression: Its chords (for the chord-tone ratio, metre and length).

    Returns:
        Feature name -> value.
    """
    notes = melody.notes
    nan = math.nan
    if not notes:
        return dict.fromkeys(FEATURES + RHYTHM_FEATURES, nan)
    pitches = np.array([n.pitch for n in notes])
    half = progression.bar_ticks // 2
    strong = [n for n in notes if n.start_ticks % half == 0]
    chord_hits = [n.pitch % 12 in progression.chord_at(n.start_ticks).chord.pitch_classes
                  for n in strong]  # fmt: skip
    pcs = np.bincount(pitches % 12, minlength=12).astype(np.float64)
    pcs_share = pcs / pcs.sum()
    nz = pcs_share[pcs_share > 0]
    in_scale = (_SCALES * pcs[None, :]).sum(axis=1) / pcs.sum()
    iv = np.abs(np.diff(pitches))
    beats = progression.total_ticks / progression.ticks_per_beat
    return {
        "chord_tone_ratio": float(np.mean(chord_hits)) if chord_hits else nan,
        "scale_consistency": float(in_scale.max()),
        "pitch_class_entropy": float(-(nz * np.log2(nz)).sum()),
        "pitch_range": float(pitches.max() - pitches.min()),
        "note_density": len(notes) / beats,
        "mean_interval": float(iv.mean()) if len(iv) else nan,
        "step_share": float((iv <= 2).mean()) if len(iv) else nan,
        "groove_consistency": _groove(melody, progression),
        **_rhythm(melody, progression),
    }


def _kde(x: NDArray[np.float64], grid: NDArray[np.float64], bw: float) -> NDArray[np.float64]:
    z = (grid[:, None] - x[None, :]) / bw
    dens: NDArray[np.float64] = np.exp(-0.5 * z * z).sum(axis=1) / (
        len(x) * bw * math.sqrt(2 * math.pi)
    )
    return dens


def _bandwidth(x: NDArray[np.float64], span: float) -> float:
    scott = float(np.std(x, ddof=1)) * len(x) ** (-1 / 5) if len(x) > 1 else 0.0
    return max(scott, 0.02 * span, 1e-6)


def overlapping_area(
    a: Sequence[float] | NDArray[np.floating],
    b: Sequence[float] | NDArray[np.floating],
    points: int = 1024,
) -> float:
    """Overlapping area of the Gaussian KDEs of two samples (Yang and Lerch 2020).

    Bandwidths follow Scott's rule, floored at 2 % of the joint value span so
    that a constant sample (say, every strong-beat onset a chord tone) is a
    narrow bump rather than a spike.

    Args:
        a: One set of per-melody values (NaN are dropped).
        b: The other.
        points: Integration grid size.

    Returns:
        The area in [0, 1], NaN when a set is empty.
    """
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if len(x) == 0 or len(y) == 0:
        return math.nan
    lo, hi = min(x.min(), y.min()), max(x.max(), y.max())
    span = max(hi - lo, 1e-3 * max(abs(hi), 1.0), 1e-6)
    bx, by = _bandwidth(x, span), _bandwidth(y, span)
    grid = np.linspace(lo - 4 * max(bx, by), hi + 4 * max(bx, by), points)
    px, py = _kde(x, grid, bx), _kde(y, grid, by)
    return float(min(1.0, np.trapezoid(np.minimum(px, py), grid)))
