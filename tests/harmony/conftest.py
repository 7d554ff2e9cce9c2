"""Fixtures of the harmony-network tests: a tiny synthetic corpus, the shipped model.

The synthetic corpus is a handful of 16-bar songs built from common loops
(major and minor, one or two chords a bar, with tempo and melody density),
wrapped in the same ``Song``/``Phrase`` types the real corpus returns, so
training and evaluation run on it in seconds without building anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from image2music.data import FEATURE_NAMES, Phrase, Song
from image2music.harmony.model_files import default_model_path
from image2music.harmony.tokens import chord_id
from image2music.types import MODES, Key

# loops as (root, quality) per half bar; two halves per bar
MAJOR_LOOPS = [
    [
        (0, "maj"),
        (0, "maj"),
        (7, "maj"),
        (7, "maj"),
        (9, "min"),
        (9, "min"),
        (5, "maj"),
        (5, "maj"),
    ],
    [(0, "maj"), (9, "min"), (5, "maj"), (7, "maj")],
    [(0, "maj"), (0, "maj"), (5, "maj"), (5, "maj"), (7, "7"), (7, "7"), (0, "maj"), (0, "maj")],
]
MINOR_LOOPS = [
    [
        (0, "min"),
        (0, "min"),
        (8, "maj"),
        (8, "maj"),
        (3, "maj"),
        (3, "maj"),
        (10, "maj"),
        (10, "maj"),
    ],
    [(0, "min"), (5, "min"), (7, "7"), (0, "min")],
]


@dataclass
class FakeCorpus:
    """Duck-typed :class:`image2music.data.Corpus`: ``phrases()`` and ``manifest``."""

    songs: list[Song]
    manifest: dict[str, Any] = field(
        default_factory=lambda: {"content_hash": "f" * 64, "feature_names": list(FEATURE_NAMES)}
    )

    def phrases(
        self,
        split: str | None = None,
        *,
        permissive_only: bool = False,
        datasets: Sequence[str] | None = None,
        metre: tuple[int, int] | None = None,
        with_melody: bool | None = None,
    ) -> list[Phrase]:
        out: list[Phrase] = []
        for song in self.songs:
            if split is not None and song.split != split:
                continue
            if permissive_only and not song.permissive:
                continue
            n_bars = len(song.bar_starts)
            for b0 in range(0, n_bars, 8):
                b1 = min(b0 + 8, n_bars)
                out.append(
                    Phrase(
                        index=len(out),
                        song=song,
                        start_bar=b0,
                        end_bar=b1,
                        start_beat=float(song.bar_starts[b0]),
                        end_beat=float(song.bar_starts[b1]) if b1 < n_bars else song.end_beats,
                        label="",
                        features=song.features,
                    )
                )
        return out


def make_song(
    index: int, split: str, steps: list[tuple[int, str]], *, minor: bool, tempo: float
) -> Song:
    """A 4/4 song with one chord per half-bar entry of ``steps`` (merged when repeated)."""
    n_steps = len(steps)
    onsets: list[float] = []
    durs: list[float] = []
    toks: list[int] = []
    for i, (root, quality) in enumerate(steps):
        tok = chord_id(root, quality)
        if toks and toks[-1] == tok:
            durs[-1] += 2.0
        else:
            onsets.append(2.0 * i)
            durs.append(2.0)
            toks.append(tok)
    n_bars = n_steps // 2
    feats = np.full(len(FEATURE_NAMES), np.nan, dtype=np.float32)
    feats[FEATURE_NAMES.index("mode_major")] = 0.0 if minor else 1.0
    feats[FEATURE_NAMES.index("tempo_bpm")] = tempo
    feats[FEATURE_NAMES.index("note_density")] = tempo / 100.0
    mode = "minor" if minor else "major"
    return Song(
        index=index,
        song_id=f"fake/{index:03d}",
        dataset="fake",
        title=f"Fake {index}",
        artist="",
        licence="MIT",
        permissive=True,
        split=split,
        time_signature=(4, 4),
        tempo_bpm=tempo,
        emotion_q=0,
        key=Key(0, mode),
        end_beats=4.0 * n_bars,
        features=feats,
        bar_starts=np.arange(n_bars, dtype=np.float32) * 4.0,
        chord_onset=np.array(onsets, dtype=np.float32),
        chord_dur=np.array(durs, dtype=np.float32),
        chord_token=np.array(toks, dtype=np.int16),
        chord_bass=np.full(len(toks), -1, dtype=np.int8),
        chord_status=np.zeros(len(toks), dtype=np.int8),
        note_onset=np.zeros(0, dtype=np.int32),
        note_dur=np.zeros(0, dtype=np.int32),
        note_pitch=np.zeros(0, dtype=np.int8),
        note_token=np.zeros(0, dtype=np.int16),
        key_onset=np.zeros(1, dtype=np.float32),
        key_tonic=np.zeros(1, dtype=np.int8),
        key_mode=np.array([tuple(MODES).index(mode)], dtype=np.int8),
    )


def fake_corpus(n_songs: int = 24, bars: int = 16) -> FakeCorpus:
    """A deterministic synthetic corpus: 2/3 train, 1/6 valid, 1/6 test."""
    rng = np.random.default_rng(7)
    songs = []
    for i in range(n_songs):
        minor = i % 3 == 2
        loops = MINOR_LOOPS if minor else MAJOR_LOOPS
        loop = loops[int(rng.integers(len(loops)))]
        steps = [loop[k % len(loop)] for k in range(2 * bars)]
        split = ("train", "train", "train", "train", "valid", "test")[i % 6]
        songs.append(make_song(i, split, steps, minor=minor, tempo=float(rng.uniform(70, 150))))
    return FakeCorpus(songs)


@pytest.fixture(scope="session")
def corpus() -> FakeCorpus:
    return fake_corpus()


@pytest.fixture(scope="session")
def shipped_model() -> Path:
    path = default_model_path()
    if not path.is_file():
        pytest.fail(f"the shipped harmony model is missing: {path}")
    return path
