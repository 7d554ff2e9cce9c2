"""The music emotion judge: an independent witness of what the music conveys.

A classifier of valence and arousal from symbolic music, trained on EMOPIA's
official splits with its own features (:mod:`.features`) and a numpy softmax
regression (:mod:`.model`). It shares no code with the generators'
conditioning: it imports nothing from ``image2music`` but this package and
``image2music.errors`` (a test checks it).
"""

from __future__ import annotations

from image2music.evaluation.judge.judge import Judge, JudgeReading
from image2music.evaluation.judge.train import (
    PAPER_FIGURES,
    default_judge_path,
    load_or_train_judge,
    train_judge,
)

__all__ = [
    "PAPER_FIGURES",
    "Judge",
    "JudgeReading",
    "default_judge_path",
    "load_or_train_judge",
    "train_judge",
]
