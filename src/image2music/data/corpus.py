"""Loading the built corpus for training: songs, phrases, filters and grids.

Example::

    from image2music.data import load_corpus

    corpus = load_corpus()                      # default cache directory
    train = corpus.phrases(split="train", permissive_only=True, metre=(4, 4))
    for ph in train:
        chords = ph.chord_grid()                # one chord id per beat
        melody = ph.melody_grid()               # one melody id per 16th
        cond = ph.features                      # FEATURE_NAMES, NaN = unknown

Token tables: :mod:`image2music.vocab`. Arrays: :mod:`.store`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, Unpack

import numpy as np
from numpy.typing import NDArray

from image2music.data.build import corpus_dir
from image2music.data.features import FEATURE_NAMES
from image2music.data.normalise import MODE_NAMES
from image2music.data.paths import resolve_cache_dir
from image2music.data.store import read_npz
from image2music.errors import DataError
from image2music.types import Key
from image2music.vocab import (
    CHORD_N,
    MELODY_HOLD,
    MELODY_REST,
    STEPS_PER_BEAT,
    VOCAB_VERSION,
)

__all__ = ["Corpus", "Phrase", "Song", "SongFilters", "load_corpus"]


@dataclass(frozen=True)
class Song:
    """A view of one song of a :class:`Corpus` (arrays are slices, not copies).

    Attributes:
        index: Row in the corpus.
        song_id: ``"<dataset>/<local id>"``.
        dataset: Dataset name.
        title: Title ("" when unknown).
        artist: Artist or composer.
        licence: Licence of the dataset.
        permissive: Whether the licence allows shipping trained weights.
        split: ``"train"``, ``"valid"`` or ``"test"``.
        time_signature: Metre of the first bar.
        tempo_bpm: Quarter notes per minute (NaN when unknown).
        emotion_q: Human Russell quadrant 1..4, 0 when none.
        key: The first key (see ``key_onset`` for changes).
        end_beats: Length in beats.
        features: Song-level features, in :data:`FEATURE_NAMES` order.
        bar_starts: Bar onsets in beats.
        chord_onset: Chord onsets in beats.
        chord_dur: Chord durations in beats.
        chord_token: Chord vocabulary ids.
        chord_bass: Bass in semitones above the local tonic (-1 root position).
        chord_status: 0 exact, 1 simplified, 2 no-chord, 3 dropped.
        note_onset: Melody onsets in 16th steps.
        note_dur: Melody durations in 16th steps.
        note_pitch: MIDI pitches.
        note_token: Melody vocabulary ids (relative to the local key).
        key_onset: Key-segment onsets in beats.
        key_tonic: Key-segment tonics (pitch classes).
        key_mode: Key-segment modes (index into ``MODES``).
    """

    index: int
    song_id: str
    dataset: str
    title: str
    artist: str
    licence: str
    permissive: bool
    split: str
    time_signature: tuple[int, int]
    tempo_bpm: float
    emotion_q: int
    key: Key
    end_beats: float
    features: NDArray[np.float32]
    bar_starts: NDArray[np.float32]
    chord_onset: NDArray[np.float32]
    chord_dur: NDArray[np.float32]
    chord_token: NDArray[np.int16]
    chord_bass: NDArray[np.int8]
    chord_status: NDArray[np.int8]
    note_onset: NDArray[np.int32]
    note_dur: NDArray[np.int32]
    note_pitch: NDArray[np.int8]
    note_token: NDArray[np.int16]
    key_onset: NDArray[np.float32]
    key_tonic: NDArray[np.int8]
    key_mode: NDArray[np.int8]

    @property
    def has_melody(self) -> bool:
        """Whether the song has melody notes."""
        return len(self.note_onset) > 0

    def chord_grid(
        self, start: float = 0.0, end: float | None = None, steps_per_beat: int = 1
    ) -> NDArray[np.int16]:
        """Chord ids on a regular grid (gaps are ``N``).

        Args:
            start: First beat.
            end: End beat (default: the song's end).
            steps_per_beat: Grid steps per quarter note (1: one id per beat).

        Returns:
            One chord id per step, the chord sounding at the step's start.
        """
        stop = self.end_beats if end is None else end
        n = max(round((stop - start) * steps_per_beat), 0)
        grid = np.full(n, CHORD_N, dtype=np.int16)
        for on, dur, tok in zip(self.chord_onset, self.chord_dur, self.chord_token, strict=True):
            a = round((float(on) - start) * steps_per_beat)
            b = round((float(on) + float(dur) - start) * steps_per_beat)
            a, b = max(a, 0), min(b, n)
            if b > a:
                grid[a:b] = tok
        return grid

    def melody_grid(self, start: float = 0.0, end: float | None = None) -> NDArray[np.int16]:
        """Melody ids on the 16th-note grid: note onsets, ``HOLD`` and ``REST``.

        Args:
            start: First beat.
            end: End beat (default: the song's end).

        Returns:
            One melody id per 16th step. A note that began before ``start``
            shows as ``HOLD`` at the start.
        """
        stop = self.end_beats if end is None else end
        s0 = round(start * STEPS_PER_BEAT)
        n = max(round(stop * STEPS_PER_BEAT) - s0, 0)
        grid = np.full(n, MELODY_REST, dtype=np.int16)
        for on, dur, tok in zip(self.note_onset, self.note_dur, self.note_token, strict=True):
            a, b = int(on) - s0, int(on) + int(dur) - s0
            if b <= 0 or a >= n:
                continue
            grid[max(a, 0) : min(b, n)] = MELODY_HOLD
            if a >= 0:
                grid[a] = tok
        return grid

    def key_at(self, beat: float) -> Key:
        """The local key at a beat."""
        i = max(int(np.searchsorted(self.key_onset, beat + 1e-6, side="right")) - 1, 0)
        return Key(int(self.key_tonic[i]), MODE_NAMES[int(self.key_mode[i])])


@dataclass(frozen=True)
class Phrase:
    """A phrase of a song: bars ``[start_bar, end_bar)``.

    Attributes:
        index: Row in the corpus's phrase table.
        song: The song.
        start_bar: First bar.
        end_bar: One past the last bar.
        start_beat: Onset in beats.
        end_beat: End in beats.
        label: Section label ("" when the phrase is a fixed window).
        features: Phrase-level features, in :data:`FEATURE_NAMES` order.
    """

    index: int
    song: Song
    start_bar: int
    end_bar: int
    start_beat: float
    end_beat: float
    label: str
    features: NDArray[np.float32]

    def chord_grid(self, steps_per_beat: int = 1) -> NDArray[np.int16]:
        """Chord ids of the phrase on a grid (see :meth:`Song.chord_grid`)."""
        return self.song.chord_grid(self.start_beat, self.end_beat, steps_per_beat)

    def melody_grid(self) -> NDArray[np.int16]:
        """Melody ids of the phrase on the 16th grid (see :meth:`Song.melody_grid`)."""
        return self.song.melody_grid(self.start_beat, self.end_beat)


class SongFilters(TypedDict, total=False):
    """Keyword filters of :meth:`Corpus.select`, :meth:`Corpus.songs` and :meth:`Corpus.phrases`."""

    permissive_only: bool
    datasets: Sequence[str] | None
    metre: tuple[int, int] | None
    with_melody: bool | None


class Corpus:
    """The built corpus: column arrays plus the manifest.

    Attributes:
        path: Folder of ``corpus.npz``.
        manifest: The manifest's content.
        arrays: Column name -> array (see :mod:`image2music.data.store`).
    """

    feature_names: tuple[str, ...] = FEATURE_NAMES

    def __init__(self, path: Path, manifest: dict[str, Any], arrays: dict[str, Any]) -> None:
        self.path = path
        self.manifest = manifest
        self.arrays = arrays

    def __len__(self) -> int:
        return len(self.arrays["song_id"])

    def select(
        self,
        split: str | None = None,
        *,
        permissive_only: bool = False,
        datasets: Sequence[str] | None = None,
        metre: tuple[int, int] | None = None,
        with_melody: bool | None = None,
    ) -> NDArray[np.int64]:
        """Row indices of the songs matching every filter.

        Args:
            split: ``"train"``, ``"valid"`` or ``"test"`` (None: all).
            permissive_only: Keep only songs whose licence is permissive.
            datasets: Keep only these datasets.
            metre: Keep only songs whose first bar has this time signature.
            with_melody: Keep only songs with (True) or without (False) melody.

        Returns:
            Ascending row indices.
        """
        a = self.arrays
        mask = np.ones(len(self), dtype=bool)
        if split is not None:
            mask &= a["split"] == split
        if permissive_only:
            mask &= a["permissive"]
        if datasets:
            mask &= np.isin(a["dataset"], list(datasets))
        if metre is not None:
            mask &= (a["ts_num"] == metre[0]) & (a["ts_den"] == metre[1])
        if with_melody is not None:
            mask &= a["has_melody"] == with_melody
        return np.flatnonzero(mask)

    def song(self, i: int) -> Song:
        """The song at row ``i``."""
        a = self.arrays

        def rows(offsets: str, *cols: str) -> list[Any]:
            lo, hi = int(a[offsets][i]), int(a[offsets][i + 1])
            return [a[c][lo:hi] for c in cols]

        (bars,) = rows("bar_offsets", "bar_starts")
        c_on, c_dur, c_tok, c_bass, c_stat = rows(
            "chord_offsets", "chord_onset", "chord_dur", "chord_token", "chord_bass", "chord_status"
        )
        n_on, n_dur, n_pitch, n_tok = rows(
            "note_offsets", "note_onset", "note_dur", "note_pitch", "note_token"
        )
        k_on, k_tonic, k_mode = rows("key_offsets", "key_onset", "key_tonic", "key_mode")
        return Song(
            index=i,
            song_id=str(a["song_id"][i]),
            dataset=str(a["dataset"][i]),
            title=str(a["title"][i]),
            artist=str(a["artist"][i]),
            licence=str(a["licence"][i]),
            permissive=bool(a["permissive"][i]),
            split=str(a["split"][i]),
            time_signature=(int(a["ts_num"][i]), int(a["ts_den"][i])),
            tempo_bpm=float(a["tempo_bpm"][i]),
            emotion_q=int(a["emotion_q"][i]),
            key=Key(int(a["tonic"][i]), MODE_NAMES[int(a["mode"][i])]),
            end_beats=float(a["end_beats"][i]),
            features=a["features"][i],
            bar_starts=bars,
            chord_onset=c_on,
            chord_dur=c_dur,
            chord_token=c_tok,
            chord_bass=c_bass,
            chord_status=c_stat,
            note_onset=n_on,
            note_dur=n_dur,
            note_pitch=n_pitch,
            note_token=n_tok,
            key_onset=k_on,
            key_tonic=k_tonic,
            key_mode=k_mode,
        )

    def songs(self, split: str | None = None, **filters: Unpack[SongFilters]) -> list[Song]:
        """Songs matching the filters (see :meth:`select`)."""
        return [self.song(int(i)) for i in self.select(split, **filters)]

    def phrases(self, split: str | None = None, **filters: Unpack[SongFilters]) -> list[Phrase]:
        """Phrases of the songs matching the filters (see :meth:`select`)."""
        a = self.arrays
        out: list[Phrase] = []
        for i in self.select(split, **filters):
            song = self.song(int(i))
            lo, hi = int(a["phrase_offsets"][i]), int(a["phrase_offsets"][i + 1])
            bars = song.bar_starts
            for p in range(lo, hi):
                b0, b1 = int(a["phrase_start_bar"][p]), int(a["phrase_end_bar"][p])
                out.append(
                    Phrase(
                        index=p,
                        song=song,
                        start_bar=b0,
                        end_bar=b1,
                        start_beat=float(bars[b0]),
                        end_beat=float(bars[b1]) if b1 < len(bars) else song.end_beats,
                        label=str(a["phrase_label"][p]),
                        features=a["phrase_features"][p],
                    )
                )
        return out


def load_corpus(cache_dir: Path | str | None = None) -> Corpus:
    """Load the corpus built by ``image2music data build``.

    Args:
        cache_dir: The cache directory used for the build (default: see
            :func:`image2music.data.paths.resolve_cache_dir`).

    Returns:
        The corpus.

    Raises:
        DataError: If no corpus was built there, or it was built with
            another vocabulary version.
    """
    folder = corpus_dir(resolve_cache_dir(cache_dir))
    manifest_path, npz = folder / "manifest.json", folder / "corpus.npz"
    if not (manifest_path.is_file() and npz.is_file()):
        raise DataError(
            f"no corpus in {folder}: run 'image2music data build' (or pass its --cache-dir)"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        arrays = read_npz(npz)
    except (OSError, ValueError) as e:
        raise DataError(f"corpus in {folder} is unreadable: {e}") from e
    if manifest.get("vocab_version") != VOCAB_VERSION:
        raise DataError(
            f"corpus in {folder} uses vocabulary v{manifest.get('vocab_version')}, "
            f"this code v{VOCAB_VERSION}: rebuild it"
        )
    return Corpus(folder, manifest, arrays)
