"""Emotion stage: image features to valence, arousal, dominance and categories."""

from __future__ import annotations

from image2music.emotion.categories import PROTOTYPES, category_scores
from image2music.emotion.estimator import (
    ColourPsychologyEstimator,
    EmotionEstimator,
)
from image2music.emotion.learned import LearnedEstimator
from image2music.emotion.override import override_emotion
from image2music.errors import ConfigError

__all__ = [
    "PROTOTYPES",
    "ColourPsychologyEstimator",
    "EmotionEstimator",
    "LearnedEstimator",
    "category_scores",
    "estimator_for",
    "override_emotion",
]


def estimator_for(name: str) -> EmotionEstimator:
    """The emotion estimator called ``name``.

    Args:
        name: ``"learned"`` (the model fitted to rated photographs) or
            ``"colour"`` (the colour-psychology rules).

    Raises:
        ConfigError: For any other name.
    """
    if name == "learned":
        return LearnedEstimator()
    if name == "colour":
        return ColourPsychologyEstimator()
    raise ConfigError(f"emotion must be one of learned, colour, got {name!r}")
