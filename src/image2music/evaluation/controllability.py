"""Controllability: does the music land where the target emotion asks?

For a grid of target emotions (valence x arousal, default {-0.8, 0, +0.8}
squared) and several seeds per cell, pieces are composed from a neutral
mid-grey picture with the emotion overridden (so the picture does not
matter), once with the default generators (the **network** pipeline) and once
with the rule-based **baseline** composer. The independent judge
(:mod:`image2music.evaluation.judge`) reads each piece's MIDI, and we count
how often it agrees with the target on

* the sign of valence, for cells whose target valence is not zero,
* the sign of arousal, for cells whose target arousal is not zero,
* the quadrant, for cells with both non-zero,

per cell and overall. The same is done for real pictures: the emotion
estimated from each picture is the target (a dimension counts when its size
is at least :data:`PICTURE_DEADBAND`).
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
    "PICTURE_DEADBAND",
    "ControllabilityConfig",
    "evaluate_controllability",
    "pipelines",
]

#: Target values of valence and arousal on the grid.
DEFAULT_VALUES: tuple[float, ...] = (-0.8, 0.0, 0.8)
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


def _grid(
    judge: Judge, harmony: str, melody: str, cfg: ControllabilityConfig, tick: Callable[[], None]
) -> dict[str, Any]:
    from image2music.options import ComposeOptions
    from image2music.pipeline import compose_features

    features = _neutral_features()
    cells, overall = [], _Tally()
    tv: list[float] = []
    ta: list[float] = []
    for v in cfg.values:
        for a in cfg.values:
            tally = _Tally()
            for seed in range(cfg.seeds):
                opts = ComposeOptions(
                    valence=v, arousal=a, seed=seed, bars=cfg.bars, harmony=harmony, melody=melody
                )
                reading = judge.read_midi(compose_features(features, opts).midi)
                tally.add(v if v != 0 else None, a if a != 0 else None, reading)
                tv.append(v)
                ta.append(a)
                tick()
            cells.append({"valence": v, "arousal": a, **tally.summary()})
            overall.extend(tally)
    return {
        "cells": cells,
        "overall": {
            **overall.summary(),
            "valence_correlation": _correlation(tv, [r.valence for r in overall.readings]),
            "arousal_correlation": _correlation(ta, [r.arousal for r in overall.readings]),
        },
    }


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
) -> dict[str, Any]:
    """Compose over the emotion grid (and pictures) with each pipeline and judge the music.

    Args:
        judge: The music emotion judge.
        config: Grid, seeds, length and pictures.
        on_piece: Called as ``on_piece(done, total)`` after each piece.

    Returns:
        ``{"config": ..., "judge": version, "pipelines": {name: {"harmony", "melody",
        "grid": {"cells", "overall"}, "pictures": {"rows", "overall"}}}}``.
    """
    cfg = config or ControllabilityConfig()
    pics = 0
    if cfg.pictures is not None and cfg.pictures.is_dir():
        pics = sum(1 for p in cfg.pictures.iterdir() if p.suffix.lower() in _PICTURE_SUFFIXES)
    names = pipelines()
    total = len(names) * (len(cfg.values) ** 2 * cfg.seeds + pics * cfg.picture_seeds)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if on_piece is not None:
            on_piece(done, total)

    out: dict[str, Any] = {}
    for name, (harmony, melody) in names.items():
        entry: dict[str, Any] = {
            "harmony": harmony,
            "melody": melody,
            "grid": _grid(judge, harmony, melody, cfg, tick),
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
        "pipelines": out,
    }
