"""``image2music evaluate melody``: generated melodies against the real ones of held-out songs.

For up to ``windows`` 8-bar phrases with a melody of the test split
(permissive songs, 4/4; :mod:`image2music.sequences.melody_dataset`) the real
melody, a network melody and a baseline melody over the phrase's own chords
(key-relative, realised in C; the phrase's minor flag picks C major or
C minor; no-chord steps keep the previous chord) are measured with
:func:`~.melody_metrics.melody_features`. Both generators get the phrase's
proxy valence and arousal (the label tables in the model's sidecar, as in
training). The report gives per source the mean and standard deviation of
every feature and its interval histogram, and per feature the overlapping
area (Yang and Lerch 2020) of each generator's values with the real ones.

``emotion_grid``: the network's melodies over :data:`GRID_PHRASES` of the
same phrases for every emotion of a 5 x 5 grid (valence and arousal each in
-0.8, -0.4, 0, 0.4, 0.8; seed ``seed + 11``): the mean of every feature over
the grid, and per arousal level the note density and the share of stutters.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import DataError
from image2music.evaluation.melody_metrics import (
    FEATURES,
    RHYTHM_FEATURES,
    interval_histogram,
    melody_features,
    overlapping_area,
)
from image2music.harmony.tokens import chord_id, is_chord, root_and_quality
from image2music.melody.decoding import tokens_to_melody
from image2music.melody.grid import STEPS_PER_BAR, STEPS_PER_BEAT
from image2music.sequences.dataset import PhraseSource
from image2music.types import Chord, Emotion, Key, Melody, Progression, TimedChord

__all__ = ["GRID_PHRASES", "MelodyEvalConfig", "evaluate_melody", "grid_progression"]

_BARS = 8
#: Phrases per emotion of the grid figures.
GRID_PHRASES = 12
_GRID_VALUES = (-0.8, -0.4, 0.0, 0.4, 0.8)


@dataclass(frozen=True)
class MelodyEvalConfig:
    """What to evaluate.

    Attributes:
        windows: Most 8-bar test phrases to use (default 300; evenly spread).
        seed: Seed of the generators.
        split: Corpus split (default ``"test"``).
    """

    windows: int = 300
    seed: int = 0
    split: str = "test"


def grid_progression(chords: NDArray[np.integer], minor: bool, tpb: int = 480) -> Progression:
    """A progression in C major or minor from key-relative chord ids on the 16th grid.

    No-chord steps keep the previous chord (the tonic before the first chord).
    """
    step = tpb // STEPS_PER_BEAT
    ids = [int(c) for c in chords]
    first = next((c for c in ids if is_chord(c)), chord_id(0, "min" if minor else "maj"))
    filled: list[int] = []
    for c in ids:
        filled.append(c if is_chord(c) else (filled[-1] if filled else first))
    timed: list[TimedChord] = []
    start = 0
    for i in range(1, len(filled) + 1):
        if i == len(filled) or filled[i] != filled[start]:
            root, quality = root_and_quality(filled[start])
            timed.append(TimedChord(Chord(root, quality), start * step, (i - start) * step))
            start = i
    return Progression(
        Key(0, "minor" if minor else "major"),
        tuple(timed),
        len(ids) // STEPS_PER_BAR,
        ticks_per_beat=tpb,
    )


def _summary(rows: list[dict[str, float]], hists: list[NDArray[np.float64]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in FEATURES + RHYTHM_FEATURES:
        v = np.array([r[f] for r in rows], dtype=np.float64)
        v = v[np.isfinite(v)]
        out[f] = {
            "mean": float(v.mean()) if len(v) else math.nan,
            "std": float(v.std()) if len(v) else math.nan,
        }
    total = np.sum(hists, axis=0)
    out["interval_histogram"] = [float(x) for x in total / max(total.sum(), 1.0)]
    return out


def evaluate_melody(
    corpus: PhraseSource,
    model: Path | None = None,
    config: MelodyEvalConfig | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Measure real, network and baseline melodies over held-out chords.

    Args:
        corpus: The corpus.
        model: The melody ``.onnx`` file (default: the shipped model).
        config: What to evaluate.
        on_stage: Called with a short description before each stage.

    Returns:
        The JSON-ready report.

    Raises:
        DataError: If the split has no 8-bar phrase with a melody.
    """
    from image2music.baseline.melody import BaselineMelody
    from image2music.melody.network import NetworkMelody
    from image2music.sequences.labels import LabelScaler
    from image2music.sequences.melody_dataset import load_melody_examples

    cfg = config or MelodyEvalConfig()
    stage = on_stage or (lambda _text: None)
    stage("loading phrases")
    ex = load_melody_examples(corpus, cfg.split)
    full = np.flatnonzero(ex.n_steps == _BARS * STEPS_PER_BAR)
    if len(full) == 0:
        raise DataError(f"no 8-bar phrase with a melody in the {cfg.split} split")
    spread = np.linspace(0, len(full) - 1, min(cfg.windows, len(full))).round().astype(np.int64)
    pick = full[np.unique(spread)]
    ex = ex.subset(pick.astype(np.int64))
    network = NetworkMelody(model)
    scaler = LabelScaler.from_dict(network.info.sidecar["labels"])
    valence, arousal = scaler.valence(ex.harmony), scaler.arousal(ex.harmony)
    baseline = BaselineMelody()
    rng_n = np.random.default_rng(cfg.seed)
    rng_b = np.random.default_rng(cfg.seed + 1)
    rng_r = np.random.default_rng(cfg.seed + 2)
    names = ("real", "network", "baseline")
    rows: dict[str, list[dict[str, float]]] = {k: [] for k in names}
    hists: dict[str, list[NDArray[np.float64]]] = {k: [] for k in names}
    seconds = {"network": 0.0, "baseline": 0.0}
    stage(f"generating over {len(ex)} phrases")
    for i in range(len(ex)):
        n = int(ex.n_steps[i])
        prog = grid_progression(ex.chords[i, :n], bool(ex.harmony.minor[i]))
        emotion = Emotion(float(valence[i]), float(arousal[i]))
        melodies: dict[str, Melody] = {
            "real": tokens_to_melody([int(x) for x in ex.melody[i, :n]], prog, 0.0, rng_r)
        }
        t0 = time.perf_counter()
        melodies["network"] = network.generate(prog, emotion, rng_n)
        t1 = time.perf_counter()
        melodies["baseline"] = baseline.generate(prog, emotion, rng_b)
        seconds["network"] += t1 - t0
        seconds["baseline"] += time.perf_counter() - t1
        for k, mel in melodies.items():
            rows[k].append(melody_features(mel, prog))
            hists[k].append(interval_histogram(mel))
    stage("scoring")
    report: dict[str, Any] = {
        "data": {
            "split": cfg.split,
            "windows": len(ex),
            "bars": _BARS,
            "sources": ex.harmony.sources(),
            "seed": cfg.seed,
        },
        "model": {
            "version": network.version,
            "metrics": network.info.sidecar.get("metrics", {}),
        },
        "features": {k: _summary(rows[k], hists[k]) for k in names},
        "overlapping_area": {
            k: {
                f: overlapping_area([r[f] for r in rows["real"]], [r[f] for r in rows[k]])
                for f in FEATURES + RHYTHM_FEATURES[:2]
            }
            for k in ("network", "baseline")
        },
        "ms_per_melody": {k: 1000 * v / len(ex) for k, v in seconds.items()},
    }
    stage("generating over the emotion grid")
    report["emotion_grid"] = _emotion_grid(network, ex, cfg.seed + 11)
    for k in ("network", "baseline"):
        areas = report["overlapping_area"][k]
        oa = [areas[f] for f in FEATURES if math.isfinite(areas[f])]
        every = [areas[f] for f in FEATURES + RHYTHM_FEATURES[:2] if math.isfinite(areas[f])]
        areas["mean"] = float(np.mean(oa)) if oa else math.nan
        areas["mean_with_rhythm"] = float(np.mean(every)) if every else math.nan
    return report


def _emotion_grid(network: Any, ex: Any, seed: int) -> dict[str, Any]:
    """The network's melodies for every emotion of the grid (module docstring)."""
    picks = np.linspace(0, len(ex) - 1, min(GRID_PHRASES, len(ex))).round().astype(np.int64)
    progressions = [
        grid_progression(ex.chords[i, : int(ex.n_steps[i])], bool(ex.harmony.minor[i]))
        for i in np.unique(picks)
    ]
    rows: dict[tuple[float, float], list[dict[str, float]]] = {}
    for v in _GRID_VALUES:
        for a in _GRID_VALUES:
            rng = np.random.default_rng(seed)
            rows[(v, a)] = [
                melody_features(network.generate(p, Emotion(v, a), rng), p) for p in progressions
            ]
    every = [r for cell in rows.values() for r in cell]

    def mean(values: list[float]) -> float:
        finite = [x for x in values if math.isfinite(x)]
        return float(np.mean(finite)) if finite else math.nan

    by_arousal = {
        f"{a:+.1f}": {
            k: mean([r[k] for (_, aa), cell in rows.items() if aa == a for r in cell])
            for k in ("note_density", "stutter", "pitch_range")
        }
        for a in _GRID_VALUES
    }
    return {
        "phrases_per_emotion": len(progressions),
        "seed": seed,
        "mean": {k: mean([r[k] for r in every]) for k in FEATURES + RHYTHM_FEATURES},
        "by_arousal": by_arousal,
    }
