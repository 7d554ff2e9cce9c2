"""Training sequences for the harmony network: corpus phrases on the half-bar grid (torch-free).

Each 4/4 phrase of the corpus (a section, or an 8-bar window; see
``docs/corpus.md``) becomes one sequence of key-relative chord ids, one per
half bar (:mod:`image2music.harmony.grid`):

* the chord of a half bar is the one that sounds longest in it (ties: the
  earliest; ``N`` and ``UNK`` lose ties to a chord);
* phrases with a bar that is not four beats long are left out, except that a
  trailing incomplete bar (the song's end) is cut off;
* phrases shorter than :data:`MIN_BARS` bars, or with more than
  :data:`MAX_NO_CHORD_SHARE` of ``N``/``UNK`` steps, are left out.

Next to the ids every sequence keeps what its conditioning labels are made of
(:mod:`.labels`): the minor flag (the phrase's ``mode_major`` feature < 0.5),
the chord-quality brightness and harmonic rhythm of its half-bar chords, the
song's tempo and the phrase's melody note density (NaN when unknown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.grid import BEATS_PER_STEP, STEPS_PER_BAR
from image2music.harmony.tokens import (
    DIMINISHED_FAMILY,
    FIRST_CHORD_ID,
    MAJOR_FAMILY,
    MINOR_FAMILY,
    NO_CHORD,
    PAD,
    UNK,
    family_mask,
)

__all__ = [
    "MAX_NO_CHORD_SHARE",
    "MIN_BARS",
    "HarmonyExamples",
    "PhraseLike",
    "PhraseSource",
    "brightness_of",
    "changes_per_bar",
    "examples_from_phrases",
    "half_bar_tokens",
    "load_examples",
]

#: Shortest phrase kept, in bars.
MIN_BARS = 2
#: Largest share of no-chord (``N``/``UNK``) steps in a kept phrase.
MAX_NO_CHORD_SHARE = 0.25
_CELLS_PER_STEP = 4 * BEATS_PER_STEP  # 16th notes per half bar

_MAJOR = family_mask(MAJOR_FAMILY)
_MINOR = family_mask(MINOR_FAMILY)
_DIM = family_mask(DIMINISHED_FAMILY)


class PhraseLike(Protocol):
    """What the dataset needs of a corpus phrase (:class:`image2music.data.Phrase`)."""

    @property
    def song(self) -> Any:
        """The song.

        Needs ``bar_starts``, ``end_beats``, ``tempo_bpm``, ``song_id``, ``licence``
        and ``chord_grid(start, end, steps_per_beat)``.
        """

    @property
    def start_bar(self) -> int:
        """First bar."""

    @property
    def end_bar(self) -> int:
        """One past the last bar."""

    @property
    def start_beat(self) -> float:
        """Onset in beats."""

    @property
    def end_beat(self) -> float:
        """End in beats."""

    @property
    def features(self) -> NDArray[np.float32]:
        """Phrase features in ``FEATURE_NAMES`` order."""


class PhraseSource(Protocol):
    """What training and evaluation need of a corpus (:class:`image2music.data.Corpus`)."""

    manifest: dict[str, Any]

    def phrases(
        self,
        split: str | None = None,
        *,
        permissive_only: bool = False,
        datasets: Sequence[str] | None = None,
        metre: tuple[int, int] | None = None,
        with_melody: bool | None = None,
    ) -> Sequence[Any]:
        """Phrases of the songs matching the filters."""


@dataclass
class HarmonyExamples:
    """Phrases as padded id sequences plus their label ingredients.

    Attributes:
        tokens: ``(N, T)`` chord ids, one per half bar, ``PAD`` after the end.
        n_steps: ``(N,)`` true length of each sequence, in steps.
        minor: ``(N,)`` whether the phrase is in a minor key.
        brightness: ``(N,)`` major-family minus minor- and diminished-family share
            of the chord steps, in [-1, 1].
        harmonic_rhythm: ``(N,)`` chord changes per bar (see :func:`changes_per_bar`).
        tempo_bpm: ``(N,)`` the song's tempo, NaN when unknown.
        note_density: ``(N,)`` melody onsets per beat in the phrase, NaN when unknown.
        song_ids: The song of each sequence.
        licences: The licence of each sequence's dataset.
    """

    tokens: NDArray[np.int64]
    n_steps: NDArray[np.int64]
    minor: NDArray[np.bool_]
    brightness: NDArray[np.float32]
    harmonic_rhythm: NDArray[np.float32]
    tempo_bpm: NDArray[np.float32]
    note_density: NDArray[np.float32]
    song_ids: list[str] = field(default_factory=list)
    licences: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.n_steps)

    def subset(self, index: NDArray[np.int64]) -> HarmonyExamples:
        """The examples at ``index``."""
        return HarmonyExamples(
            tokens=self.tokens[index],
            n_steps=self.n_steps[index],
            minor=self.minor[index],
            brightness=self.brightness[index],
            harmonic_rhythm=self.harmonic_rhythm[index],
            tempo_bpm=self.tempo_bpm[index],
            note_density=self.note_density[index],
            song_ids=[self.song_ids[int(i)] for i in index],
            licences=[self.licences[int(i)] for i in index],
        )

    def sources(self) -> dict[str, dict[str, Any]]:
        """Per dataset: its licence(s) and how many sequences come from it."""
        out: dict[str, dict[str, Any]] = {}
        for song_id, licence in zip(self.song_ids, self.licences, strict=True):
            entry = out.setdefault(song_id.split("/")[0], {"licences": [], "phrases": 0})
            entry["phrases"] += 1
            if licence not in entry["licences"]:
                entry["licences"].append(licence)
        return dict(sorted(out.items()))

    def sequences(self) -> list[NDArray[np.int64]]:
        """Each sequence without padding."""
        return [self.tokens[i, : int(n)] for i, n in enumerate(self.n_steps)]


def half_bar_tokens(phrase: PhraseLike) -> NDArray[np.int64] | None:
    """The phrase's chord ids on the half-bar grid, or ``None`` if its bars are not 4/4.

    Args:
        phrase: A corpus phrase.

    Returns:
        One id per half bar (``2 * bars``), or ``None``.
    """
    song = phrase.song
    bars = np.asarray(song.bar_starts, dtype=np.float64)
    starts = bars[phrase.start_bar : phrase.end_bar]
    ends = np.append(bars[phrase.start_bar + 1 : phrase.end_bar + 1], song.end_beats)[: len(starts)]
    lengths = ends - starts
    whole = np.flatnonzero(np.abs(lengths - 4.0) > 1e-6)
    n_bars = len(starts)
    if len(whole):
        if whole[0] != n_bars - 1 or lengths[-1] > 4.0:
            return None
        n_bars -= 1
    if n_bars < 1:
        return None
    start = float(starts[0])
    grid = np.asarray(song.chord_grid(start, start + 4.0 * n_bars, 4), dtype=np.int64)
    cells = grid.reshape(n_bars * STEPS_PER_BAR, _CELLS_PER_STEP)
    counts = (cells[:, :, None] == cells[:, None, :]).sum(-1).astype(np.float64)
    counts -= 0.5 * (cells < FIRST_CHORD_ID)
    pick = np.argmax(counts, axis=1)
    out: NDArray[np.int64] = cells[np.arange(len(cells)), pick]
    return out


def changes_per_bar(tokens: NDArray[np.int64]) -> float:
    """Chord changes per bar: steps whose chord differs from the previous chord.

    Steps with or after ``N``/``UNK`` do not count; the first step does not count.
    """
    if len(tokens) < 2:
        return 0.0
    a, b = tokens[:-1], tokens[1:]
    changes = (a != b) & (a >= FIRST_CHORD_ID) & (b >= FIRST_CHORD_ID)
    return float(changes.sum()) / (len(tokens) / STEPS_PER_BAR)


def brightness_of(tokens: NDArray[np.int64]) -> float:
    """Major-family minus minor- and diminished-family share of the chord steps, in [-1, 1]."""
    chords = tokens[tokens >= FIRST_CHORD_ID]
    if len(chords) == 0:
        return 0.0
    return float(_MAJOR[chords].mean() - _MINOR[chords].mean() - _DIM[chords].mean())


def examples_from_phrases(
    phrases: Sequence[PhraseLike], *, feature_names: Sequence[str]
) -> HarmonyExamples:
    """Turn corpus phrases into training sequences (see the module docstring).

    Args:
        phrases: Corpus phrases (4/4 songs).
        feature_names: Names of the phrase feature columns (``FEATURE_NAMES``).

    Returns:
        The kept phrases as examples (possibly none).
    """
    i_mode = list(feature_names).index("mode_major")
    i_density = list(feature_names).index("note_density")
    seqs: list[NDArray[np.int64]] = []
    rows: list[tuple[bool, float, float, float, float]] = []
    song_ids: list[str] = []
    licences: list[str] = []
    for ph in phrases:
        tokens = half_bar_tokens(ph)
        if tokens is None or len(tokens) < MIN_BARS * STEPS_PER_BAR:
            continue
        no_chord = float(np.isin(tokens, (NO_CHORD, UNK)).mean())
        if no_chord > MAX_NO_CHORD_SHARE:
            continue
        feats = np.asarray(ph.features, dtype=np.float64)
        mode_major = feats[i_mode]
        rows.append(
            (
                bool(np.isfinite(mode_major) and mode_major < 0.5),
                brightness_of(tokens),
                changes_per_bar(tokens),
                float(ph.song.tempo_bpm),
                float(feats[i_density]),
            )
        )
        seqs.append(tokens)
        song_ids.append(str(ph.song.song_id))
        licences.append(str(getattr(ph.song, "licence", "")))
    width = max((len(s) for s in seqs), default=0)
    tokens_arr = np.full((len(seqs), width), PAD, dtype=np.int64)
    for i, s in enumerate(seqs):
        tokens_arr[i, : len(s)] = s
    cols = list(zip(*rows, strict=True)) if rows else [()] * 5
    return HarmonyExamples(
        tokens=tokens_arr,
        n_steps=np.array([len(s) for s in seqs], dtype=np.int64),
        minor=np.array(cols[0], dtype=bool),
        brightness=np.array(cols[1], dtype=np.float32),
        harmonic_rhythm=np.array(cols[2], dtype=np.float32),
        tempo_bpm=np.array(cols[3], dtype=np.float32),
        note_density=np.array(cols[4], dtype=np.float32),
        song_ids=song_ids,
        licences=licences,
    )


def load_examples(
    corpus: PhraseSource, split: str, *, permissive_only: bool = True
) -> HarmonyExamples:
    """The 4/4 phrases of one split as examples.

    Args:
        corpus: The corpus (``image2music.data.load_corpus()``).
        split: ``"train"``, ``"valid"`` or ``"test"``.
        permissive_only: Only songs whose licence allows shipping weights.

    Returns:
        The examples.
    """
    from image2music.data.features import FEATURE_NAMES

    phrases = corpus.phrases(split, permissive_only=permissive_only, metre=(4, 4))
    names = corpus.manifest.get("feature_names", list(FEATURE_NAMES))
    return examples_from_phrases(phrases, feature_names=names)
