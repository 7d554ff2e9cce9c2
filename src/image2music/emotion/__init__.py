"""Emotion stage: image features to valence, arousal, dominance and categories."""

from __future__ import annotations

from image2music.emotion.categories import PROTOTYPES, category_scores
from image2music.emotion.estimator import (
    ColourPsychologyEstimator,
    EmotionEstimator,
)
from image2music.emotion.override import override_emotion

__all__ = [
    "PROTOTYPES",
    "ColourPsychologyEstimator",
    "EmotionEstimator",
    "category_scores",
    "override_emotion",
]
