"""Each reader on its fixture copy: one purpose-named fixture per edge case."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from image2music.data.chords import ChordStatus
from image2music.data.readers import DATASETS
from image2music.data.readers.base import archive_path, decode_text, read_sorted
from image2music.data.song import DatasetReport, SongRecord, SongSkip, add_change
from image2music.errors import DataError
from image2music.types import Key


def _read(name: str, datasets_dir: Path) -> tuple[dict[str, SongRecord], DatasetReport]:
    spec = DATASETS[name]
    report = DatasetReport(name)
    calls: list[tuple[int, int]] = []
    songs = spec.read(datasets_dir / spec.folder, report, lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] == report.items_total
    return {s.local_id: s for s in songs}, report


def _labels(song: SongRecord) -> list[tuple[float, float, str, str, int]]:
    return [
        (c.onset, c.duration, c.chord.raw, c.chord.quality, c.chord.bass_pc) for c in song.chords
    ]


def test_pop909(datasets_dir: Path) -> None:
    songs, report = _read("pop909", datasets_dir)
    # Malformed file skipped and counted, never silently.
    assert report.items_total == 3 and report.items_read == 2
    assert report.skipped == {"malformed beat_midi.txt": 1}
    basic = songs["001"]
    assert basic.title == "Fixture Pop Song" and basic.artist == "Fixture Singer"
    assert basic.time_signature == (4, 4) and basic.tempo_bpm == pytest.approx(120.0)
    assert basic.keys == [(0.0, Key(0, "major"))]
    # Slash chord: G/B keeps its bass.
    g = basic.chords[1]
    assert (g.chord.root_pc, g.chord.quality, g.chord.bass_pc) == (7, "maj", 11)
    assert [n.pitch for n in basic.notes] == [72, 71, 69, 72, 69]
    assert basic.notes[2].onset == pytest.approx(4.0) and basic.notes[2].duration == pytest.approx(
        4.0
    )

    pickup = songs["002"]
    # First downbeat on the second beat: three beats of padding before it.
    assert pickup.chords[0].onset == pytest.approx(3.0)
    assert pickup.notes[0].onset == pytest.approx(3.0)
    assert pickup.bar_starts[:3] == [0.0, 4.0, 8.0]
    # Key change: D major from the fifth beat row (beat 8).
    assert pickup.keys == [(0.0, Key(0, "major")), (pytest.approx(8.0), Key(2, "major"))]
    statuses = [c.chord.status for c in pickup.chords]
    assert statuses == [
        ChordStatus.NONE,
        ChordStatus.SIMPLIFIED,  # C:maj(9) -> maj
        ChordStatus.DROPPED,  # X
        ChordStatus.EXACT,
        ChordStatus.EXACT,  # A:sus4(b7) -> 7sus4
    ]
    assert pickup.chords[2].chord.reason == "unknown chord (X)"


def test_billboard(datasets_dir: Path) -> None:
    songs, report = _read("billboard", datasets_dir)
    assert report.skipped == {"bars before the metre/tonic header": 1}
    song = songs["0001"]
    assert song.title == "All Of Me (Remastered)"
    assert song.time_signature == (4, 4)
    assert song.tempo_bpm == pytest.approx(120.0)
    assert [lab for _, lab in song.sections] == ["intro", "verse", "chorus"]
    assert [on for on, _ in song.sections] == [0.0, 8.0, 32.0]
    # x2 repeats the verse line, (2/4) makes a 2-beat bar.
    assert song.bar_starts == [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 38]
    assert song.end == 42.0
    labels = _labels(song)
    assert labels[1][2:] == ("G:maj/3", "maj", 11)
    assert labels[2][:2] == (8.0, 2.0)  # "A:min7 ." holds for two slots
    assert labels[3][2:4] == ("G:7(b9)", "7")
    assert labels[4][2:4] == ("F:maj9", "maj7")
    assert song.chords[4].chord.status == ChordStatus.SIMPLIFIED
    nc = [c for c in song.chords if c.chord.status == ChordStatus.NONE]
    assert len(nc) == 1 and nc[0].onset == 24.0
    # Tonic change to D at the chorus; modes estimated as major.
    assert song.keys == [(0.0, Key(0, "major")), (32.0, Key(2, "major"))]
    star = songs["0002"]
    assert star.time_signature == (3, 4)
    assert star.keys == [(0.0, Key(9, "minor"))]
    dropped = [c.chord for c in star.chords if c.chord.status == ChordStatus.DROPPED]
    assert [d.reason for d in dropped] == ["unannotated chord (*)"]


def test_openewld(datasets_dir: Path) -> None:
    songs, report = _read("openewld", datasets_dir)
    assert report.skipped == {"malformed XML": 1}
    song = songs["Fixture_Composer/All_of_Me"]
    assert song.title == "All of Me" and song.artist == "Fixture Composer"
    assert song.tempo_bpm == 96.0
    assert song.keys == [(0.0, Key(9, "minor"))]  # explicit <mode>minor</mode> is trusted
    # Pickup: one beat, padded to a full bar.
    assert song.bar_starts == [0.0, 4.0, 8.0, 12.0]
    assert song.notes[0].onset == 3.0 and song.notes[0].pitch == 64
    # Tie: the two A4s merge into one note of three beats.
    assert (song.notes[1].onset, song.notes[1].duration, song.notes[1].pitch) == (4.0, 3.0, 69)
    labels = _labels(song)
    assert labels[0][:2] == (4.0, 2.0) and labels[0][3] == "min"
    assert labels[1][:2] == (6.0, 2.0) and labels[1][3] == "7"  # dominant-ninth folded
    assert labels[2][3:] == ("maj", 4)  # C/E
    assert song.chords[3].chord.status == ChordStatus.NONE  # N.C.


def test_chord_melody_two_chords_per_bar(datasets_dir: Path) -> None:
    songs, report = _read("chord_melody", datasets_dir)
    assert report.items_read == 1
    song = songs["two_chords_per_bar"]
    assert song.title == "two chords per bar"
    # OCR offsets are ignored: chords on beats 1 and 3 of every bar.
    assert [c.onset for c in song.chords] == [0.0, 2.0, 4.0, 6.0]
    assert [c.chord.quality for c in song.chords] == ["hdim7", "7", "min", "min7"]
    # C major signature without mode; chords point to A minor.
    assert song.keys[0][1] in (Key(0, "major"), Key(9, "minor"))


def test_when_in_rome(datasets_dir: Path) -> None:
    songs, report = _read("when_in_rome", datasets_dir)
    assert report.skipped == {"chord before any key": 1}
    song = songs["Fixtures/Composer/key_change_pivot_pickup_repeat"]
    assert song.title == "Fixture Piece" and song.time_signature == (3, 4)
    # m0 pickup is a full bar; 3/4 then 2/4 from m6.
    assert song.bar_starts == [0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 20.0, 22.0]
    assert song.chords[0].onset == 2.0  # m0 b3
    assert [(on, k) for on, k in song.keys] == [
        (0.0, Key(0, "major")),
        (6.0, Key(7, "major")),  # pivot into G
        (12.0, Key(0, "major")),  # m4-5 = m1-2 restarts in C
        (15.0, Key(7, "major")),
        (18.0, Key(4, "minor")),
    ]
    pivot = [c for c in song.chords if c.onset == 6.0]
    assert len(pivot) == 1 and pivot[0].chord.raw == "ii"
    ger = next(c for c in song.chords if c.chord.raw == "Ger65")
    assert (ger.chord.root_pc, ger.chord.quality) == (0, "7")
    bad = song.chords[-1].chord
    assert bad.status == ChordStatus.DROPPED and bad.reason == "unreadable Roman numeral"


def test_jazz_standards(datasets_dir: Path) -> None:
    songs, report = _read("jazz_standards", datasets_dir)
    assert report.skipped == {"no sections": 1}
    song = songs["all-of-me"]
    # A with two endings is played twice (4 + 2 bars each), then B (5 bars).
    assert len(song.bar_starts) == 6 + 6 + 5
    assert [lab for _, lab in song.sections] == ["A", "A", "B"]
    # "A7,(Bb7)": the alternative continues A7 for the whole bar.
    a7 = song.chords[2]
    assert (a7.onset, a7.duration, a7.chord.raw) == (8.0, 4.0, "A7")
    assert math.isnan(song.tempo_bpm)
    assert any(c.chord.status == ChordStatus.NONE for c in song.chords)  # N.C.
    minor = songs["minor-blues-without-key"]
    assert minor.key_source == "estimated" and minor.keys[0][1] == Key(0, "minor")
    broken = songs["unmappable-chord-chart"]
    assert broken.time_signature == (3, 4)
    drops = [c.chord.reason for c in broken.chords if c.chord.status == ChordStatus.DROPPED]
    assert drops == ["chord symbol without a root"]


def test_nottingham(datasets_dir: Path) -> None:
    songs, report = _read("nottingham", datasets_dir)
    assert report.skipped == {"no chord track": 1}
    jig = songs["fixture1"]
    assert jig.title == "Fixture Jig" and jig.time_signature == (6, 8)
    assert jig.bar_starts == [0.0, 3.0]
    assert [(c.chord.root_pc, c.chord.quality) for c in jig.chords] == [
        (7, "maj"),
        (2, "7"),
        (7, "maj"),
    ]
    reel = songs["fixture2"]
    assert reel.title == "Key Change Reel"
    assert reel.keys == [(0.0, Key(2, "major")), (8.0, Key(11, "minor"))]


def test_emopia(datasets_dir: Path) -> None:
    songs, report = _read("emopia", datasets_dir)
    assert report.items_read == 2
    happy = songs["Q1_fixtureSong_0"]
    assert happy.emotion_q == 1 and happy.official_split == "train"
    assert happy.chord_source == "estimated" and happy.key_source == "estimated"
    assert happy.tempo_bpm == pytest.approx(100.0, rel=0.08)
    assert happy.keys[0][1] == Key(0, "major")
    # Skyline: the bass (48..55) is always under a sounding note, never melody.
    assert happy.notes and all(n.pitch >= 60 for n in happy.notes)
    mapped = [c.chord for c in happy.chords if c.chord.is_chord]
    assert mapped and all(c.root_pc == 0 and c.quality in ("maj", "maj7") for c in mapped)
    sad = songs["Q3_fixtureSong_1"]
    assert sad.emotion_q == 3 and sad.official_split == "test"


def test_missing_archive_is_a_dataset_error(tmp_path: Path) -> None:
    for name, spec in DATASETS.items():
        (tmp_path / spec.folder).mkdir(exist_ok=True)
        with pytest.raises(DataError, match=name.split("_")[0]):
            spec.read(tmp_path / spec.folder, DatasetReport(name), lambda d, t: None)


def test_shared_reader_helpers(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^demo: .*missing\.tar\.gz not found$"):
        archive_path(tmp_path, "missing.tar.gz", "demo")
    (tmp_path / "there.txt").write_text("x")
    assert archive_path(tmp_path, "there.txt", "demo") == tmp_path / "there.txt"
    assert decode_text("é".encode() + b"\xff") == "é\ufffd"
    report = DatasetReport("demo")

    def parse(name: str, payload: int) -> SongRecord:
        if payload < 0:
            raise SongSkip("negative")
        return SongRecord("demo", name, "", "", (4, 4), [0.0], 4.0, [(0.0, Key(0, "major"))], [])

    songs = read_sorted({"b": 2, "a": 1, "c": -1}, parse, report, lambda d, t: None)
    assert [s.local_id for s in songs] == ["a", "b"]
    assert report.items_total == 3 and report.skipped == {"negative": 1}


def test_add_change() -> None:
    changes: list[tuple[float, str]] = []
    for onset, value in [(0.0, "C"), (0.0, "G"), (4.0, "G"), (8.0, "D"), (8.0, "A"), (12.0, "E")]:
        add_change(changes, onset, value)
    # Same onset: replaced; same value as in force: left out.
    assert changes == [(0.0, "G"), (8.0, "A"), (12.0, "E")]
