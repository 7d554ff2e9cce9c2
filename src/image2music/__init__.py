"""image2music: turn a picture into an original piece of music that fits its mood."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
