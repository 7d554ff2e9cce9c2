"""Mikels' eight emotion categories as regions of valence-arousal space.

Mikels et al. (2005) labelled the IAPS pictures with eight discrete emotions:
amusement, awe, contentment and excitement (positive); anger, disgust, fear
and sadness (negative). Russell's circumplex (Russell 1980) places such
emotion words around the valence-arousal plane. The prototype positions below
are this project's placement of each word on that plane, in [-1, 1], following
the circumplex ordering (contentment calm and pleasant, excitement aroused and
pleasant, fear and anger aroused and unpleasant, sadness calm and unpleasant);
they are design constants, not values fitted to data.

A category's score is a softmax over the negative squared distance from the
emotion's (valence, arousal) to each prototype, with temperature
:data:`TEMPERATURE`, optionally nudged by picture cues (a smile adds to
amusement, open sky and landscape to awe) before normalisation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

from image2music.types import CATEGORIES

__all__ = ["PROTOTYPES", "TEMPERATURE", "category_scores"]

#: (valence, arousal) prototype of each Mikels category, in [-1, 1].
PROTOTYPES: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "amusement": (0.75, 0.45),
        "awe": (0.45, 0.35),
        "contentment": (0.65, -0.45),
        "excitement": (0.60, 0.80),
        "anger": (-0.65, 0.70),
        "disgust": (-0.75, 0.25),
        "fear": (-0.55, 0.80),
        "sadness": (-0.65, -0.55),
    }
)

#: Softmax temperature over squared distances; smaller is more peaked.
TEMPERATURE = 0.12


def category_scores(
    valence: float, arousal: float, boosts: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Score each Mikels category for a point in valence-arousal space.

    Args:
        valence: Valence in [-1, 1].
        arousal: Arousal in [-1, 1].
        boosts: Optional additive log-score per category from picture cues
            (for example ``{"amusement": 0.8}`` for a smiling face).

    Returns:
        A score in [0, 1] for every category of :data:`~image2music.types.CATEGORIES`,
        summing to 1, each rounded to 4 decimals.
    """
    extra = boosts or {}
    logits = []
    for name in CATEGORIES:
        pv, pa = PROTOTYPES[name]
        d2 = (valence - pv) ** 2 + (arousal - pa) ** 2
        logits.append(-d2 / TEMPERATURE + extra.get(name, 0.0))
    top = max(logits)
    weights = [math.exp(v - top) for v in logits]
    total = sum(weights)
    return {name: round(w / total, 4) for name, w in zip(CATEGORIES, weights, strict=True)}
