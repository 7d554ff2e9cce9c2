"""Statistics of chord progressions, to compare generated with real ones.

All figures are over half-bar chord ids (key-relative):

* ``major_share``, ``minor_share``, ``dominant_share``, ``tension_share``:
  share of steps whose chord is of the family (see
  :mod:`image2music.harmony.tokens`; tension = dominant sevenths,
  diminished, augmented and suspended chords);
* ``changes_per_bar``: harmonic rhythm (0..1 for one chord a bar, up to 2);
* ``distinct_chords``: distinct chords per progression (mean);
* ``transition_entropy_bits``: conditional entropy of the next chord given
  the previous one over all chord changes, pooled (higher = less predictable);
* ``diatonic_share``: share of steps on a diatonic triad or seventh of the
  phrase's mode (major or natural minor, plus V and V7 in minor);
* ``js_to_real``: Jensen–Shannon divergence (bits, 0..1) between the chord
  distribution of these progressions and that of the real test phrases;
* ``raised_dominant_share``: in minor keys, share of the dominant chords
  (``V``, ``V7``, ``v``, ``v7``) that are the raised ``V`` or ``V7``;
* ``submediant_share``: in major keys, share of steps on ``vi`` or ``vi7``;
* ``v_to_flat_vi``: in minor keys, moves from ``v``/``v7`` to ``bVI`` per 100 chord changes;
* ``two_chord_share``: share of progressions that use at most two chords;
* ``two_chord_4bar_share``: share of progressions with four bars in a row
  (8 half bars) on at most two chords.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.grid import STEPS_PER_BAR
from image2music.harmony.tokens import (
    DOMINANT_FAMILY,
    MAJOR_FAMILY,
    MINOR_FAMILY,
    TENSION_QUALITIES,
    VOCAB_SIZE,
    chord_id,
    family_mask,
)

__all__ = ["chord_distribution", "js_divergence", "progression_statistics"]

_MAJOR = family_mask(MAJOR_FAMILY)
_MINOR = family_mask(MINOR_FAMILY)
_DOM = family_mask(DOMINANT_FAMILY)
_TENSION = family_mask(TENSION_QUALITIES)


def _diatonic(minor: bool) -> NDArray[np.bool_]:
    mask = np.zeros(VOCAB_SIZE, dtype=bool)
    if minor:
        triads = [(0, "min"), (2, "dim"), (3, "maj"), (5, "min"), (7, "min"), (8, "maj")]
        triads += [(10, "maj"), (7, "maj"), (7, "7")]
        sevenths = [(0, "min7"), (2, "hdim7"), (3, "maj7"), (5, "min7"), (7, "min7")]
        sevenths += [(8, "maj7"), (10, "7")]
    else:
        triads = [(0, "maj"), (2, "min"), (4, "min"), (5, "maj"), (7, "maj"), (9, "min")]
        triads += [(11, "dim")]
        sevenths = [(0, "maj7"), (2, "min7"), (4, "min7"), (5, "maj7"), (7, "7")]
        sevenths += [(9, "min7"), (11, "hdim7")]
    for r, q in triads + sevenths:
        mask[chord_id(r, q)] = True
    return mask


_DIATONIC = {False: _diatonic(False), True: _diatonic(True)}


def chord_distribution(seqs: Sequence[Sequence[int]]) -> NDArray[np.float64]:
    """Relative frequency of each id over all steps of ``seqs``."""
    counts = np.zeros(VOCAB_SIZE)
    for s in seqs:
        np.add.at(counts, np.asarray(s, dtype=np.int64), 1.0)
    total = counts.sum()
    return counts / total if total else counts


def js_divergence(p: NDArray[np.float64], q: NDArray[np.float64]) -> float:
    """Jensen–Shannon divergence of two distributions, in bits."""
    m = 0.5 * (p + q)

    def kl(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
        sel = a > 0
        return float((a[sel] * np.log2(a[sel] / b[sel])).sum())

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def progression_statistics(
    seqs: Sequence[Sequence[int]],
    minor: Sequence[bool],
    reference: Sequence[Sequence[int]] | None = None,
) -> dict[str, float]:
    """The figures of the module docstring for a set of progressions.

    Args:
        seqs: Half-bar id sequences (real chords only are counted).
        minor: Whether each sequence is in a minor key.
        reference: Real progressions for ``js_to_real`` (omitted when ``None``).

    Returns:
        Name -> value.
    """
    steps = np.concatenate([np.asarray(s, dtype=np.int64) for s in seqs])
    dia = np.concatenate(
        [
            _DIATONIC[bool(m)][np.asarray(s, dtype=np.int64)]
            for s, m in zip(seqs, minor, strict=True)
        ]
    )
    changes = 0
    bars = 0.0
    trans: Counter[tuple[int, int]] = Counter()
    for s in seqs:
        bars += len(s) / STEPS_PER_BAR
        for a, b in pairwise(s):
            if a != b:
                changes += 1
                trans[(int(a), int(b))] += 1
    from_counts: Counter[int] = Counter()
    for (a, _b), n in trans.items():
        from_counts[a] += n
    total = sum(trans.values())
    entropy = 0.0
    for (a, _b), n in trans.items():
        entropy -= n / total * math.log2(n / from_counts[a])
    out = {
        "progressions": float(len(seqs)),
        "major_share": float(_MAJOR[steps].mean()),
        "minor_share": float(_MINOR[steps].mean()),
        "dominant_share": float(_DOM[steps].mean()),
        "tension_share": float(_TENSION[steps].mean()),
        "diatonic_share": float(dia.mean()),
        "changes_per_bar": changes / bars if bars else 0.0,
        "distinct_chords": float(np.mean([len(set(s)) for s in seqs])),
        "transition_entropy_bits": entropy,
    }
    out.update(_realism(seqs, minor, changes))
    if reference is not None:
        out["js_to_real"] = js_divergence(chord_distribution(seqs), chord_distribution(reference))
    return out


_RAISED = frozenset({chord_id(7, "maj"), chord_id(7, "7")})
_NATURAL = frozenset({chord_id(7, "min"), chord_id(7, "min7")})
_SUBMEDIANT = frozenset({chord_id(9, "min"), chord_id(9, "min7")})
_FLAT_SIX = frozenset({chord_id(8, "maj"), chord_id(8, "maj7")})


def _realism(
    seqs: Sequence[Sequence[int]], minor: Sequence[bool], changes: int
) -> dict[str, float]:
    """The figures of realistic major and minor harmony (module docstring, last five)."""
    raised = natural = submediant = major_steps = v_to_six = 0
    two_chord = two_chord_4bar = 0
    for s, m in zip(seqs, minor, strict=True):
        ids = [int(x) for x in s]
        if m:
            raised += sum(x in _RAISED for x in ids)
            natural += sum(x in _NATURAL for x in ids)
            v_to_six += sum(a in _NATURAL and b in _FLAT_SIX for a, b in pairwise(ids))
        else:
            submediant += sum(x in _SUBMEDIANT for x in ids)
            major_steps += len(ids)
        two_chord += len(set(ids)) <= 2
        two_chord_4bar += any(len(set(ids[i : i + 8])) <= 2 for i in range(max(1, len(ids) - 7)))
    n = max(len(seqs), 1)
    return {
        "raised_dominant_share": raised / (raised + natural) if raised + natural else math.nan,
        "submediant_share": submediant / major_steps if major_steps else math.nan,
        "v_to_flat_vi": 100.0 * v_to_six / changes if changes else 0.0,
        "two_chord_share": two_chord / n,
        "two_chord_4bar_share": two_chord_4bar / n,
    }
