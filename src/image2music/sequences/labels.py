"""Conditioning labels of the training phrases: proxy valence and arousal (torch-free).

The permissively licensed corpus has no human emotion labels (EMOPIA's are
CC BY-NC-SA and stay out of the shipped weights), so each phrase gets proxy
values computed from its own music, each mapped to [-1, 1] by its percentile
rank among the training phrases (``2 * rank - 1``; ties share their mid rank):

* **minor** (0/1): the phrase's key has a minor third (``mode_major`` < 0.5).
* **valence**: rank of the phrase's *brightness*, the share of major-family
  chords (maj, 6, maj7) minus the share of minor-family (min, min6, min7,
  minmaj7) and diminished (dim, dim7, hdim7) chords among its half-bar chord
  steps, ranked *within its mode* (major and minor phrases separately). Mode is
  its own input; the plan already turns low valence into a minor key
  (Hevner 1935), so valence here means "brighter or darker than usual for this
  mode", the way major chords in a minor song (VI, III, VII) lift it.
* **arousal**: rank of a weighted mean of three ranks, over those known:
  harmonic rhythm (chord changes per bar on the half-bar grid, weight 0.5),
  the song's tempo (0.3; Billboard and POP909 have it) and the phrase's melody
  note density (0.2; POP909, OpenEWLD). Tempo and density are the
  strongest arousal cues of music (Gabrielsson and Lindström 2010); harmonic
  rhythm is the arousal cue the harmony itself carries.

At inference the :class:`~image2music.types.Emotion`'s valence and arousal
are fed as they are: an emotion of +0.8 asks for a phrase as bright (or as
busy) as the top tenth of the training phrases. Training withholds valence
and arousal (sets them to 0) for a share of the sequences
(``TrainConfig.label_dropout``), so 0 also means "no emotion given".

The rank tables (quantiles of the training values) are stored in the model's
sidecar, so evaluation labels held-out phrases exactly as training did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.sequences.dataset import HarmonyExamples

__all__ = ["AROUSAL_WEIGHTS", "LabelScaler", "RankTable"]

#: Weight of each arousal ingredient (renormalised over the known ones).
AROUSAL_WEIGHTS: dict[str, float] = {"harmonic_rhythm": 0.5, "tempo_bpm": 0.3, "note_density": 0.2}
_QUANTILES = 401


@dataclass(frozen=True)
class RankTable:
    """Maps a value to its percentile rank in [0, 1] among reference values.

    Attributes:
        values: Distinct reference quantiles, ascending.
        ranks: Mid rank of each, ascending in [0, 1].
    """

    values: tuple[float, ...]
    ranks: tuple[float, ...]

    @classmethod
    def fit(cls, data: NDArray[np.floating]) -> RankTable:
        """Rank table of the finite values of ``data`` (ties share their mid rank)."""
        x = np.sort(np.asarray(data, dtype=np.float64)[np.isfinite(data)])
        if len(x) == 0:
            return cls((0.0,), (0.5,))
        # mid rank of every distinct value, then thinned to about _QUANTILES points
        uniq, first, counts = np.unique(x, return_index=True, return_counts=True)
        mid = (first + (counts - 1) / 2.0 + 0.5) / len(x)
        if len(uniq) > _QUANTILES:
            keep = np.unique(np.linspace(0, len(uniq) - 1, _QUANTILES).round().astype(int))
            uniq, mid = uniq[keep], mid[keep]
        return cls(tuple(float(v) for v in uniq), tuple(float(r) for r in mid))

    def rank(self, x: NDArray[np.floating]) -> NDArray[np.float64]:
        """Percentile rank of each value (NaN stays NaN); outside the range: 0 or 1."""
        x = np.asarray(x, dtype=np.float64)
        v = np.asarray(self.values)
        r = np.asarray(self.ranks)
        below, above = x < v[0], x > v[-1]
        out = np.interp(x, v, r)
        out = np.where(below, 0.0, np.where(above, 1.0, out))
        return np.where(np.isfinite(x), out, np.nan)

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-ready form (exact: floats survive JSON unchanged)."""
        return {"values": list(self.values), "ranks": list(self.ranks)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RankTable:
        """Inverse of :meth:`to_dict`."""
        return cls(tuple(float(v) for v in d["values"]), tuple(float(r) for r in d["ranks"]))


def _signed(rank: NDArray[np.float64]) -> NDArray[np.float32]:
    return np.clip(2.0 * rank - 1.0, -1.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class LabelScaler:
    """The rank tables that turn label ingredients into valence and arousal.

    Attributes:
        brightness_major: Brightness ranks among major training phrases.
        brightness_minor: Brightness ranks among minor training phrases.
        harmonic_rhythm: Harmonic-rhythm ranks.
        tempo_bpm: Tempo ranks.
        note_density: Note-density ranks.
        arousal_mix: Ranks of the weighted mean of the three arousal ranks.
    """

    brightness_major: RankTable
    brightness_minor: RankTable
    harmonic_rhythm: RankTable
    tempo_bpm: RankTable
    note_density: RankTable
    arousal_mix: RankTable

    @classmethod
    def fit(cls, ex: HarmonyExamples) -> LabelScaler:
        """Fit every table on the training examples."""
        hr = RankTable.fit(ex.harmonic_rhythm)
        tempo = RankTable.fit(ex.tempo_bpm)
        density = RankTable.fit(ex.note_density)
        mix = _arousal_mix(hr, tempo, density, ex)
        return cls(
            brightness_major=RankTable.fit(ex.brightness[~ex.minor]),
            brightness_minor=RankTable.fit(ex.brightness[ex.minor]),
            harmonic_rhythm=hr,
            tempo_bpm=tempo,
            note_density=density,
            arousal_mix=RankTable.fit(mix),
        )

    def valence(self, ex: HarmonyExamples) -> NDArray[np.float32]:
        """Proxy valence of each example, in [-1, 1]."""
        r = np.where(
            ex.minor,
            self.brightness_minor.rank(ex.brightness),
            self.brightness_major.rank(ex.brightness),
        )
        return _signed(r)

    def arousal(self, ex: HarmonyExamples) -> NDArray[np.float32]:
        """Proxy arousal of each example, in [-1, 1]."""
        mix = _arousal_mix(self.harmonic_rhythm, self.tempo_bpm, self.note_density, ex)
        return _signed(self.arousal_mix.rank(mix))

    def conditions(self, ex: HarmonyExamples) -> NDArray[np.float32]:
        """``(N, 3)`` conditioning inputs: valence, arousal, minor."""
        return np.stack(
            [self.valence(ex), self.arousal(ex), ex.minor.astype(np.float32)], axis=1
        ).astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the definitions, for the model sidecar."""
        return {
            "definition": {
                "valence": "2*rank-1 of brightness (major-family minus minor- and "
                "diminished-family share of half-bar chord steps), ranked within the mode",
                "arousal": "2*rank-1 of the weighted mean of the ranks of harmonic rhythm "
                "(changes per bar), song tempo and melody note density, over those known",
                "minor": "1.0 when the phrase's key has a minor third (mode_major < 0.5)",
                "arousal_weights": AROUSAL_WEIGHTS,
            },
            "tables": {
                name: getattr(self, name).to_dict()
                for name in (
                    "brightness_major",
                    "brightness_minor",
                    "harmonic_rhythm",
                    "tempo_bpm",
                    "note_density",
                    "arousal_mix",
                )
            },
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LabelScaler:
        """Inverse of :meth:`to_dict`."""
        t = d["tables"]
        return cls(**{name: RankTable.from_dict(t[name]) for name in t})


def _arousal_mix(
    hr: RankTable, tempo: RankTable, density: RankTable, ex: HarmonyExamples
) -> NDArray[np.float64]:
    ranks = np.stack(
        [hr.rank(ex.harmonic_rhythm), tempo.rank(ex.tempo_bpm), density.rank(ex.note_density)],
        axis=1,
    )
    w = np.array([AROUSAL_WEIGHTS[k] for k in ("harmonic_rhythm", "tempo_bpm", "note_density")])
    known = np.isfinite(ranks)
    weights = np.where(known, w, 0.0)
    total = weights.sum(axis=1)
    mixed = (np.where(known, ranks, 0.0) * weights).sum(axis=1) / np.maximum(total, 1e-9)
    return np.where(total > 0, mixed, 0.5)
