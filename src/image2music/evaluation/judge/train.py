"""Train and test the judge on EMOPIA's official splits; find or train the cached judge.

* Data: ``--datasets``, else ``$IMAGE2MUSIC_DATASETS``, else ``../shared/datasets``
  (from the current folder, else from the project root), then ``emopia/``.
* Judge: ``--out``, else ``$IMAGE2MUSIC_CACHE_DIR/judge/judge.npz``, else
  ``$XDG_CACHE_HOME/image2music/judge/judge.npz`` (``~/.cache/...``).

Each head's L2 strength is picked on ``val``; the heads are trained on
``train`` only and the figures reported on ``test``.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import Image2MusicError
from image2music.evaluation.judge.features import FEATURE_NAMES, extract_features
from image2music.evaluation.judge.judge import Judge, withhold
from image2music.evaluation.judge.midi_reader import (
    SPLITS,
    clip_quadrant,
    iter_archive,
    read_midi_bytes,
    read_split,
)
from image2music.evaluation.judge.model import Scaler, SoftmaxRegression, fit_softmax

__all__ = [
    "L2_GRID",
    "PAPER_FIGURES",
    "SplitData",
    "default_judge_path",
    "emopia_dir",
    "judge_metrics",
    "load_emopia",
    "load_or_train_judge",
    "train_judge",
]

#: L2 strengths tried on ``val`` for each head.
L2_GRID: tuple[float, ...] = (1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
#: The EMOPIA paper's symbolic classifier on its test split, for reference.
PAPER_FIGURES = {"4q": 0.684, "arousal": 0.890, "valence": 0.833}


@dataclass(frozen=True)
class SplitData:
    """One split's features and labels.

    Attributes:
        names: Clip stems.
        x: Features, ``(n, len(FEATURE_NAMES))``.
        quadrant: Quadrants 1..4.
    """

    names: tuple[str, ...]
    x: NDArray[np.float64]
    quadrant: NDArray[np.int64]

    @property
    def valence(self) -> NDArray[np.int64]:
        """1 for positive valence (Q1, Q4), else 0."""
        out: NDArray[np.int64] = np.isin(self.quadrant, (1, 4)).astype(np.int64)
        return out

    @property
    def arousal(self) -> NDArray[np.int64]:
        """1 for high arousal (Q1, Q2), else 0."""
        out: NDArray[np.int64] = np.isin(self.quadrant, (1, 2)).astype(np.int64)
        return out


def emopia_dir(datasets: Path | str | None = None) -> Path:
    """The EMOPIA folder (see the module docstring)."""
    chosen = datasets or os.environ.get("IMAGE2MUSIC_DATASETS")
    if chosen:
        base = Path(chosen).expanduser().resolve()
    else:
        base = (Path.cwd() / ".." / "shared" / "datasets").resolve()
        if not base.is_dir():
            base = (Path(__file__).resolve().parents[5] / ".." / "shared" / "datasets").resolve()
    return base if (base / "split").is_dir() and not (base / "emopia").is_dir() else base / "emopia"


def default_judge_path() -> Path:
    """Where the judge is cached (see the module docstring)."""
    chosen = os.environ.get("IMAGE2MUSIC_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve() / "judge" / "judge.npz"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(base).expanduser() / "image2music" / "judge" / "judge.npz").resolve()


def load_emopia(folder: Path) -> dict[str, SplitData]:
    """Features and labels of every clip of the official splits.

    Args:
        folder: The EMOPIA folder (archive and ``split/``).

    Raises:
        Image2MusicError: If files are missing or a split names no clip of the archive.
    """
    wanted = {split: read_split(folder, split) for split in SPLITS}
    names = {n for clips in wanted.values() for n in clips}
    feats: dict[str, NDArray[np.float64]] = {}
    for stem, data in iter_archive(folder):
        if stem in names:
            try:
                feats[stem] = extract_features(read_midi_bytes(data))
            except Image2MusicError:
                continue
    out: dict[str, SplitData] = {}
    for split, clips in wanted.items():
        kept = tuple(c for c in clips if c in feats)
        if not kept:
            raise Image2MusicError(f"no clip of the EMOPIA {split} split is in the archive")
        x = np.stack([feats[c] for c in kept])
        q = np.array([clip_quadrant(c) for c in kept], dtype=np.int64)
        out[split] = SplitData(kept, x, q)
    return out


def _accuracy(model: SoftmaxRegression, x: NDArray[np.float64], y: NDArray[np.int64]) -> float:
    return float((model.predict(x) == y).mean())


def _fit_head(
    z_train: NDArray[np.float64],
    y_train: NDArray[np.int64],
    z_val: NDArray[np.float64],
    y_val: NDArray[np.int64],
    n_classes: int,
    grid: tuple[float, ...],
) -> tuple[SoftmaxRegression, dict[str, float]]:
    """The head with the best validation accuracy (ties: the stronger L2)."""
    best: SoftmaxRegression | None = None
    best_acc, scores = -1.0, {}
    for l2 in grid:
        model = fit_softmax(z_train, y_train, n_classes, l2=l2)
        acc = _accuracy(model, z_val, y_val)
        scores[f"{l2:g}"] = round(acc, 4)
        if acc >= best_acc:
            best, best_acc = model, acc
    assert best is not None
    return best, scores


def judge_metrics(judge: Judge, data: SplitData) -> dict[str, Any]:
    """4Q, valence and arousal accuracy and the 4Q confusion matrix on one split."""
    p = judge.proba(data.x)
    pred_q = p["quadrant"].argmax(axis=1) + 1
    confusion = np.zeros((4, 4), dtype=np.int64)
    np.add.at(confusion, (data.quadrant - 1, pred_q - 1), 1)
    v_pred, a_pred = p["valence"].argmax(axis=1), p["arousal"].argmax(axis=1)
    return {
        "clips": len(data.names),
        "4q": round(float((pred_q == data.quadrant).mean()), 4),
        "valence": round(float((v_pred == data.valence).mean()), 4),
        "arousal": round(float((a_pred == data.arousal).mean()), 4),
        "quadrant_from_heads": round(
            float(
                ((v_pred == data.valence) & (a_pred == data.arousal)).mean(),
            ),
            4,
        ),
        "confusion_4q": confusion.tolist(),
    }


def train_judge(
    folder: Path,
    *,
    grid: tuple[float, ...] = L2_GRID,
    on_stage: Callable[[str], None] | None = None,
    blind: tuple[str, ...] = (),
) -> tuple[Judge, dict[str, Any]]:
    """Train the judge on EMOPIA ``train``, tune on ``val``, test on ``test``.

    Args:
        folder: The EMOPIA folder.
        grid: L2 strengths tried per head.
        on_stage: Told what is being done.
        blind: Features withheld from the judge (trained and read without
            them), e.g. :data:`~.judge.MODE_AND_TEMPO`.

    Returns:
        The judge (its ``meta`` holds the figures) and the figures.
    """
    t0 = time.perf_counter()
    if on_stage:
        on_stage("reading EMOPIA")
    data = load_emopia(folder)
    tr, va = data["train"], data["val"]
    scaler = Scaler.fit(tr.x)
    z_tr = withhold(scaler.transform(tr.x), blind)
    z_va = withhold(scaler.transform(va.x), blind)
    if on_stage:
        on_stage("training the judge")
    quadrant, s_q = _fit_head(z_tr, tr.quadrant - 1, z_va, va.quadrant - 1, 4, grid)
    valence, s_v = _fit_head(z_tr, tr.valence, z_va, va.valence, 2, grid)
    arousal, s_a = _fit_head(z_tr, tr.arousal, z_va, va.arousal, 2, grid)
    judge = Judge(scaler, quadrant, valence, arousal, blind=blind)
    figures = {split: judge_metrics(judge, d) for split, d in data.items()}
    meta = {
        "data": {
            "dataset": "EMOPIA 1.0 (CC BY-NC-SA 4.0; weights not for redistribution)",
            "folder": str(folder),
            "clips": {split: len(d.names) for split, d in data.items()},
        },
        "model": "standardised features, L2 softmax regression per head",
        "val_accuracy_by_l2": {"quadrant": s_q, "valence": s_v, "arousal": s_a},
        "figures": figures,
        "paper_figures": PAPER_FIGURES,
        "trained_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 1),
        "n_features": len(FEATURE_NAMES),
    }
    judge = Judge(scaler, quadrant, valence, arousal, meta, blind)
    return judge, figures


def load_or_train_judge(
    path: Path | None = None,
    datasets: Path | str | None = None,
    *,
    note: Callable[[str], None] | None = None,
    blind: tuple[str, ...] = (),
) -> Judge:
    """The cached judge, trained first (and cached) when it is missing or outdated.

    Args:
        path: The judge file (default: :func:`default_judge_path`, or
            ``judge-blind.npz`` beside it for a judge with ``blind`` features).
        datasets: Datasets folder for training (see :func:`emopia_dir`).
        note: Told when the judge has to be trained.
        blind: Features withheld from the judge (see :func:`train_judge`).

    Raises:
        Image2MusicError: If the judge must be trained and EMOPIA cannot be read.
    """
    path = path or default_judge_path()
    if blind and path == default_judge_path():
        path = path.with_name("judge-blind.npz")
    if path.is_file():
        try:
            judge = Judge.load(path)
        except Image2MusicError as e:
            if note:
                note(f"{e}; training it again")
        else:
            if judge.blind == tuple(blind):
                return judge
    folder = emopia_dir(datasets)
    if note:
        note(f"no emotion judge at {path}: training it on {folder} (about a minute)")
    judge, _ = train_judge(folder, blind=blind)
    judge.save(path)
    return judge
