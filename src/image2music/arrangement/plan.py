"""The musical plan: key, mode and tempo chosen from the emotion and the picture.

Rules (each is reported in the JSON report's ``why``):

* **Mode** from valence: major for valence >= 0, minor below. Mode is the
  strongest single cue for musical valence (Hevner 1935; Gabrielsson and
  Lindström 2010, in *Handbook of Music and Emotion*).
* **Tempo** from arousal, then valence: ``60 + 75 * (arousal + 1) / 2 + 8 * valence``
  beats per minute, rounded, so 52..143 bpm. Tempo is the strongest cue for
  arousal (Gabrielsson and Lindström 2010); fast tempi also read as happier.
* **Tonic** from the picture's dominant colour through Scriabin's colour
  keyboard for *Prometheus* (1910), which gives each key of the circle of
  fifths a hue: C red, G orange, D yellow, A green, E sky blue, B blue, F#
  bright blue-violet, Db violet, Ab lilac, Eb and Bb steel with a rosy glint,
  F deep red. A grey picture (no colour with chroma) keeps C major / A minor.
  This is a cross-modal convention, not a finding about emotion.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, replace

from image2music.errors import ConfigError
from image2music.types import Emotion, ImageFeatures, Key, TimeSignature

__all__ = ["SCRIABIN_HUES_DEG", "MusicPlan", "plan_music", "tempo_for", "tonic_for_palette"]

#: Hue (degrees) of each tonic pitch class in Scriabin's colour keyboard.
SCRIABIN_HUES_DEG: dict[int, float] = {
    0: 0.0,  # C red
    7: 30.0,  # G orange
    2: 58.0,  # D yellow
    9: 120.0,  # A green
    4: 190.0,  # E sky blue
    11: 215.0,  # B blue
    6: 240.0,  # F# bright blue-violet
    1: 265.0,  # Db violet
    8: 285.0,  # Ab lilac
    3: 310.0,  # Eb steel, rosy
    10: 325.0,  # Bb steel, rosy
    5: 345.0,  # F deep red
}

#: Minimum HSV saturation times value for a palette colour to count as a hue.
_MIN_CHROMA = 0.12


#: How the tempo's line of the reasons starts.
_TEMPO_REASON = "tempo "


@dataclass(frozen=True)
class MusicPlan:
    """Global decisions every generator follows.

    Attributes:
        key: Key and mode of the piece.
        tempo_bpm: Tempo in quarter notes per minute.
        time_signature: Metre (4/4 for now).
        reasons: Plain-language reasons, one per decision, for the report.
    """

    key: Key
    tempo_bpm: float
    time_signature: TimeSignature
    reasons: tuple[str, ...]

    def with_tempo(self, tempo_bpm: float, why: str) -> MusicPlan:
        """The same plan at another tempo; the tempo's reason keeps its cause and adds ``why``.

        Args:
            tempo_bpm: The new tempo, in bpm.
            why: Why it moved, e.g. ``"to end exactly at 90 s"``.
        """
        reasons = tuple(
            f"{_TEMPO_REASON}{tempo_bpm:.2f} bpm: {r.partition(': ')[2]}; moved from "
            f"{self.tempo_bpm:g} bpm {why}"
            if r.startswith(_TEMPO_REASON)
            else r
            for r in self.reasons
        )
        return replace(self, tempo_bpm=tempo_bpm, reasons=reasons)


def tempo_for(emotion: Emotion) -> float:
    """Tempo in bpm for an emotion: ``60 + 75 * (arousal + 1) / 2 + 8 * valence``."""
    return float(round(60.0 + 75.0 * (emotion.arousal + 1.0) / 2.0 + 8.0 * emotion.valence))


def tonic_for_palette(features: ImageFeatures | None) -> tuple[int | None, str]:
    """Pick a tonic from the most vivid large colour of the palette.

    Args:
        features: The picture's features, or ``None`` when there is no picture.

    Returns:
        ``(tonic_pc, description)``, or ``(None, reason)`` when the picture has
        no colour strong enough to name a hue.
    """
    if features is None:
        return None, "no picture"
    best: tuple[float, float, str] | None = None
    for colour in features.palette:
        r, g, b = (c / 255.0 for c in colour.rgb)
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        chroma = s * v
        if chroma < _MIN_CHROMA:
            continue
        weight = colour.share * chroma
        if best is None or weight > best[0]:
            best = (weight, h * 360.0, colour.hex)
    if best is None:
        return None, "the picture has no strong colour"
    hue = best[1]

    def distance(pc: int) -> float:
        d = abs(SCRIABIN_HUES_DEG[pc] - hue) % 360.0
        return min(d, 360.0 - d)

    tonic = min(sorted(SCRIABIN_HUES_DEG), key=distance)
    return tonic, f"dominant colour {best[2]} (hue {hue:.0f}°)"


def plan_music(
    emotion: Emotion,
    features: ImageFeatures | None = None,
    *,
    key: Key | None = None,
    mode: str | None = None,
    tempo_bpm: float | None = None,
) -> MusicPlan:
    """Decide key, mode and tempo.

    Args:
        emotion: The (possibly user-steered) emotion.
        features: The picture's features, for the tonic; ``None`` keeps C / A.
        key: A key fixed by the user (its mode wins unless ``mode`` is given).
        mode: A mode fixed by the user, one of :data:`~image2music.types.MODES`.
        tempo_bpm: A tempo fixed by the user, 20..300 bpm.

    Returns:
        The plan, with one reason per decision.

    Raises:
        ConfigError: If ``tempo_bpm`` is out of range.
    """
    from image2music.theory import key_name, pc_to_name

    reasons: list[str] = []
    if mode is None and key is not None:
        mode = key.mode
        reasons.append(f"mode {mode}: fixed by the user's key")
    elif mode is None:
        mode = "major" if emotion.valence >= 0 else "minor"
        sign = "positive" if emotion.valence >= 0 else "negative"
        reasons.append(f"mode {mode}: valence {emotion.valence:+.2f} is {sign}")
    else:
        reasons.append(f"mode {mode}: fixed by the user")

    if key is not None:
        tonic = key.tonic_pc
        reasons.append(f"tonic {pc_to_name(tonic)}: fixed by the user")
    else:
        pc, why = tonic_for_palette(features)
        if pc is None:
            tonic = 0 if Key(0, mode).is_major else 9
            reasons.append(f"tonic {pc_to_name(tonic)}: {why}")
        else:
            tonic = pc
            reasons.append(f"tonic {pc_to_name(tonic)}: {why} on Scriabin's colour keyboard")
    final_key = Key(tonic, mode)

    if tempo_bpm is None:
        tempo = tempo_for(emotion)
        reasons.append(f"{_TEMPO_REASON}{tempo:.0f} bpm: arousal {emotion.arousal:+.2f}")
    else:
        if not 20.0 <= float(tempo_bpm) <= 300.0:
            raise ConfigError(f"tempo must be in 20..300 bpm, got {tempo_bpm}")
        tempo = float(tempo_bpm)
        reasons.append(f"{_TEMPO_REASON}{tempo:g} bpm: fixed by the user")
    reasons.insert(0, f"key {key_name(final_key)}")
    return MusicPlan(final_key, tempo, TimeSignature(4, 4), tuple(reasons))
