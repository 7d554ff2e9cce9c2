from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest

from image2music.data.chords import ChordStatus, ParsedChord
from image2music.data.features import FEATURE_NAMES
from image2music.data.harte import parse_harte
from image2music.data.normalise import normalise_song
from image2music.data.song import ChordEvent, NoteEvent, SongRecord, bars_from_metres
from image2music.types import Key
from image2music.vocab import CHORD_N, CHORD_UNK, chord_token, melody_token


def _song(
    chords: Sequence[tuple[float, float, str]],
    notes: Sequence[tuple[float, float, int]] = (),
    keys: list[tuple[float, Key]] | None = None,
    bars: int = 4,
    sections: list[tuple[float, str]] | None = None,
) -> SongRecord:
    return SongRecord(
        dataset="test",
        local_id="x",
        title="x",
        artist="",
        time_signature=(4, 4),
        bar_starts=[4.0 * i for i in range(bars)],
        end=4.0 * bars,
        keys=keys or [(0.0, Key(9, "minor"))],
        chords=[ChordEvent(on, d, parse_harte(lab)) for on, d, lab in chords],
        notes=[NoteEvent(on, d, p) for on, d, p in notes],
        sections=sections or [],
        tempo_bpm=100.0,
    )


def _feature(row: np.ndarray, name: str) -> float:
    return float(row[FEATURE_NAMES.index(name)])


def test_chords_relative_to_minor_tonic() -> None:
    rec = _song([(0, 4, "A:min"), (4, 4, "C:maj/3"), (8, 4, "N"), (12, 4, "X")])
    a = normalise_song(rec, Counter())
    assert a.chord_token.tolist() == [
        chord_token(0, "min"),  # Am in A minor is (0, min)
        chord_token(3, "maj"),  # C is (3, maj)
        CHORD_N,
        CHORD_UNK,
    ]
    assert a.chord_root.tolist() == [0, 3, -1, -1]
    assert a.chord_bass.tolist() == [-1, 7, -1, -1]  # E above A = 7
    assert a.chord_status.tolist() == [0, 0, 2, 3]
    assert a.chord_key_mode.tolist() == [1, 1, 1, 1]
    assert a.drop_reasons == {"unknown chord (X)": 1}


def test_local_key_per_chord_and_note() -> None:
    keys = [(0.0, Key(0, "major")), (8.0, Key(7, "major"))]
    rec = _song([(0, 8, "G:maj"), (8, 8, "G:maj")], [(0, 1, 67), (8, 1, 67)], keys=keys)
    a = normalise_song(rec, Counter())
    assert a.chord_token.tolist() == [chord_token(7, "maj"), chord_token(0, "maj")]
    assert a.chord_key_tonic.tolist() == [0, 7]
    assert a.note_token.tolist() == [melody_token(67, 0), melody_token(67, 7)]


def test_melody_quantised_and_monophonic() -> None:
    notes = [
        (0.02, 0.98, 60),
        (0.0, 0.5, 64),
        (1.13, 2.0, 62),
        (2.0, 1.0, 65),
        (15.7, 2.0, 70),
        (15.9, 1.0, 72),
    ]
    counters: Counter[str] = Counter()
    a = normalise_song(_song([(0, 16, "C:maj")], notes), counters)
    # 60 and 64 start on the same 16th: the higher is kept.
    assert a.note_pitch.tolist() == [64, 62, 65, 70]
    assert a.note_onset.tolist() == [0, 5, 8, 63]  # 1.13 beats -> step 5 (16ths)
    # Cut at the next onset; clipped at the song end (16 beats = 64 steps).
    assert a.note_dur.tolist() == [2, 3, 4, 1]
    assert counters["melody notes merged on one 16th"] == 1
    assert counters["melody notes outside the song"] == 1  # 15.9 rounds to step 64


def test_chord_boundaries_snap_to_grid_and_tiny_chords_go() -> None:
    counters: Counter[str] = Counter()
    rec = _song([(0.01, 3.99, "C:maj"), (4.0, 0.05, "D:min"), (4.05, 3.95, "G:7")])
    a = normalise_song(rec, counters)
    assert a.chord_onset.tolist() == [0.0, 4.0]
    assert a.chord_dur.tolist() == [4.0, 4.0]
    assert counters["chords shorter than a 16th"] == 1


def test_features_per_song_and_phrase() -> None:
    chords = [(0, 4, "A:min"), (4, 4, "A:min"), (8, 4, "E:7"), (12, 2, "C:maj"), (14, 2, "N")]
    notes = [(float(i), 1.0, 69 + (i % 3)) for i in range(8)]
    rec = _song(chords, notes, sections=[(0.0, "verse"), (8.0, "chorus")])
    a = normalise_song(rec, Counter())
    f = a.features
    assert _feature(f, "mode_major") == 0.0
    assert _feature(f, "tempo_bpm") == 100.0
    assert _feature(f, "note_density") == pytest.approx(8 / 16)
    assert _feature(f, "pitch_mean") == pytest.approx(np.mean([69 + (i % 3) for i in range(8)]))
    assert _feature(f, "share_minor") == pytest.approx(8 / 14)
    assert _feature(f, "share_dominant") == pytest.approx(4 / 14)
    assert _feature(f, "share_major") == pytest.approx(2 / 14)
    # Changes: Am, (Am repeated: no change), E7, C -> 3 changes over 4 bars.
    assert _feature(f, "harmonic_rhythm") == pytest.approx(3 / 4)
    assert _feature(f, "emotion_q") == 0.0
    assert a.phrase_label == ["verse", "chorus"]
    assert a.phrase_start_bar.tolist() == [0, 2] and a.phrase_end_bar.tolist() == [2, 4]
    chorus = a.phrase_features[1]
    assert math.isnan(_feature(chorus, "pitch_mean"))  # no notes in the chorus
    assert _feature(chorus, "note_density") == 0.0
    assert _feature(chorus, "share_dominant") == pytest.approx(4 / 6)


def test_no_melody_features_are_nan() -> None:
    a = normalise_song(_song([(0, 16, "C:maj")]), Counter())
    assert math.isnan(_feature(a.features, "note_density"))
    assert len(a.note_onset) == 0


def test_phrases_without_music_are_removed() -> None:
    counters: Counter[str] = Counter()
    rec = _song([(0, 4, "C:maj"), (4, 60, "N")], bars=16)
    a = normalise_song(rec, counters)
    assert a.phrase_start_bar.tolist() == [0]
    assert counters["phrases without chords or notes (not kept)"] == 1


def test_bars_from_metres() -> None:
    assert bars_from_metres([(0.0, 3, 4), (6.0, 2, 4)], 10.0) == [0.0, 3.0, 6.0, 8.0]
    assert bars_from_metres([], 1.0) == [0.0]


def test_parsed_chord_helpers() -> None:
    assert ParsedChord.none().status == ChordStatus.NONE
    assert not ParsedChord.dropped("?", "why").is_chord
