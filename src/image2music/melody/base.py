"""The contract every melody generator fulfils."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from image2music.types import Emotion, Melody, Progression

__all__ = ["MelodyGenerator"]


@runtime_checkable
class MelodyGenerator(Protocol):
    """Writes a monophonic melody over a progression for an emotion.

    The melody spans the whole progression and is deterministic for a given
    ``rng`` state.
    """

    name: str
    version: str

    def generate(
        self, progression: Progression, emotion: Emotion, rng: np.random.Generator
    ) -> Melody:
        """Generate a melody over ``progression``."""
        ...
