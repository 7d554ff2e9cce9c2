"""User steering: replace the picture's valence and/or arousal."""

from __future__ import annotations

from image2music.emotion.categories import category_scores
from image2music.types import Emotion

__all__ = ["override_emotion"]


def override_emotion(
    emotion: Emotion, *, valence: float | None = None, arousal: float | None = None
) -> Emotion:
    """Return ``emotion`` with the given values replaced and categories rescored.

    Args:
        emotion: The estimated emotion.
        valence: New valence in [-1, 1], or ``None`` to keep the estimate.
        arousal: New arousal in [-1, 1], or ``None`` to keep the estimate.

    Returns:
        The same emotion when nothing is overridden; otherwise a new one with
        ``source`` set to ``"user"`` (both given) or ``"image+user"`` (one given).
    """
    if valence is None and arousal is None:
        return emotion
    v = emotion.valence if valence is None else float(valence)
    a = emotion.arousal if arousal is None else float(arousal)
    source = "user" if valence is not None and arousal is not None else "image+user"
    return Emotion(
        valence=v,
        arousal=a,
        dominance=emotion.dominance,
        categories=category_scores(v, a),
        source=source,
    )
