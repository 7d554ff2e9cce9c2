"""The contract every chord-progression generator fulfils."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from image2music.types import COMMON_TIME, Emotion, Key, Progression, TimeSignature

__all__ = ["BAR_COUNTS", "HarmonyGenerator"]

#: Progression lengths the product offers, in bars.
BAR_COUNTS: tuple[int, ...] = (4, 8, 16)


@runtime_checkable
class HarmonyGenerator(Protocol):
    """Writes a chord progression for an emotion in a given key.

    A generator must open on the tonic, close with a cadence on the tonic, and
    be deterministic for a given ``rng`` state.
    """

    name: str
    version: str

    def generate(
        self,
        emotion: Emotion,
        key: Key,
        bars: int,
        rng: np.random.Generator,
        time_signature: TimeSignature = COMMON_TIME,
    ) -> Progression:
        """Generate ``bars`` bars of harmony in ``key``."""
        ...
