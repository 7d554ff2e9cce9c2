"""Half-bar sequences from corpus phrases and their proxy labels (torch-free)."""

from __future__ import annotations

import numpy as np

from image2music.harmony.grid import position_features
from image2music.harmony.tokens import NO_CHORD, chord_id
from image2music.sequences.dataset import (
    brightness_of,
    changes_per_bar,
    half_bar_tokens,
    load_examples,
)
from image2music.sequences.labels import LabelScaler, RankTable

from .conftest import FakeCorpus, make_song

C, G, AM, F = chord_id(0, "maj"), chord_id(7, "maj"), chord_id(9, "min"), chord_id(5, "maj")


def test_half_bar_grid_takes_the_longest_chord(corpus: FakeCorpus) -> None:
    song = make_song(0, "train", [(0, "maj")] * 4 + [(7, "maj")] * 4, minor=False, tempo=100)
    # move the G onset 0.25 beat late: the first half of bar 2 is still mostly G
    onsets = song.chord_onset.copy()
    durs = song.chord_dur.copy()
    onsets[1] += 0.25
    durs[0] += 0.25
    durs[1] -= 0.25
    from dataclasses import replace

    late = replace(song, chord_onset=onsets, chord_dur=durs)
    phrase = FakeCorpus([late]).phrases("train")[0]
    tokens = half_bar_tokens(phrase)
    assert tokens is not None and tokens.tolist() == [C, C, C, C, G, G, G, G]


def test_non_4_4_bars_are_refused_but_a_short_last_bar_is_cut() -> None:
    song = make_song(0, "train", [(0, "maj")] * 8, minor=False, tempo=100)
    from dataclasses import replace

    odd = replace(song, bar_starts=np.array([0.0, 4.0, 7.0, 11.0], dtype=np.float32))
    assert half_bar_tokens(FakeCorpus([odd]).phrases("train")[0]) is None
    short = replace(song, end_beats=14.0)
    tokens = half_bar_tokens(FakeCorpus([short]).phrases("train")[0])
    assert tokens is not None and tokens.tolist() == [C] * 6


def test_changes_and_brightness() -> None:
    seq = np.array([C, C, G, AM, NO_CHORD, F, F, C])
    assert changes_per_bar(seq) == 3 / 4  # C-G, G-Am, F-C; N breaks the chain
    assert brightness_of(np.array([C, G, AM, AM])) == 0.0
    assert brightness_of(np.array([C, C, G, F])) == 1.0


def test_rank_table_mid_ranks_and_round_trip() -> None:
    table = RankTable.fit(np.array([1.0, 2.0, 2.0, 3.0, np.nan]))
    np.testing.assert_allclose(table.rank(np.array([1.0, 2.0, 3.0])), [0.125, 0.5, 0.875])
    assert table.rank(np.array([0.0, 9.0])).tolist() == [0.0, 1.0]
    assert np.isnan(table.rank(np.array([np.nan])))[0]
    assert RankTable.from_dict(table.to_dict()) == table


def test_labels_are_in_range_and_survive_the_sidecar(corpus: FakeCorpus) -> None:
    train = load_examples(corpus, "train")
    assert len(train) == 32 and train.tokens.shape == (32, 16)
    scaler = LabelScaler.fit(train)
    cond = scaler.conditions(train)
    assert cond.shape == (32, 3) and np.abs(cond[:, :2]).max() <= 1.0
    assert cond[:, 2].tolist() == train.minor.astype(float).tolist()
    again = LabelScaler.from_dict(scaler.to_dict())
    np.testing.assert_allclose(again.conditions(train), cond, atol=1e-5)
    # a brighter phrase gets a higher valence within its mode
    major = ~train.minor
    order = np.argsort(train.brightness[major])
    assert np.all(np.diff(cond[major, 0][order]) >= -1e-6)


def test_position_features() -> None:
    p = position_features(8)
    assert p.shape == (8, 10)
    assert p[:, 0].tolist() == [0, 1] * 4
    assert p[7, 6] == 1 and p[4, 9] == 1 and p[0, 6:].sum() == 0
    assert p[2, 2] == 1 and p[6, 4] == 1
