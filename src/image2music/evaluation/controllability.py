"""Controllability: does the music land where the target emotion asks?

For a grid of target emotions (valence x arousal, default {-0.8, -0.4, 0,
+0.4, +0.8} squared) and several seeds per cell, pieces are composed from a neutral
mid-grey picture with the emotion overridden (so the picture does not
matter), once with the default generators (the **network** pipeline) and once
with the rule-based **baseline** composer. The independent judge
(:mod:`image2music.evaluation.judge`) reads each piece's MIDI, and we count
how often it agrees with the target on

* the sign of valence, for cells whose target valence is not zero,
* the sign of arousal, for cells whose target arousal is not zero,
* the quadrant, for cells with both non-zero,

per cell and overall, with each cell's mean readings and the mean reading
per target level. The same is done for real pictures: the emotion
estimated from each picture is the target (a dimension counts when its size
is at least :data:`PICTURE_DEADBAND`).

**What the notes carry.** Mode and tempo carry much of a piece's emotion,
and they are set by rules. So the test is repeated with both held fixed
(``--mode major`` and ``--mode minor`` in turn, the tempo at
:data:`FIXED_TEMPO_BPM`, arousal 0): only valence moves, and the Spearman rank
correlation of target and reading within each mode shows whether harmony,
melody and arrangement carry it. When a second judge blind to the mode and
tempo features (:data:`~.judge.judge.MODE_AND_TEMPO`) is given, every piece
is also read by it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from image2music.evaluation.judge.judge import Judge, JudgeReading

__all__ = [
    "DEFAULT_VALUES",
    "FIXED_TEMPO_BPM",
    "PICTURE_DEADBAND",
    "ControllabilityConfig",
    "evaluate_controllability",
    "pipelines",
]

#: Target values of valence and arousal on the grid.
DEFAULT_VALUES: tuple[float, ...] = (-0.8, -0.4, 0.0, 0.4, 0.8)
#: The tempo of the fixed-mode, fixed-tempo test, in beats per minute.
FIXED_TEMPO_BPM = 100.0
#: A picture's estimated valence or arousal counts only from this size on.
PICTURE_DEADBAND = 0.1
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")


@dataclass(frozen=True)
class ControllabilityConfig:
    """Settings of the controllability test.

    Attributes:
        values: Target values of valence and of arousal (the grid is their square).
        seeds: Pieces per cell (seeds 0..seeds-1).
        bars: Bars per piece.
        pictures: Folder of real pictures (``None``: grid only).
        picture_seeds: Pieces per picture and pipeline.
    """

    values: tuple[float, ...] = DEFAULT_VALUES
    seeds: int = 10
    bars: int = 8
    pictures: Path | None = None
    picture_seeds: int = 3


def pipelines() -> dict[str, tuple[str, str]]:
    """``name -> (harmony, melody)``: the default generators and the baseline composer."""
    from image2music.options import HARMONY_GENERATORS, MELODY_GENERATORS

    return {
        "network": (HARMONY_GENERATORS[0], MELODY_GENERATORS[0]),
        "baseline": ("baseline", "baseline"),
    }


def _sign(x: float) -> int:
    return 1 if x > 0 else -1


def _agree(hits: Sequence[bool]) -> float | None:
    return round(float(np.mean(hits)), 4) if hits else None


class _Tally:
    """Agreement counts of one group of pieces."""

    def __init__(self) -> None:
        self.valence: list[bool] = []
        self.arousal: list[bool] = []
        self.quadrant: list[bool] = []
        self.readings: list[JudgeReading] = []

    def add(self, v: float | None, a: float | None, r: JudgeReading) -> None:
        self.readings.append(r)
        if v is not None:
            self.valence.append(_sign(v) == _sign(r.valence))
        if a is not None:
            self.arousal.append(_sign(a) == _sign(r.arousal))
        if v is not None and a is not None:
            self.quadrant.append(_sign(v) == _sign(r.valence) and _sign(a) == _sign(r.arousal))

    def extend(self, other: _Tally) -> None:
        self.valence += other.valence
        self.arousal += other.arousal
        self.quadrant += other.quadrant
        self.readings += other.readings

    def summary(self) -> dict[str, Any]:
        return {
            "pieces": len(self.readings),
            "valence_agreement": _agree(self.valence),
            "arousal_agreement": _agree(self.arousal),
            "quadrant_agreement": _agree(self.quadrant),
            "mean_valence_reading": round(float(np.mean([r.valence for r in self.readings])), 3),
            "mean_arousal_reading": round(float(np.mean([r.arousal for r in self.readings])), 3),
        }


def _neutral_features() -> Any:
    from PIL import Image

    from image2music.vision import analyse_image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (128, 128, 128)).save(buf, "PNG")
    buf.seek(0)
    return analyse_image(buf, detect_entities=False)


def _correlation(targets: list[float], readings: list[float]) -> float | None:
    if len(targets) < 3 or np.std(targets) == 0 or np.std(readings) == 0:
        return None
    return round(float(np.corrcoef(targets, readings)[0, 1]), 4)


def _spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman rank correlation (average ranks for ties), ``None`` when undefined."""
    if len(x) < 3:
        return None

    def ranks(v: Sequence[float]) -> np.ndarray:
        a = np.asarray(v, dtype=np.float64)
        order = a.argsort(kind="stable")
        r = np.empty(len(a))
        r[order] = np.arange(len(a), dtype=np.float64)
        for value in np.unique(a):
            tied = a == value
            r[tied] = r[tied].mean()
        return r

    return _correlation(list(ranks(x)), list(ranks(y)))


def _level_means(targets: list[float], readings: list[float]) -> dict[str, float]:
    """Mean reading per target level, keyed ``"+0.4"`` etc."""
    by_level: dict[float, list[float]] = {}
    for t, r in zip(targets, readings, strict=True):
        by_level.setdefault(t, []).append(r)
    return {f"{t:+.1f}": round(float(np.mean(by_level[t])), 3) for t in sorted(by_level)}


@dataclass
class _Pieces:
    """Composes the test's pieces for one pipeline from the neutral picture, counting them."""

    harmony: str
    melody: str
    cfg: ControllabilityConfig
    tick: Callable[[], None]
    features: Any = None

    def midi(self, **options: Any) -> bytes:
        """The MIDI of one piece with these :class:`ComposeOptions` fields."""
        from image2music.options import ComposeOptions
        from image2music.pipeline import compose_features

        if self.features is None:
            self.features = _neutral_features()
        opts = ComposeOptions(
            bars=self.cfg.bars, harmony=self.harmony, melody=self.melody, **options
        )
        data = compose_features(self.features, opts).midi
        self.tick()
        return data


def _grid(judge: Judge, blind: Judge | None, pieces: _Pieces) -> dict[str, Any]:
    cfg = pieces.cfg
    cells, overall = [], _Tally()
    tv: list[float] = []
    ta: list[float] = []
    blind_v: list[float] = []
    blind_a: list[float] = []
    for v in cfg.values:
        for a in cfg.values:
            tally = _Tally()
            cell_blind: list[JudgeReading] = []
            for seed in range(cfg.seeds):
                midi = pieces.midi(valence=v, arousal=a, seed=seed)
                reading = judge.read_midi(midi)
                tally.add(v if v != 0 else None, a if a != 0 else None, reading)
                if blind is not None:
                    cell_blind.append(blind.read_midi(midi))
                tv.append(v)
                ta.append(a)
            cell = {"valence": v, "arousal": a, **tally.summary()}
            if blind is not None:
                cell["blind_valence_reading"] = round(
                    float(np.mean([r.valence for r in cell_blind])), 3
                )
                cell["blind_arousal_reading"] = round(
                    float(np.mean([r.arousal for r in cell_blind])), 3
                )
                blind_v += [r.valence for r in cell_blind]
                blind_a += [r.arousal for r in cell_blind]
            cells.append(cell)
            overall.extend(tally)
    readings_v = [r.valence for r in overall.readings]
    readings_a = [r.arousal for r in overall.readings]
    out: dict[str, Any] = {
        "cells": cells,
        "overall": {
            **overall.summary(),
            "valence_correlation": _correlation(tv, readings_v),
            "arousal_correlation": _correlation(ta, readings_a),
            "valence_rank_correlation": _spearman(tv, readings_v),
            "arousal_rank_correlation": _spearman(ta, readings_a),
        },
        "levels": {
            "valence": _level_means(tv, readings_v),
            "arousal": _level_means(ta, readings_a),
        },
    }
    if blind is not None:
        out["overall"]["blind_valence_rank_correlation"] = _spearman(tv, blind_v)
        out["overall"]["blind_arousal_rank_correlation"] = _spearman(ta, blind_a)
        out["levels"]["blind_valence"] = _level_means(tv, blind_v)
        out["levels"]["blind_arousal"] = _level_means(ta, blind_a)
    return out


def _fixed_mode_and_tempo(judge: Judge, blind: Judge | None, pieces: _Pieces) -> dict[str, Any]:
    """Valence alone moves: mode and tempo fixed, arousal 0 (module docstring)."""
    cfg = pieces.cfg
    out: dict[str, Any] = {}
    for mode in ("major", "minor"):
        targets: list[float] = []
        heard: dict[str, list[float]] = {"judge": [], "blind": []}
        for v in cfg.values:
            for seed in range(cfg.seeds):
                midi = pieces.midi(
                    valence=v, arousal=0.0, mode=mode, tempo_bpm=FIXED_TEMPO_BPM, seed=seed
                )
                targets.append(v)
                heard["judge"].append(judge.read_midi(midi).valence)
                if blind is not None:
                    heard["blind"].append(blind.read_midi(midi).valence)
        entry: dict[str, Any] = {
            "valence_rank_correlation": _spearman(targets, heard["judge"]),
            "valence_levels": _level_means(targets, heard["judge"]),
        }
        if blind is not None:
            entry["blind_valence_rank_correlation"] = _spearman(targets, heard["blind"])
            entry["blind_valence_levels"] = _level_means(targets, heard["blind"])
        out[mode] = entry
    return out


def _pictures(
    judge: Judge, harmony: str, melody: str, cfg: ControllabilityConfig, tick: Callable[[], None]
) -> dict[str, Any]:
    from image2music.options import ComposeOptions
    from image2music.pipeline import compose_features
    from image2music.vision import analyse_image

    assert cfg.pictures is not None
    files = sorted(p for p in cfg.pictures.iterdir() if p.suffix.lower() in _PICTURE_SUFFIXES)
    rows, overall = [], _Tally()
    for path in files:
        features = analyse_image(path)
        tally = _Tally()
        target = None
        for seed in range(cfg.picture_seeds):
            opts = ComposeOptions(seed=seed, bars=cfg.bars, harmony=harmony, melody=melody)
            piece = compose_features(features, opts)
            target = piece.emotion
            v = target.valence if abs(target.valence) >= PICTURE_DEADBAND else None
            a = target.arousal if abs(target.arousal) >= PICTURE_DEADBAND else None
            tally.add(v, a, judge.read_midi(piece.midi))
            tick()
        assert target is not None
        rows.append(
            {
                "picture": path.name,
                "target_valence": round(target.valence, 3),
                "target_arousal": round(target.arousal, 3),
                **tally.summary(),
            }
        )
        overall.extend(tally)
    return {"rows": rows, "overall": overall.summary() if rows else None}


def evaluate_controllability(
    judge: Judge,
    config: ControllabilityConfig | None = None,
    *,
    on_piece: Callable[[int, int], None] | None = None,
    blind_judge: Judge | None = None,
) -> dict[str, Any]:
    """Compose over the emotion grid (and pictures) with each pipeline and judge the music.

    Args:
        judge: The music emotion judge.
        config: Grid, seeds, length and pictures.
        on_piece: Called as ``on_piece(done, total)`` after each piece.
        blind_judge: A judge blind to mode and tempo; every grid piece is also
            read by it (default: none).

    Returns:
        ``{"config": ..., "judge": version, "pipelines": {name: {"harmony", "melody",
        "grid": {"cells", "overall", "levels"}, "fixed_mode_and_tempo": {mode: ...},
        "pictures": {"rows", "overall"}}}}``.
    """
    cfg = config or ControllabilityConfig()
    pics = 0
    if cfg.pictures is not None and cfg.pictures.is_dir():
        pics = sum(1 for p in cfg.pictures.iterdir() if p.suffix.lower() in _PICTURE_SUFFIXES)
    names = pipelines()
    per_pipeline = (len(cfg.values) ** 2 + 2 * len(cfg.values)) * cfg.seeds
    total = len(names) * (per_pipeline + pics * cfg.picture_seeds)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if on_piece is not None:
            on_piece(done, total)

    out: dict[str, Any] = {}
    for name, (harmony, melody) in names.items():
        pieces = _Pieces(harmony, melody, cfg, tick)
        entry: dict[str, Any] = {
            "harmony": harmony,
            "melody": melody,
            "grid": _grid(judge, blind_judge, pieces),
            "fixed_mode_and_tempo": _fixed_mode_and_tempo(judge, blind_judge, pieces),
        }
        if pics:
            entry["pictures"] = _pictures(judge, harmony, melody, cfg, tick)
        out[name] = entry
    return {
        "config": {
            "values": list(cfg.values),
            "seeds": cfg.seeds,
            "bars": cfg.bars,
            "pictures": str(cfg.pictures) if pics else None,
            "picture_seeds": cfg.picture_seeds if pics else 0,
            "picture_deadband": PICTURE_DEADBAND,
        },
        "judge": judge.version,
        "blind_judge": None if blind_judge is None else blind_judge.version,
        "fixed_tempo_bpm": FIXED_TEMPO_BPM,
        "pipelines": out,
    }
