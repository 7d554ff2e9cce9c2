"""Emotion estimators: from :class:`ImageFeatures` to an :class:`Emotion`.

The default, :class:`ColourPsychologyEstimator`, is a transparent linear model
whose every term comes from a published finding on colour and picture emotion;
the sign of each term is the published one, the weights are ours (chosen so
that ordinary photographs spread over most of [-1, 1]) and are listed in
:data:`WEIGHTS`. The full derivation is in ``docs/emotion.md``.

Sources:
    * Valdez, P. and Mehrabian, A. (1994). Effects of color on emotions.
      *J. Exp. Psychol.: General* 123(4), 394-409. Standardised regressions of
      pleasure, arousal and dominance on brightness (B) and saturation (S):
      P = .69 B + .22 S, A = -.31 B + .60 S, D = -.76 B + .32 S.
    * Hasler, D. and Süsstrunk, S. (2003). Measuring colourfulness in natural
      images. *Proc. SPIE* 5007. Colourfulness metric; Machajdik, J. and
      Hanbury, A. (2010), Affective image classification using features
      inspired by psychology and art theory, *ACM Multimedia*, found colourful,
      saturated pictures rated more positive and exciting.
    * Wilson, G. D. (1966). Arousal properties of red versus green.
      *Perceptual and Motor Skills* 23, 947-949: warm hues raise arousal.
    * Berlyne, D. E. (1971). *Aesthetics and Psychobiology*: visual complexity
      (edges, texture) and contrast raise arousal.
    * Smiling faces signal positive affect and are rated pleasant (the basis of
      facial-expression valence, e.g. Ekman 1992); a smile raises valence.
    * Ulrich, R. S. (1984) and Kaplan, S. (1995): natural scenes (sky,
      vegetation, water) are restorative: pleasant and calming.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from image2music.emotion.categories import category_scores
from image2music.errors import EmotionError
from image2music.types import Emotion, ImageFeatures

__all__ = [
    "CUE_EFFECTS",
    "WEIGHTS",
    "ColourPsychologyEstimator",
    "EmotionEstimator",
    "Normaliser",
]


@runtime_checkable
class EmotionEstimator(Protocol):
    """Anything that turns image features into an emotion.

    Implementations must be deterministic. ``name`` and ``version`` are
    written to the report so that results can be traced to their model.
    """

    name: str
    version: str

    def estimate(self, features: ImageFeatures) -> Emotion:
        """Estimate the emotion a picture conveys."""
        ...


@dataclass(frozen=True)
class Normaliser:
    """Centre and spread of a feature over ordinary photographs.

    ``(value - centre) / spread`` puts a typical photo within about [-2, 2].
    """

    centre: float
    spread: float

    def __call__(self, value: float) -> float:
        """Return the standardised value."""
        return (value - self.centre) / self.spread


#: Standardisation of each feature: the mean and standard deviation over the
#: eight test photographs in ``tests/vision/data`` (people, animals, food,
#: sky, night sky, microscopy, greyscale), rounded; warmth is centred on 0,
#: neither warm nor cool, rather than on that sample's warm mean.
NORMALISERS: Mapping[str, Normaliser] = MappingProxyType(
    {
        "brightness": Normaliser(0.40, 0.17),
        "saturation": Normaliser(0.37, 0.20),
        "colourfulness": Normaliser(42.0, 26.0),
        "warmth": Normaliser(0.0, 0.55),
        "contrast": Normaliser(0.41, 0.155),
        "edge_density": Normaliser(0.07, 0.042),
        "texture": Normaliser(0.19, 0.055),
    }
)

#: Weight of each standardised feature on (valence, arousal, dominance).
#: Brightness and saturation rows are Valdez and Mehrabian's coefficients.
WEIGHTS: Mapping[str, tuple[float, float, float]] = MappingProxyType(
    {
        "brightness": (0.69, -0.31, -0.76),
        "saturation": (0.22, 0.60, 0.32),
        "colourfulness": (0.15, 0.15, 0.0),
        "warmth": (0.10, 0.25, 0.0),
        "contrast": (0.0, 0.20, 0.15),
        "edge_density": (0.0, 0.15, 0.0),
        "texture": (0.0, 0.15, 0.0),
    }
)

#: Effect of a detected entity or scene cue on (valence, arousal), scaled by
#: its confidence before the squashing; unknown labels have no effect.
CUE_EFFECTS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "smile": (1.2, 0.35),
        "face": (0.1, 0.1),
        "sky": (0.25, -0.1),
        "vegetation": (0.25, -0.2),
        "water": (0.15, -0.2),
        "sunset": (0.35, -0.2),
        "night": (-0.35, -0.35),
        "snow": (0.1, -0.3),
        "overcast": (-0.2, -0.2),
    }
)

#: Category boosts (log-score) per cue, scaled by confidence.
_CATEGORY_BOOSTS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "smile": {"amusement": 1.0},
        "sky": {"awe": 0.6},
        "sunset": {"awe": 0.6, "contentment": 0.3},
        "vegetation": {"contentment": 0.4},
        "water": {"contentment": 0.3},
        "night": {"fear": 0.3, "awe": 0.3},
    }
)

#: Gain before tanh; maps the linear score into (-1, 1).
_GAIN = 0.6


class ColourPsychologyEstimator:
    """The default estimator: colour psychology plus faces and scene cues.

    Valence, arousal and dominance are ``tanh(0.6 * s)`` of a weighted sum
    ``s`` of standardised tone features (:data:`WEIGHTS`) plus cue effects
    (:data:`CUE_EFFECTS`, times each cue's highest confidence). Categories come
    from :func:`~image2music.emotion.categories.category_scores`.
    """

    name = "colour-psychology"
    version = "1.0"

    def estimate(self, features: ImageFeatures) -> Emotion:
        """Estimate the emotion of a picture from its features.

        Args:
            features: The picture's tone features and entities.

        Returns:
            The estimated emotion, ``source="image"``.

        Raises:
            EmotionError: If the features hold non-finite values.
        """
        sums = [0.0, 0.0, 0.0]
        for name, weights in WEIGHTS.items():
            z = NORMALISERS[name](float(getattr(features, name)))
            for i in range(3):
                sums[i] += weights[i] * z
        boosts: dict[str, float] = {}
        for label, (dv, da) in CUE_EFFECTS.items():
            conf = features.entity_confidence(label)
            if conf <= 0.0:
                continue
            sums[0] += dv * conf
            sums[1] += da * conf
            for cat, b in _CATEGORY_BOOSTS.get(label, {}).items():
                boosts[cat] = boosts.get(cat, 0.0) + b * conf
        if not all(math.isfinite(s) for s in sums):
            raise EmotionError(f"image features gave a non-finite emotion score: {sums}")
        valence, arousal, dominance = (round(math.tanh(_GAIN * s), 4) for s in sums)
        return Emotion(
            valence=valence,
            arousal=arousal,
            dominance=dominance,
            categories=category_scores(valence, arousal, boosts),
            source="image",
        )
