"""Helpers for the arrangement tests: pictures and pieces built in code."""

from __future__ import annotations

import numpy as np

from image2music.arrangement.arrange import Arrangement, arrange
from image2music.arrangement.plan import plan_music
from image2music.baseline.harmony import BaselineHarmony
from image2music.baseline.melody import BaselineMelody
from image2music.options import ComposeOptions
from image2music.types import Emotion, ImageFeatures, Melody, PaletteColour, Progression


def make_features(
    *, warmth: float = 0.0, saturation: float = 0.3, brightness: float = 0.5
) -> ImageFeatures:
    """A picture's features with the given tone and a two-colour palette."""
    hist = tuple([1 / 12] * 12)
    palette = (PaletteColour((200, 90, 60), 0.6), PaletteColour((40, 80, 160), 0.4))
    return ImageFeatures(
        width_px=64,
        height_px=48,
        brightness=brightness,
        saturation=saturation,
        warmth=warmth,
        colourfulness=40.0,
        contrast=0.3,
        edge_density=0.05,
        texture=0.1,
        hue_histogram=hist,
        palette=palette,
    )


def piece(emotion: Emotion, bars: int = 4, seed: int = 0) -> tuple[Progression, Melody]:
    """A baseline progression and melody for an emotion, in the planned key."""
    plan = plan_music(emotion, make_features())
    h_rng, m_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    progression = BaselineHarmony().generate(emotion, plan.key, bars, h_rng)
    return progression, BaselineMelody().generate(progression, emotion, m_rng)


def arranged(
    valence: float,
    arousal: float,
    *,
    warmth: float = 0.0,
    bars: int = 4,
    seed: int = 0,
    **options: object,
) -> Arrangement:
    """Arrange a baseline piece for an emotion and picture tone."""
    emotion = Emotion(valence, arousal)
    features = make_features(warmth=warmth)
    plan = plan_music(emotion, features)
    progression, melody = piece(emotion, bars, seed)
    opts = ComposeOptions(**options)  # type: ignore[arg-type]
    return arrange(
        progression,
        melody,
        emotion,
        features,
        plan,
        np.random.default_rng(seed + 100),
        style=opts.style,
        instruments=opts.instruments,
        drums=opts.drums,
    )
