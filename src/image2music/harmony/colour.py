"""Harmony rules where the data falls short: real dominants, the missing vi, no loops, and colour.

The harmony network learned pop chord moves well, but an independent check
found four weak spots, and these rules (added to its logits at each half-bar
step by :func:`rule_bias`) address them:

* **Raised dominants in minor**: the corpus's minor keys are mostly written
  as natural minor, so the network plays the minor ``v`` for two thirds of
  its dominants where real songs play it for a third. In minor, ``V`` and
  ``V7`` gain ``raised_dominant`` and ``v`` and ``v7`` lose it.
* **The submediant in major**: ``vi`` and ``vi7`` gain ``submediant`` (the
  network plays ``vi`` in 1 % of chords, real songs in about 6 %).
* **Impossible moves**: ``v`` (or ``v7``) to ``bVI`` in minor never happens in
  real songs, so it is masked.
* **No two-chord loops**: every ``loop_steps`` consecutive half bars (default
  8, i.e. four bars) hold at least three different chords, so a piece is never
  one two-chord vamp (``B E B E ...``). The last two steps (cadence and final
  tonic) are left to :func:`~.constraints.step_mask`.
* **Colour follows valence within a mode**: each chord has a brightness
  (:func:`brightness`: ``maj7``, ``6``, ``sus2`` (add9 colour) and, in minor,
  the major ``IV`` and the relative major are bright; in major the borrowed
  ``iv``, ``bVI`` and ``bIII``, minor sevenths and diminished passing chords
  are dark), and the logit of a chord moves by ``colour * valence *
  brightness``. So a happy minor piece lifts to ``IV`` and ``bIII`` and a sad
  major piece darkens with ``iv`` and ``bVI``, which the listener hears beyond
  the mode itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.tokens import CHORD_IDS, VOCAB_SIZE, chord_id, root_and_quality

__all__ = ["HarmonyRules", "brightness", "rule_bias"]

#: Brightness of each chord quality (positive: bright, negative: dark).
_QUALITY_BRIGHTNESS = {
    "maj7": 1.0,
    "6": 0.8,
    "sus2": 0.8,
    "maj": 0.4,
    "sus4": 0.2,
    "7sus4": 0.1,
    "5": 0.0,
    "7": 0.0,
    "aug": -0.3,
    "aug7": -0.3,
    "min7": -0.3,
    "min": -0.5,
    "min6": -0.5,
    "minmaj7": -0.7,
    "hdim7": -0.9,
    "dim": -1.0,
    "dim7": -1.0,
}
#: Major-quality chords borrowed from the parallel minor that darken a major
#: key (bVI, bIII, bVII): root -> brightness.
_DARK_IN_MAJOR = {8: -0.9, 3: -0.7, 10: -0.2}
#: Brightness of the borrowed minor iv in a major key.
_MINOR_IV_IN_MAJOR = -1.0
#: Chords of minor keys that brighten them (major quality only): (root, brightness).
_BRIGHT_IN_MINOR = {5: 1.0, 3: 0.6, 10: 0.3, 0: 0.5}


@dataclass(frozen=True)
class HarmonyRules:
    """Weights of the rules (module docstring).

    Attributes:
        raised_dominant: Logit shift from ``v``/``v7`` to ``V``/``V7`` in minor.
        submediant: Logit bonus of ``vi``/``vi7`` in major.
        colour: Logit change per unit of valence and brightness.
        loop_steps: Half bars that must hold at least three chords (0: off).
    """

    raised_dominant: float = 0.8
    submediant: float = 0.5
    colour: float = 2.0
    loop_steps: int = 8


def brightness(token: int, minor: bool) -> float:
    """How bright a key-relative chord sounds in a major or minor key, about -1.5..2."""
    root, quality = root_and_quality(token)
    value = _QUALITY_BRIGHTNESS.get(quality, 0.0)
    major_family = quality in ("maj", "maj7", "6", "sus2", "7")
    if minor:
        if major_family:
            value += _BRIGHT_IN_MINOR.get(root, 0.0)
    elif root == 5 and quality in ("min", "min7", "min6"):  # the borrowed iv
        value += _MINOR_IV_IN_MAJOR
    elif root in _DARK_IN_MAJOR and major_family:  # bVI, bIII, bVII
        value += _DARK_IN_MAJOR[root]
    return value


@cache
def _static_bias(minor: bool, rules: HarmonyRules) -> NDArray[np.float64]:
    """The rules' biases that do not depend on valence or history."""
    bias = np.zeros(VOCAB_SIZE)
    if minor:
        for quality, sign in (("maj", 1.0), ("7", 1.0), ("min", -1.0), ("min7", -1.0)):
            bias[chord_id(7, quality)] += sign * rules.raised_dominant
    else:
        bias[chord_id(9, "min")] += rules.submediant
        bias[chord_id(9, "min7")] += rules.submediant
    return bias


@cache
def _brightness_table(minor: bool) -> NDArray[np.float64]:
    table = np.zeros(VOCAB_SIZE)
    for token in CHORD_IDS:
        table[int(token)] = brightness(int(token), minor)
    return table


_MINOR_DOMINANTS = frozenset({chord_id(7, "min"), chord_id(7, "min7")})
_FLAT_SIX = (chord_id(8, "maj"), chord_id(8, "maj7"))


def rule_bias(
    t: int,
    n_steps: int,
    history: Sequence[int],
    minor: bool,
    valence: float,
    allowed: NDArray[np.bool_],
    rules: HarmonyRules,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Additive logits and a narrowed mask for step ``t``.

    Args:
        t: Step index (half bars).
        n_steps: Length of the progression in steps.
        history: Ids chosen for steps ``0 .. t-1``.
        minor: Whether the key's third is minor.
        valence: In [-1, 1].
        allowed: The step's mask from :func:`~.constraints.step_mask`.
        rules: Rule weights.

    Returns:
        ``(bias, mask)``; the mask only ever removes ids, and never all of them.
    """
    bias = _static_bias(minor, rules) + rules.colour * valence * _brightness_table(minor)
    mask = allowed.copy()
    if minor and history and history[-1] in _MINOR_DOMINANTS:
        mask[list(_FLAT_SIX)] = False
    window = rules.loop_steps - 1
    if window > 0 and t < n_steps - 2 and len(history) >= window:
        recent = set(history[-window:])
        if len(recent) <= 2:
            mask[list(recent)] = False
    if not mask.any():
        return bias, allowed
    return bias, mask
