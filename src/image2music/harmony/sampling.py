"""Drawing one token from logits: temperature, nucleus (top-p), seeded generator."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.errors import CompositionError

__all__ = ["sample_token"]


def sample_token(
    logits: NDArray[np.floating],
    allowed: NDArray[np.bool_],
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_p: float = 1.0,
) -> int:
    """Draw one id from ``softmax(logits / temperature)`` restricted to ``allowed``.

    Args:
        logits: Unnormalised log-probabilities over the vocabulary.
        allowed: Which ids may be drawn; at least one must be true.
        rng: Seeded generator; exactly one uniform number is drawn from it
            (none when ``temperature`` is 0).
        temperature: > 0 flattens (> 1) or sharpens (< 1) the distribution;
            0 picks the most likely allowed id.
        top_p: Nucleus sampling: keep the most likely ids whose probabilities
            first sum to at least ``top_p`` (0 < top_p <= 1; 1 keeps all).

    Returns:
        The drawn id.

    Raises:
        CompositionError: If no id is allowed or a parameter is out of range.
    """
    if not allowed.any():
        raise CompositionError("no token is allowed at this step")
    if temperature < 0 or not 0.0 < top_p <= 1.0:
        raise CompositionError(
            f"need temperature >= 0 and 0 < top_p <= 1, got {temperature}, {top_p}"
        )
    z = np.where(allowed, np.asarray(logits, dtype=np.float64), -np.inf)
    if not np.isfinite(z.max()):  # every allowed id at -inf: draw among them evenly
        z = np.where(allowed, 0.0, -np.inf)
    if temperature == 0.0:
        return int(np.argmax(z))
    z = z / temperature
    z -= z.max()
    p = np.exp(z)
    p /= p.sum()
    order = np.argsort(-p, kind="stable")
    sorted_p = p[order]
    cum = np.cumsum(sorted_p)
    keep = int(np.searchsorted(cum, top_p * cum[-1] - 1e-12)) + 1
    kept = order[:keep]
    kp = p[kept] / p[kept].sum()
    u = rng.random()
    idx = min(int(np.searchsorted(np.cumsum(kp), u, side="right")), keep - 1)
    return int(kept[idx])
