"""Constrained, seeded decoding of a half-bar chord sequence, and its realisation.

Any next-chord model that implements :class:`StepModel` (the ONNX network,
the n-gram model of the evaluation) is decoded the same way: at each step the
model's logits are masked with :func:`~.constraints.step_mask`, biased with
:func:`~.constraints.modal_bias` and sampled with
:func:`~.sampling.sample_token`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from image2music.errors import CompositionError
from image2music.harmony.colour import HarmonyRules, rule_bias
from image2music.harmony.constraints import is_minor_mode, modal_bias, step_mask
from image2music.harmony.grid import STEPS_PER_BAR
from image2music.harmony.sampling import sample_token
from image2music.harmony.tokens import BOS, chord_id, root_and_quality
from image2music.theory import from_relative, relative_root
from image2music.types import COMMON_TIME, Key, Progression, TimedChord, TimeSignature

__all__ = ["StepModel", "decode", "progression_to_tokens", "tokens_to_progression"]


class StepModel(Protocol):
    """A next-chord model that is fed one chord at a time."""

    def start(self, n_steps: int, condition: NDArray[np.float32]) -> None:
        """Begin a new sequence of ``n_steps`` steps with these conditioning inputs."""
        ...

    def next_logits(self, prev_token: int, t: int) -> NDArray[np.float32]:
        """Logits over the vocabulary for step ``t``, given the id chosen at ``t - 1``.

        ``prev_token`` is ``BOS`` at ``t == 0``.
        """
        ...


def decode(
    model: StepModel,
    n_steps: int,
    mode: str,
    condition: NDArray[np.float32],
    rng: np.random.Generator,
    *,
    temperature: float = 1.0,
    top_p: float = 1.0,
    mode_bias_strength: float = 0.0,
    valence: float = 0.0,
    rules: HarmonyRules | None = None,
) -> list[int]:
    """Sample ``n_steps`` chord ids under the pop-harmony constraints.

    Args:
        model: The next-chord model.
        n_steps: Length in half-bar steps (twice the bars).
        mode: Mode of the key (constraints and modal bias).
        condition: Conditioning inputs (see :func:`~.grid.condition_vector`).
        rng: Seeded generator; one uniform number per step.
        temperature: Sampling temperature (0 = greedy).
        top_p: Nucleus mass, (0, 1].
        mode_bias_strength: Logit bonus of in-scale chords for church modes.
        valence: In [-1, 1]; sets the chord colour when ``rules`` are given.
        rules: The rules of :mod:`.colour` (default: none, the model alone).

    Returns:
        The chosen ids, key-relative.
    """
    bias = modal_bias(mode, mode_bias_strength)
    minor = is_minor_mode(mode)
    model.start(n_steps, condition)
    out: list[int] = []
    prev = BOS
    for t in range(n_steps):
        logits = model.next_logits(prev, t) + bias
        mask = step_mask(t, n_steps, out, mode)
        if rules is not None:
            extra, mask = rule_bias(t, n_steps, out, minor, valence, mask, rules)
            logits = logits + extra
        prev = sample_token(logits, mask, rng, temperature, top_p)
        out.append(prev)
    return out


def tokens_to_progression(
    tokens: Sequence[int],
    key: Key,
    bars: int,
    time_signature: TimeSignature = COMMON_TIME,
) -> Progression:
    """Realise half-bar chord ids as a :class:`Progression` in ``key``.

    Equal neighbouring steps merge into one chord. A bar is split at half its
    length in ticks (the second half takes the remainder).

    Args:
        tokens: ``STEPS_PER_BAR * bars`` chord ids.
        key: The key the ids are relative to.
        bars: Number of bars.
        time_signature: Metre.

    Returns:
        The progression.
    """
    if len(tokens) != STEPS_PER_BAR * bars:
        raise CompositionError(
            f"need {STEPS_PER_BAR * bars} tokens for {bars} bars, got {len(tokens)}"
        )
    bar_ticks = time_signature.bar_ticks()
    half = bar_ticks // 2
    starts = [b * bar_ticks + h * half for b in range(bars) for h in range(STEPS_PER_BAR)]
    timed: list[TimedChord] = []
    run_start = 0
    for i, token in enumerate(tokens):
        last = i == len(tokens) - 1
        if last or tokens[i + 1] != token:
            end = bars * bar_ticks if last else starts[i + 1]
            root, quality = root_and_quality(int(token))
            chord = from_relative(root, quality, key)
            timed.append(TimedChord(chord, starts[run_start], end - starts[run_start]))
            run_start = i + 1
    return Progression(key, tuple(timed), bars, time_signature)


def progression_to_tokens(progression: Progression) -> list[int]:
    """Key-relative chord ids of a progression, one per half bar.

    Each id is the chord sounding at the start of its half bar; slash basses are dropped.
    """
    half = progression.bar_ticks // 2
    out: list[int] = []
    for b in range(progression.bars):
        for h in range(STEPS_PER_BAR):
            chord = progression.chord_at(b * progression.bar_ticks + h * half).chord
            out.append(chord_id(relative_root(chord, progression.key), chord.quality))
    return out
