"""The music emotion judge: features -> valence, arousal and quadrant readings.

Three heads share one standardisation: a 4-quadrant softmax, a binary valence
head (Q1, Q4 positive against Q2, Q3) and a binary arousal head (Q1, Q2 high
against Q3, Q4). Weights are saved as ``judge.npz`` with a ``judge.json``
sidecar (version, data, hyper-parameters and figures). They are trained on
EMOPIA (CC BY-NC-SA), so they live in the user's cache, never in the package.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import Image2MusicError
from image2music.evaluation.judge.features import FEATURE_NAMES, extract_features
from image2music.evaluation.judge.midi_reader import read_midi_bytes
from image2music.evaluation.judge.model import Scaler, SoftmaxRegression

__all__ = ["JUDGE_FORMAT", "MODE_AND_TEMPO", "Judge", "JudgeReading", "withhold"]

#: Format tag of saved judges.
JUDGE_FORMAT = "image2music-emotion-judge/1"
_HEADS = ("quadrant", "valence", "arousal")
#: Features that carry the mode (major or minor) and the tempo: a judge blind
#: to them hears only what the notes carry beyond mode and tempo.
MODE_AND_TEMPO: tuple[str, ...] = (
    "mode_major_minus_minor",
    "third_balance",
    "triad_balance",
    *(f"pc_rel_{i}" for i in range(12)),
    "note_density",
    "onset_rate",
    "log_ioi_mean",
    "ioi_median",
    "log_duration_mean",
)


@dataclass(frozen=True)
class JudgeReading:
    """What the judge hears in a piece.

    Attributes:
        quadrant_proba: Probabilities of Q1..Q4 from the 4-quadrant head.
        valence_positive: Probability that valence is positive (Q1 or Q4).
        arousal_high: Probability that arousal is high (Q1 or Q2).
    """

    quadrant_proba: tuple[float, float, float, float]
    valence_positive: float
    arousal_high: float

    @property
    def valence(self) -> float:
        """Valence reading in [-1, 1]: ``2 * valence_positive - 1``."""
        return 2.0 * self.valence_positive - 1.0

    @property
    def arousal(self) -> float:
        """Arousal reading in [-1, 1]: ``2 * arousal_high - 1``."""
        return 2.0 * self.arousal_high - 1.0

    @property
    def quadrant(self) -> int:
        """Quadrant 1..4 from the valence and arousal heads' signs."""
        if self.valence >= 0:
            return 1 if self.arousal >= 0 else 4
        return 2 if self.arousal >= 0 else 3

    @property
    def quadrant_4q(self) -> int:
        """Quadrant 1..4 from the 4-quadrant head."""
        return int(np.argmax(self.quadrant_proba)) + 1

    def to_dict(self) -> dict[str, Any]:
        """The reading as a JSON-ready dict."""
        return {
            "valence": round(self.valence, 4),
            "arousal": round(self.arousal, 4),
            "quadrant": self.quadrant,
            "quadrant_4q": self.quadrant_4q,
            "quadrant_proba": [round(p, 4) for p in self.quadrant_proba],
        }


def withhold(z: NDArray[np.float64], blind: tuple[str, ...]) -> NDArray[np.float64]:
    """Standardised feature rows with the ``blind`` features set to 0 (the training mean)."""
    if not blind:
        return z
    out = np.array(z, dtype=np.float64, copy=True)
    out[:, [FEATURE_NAMES.index(name) for name in blind]] = 0.0
    return out


@dataclass(frozen=True)
class Judge:
    """A trained judge.

    Attributes:
        scaler: Feature standardisation.
        quadrant: 4-class head (Q1..Q4).
        valence: 2-class head (negative, positive).
        arousal: 2-class head (low, high).
        meta: Sidecar data: data, hyper-parameters, figures.
        blind: Features the judge does not hear (their standardised values
            are set to 0, the training mean), e.g. :data:`MODE_AND_TEMPO`.
    """

    scaler: Scaler
    quadrant: SoftmaxRegression
    valence: SoftmaxRegression
    arousal: SoftmaxRegression
    meta: dict[str, Any] = field(default_factory=dict)
    blind: tuple[str, ...] = ()

    def hear(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        """Standardised features as this judge hears them (:func:`withhold`)."""
        return withhold(z, self.blind)

    @property
    def version(self) -> str:
        """``judge-1+<first 10 hex digits of the weights' hash>``."""
        h = hashlib.sha256()
        for arr in self._arrays().values():
            h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
        return f"judge-1+{h.hexdigest()[:10]}"

    def proba(self, x: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        """Each head's probabilities for feature rows ``x`` (raw, not standardised)."""
        z = self.hear(self.scaler.transform(np.atleast_2d(x)))
        return {
            "quadrant": self.quadrant.proba(z),
            "valence": self.valence.proba(z),
            "arousal": self.arousal.proba(z),
        }

    def read_features(self, x: NDArray[np.float64]) -> JudgeReading:
        """The reading of one feature vector."""
        p = self.proba(x)
        q = p["quadrant"][0]
        return JudgeReading(
            (float(q[0]), float(q[1]), float(q[2]), float(q[3])),
            float(p["valence"][0, 1]),
            float(p["arousal"][0, 1]),
        )

    def read_midi(self, data: bytes) -> JudgeReading:
        """The reading of a Standard MIDI File's bytes (drums ignored).

        Raises:
            Image2MusicError: If the bytes are not a readable MIDI file.
        """
        return self.read_features(extract_features(read_midi_bytes(data)))

    def _arrays(self) -> dict[str, NDArray[np.float64]]:
        out = {"mean": self.scaler.mean, "scale": self.scaler.scale}
        if self.blind:
            out["heard"] = self.hear(np.ones((1, len(FEATURE_NAMES))))[0]
        for name in _HEADS:
            head: SoftmaxRegression = getattr(self, name)
            out[f"{name}_w"] = head.weights
            out[f"{name}_b"] = head.bias
        return out

    def save(self, path: Path) -> Path:
        """Write ``path`` (``.npz``) and its ``.json`` sidecar; returns the npz path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **self._arrays())  # type: ignore[arg-type]
        tmp.replace(path)
        l2 = {name: getattr(self, name).l2 for name in _HEADS}
        side = {
            **self.meta,
            "format": JUDGE_FORMAT,
            "version": self.version,
            "features": list(FEATURE_NAMES),
            "blind": list(self.blind),
            "l2": l2,
        }
        path.with_suffix(".json").write_text(json.dumps(side, indent=1) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> Judge:
        """Read a judge written by :meth:`save`.

        Raises:
            Image2MusicError: If the files are missing, unreadable or of another format.
        """
        side_path = path.with_suffix(".json")
        try:
            side = json.loads(side_path.read_text(encoding="utf-8"))
            with np.load(path) as data:
                arrays = {k: np.asarray(data[k], dtype=np.float64) for k in data.files}
        except (OSError, ValueError, KeyError) as e:
            raise Image2MusicError(f"cannot read the judge at {path}: {e}") from e
        if side.get("format") != JUDGE_FORMAT or side.get("features") != list(FEATURE_NAMES):
            raise Image2MusicError(f"the judge at {path} is of another version; retrain it")
        try:
            heads = {
                name: SoftmaxRegression(
                    arrays[f"{name}_w"], arrays[f"{name}_b"], float(side["l2"][name])
                )
                for name in _HEADS
            }
            scaler = Scaler(arrays["mean"], arrays["scale"])
        except KeyError as e:
            raise Image2MusicError(f"the judge at {path} lacks {e}; retrain it") from e
        own = ("format", "features", "l2", "version", "blind")
        meta = {k: v for k, v in side.items() if k not in own}
        blind = tuple(str(name) for name in side.get("blind", ()))
        if not set(blind) <= set(FEATURE_NAMES):
            raise Image2MusicError(f"the judge at {path} is of another version; retrain it")
        return cls(scaler, heads["quadrant"], heads["valence"], heads["arousal"], meta, blind)
