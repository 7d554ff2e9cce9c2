"""image2music: turn a picture into an original piece of music that fits its mood.

The public API is loaded on first use, so ``import image2music`` stays cheap::

    import image2music

    result = image2music.compose("photo.jpg", bars=8, seed=1)
    result.write("out")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from image2music.version import __version__

if TYPE_CHECKING:
    from image2music.composition import Composition
    from image2music.errors import (
        ConfigError,
        Image2MusicError,
        ImageError,
        MissingDependencyError,
        OutputError,
    )
    from image2music.options import ComposeOptions
    from image2music.pipeline import compose, compose_features
    from image2music.sequence import compose_sequence
    from image2music.types import Emotion, ImageFeatures, Score
    from image2music.video import compose_video

__all__ = [
    "ComposeOptions",
    "Composition",
    "ConfigError",
    "Emotion",
    "Image2MusicError",
    "ImageError",
    "ImageFeatures",
    "MissingDependencyError",
    "OutputError",
    "Score",
    "__version__",
    "compose",
    "compose_features",
    "compose_sequence",
    "compose_video",
]

_LAZY = {
    "compose": "image2music.pipeline",
    "compose_features": "image2music.pipeline",
    "compose_sequence": "image2music.sequence",
    "compose_video": "image2music.video",
    "Composition": "image2music.composition",
    "ComposeOptions": "image2music.options",
    "Emotion": "image2music.types",
    "ImageFeatures": "image2music.types",
    "Score": "image2music.types",
    "ConfigError": "image2music.errors",
    "Image2MusicError": "image2music.errors",
    "ImageError": "image2music.errors",
    "MissingDependencyError": "image2music.errors",
    "OutputError": "image2music.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'image2music' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
