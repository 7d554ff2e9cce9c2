"""Next-chord prediction figures: top-1, top-5, perplexity, and on chord changes only.

On the half-bar grid most steps repeat the previous chord, which is easy to
predict; the *changes-only* figures score just the steps whose chord differs
from the previous step's chord, the harder and more musical part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["NextChordScores"]


@dataclass
class NextChordScores:
    """Accumulates predictions and reports the figures.

    Attributes:
        log_probs: Natural log-probability of each scored target.
        ranks: 0-based rank of each target among the 204 chords (ties broken by
            id, as ``argmax`` does).
        changes: Whether each target differs from the previous chord.
    """

    log_probs: list[float] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)
    changes: list[bool] = field(default_factory=list)

    def add(self, probs: NDArray[np.floating], target: int, change: bool) -> None:
        """Score one prediction.

        Args:
            probs: Probabilities of the 204 real chords (sum 1).
            target: Index of the true chord among them (id - 5).
            change: Whether it differs from the previous chord.
        """
        self.add_batch(
            np.asarray(probs)[None, :],
            np.array([target], dtype=np.int64),
            np.array([change], dtype=bool),
        )

    def add_batch(
        self, probs: NDArray[np.floating], targets: NDArray[np.int64], changes: NDArray[np.bool_]
    ) -> None:
        """Score many predictions: ``probs`` (M, 204), ``targets`` and ``changes`` (M,)."""
        p = probs[np.arange(len(targets)), targets]
        self.log_probs.extend(np.log(np.maximum(p, 1e-12)).tolist())
        # ties are broken by id, as argmax does: a flat distribution scores no better
        ahead = np.arange(probs.shape[1])[None, :] < targets[:, None]
        rank = (probs > p[:, None]).sum(axis=1) + ((probs == p[:, None]) & ahead).sum(axis=1)
        self.ranks.extend(rank.tolist())
        self.changes.extend(bool(c) for c in changes)

    def summary(self) -> dict[str, float]:
        """The figures, on all steps and on changes only.

        Returns:
            ``top1``, ``top5``, ``perplexity``, ``top1_changes``, ``top5_changes``,
            ``perplexity_changes``, ``count``, ``count_changes``.
        """
        lp = np.asarray(self.log_probs)
        rk = np.asarray(self.ranks)
        ch = np.asarray(self.changes, dtype=bool)

        def figures(sel: NDArray[np.bool_]) -> tuple[float, float, float]:
            if not sel.any():
                return math.nan, math.nan, math.nan
            return (
                float((rk[sel] == 0).mean()),
                float((rk[sel] < 5).mean()),
                float(math.exp(-lp[sel].mean())),
            )

        everything = np.ones(len(lp), dtype=bool)
        t1, t5, ppl = figures(everything)
        c1, c5, cppl = figures(ch)
        return {
            "top1": t1,
            "top5": t5,
            "perplexity": ppl,
            "top1_changes": c1,
            "top5_changes": c5,
            "perplexity_changes": cppl,
            "count": float(len(lp)),
            "count_changes": float(ch.sum()),
        }
