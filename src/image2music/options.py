"""User options of a composition, validated once for every way in (API, CLI, web)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from image2music.errors import ConfigError
from image2music.types import MODES

__all__ = [
    "EMOTION_ESTIMATORS",
    "HARMONY_GENERATORS",
    "MAX_DURATION_SEC",
    "MELODY_GENERATORS",
    "MIN_DURATION_SEC",
    "SYNTHS",
    "ComposeOptions",
]

#: Names accepted by ``emotion=``; the first is the default: ``learned`` is the
#: model fitted to rated photographs, ``colour`` the transparent
#: colour-psychology rules.
EMOTION_ESTIMATORS: tuple[str, ...] = ("learned", "colour")
#: Names accepted by ``harmony=``; the first is the default.
HARMONY_GENERATORS: tuple[str, ...] = ("network", "baseline")
#: Names accepted by ``melody=``; the first is the default.
MELODY_GENERATORS: tuple[str, ...] = ("network", "baseline")
#: Names accepted by ``synth=``: ``auto`` picks FluidSynth when it is installed.
SYNTHS: tuple[str, ...] = ("auto", "symusic", "fluidsynth")
#: Shortest and longest ``duration_sec``, in seconds.
MIN_DURATION_SEC, MAX_DURATION_SEC = 5.0, 600.0


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
        style: Arrangement style (default ``"auto"``): one of
            :data:`~image2music.arrangement.styles.STYLES`.
        instruments: Instruments per part, e.g. ``"melody=flute,chords=strings,bass=42"``
            (General MIDI names, aliases or program numbers 0..127); ``None``
            (default) lets the mood, palette and style choose.
        drums: Allow drums (default ``True``); ``False`` is ``--no-drums``.
        duration_sec: Wanted length in seconds, 5..600, ending included; the
            number of bars is chosen to fit (``bars`` must then stay at its
            default). ``None`` (default) uses ``bars``.
        synth: Audio synthesiser: one of :data:`SYNTHS` (default ``"auto"``).
        emotion: Emotion estimator: one of :data:`EMOTION_ESTIMATORS`
            (default ``"learned"``).
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
    style: str = "auto"
    instruments: str | None = None
    drums: bool = True
    duration_sec: float | None = None
    synth: str = "auto"
    emotion: str = EMOTION_ESTIMATORS[0]

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
        if self.emotion not in EMOTION_ESTIMATORS:
            raise ConfigError(
                f"emotion must be one of {', '.join(EMOTION_ESTIMATORS)}, got {self.emotion!r}"
            )
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

        self._check_arrangement()

    def _check_arrangement(self) -> None:
        from image2music.arrangement.instruments import parse_instruments
        from image2music.arrangement.styles import STYLES

        if not isinstance(self.style, str) or self.style.strip().lower() not in STYLES:
            raise ConfigError(f"style must be one of {', '.join(STYLES)}, got {self.style!r}")
        if self.instruments is not None:
            if not isinstance(self.instruments, str):
                raise ConfigError(
                    f"instruments must be text like 'melody=flute,bass=cello', "
                    f"got {self.instruments!r}"
                )
            parse_instruments(self.instruments)
        if not isinstance(self.drums, bool):
            raise ConfigError(f"drums must be true or false, got {self.drums!r}")
        if self.duration_sec is not None:
            d = self.duration_sec
            if isinstance(d, bool) or not isinstance(d, int | float):
                raise ConfigError(f"duration must be a number of seconds, got {d!r}")
            if not MIN_DURATION_SEC <= float(d) <= MAX_DURATION_SEC:
                raise ConfigError(
                    f"duration must be in {MIN_DURATION_SEC:g}..{MAX_DURATION_SEC:g} seconds, "
                    f"got {d!r}"
                )
            if self.bars != 8:
                raise ConfigError("bars and duration are mutually exclusive; give one of them")
        if self.synth not in SYNTHS:
            raise ConfigError(f"synth must be one of {', '.join(SYNTHS)}, got {self.synth!r}")

    def to_dict(self) -> dict[str, Any]:
        """The options as a JSON-ready dict."""
        return asdict(self)
