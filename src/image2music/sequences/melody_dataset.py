"""Training sequences for the melody network: corpus phrases on the 16th-note grid (torch-free).

A 4/4 phrase with a melody becomes one sequence of melody ids (one per 16th,
:mod:`image2music.melody.tokens`) together with the key-relative chord id of
every step. Phrases are kept on the harmony network's rules
(:func:`image2music.sequences.dataset.half_bar_tokens`: whole 4/4 bars, at
least two bars, at most a quarter of no-chord half bars), and in addition
need at least :data:`MIN_ONSETS` notes and at most :data:`MAX_REST_SHARE` of
silent steps (so intros and instrumental breaks stay out). A note carried
over from before the phrase shows as ``REST`` until the first onset.

Their conditioning labels are the harmony network's (same phrases, same
definitions): :class:`~image2music.sequences.dataset.HarmonyExamples` of the
kept phrases are kept alongside, and :class:`~.labels.LabelScaler` turns them
into valence and arousal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from image2music.errors import DataError
from image2music.harmony.grid import STEPS_PER_BAR as HALF_BARS_PER_BAR
from image2music.harmony.tokens import NO_CHORD, UNK
from image2music.melody.grid import STEPS_PER_BAR, STEPS_PER_BEAT
from image2music.melody.tokens import FIRST_NOTE_ID, PAD, REST
from image2music.sequences.dataset import (
    MAX_NO_CHORD_SHARE,
    MIN_BARS,
    HarmonyExamples,
    PhraseLike,
    PhraseSource,
    examples_from_phrases,
    half_bar_tokens,
)

__all__ = [
    "MAX_REST_SHARE",
    "MIN_ONSETS",
    "MelodyExamples",
    "load_melody_examples",
    "melody_examples_from_phrases",
    "phrase_grids",
]

#: Fewest note onsets in a kept phrase.
MIN_ONSETS = 8
#: Largest share of ``REST`` steps in a kept phrase.
MAX_REST_SHARE = 0.5


@dataclass
class MelodyExamples:
    """Phrases as padded 16th-note sequences plus their harmony-side label ingredients.

    Attributes:
        melody: ``(N, T)`` melody ids, ``PAD`` after the end.
        chords: ``(N, T)`` key-relative chord ids of every step (``PAD`` after the end).
        n_steps: ``(N,)`` true length of each sequence, in 16th steps.
        harmony: The same phrases as harmony examples (labels, song ids, licences).
    """

    melody: NDArray[np.int64]
    chords: NDArray[np.int64]
    n_steps: NDArray[np.int64]
    harmony: HarmonyExamples

    def __len__(self) -> int:
        return len(self.n_steps)

    def subset(self, index: NDArray[np.int64]) -> MelodyExamples:
        """The examples at ``index``."""
        return MelodyExamples(
            self.melody[index], self.chords[index], self.n_steps[index], self.harmony.subset(index)
        )


def phrase_grids(phrase: PhraseLike) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Melody and chord ids of a phrase on the 16th grid, or ``None`` if it is not kept.

    Args:
        phrase: A corpus phrase of a song with a melody.

    Returns:
        ``(melody ids, chord ids)``, each ``16 * bars`` long, or ``None``.
    """
    half = half_bar_tokens(phrase)
    if half is None or len(half) < MIN_BARS * HALF_BARS_PER_BAR:
        return None
    if float(np.isin(half, (NO_CHORD, UNK)).mean()) > MAX_NO_CHORD_SHARE:
        return None
    n_bars = len(half) // HALF_BARS_PER_BAR
    song = phrase.song
    start = float(np.asarray(song.bar_starts, dtype=np.float64)[phrase.start_bar])
    end = start + 4.0 * n_bars
    melody = np.asarray(song.melody_grid(start, end), dtype=np.int64)
    chords = np.asarray(song.chord_grid(start, end, STEPS_PER_BEAT), dtype=np.int64)
    if len(melody) != n_bars * STEPS_PER_BAR or len(chords) != len(melody):
        return None
    onsets = np.flatnonzero(melody >= FIRST_NOTE_ID)
    if len(onsets) < MIN_ONSETS or float((melody == REST).mean()) > MAX_REST_SHARE:
        return None
    melody[: onsets[0]] = REST  # a note held over from before the phrase
    return melody, chords


def melody_examples_from_phrases(
    phrases: Sequence[PhraseLike], *, feature_names: Sequence[str]
) -> MelodyExamples:
    """Turn corpus phrases into melody training sequences (see the module docstring).

    Args:
        phrases: Corpus phrases (4/4 songs with a melody).
        feature_names: Names of the phrase feature columns (``FEATURE_NAMES``).

    Returns:
        The kept phrases as examples (possibly none).
    """
    kept: list[PhraseLike] = []
    grids: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    for ph in phrases:
        g = phrase_grids(ph)
        if g is not None:
            kept.append(ph)
            grids.append(g)
    harmony = examples_from_phrases(kept, feature_names=feature_names)
    if len(harmony) != len(kept):  # pragma: no cover - both apply the same rules
        raise DataError("melody and harmony phrase filters disagree")
    width = max((len(m) for m, _ in grids), default=0)
    melody = np.full((len(grids), width), PAD, dtype=np.int64)
    chords = np.full((len(grids), width), PAD, dtype=np.int64)
    for i, (m, c) in enumerate(grids):
        melody[i, : len(m)] = m
        chords[i, : len(c)] = c
    n_steps = np.array([len(m) for m, _ in grids], dtype=np.int64)
    return MelodyExamples(melody, chords, n_steps, harmony)


def load_melody_examples(
    corpus: PhraseSource, split: str, *, permissive_only: bool = True
) -> MelodyExamples:
    """The 4/4 phrases with a melody of one split as examples.

    Args:
        corpus: The corpus (``image2music.data.load_corpus()``).
        split: ``"train"``, ``"valid"`` or ``"test"``.
        permissive_only: Only songs whose licence allows shipping weights.

    Returns:
        The examples.
    """
    from image2music.data.features import FEATURE_NAMES

    phrases = corpus.phrases(split, permissive_only=permissive_only, metre=(4, 4), with_melody=True)
    names = corpus.manifest.get("feature_names", list(FEATURE_NAMES))
    return melody_examples_from_phrases(phrases, feature_names=names)
