"""Pop-harmony conventions the harmony network's decoder enforces.

On the half-bar grid of :mod:`.grid` a progression of ``T`` steps

* **opens on the tonic**: step 0 is the tonic triad of the mode's third
  (``I`` for major-third modes, ``i`` for minor-third ones, even in locrian),
  see :data:`TONIC_QUALITIES`;
* **closes with a cadence that resolves to the tonic**: the last step repeats
  the opening tonic, so the piece also loops back cleanly (last chord = first
  chord); the step before it (the first half of the last bar) is a chord of the
  mode's cadence set (:data:`CADENCES`), or the opening tonic again when the
  last bar's predecessor step already is a cadence chord (the whole last bar is
  then the tonic, approached from the previous bar);
* never uses ``PAD``, ``BOS``, ``EOS``, ``N`` or ``UNK``.

Cadence sets (roots in semitones above the tonic):

* major: ``V``, ``V7``, ``Vsus4``, ``V7sus4`` (authentic), ``IV``, ``IVmaj7``
  (plagal), ``iv`` (minor plagal), ``bVII`` (the "Mixolydian" or backdoor
  cadence); lydian adds ``II``, mixolydian ``v``;
* minor: ``V``, ``V7``, ``Vsus4``, ``V7sus4`` (raised leading tone, harmonic
  minor), ``v``, ``v7`` (natural minor), ``iv``, ``iv7`` (plagal), ``bVII``
  (the Aeolian cadence); dorian adds ``IV``, ``IV7``, phrygian and locrian
  ``bII``, ``bIImaj7`` (the Phrygian cadence).

The corpus knows only major and minor keys; for the other church modes the
decoder adds :func:`modal_bias` to the logits of chords that lie in the mode's
scale (``IV`` in dorian, ``bII`` in phrygian, ``bVII`` in mixolydian, ``II`` in
lydian), so the mode's colour shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.tokens import (
    CHORD_IDS,
    VOCAB_SIZE,
    chord_id,
    root_and_quality,
)
from image2music.types import CHORD_QUALITIES, MODES

__all__ = [
    "CADENCES",
    "TONIC_QUALITIES",
    "cadence_ids",
    "is_minor_mode",
    "modal_bias",
    "step_mask",
    "tonic_ids",
]

#: Tonic qualities allowed to open (and so to close) a progression, by the mode's third.
TONIC_QUALITIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"major": ("maj",), "minor": ("min",)}
)

_MAJOR_CADENCES: tuple[tuple[int, str], ...] = (
    (7, "maj"),
    (7, "7"),
    (7, "sus4"),
    (7, "7sus4"),
    (5, "maj"),
    (5, "maj7"),
    (5, "min"),
    (10, "maj"),
)
_MINOR_CADENCES: tuple[tuple[int, str], ...] = (
    (7, "maj"),
    (7, "7"),
    (7, "sus4"),
    (7, "7sus4"),
    (7, "min"),
    (7, "min7"),
    (5, "min"),
    (5, "min7"),
    (10, "maj"),
)
#: Chords ``(root above the tonic, quality)`` that may precede the final tonic, per mode.
CADENCES: Mapping[str, tuple[tuple[int, str], ...]] = MappingProxyType(
    {
        "major": _MAJOR_CADENCES,
        "lydian": (*_MAJOR_CADENCES, (2, "maj")),
        "mixolydian": (*_MAJOR_CADENCES, (7, "min")),
        "minor": _MINOR_CADENCES,
        "dorian": (*_MINOR_CADENCES, (5, "maj"), (5, "7")),
        "phrygian": (*_MINOR_CADENCES, (1, "maj"), (1, "maj7")),
        "locrian": (*_MINOR_CADENCES, (1, "maj"), (1, "maj7")),
    }
)


def is_minor_mode(mode: str) -> bool:
    """Whether ``mode`` has a minor third above its tonic."""
    return MODES[mode][2] == 3


def tonic_ids(mode: str) -> tuple[int, ...]:
    """Ids of the chords that may open a progression in ``mode``."""
    family = "minor" if is_minor_mode(mode) else "major"
    return tuple(chord_id(0, q) for q in TONIC_QUALITIES[family])


def cadence_ids(mode: str) -> tuple[int, ...]:
    """Ids of the chords that may precede the final tonic in ``mode``."""
    return tuple(chord_id(r, q) for r, q in CADENCES[mode])


def step_mask(t: int, n_steps: int, history: Sequence[int], mode: str) -> NDArray[np.bool_]:
    """Which ids step ``t`` may take.

    Args:
        t: Step index, 0-based.
        n_steps: Length of the progression in steps.
        history: Ids chosen for steps ``0 .. t-1``.
        mode: A key of :data:`image2music.types.MODES`.

    Returns:
        Boolean mask over all :data:`~image2music.harmony.tokens.VOCAB_SIZE` ids.
    """
    mask = np.zeros(VOCAB_SIZE, dtype=bool)
    if t == 0:
        mask[list(tonic_ids(mode))] = True
    elif t == n_steps - 1:
        mask[history[0]] = True
    elif t == n_steps - 2:
        cad = cadence_ids(mode)
        mask[list(cad)] = True
        if history[t - 1] in cad:
            mask[history[0]] = True
    else:
        mask[CHORD_IDS] = True
    return mask


def modal_bias(mode: str, strength: float) -> NDArray[np.float32]:
    """Logit bias towards chords of a church mode's scale.

    Args:
        mode: A key of :data:`image2music.types.MODES`.
        strength: Added to the logit of every chord whose tones all lie in the
            mode's scale; 0.0 for major and minor (the network learned those).

    Returns:
        Array over all ids, float32.
    """
    bias = np.zeros(VOCAB_SIZE, dtype=np.float32)
    if mode in ("major", "minor") or strength == 0.0:
        return bias
    scale = set(MODES[mode])
    for token in CHORD_IDS:
        root, quality = root_and_quality(int(token))
        if all((root + i) % 12 in scale for i in CHORD_QUALITIES[quality]):
            bias[token] = strength
    return bias
