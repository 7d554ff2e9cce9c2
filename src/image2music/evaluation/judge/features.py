"""The judge's own symbolic features of a piece (written for the judge alone).

Every feature is computed from the notes in seconds (see :mod:`.midi_reader`),
so pieces at any tempo and with any number of tracks are comparable:

* **rhythm**: note density, onset rate, mean notes per onset, inter-onset
  interval (log mean, log std, median), articulation (duration over IOI);
* **pitch**: mean, standard deviation, 10th and 90th percentile, range,
  mean top-voice and bass pitch, top-voice step size and stepwise share;
* **dynamics**: velocity mean, standard deviation and range;
* **texture**: polyphony (sounding notes on average), log duration mean and std;
* **tonality**: key clarity and mode from correlating the duration-weighted
  pitch-class histogram with Temperley's major and minor key profiles,
  the histogram rotated to the found tonic (12 values), major-versus-minor
  third balance above the bass, major-versus-minor triad balance, triad and
  dissonance shares of the sounding pitch-class sets.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.evaluation.judge.midi_reader import Notes

__all__ = ["FEATURE_NAMES", "extract_features"]

#: Temperley's (1999) major and minor key profiles, tonic first.
_MAJOR = np.array([5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0])
_MINOR = np.array([5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0])
#: Onsets closer than this (seconds) count as one.
_ONSET_GAP = 0.03
#: Longest duration (seconds) a note weighs in the pitch-class histogram.
_MAX_WEIGHT_SEC = 2.0

_SCALAR_NAMES: tuple[str, ...] = (
    "note_density",
    "onset_rate",
    "notes_per_onset",
    "log_ioi_mean",
    "log_ioi_std",
    "ioi_median",
    "articulation",
    "pitch_mean",
    "pitch_std",
    "pitch_p10",
    "pitch_p90",
    "pitch_range",
    "top_voice_mean",
    "bass_mean",
    "top_step_mean",
    "top_step_share",
    "velocity_mean",
    "velocity_std",
    "velocity_range",
    "polyphony",
    "log_duration_mean",
    "log_duration_std",
    "key_clarity",
    "mode_major_minus_minor",
    "third_balance",
    "triad_balance",
    "triad_share",
    "dissonance_share",
)
#: Names of the features, in the order of :func:`extract_features`' vector.
FEATURE_NAMES: tuple[str, ...] = _SCALAR_NAMES + tuple(f"pc_rel_{i}" for i in range(12))


def _corr_rows(profiles: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pearson correlation of each row of ``profiles`` with ``x`` (0 when flat)."""
    p = profiles - profiles.mean(axis=1, keepdims=True)
    v = x - x.mean()
    denom = np.sqrt((p**2).sum(axis=1) * (v**2).sum())
    out: NDArray[np.float64] = np.where(denom > 0, (p @ v) / np.maximum(denom, 1e-12), 0.0)
    return out


def _tonality(chroma: NDArray[np.float64]) -> tuple[float, float, NDArray[np.float64]]:
    """Key clarity, major-minus-minor correlation and the tonic-rotated histogram."""
    idx = np.arange(12)
    rot = (idx[None, :] - idx[:, None]) % 12  # rot[t, pc] = pc relative to tonic t
    r_major = _corr_rows(_MAJOR[rot], chroma)
    r_minor = _corr_rows(_MINOR[rot], chroma)
    best_major, best_minor = float(r_major.max()), float(r_minor.max())
    tonic = int(r_major.argmax()) if best_major >= best_minor else int(r_minor.argmax())
    total = chroma.sum()
    rel = np.roll(chroma, -tonic) / total if total > 0 else np.zeros(12)
    return max(best_major, best_minor), best_major - best_minor, rel


def _harmony(
    onset: NDArray[np.float64], end: NDArray[np.float64], pitch: NDArray[np.float64]
) -> tuple[float, float, float, float]:
    """Third balance, triad balance, triad share and dissonance share of sounding sets."""
    step = 0.125
    times = np.arange(onset.min(), end.max(), step)[:2000]
    active = (onset[None, :] <= times[:, None]) & (end[None, :] > times[:, None])
    pcs = (pitch.astype(np.int64) % 12)[None, :]
    sets = np.zeros((times.shape[0], 12), dtype=bool)
    for pc in range(12):
        sets[:, pc] = (active & (pcs == pc)).any(axis=1)
    sounding = sets.sum(axis=1) > 0
    if not sounding.any():
        return 0.0, 0.0, 0.0, 0.0
    low = np.where(active, pitch[None, :], np.inf).min(axis=1)
    bass = np.where(np.isfinite(low), low, 0).astype(np.int64) % 12
    rows = np.arange(times.shape[0])
    minor3 = sets[rows, (bass + 3) % 12] & sounding
    major3 = sets[rows, (bass + 4) % 12] & sounding
    third = float((major3.sum() - minor3.sum()) / max(1, major3.sum() + minor3.sum()))
    roots = np.arange(12)
    maj = sets[:, roots] & sets[:, (roots + 4) % 12] & sets[:, (roots + 7) % 12]
    mnr = sets[:, roots] & sets[:, (roots + 3) % 12] & sets[:, (roots + 7) % 12]
    n_maj, n_min = float(maj.any(axis=1).sum()), float(mnr.any(axis=1).sum())
    triad_balance = (n_maj - n_min) / max(1.0, n_maj + n_min)
    triad_share = float((maj.any(axis=1) | mnr.any(axis=1)).sum()) / float(sounding.sum())
    pair = np.zeros(7)
    for ic in range(1, 7):
        both = sets & np.roll(sets, -ic, axis=1)
        pair[ic] = both.sum() if ic < 6 else both.sum() / 2
    total = pair.sum()
    dissonance = float((pair[1] + pair[2] + pair[6]) / total) if total > 0 else 0.0
    return third, triad_balance, triad_share, dissonance


def extract_features(notes: Notes) -> NDArray[np.float64]:
    """The feature vector of a piece (order: :data:`FEATURE_NAMES`).

    Args:
        notes: The piece's pitched notes.

    Returns:
        A float vector; all zeros for a piece without notes.
    """
    out = np.zeros(len(FEATURE_NAMES))
    n = len(notes)
    if n == 0:
        return out
    on, dur, pitch, vel = notes.onset, notes.duration, notes.pitch, notes.velocity
    end = on + dur
    span = max(float(end.max() - on.min()), 0.5)
    new_cluster = np.concatenate([[True], np.diff(on) > _ONSET_GAP])
    cluster = np.cumsum(new_cluster) - 1
    starts = on[new_cluster]
    n_onsets = starts.shape[0]
    ioi = np.diff(starts)
    log_ioi = np.log(ioi) if ioi.size else np.array([np.log(span)])
    top = np.full(n_onsets, -np.inf)
    np.maximum.at(top, cluster, pitch)
    bass = np.full(n_onsets, np.inf)
    np.minimum.at(bass, cluster, pitch)
    steps = np.abs(np.diff(top))
    chroma = np.zeros(12)
    np.add.at(chroma, pitch.astype(np.int64) % 12, np.minimum(dur, _MAX_WEIGHT_SEC))
    clarity, mode, rel = _tonality(chroma)
    third, triad_balance, triad_share, dissonance = _harmony(on, end, pitch)
    log_dur = np.log(dur)
    scalars = [
        n / span,
        n_onsets / span,
        n / n_onsets,
        float(log_ioi.mean()),
        float(log_ioi.std()),
        float(np.median(ioi)) if ioi.size else span,
        float(np.median(dur) / np.median(ioi)) if ioi.size else 1.0,
        float(pitch.mean()),
        float(pitch.std()),
        float(np.percentile(pitch, 10)),
        float(np.percentile(pitch, 90)),
        float(np.percentile(pitch, 95) - np.percentile(pitch, 5)),
        float(top.mean()),
        float(bass.mean()),
        float(steps.mean()) if steps.size else 0.0,
        float((steps <= 2).mean()) if steps.size else 0.0,
        float(vel.mean()),
        float(vel.std()),
        float(np.percentile(vel, 95) - np.percentile(vel, 5)),
        float(dur.sum() / span),
        float(log_dur.mean()),
        float(log_dur.std()),
        clarity,
        mode,
        third,
        triad_balance,
        triad_share,
        dissonance,
    ]
    out[: len(scalars)] = scalars
    out[len(scalars) :] = rel
    return out
