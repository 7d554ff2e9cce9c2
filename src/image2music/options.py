"""User options of a composition, validated once for every way in (API, CLI, web)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from image2music.errors import ConfigError
from image2music.types import MODES

__all__ = ["HARMONY_GENERATORS", "MELODY_GENERATORS", "ComposeOptions"]

#: Names accepted by ``harmony=``; the first is the default.
HARMONY_GENERATORS: tuple[str, ...] = ("baseline",)
#: Names accepted by ``melody=``; the first is the default.
MELODY_GENERATORS: tuple[str, ...] = ("baseline",)


@dataclass(frozen=True)
class ComposeOptions:
    """How to compose.

    Attributes:
        bars: Length in bars: 4, 8 (default) or 16.
        seed: Seed of every random choice, >= 0 (default 0); the same picture,
            options and seed give byte-identical files.
        valence: Overrides the picture's valence, in [-1, 1].
        arousal: Overrides the picture's arousal, in [-1, 1].
        key: Fixes the key, e.g. ``"C"``, ``"F#m"``, ``"Eb major"``, ``"D dorian"``.
        mode: Fixes the mode: one of :data:`~image2music.types.MODES`.
        tempo_bpm: Fixes the tempo, 20..300 quarter notes per minute.
        harmony: Chord generator: one of :data:`HARMONY_GENERATORS`.
        melody: Melody generator: one of :data:`MELODY_GENERATORS`.
        detect_entities: Look for faces, smiles and scene cues (default on).
    """

    bars: int = 8
    seed: int = 0
    valence: float | None = None
    arousal: float | None = None
    key: str | None = None
    mode: str | None = None
    tempo_bpm: float | None = None
    harmony: str = HARMONY_GENERATORS[0]
    melody: str = MELODY_GENERATORS[0]
    detect_entities: bool = True

    def __post_init__(self) -> None:
        if self.bars not in (4, 8, 16):
            raise ConfigError(f"bars must be 4, 8 or 16, got {self.bars!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"seed must be a whole number >= 0, got {self.seed!r}")
        for name in ("valence", "arousal"):
            v = getattr(self, name)
            if v is not None and not -1.0 <= float(v) <= 1.0:
                raise ConfigError(f"{name} must be in [-1, 1], got {v!r}")
        if self.mode is not None and self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.tempo_bpm is not None and not 20.0 <= float(self.tempo_bpm) <= 300.0:
            raise ConfigError(f"tempo must be in 20..300 bpm, got {self.tempo_bpm!r}")
        if self.harmony not in HARMONY_GENERATORS:
            raise ConfigError(
                f"harmony must be one of {', '.join(HARMONY_GENERATORS)}, got {self.harmony!r}"
            )
        if self.melody not in MELODY_GENERATORS:
            raise ConfigError(
                f"melody must be one of {', '.join(MELODY_GENERATORS)}, got {self.melody!r}"
            )
        if self.key is not None:
            from image2music.errors import TheoryError
            from image2music.theory import parse_key

            try:
                parse_key(self.key)
            except TheoryError as e:
                raise ConfigError(f"key {self.key!r} is not a key: {e}") from e

    def to_dict(self) -> dict[str, Any]:
        """The options as a JSON-ready dict."""
        return asdict(self)
