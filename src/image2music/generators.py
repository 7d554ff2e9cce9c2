"""Registry of the harmony and melody generators, by the names the options use."""

from __future__ import annotations

from image2music.errors import ConfigError
from image2music.harmony.base import HarmonyGenerator
from image2music.melody.base import MelodyGenerator

__all__ = ["harmony_generator", "melody_generator"]


def harmony_generator(name: str) -> HarmonyGenerator:
    """The chord generator called ``name`` (see ``ComposeOptions.harmony``)."""
    if name == "network":
        from image2music.harmony.network import NetworkHarmony

        return NetworkHarmony()
    if name == "baseline":
        from image2music.baseline.harmony import BaselineHarmony

        return BaselineHarmony()
    raise ConfigError(f"unknown harmony generator {name!r}")


def melody_generator(name: str) -> MelodyGenerator:
    """The melody generator called ``name`` (see ``ComposeOptions.melody``)."""
    if name == "network":
        from image2music.melody.network import NetworkMelody

        return NetworkMelody()
    if name == "baseline":
        from image2music.baseline.melody import BaselineMelody

        return BaselineMelody()
    raise ConfigError(f"unknown melody generator {name!r}")
