"""Registry of the harmony and melody generators, by the names the options use."""

from __future__ import annotations

import importlib
from typing import Any, cast

from image2music.errors import ConfigError
from image2music.harmony.base import HarmonyGenerator
from image2music.melody.base import MelodyGenerator

__all__ = ["GENERATORS", "harmony_generator", "melody_generator"]

#: Part -> option name -> ``module:class`` of the generator (imported on first use).
GENERATORS: dict[str, dict[str, str]] = {
    "harmony": {
        "network": "image2music.harmony.network:NetworkHarmony",
        "network-gru": "image2music.harmony.network:GruNetworkHarmony",
        "baseline": "image2music.baseline.harmony:BaselineHarmony",
    },
    "melody": {
        "network": "image2music.melody.network:NetworkMelody",
        "baseline": "image2music.baseline.melody:BaselineMelody",
    },
}


def _generator(part: str, name: str) -> Any:
    target = GENERATORS[part].get(name)
    if target is None:
        raise ConfigError(f"unknown {part} generator {name!r}")
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)()


def harmony_generator(name: str) -> HarmonyGenerator:
    """The chord generator called ``name`` (see ``ComposeOptions.harmony``)."""
    return cast(HarmonyGenerator, _generator("harmony", name))


def melody_generator(name: str) -> MelodyGenerator:
    """The melody generator called ``name`` (see ``ComposeOptions.melody``)."""
    return cast(MelodyGenerator, _generator("melody", name))
