"""Named arrangement styles: documented bundles of pattern, instrument and drum choices.

``auto`` (the default) decides everything from the emotion and the picture
(see ``docs/arrangement.md``). Every other style fixes some choices and leaves
the rest to the emotion; ``--instruments`` still overrides any part, and
``--no-drums`` silences the drums of any style.

* **auto**: pattern by arousal; instruments by mood and palette; light drums
  from arousal 0.35, a pop groove from 0.65.
* **pop**: piano comping, Electric Bass (finger), String Ensemble 2 pad, pop drums.
* **ambient**: sustained Pad 1 (new age) chords, Celesta melody, Fretless Bass,
  no drums, looser timing.
* **cinematic**: String Ensemble 1 arpeggios, French Horn melody, Contrabass,
  Choir Aahs pad; toms from arousal 0.
* **lofi**: swung Electric Piano 1 comping, Electric Guitar (jazz) melody,
  Acoustic Bass, soft boom-bap drums, loose timing, no pad.
* **folk**: fingerpicked (broken-chord) Acoustic Guitar (steel), Fiddle melody,
  Acoustic Bass, light percussion from arousal 0.35, no pad.

Parts a style does not fix come from the mood table of :mod:`.instruments`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from image2music.errors import ConfigError

__all__ = ["DRUM_MODES", "STYLES", "Style", "get_style"]

#: When a style plays drums: by arousal, always, from arousal 0 up, or never.
DRUM_MODES: tuple[str, ...] = ("auto", "always", "calm-free", "never")


@dataclass(frozen=True)
class Style:
    """A bundle of arrangement choices.

    Attributes:
        name: The name used by ``--style``.
        description: One line for the report and ``--help``.
        pattern: Accompaniment pattern (see :mod:`.patterns`), or ``None`` to
            choose it by arousal.
        instruments: Part -> General MIDI program fixed by the style
            (parts: ``melody``, ``chords``, ``bass``, ``pad``).
        drums: One of :data:`DRUM_MODES`: ``auto`` plays drums from arousal
            0.35 up, ``calm-free`` from arousal 0 up, ``always`` and ``never``
            as they say.
        kit: Drum groove (see :mod:`.drums`), or ``None`` to choose it by arousal.
        pad_layer: Whether a soft sustained pad doubles the harmony under moving
            patterns; ``None`` adds it whenever the pattern is not itself ``pad``.
        timing_ms: Largest humanising shift of an onset, in milliseconds.
        velocity_jitter: Largest humanising change of a velocity.
        swing_ticks: Delay of every off-beat eighth note, in ticks (0: straight;
            80 is a triplet swing).
    """

    name: str
    description: str
    pattern: str | None = None
    instruments: Mapping[str, int] = field(default_factory=dict)
    drums: str = "auto"
    kit: str | None = None
    pad_layer: bool | None = None
    timing_ms: float = 8.0
    velocity_jitter: int = 5
    swing_ticks: int = 0


#: The named styles, by name; ``auto`` first.
STYLES: Mapping[str, Style] = MappingProxyType(
    {
        "auto": Style("auto", "everything chosen from the emotion and the picture"),
        "pop": Style(
            "pop",
            "piano comping over bass and drums, strings underneath",
            pattern="comping",
            instruments=MappingProxyType({"chords": 0, "bass": 33, "pad": 49}),
            drums="always",
            kit="pop",
        ),
        "ambient": Style(
            "ambient",
            "slow pads and bell-like melody, no drums",
            pattern="pad",
            instruments=MappingProxyType({"melody": 8, "chords": 88, "bass": 35}),
            drums="never",
            timing_ms=14.0,
            velocity_jitter=4,
        ),
        "cinematic": Style(
            "cinematic",
            "horn melody over string arpeggios, choir and contrabass, toms when it stirs",
            pattern="arpeggio",
            instruments=MappingProxyType({"melody": 60, "chords": 48, "bass": 43, "pad": 52}),
            drums="calm-free",
            kit="toms",
        ),
        "lofi": Style(
            "lofi",
            "swung electric piano comping, soft boom-bap drums, loose timing",
            pattern="comping",
            instruments=MappingProxyType({"melody": 26, "chords": 4, "bass": 32}),
            drums="always",
            kit="lofi",
            pad_layer=False,
            timing_ms=16.0,
            velocity_jitter=8,
            swing_ticks=80,
        ),
        "folk": Style(
            "folk",
            "fingerpicked steel guitar, fiddle tune, upright bass",
            pattern="broken",
            instruments=MappingProxyType({"melody": 110, "chords": 25, "bass": 32}),
            kit="light",
            pad_layer=False,
            timing_ms=10.0,
        ),
    }
)


def get_style(name: str) -> Style:
    """The style called ``name`` (case-insensitive).

    Raises:
        ConfigError: If there is no such style.
    """
    style = STYLES.get(name.strip().lower())
    if style is None:
        raise ConfigError(f"style must be one of {', '.join(STYLES)}, got {name!r}")
    return style
