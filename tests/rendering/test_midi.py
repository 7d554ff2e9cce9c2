from __future__ import annotations

import io

import mido
import pytest

from image2music.rendering.midi import midi_bytes, mido_key_name
from image2music.types import (
    Chord,
    Key,
    KeyChange,
    Melody,
    Note,
    Progression,
    Score,
    TempoChange,
    TimedChord,
    Track,
)


def _score() -> Score:
    key = Key(9, "minor")
    prog = Progression(key, (TimedChord(Chord(9, "min"), 0, 1920),), 1)
    mel = Melody((Note(69, 0, 480, 100), Note(72, 480, 480, 90), Note(76, 960, 960, 80)))
    chords = tuple(Note(p, 0, 1920, 60) for p in (57, 60, 64))
    tracks = (
        Track("Melody", 73, 0, mel.notes),
        Track("Chords", 48, 1, chords),
        Track("Drums", 0, 9, (Note(36, 0, 240, 100), Note(36, 960, 240, 100)), is_drum=True),
    )
    return Score(prog, mel, 72.0, tracks, title="unit")


def test_midi_reads_back_with_meta_events_programs_and_notes() -> None:
    score = _score()
    mid = mido.MidiFile(file=io.BytesIO(midi_bytes(score)))
    assert mid.type == 1 and mid.ticks_per_beat == 480
    conductor = {m.type: m for m in mid.tracks[0] if m.is_meta}
    assert conductor["track_name"].name == "unit"
    assert conductor["key_signature"].key == "Am"
    ts = conductor["time_signature"]
    assert (ts.numerator, ts.denominator) == (4, 4)
    assert mido.tempo2bpm(conductor["set_tempo"].tempo) == pytest.approx(72.0)
    names = [t.name for t in mid.tracks]
    assert names == ["unit", "Melody", "Chords", "Drums"]
    programs = [[m.program for m in t if m.type == "program_change"] for t in mid.tracks[1:]]
    assert programs == [[73], [48], []]  # no program change on the drum channel
    for track, src in zip(mid.tracks[1:], score.tracks, strict=True):
        t, ons = 0, []
        for m in track:
            t += m.time
            if m.type == "note_on" and m.velocity > 0:
                ons.append((t, m.note, m.velocity, m.channel))
        assert ons == sorted((n.start_ticks, n.pitch, n.velocity, src.channel) for n in src.notes)
    assert mid.length == pytest.approx(score.duration_sec, rel=1e-3)


def test_midi_bytes_are_deterministic() -> None:
    assert midi_bytes(_score()) == midi_bytes(_score())


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (Key(0, "major"), "C"),
        (Key(6, "major"), "Gb"),
        (Key(3, "minor"), "Ebm"),
        (Key(6, "minor"), "F#m"),
        (Key(2, "dorian"), "C"),
        (Key(7, "mixolydian"), "C"),
        (Key(10, "major"), "Bb"),
    ],
)
def test_key_signature_names(key: Key, name: str) -> None:
    assert mido_key_name(key) == name


def test_composed_midi_has_documented_tracks_programs_and_meta_events() -> None:
    from pathlib import Path

    import image2music
    from image2music.arrangement.gm import GM_NAMES

    example = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
    result = image2music.compose(
        example, bars=4, arousal=0.8, key="Eb major", tempo_bpm=100, instruments="melody=oboe"
    )
    mid = mido.MidiFile(file=io.BytesIO(result.midi))
    assert mid.type == 1 and mid.ticks_per_beat == 480
    conductor = {m.type: m for m in mid.tracks[0] if m.is_meta}
    assert conductor["track_name"].name == "photo"
    assert conductor["key_signature"].key == "Eb"
    assert (conductor["time_signature"].numerator, conductor["time_signature"].denominator) == (
        4,
        4,
    )
    assert mido.tempo2bpm(conductor["set_tempo"].tempo) == pytest.approx(100.0)
    assert [t.name for t in mid.tracks] == ["photo", "Melody", "Chords", "Bass", "Pad", "Drums"]
    channels = [{m.channel for m in t if m.type == "note_on"} for t in mid.tracks[1:]]
    assert channels == [{0}, {1}, {2}, {3}, {9}]
    programs = [[m.program for m in t if m.type == "program_change"] for t in mid.tracks[1:]]
    instruments = result.report["arrangement"]["instruments"]
    assert programs[0] == [68] and GM_NAMES[68] == instruments["melody"]["name"] == "Oboe"
    assert programs[1:4] == [[instruments[p]["program"]] for p in ("chords", "bass", "pad")]
    assert programs[4] == []  # drums: channel 10, no program change
    assert mid.length == pytest.approx(result.score.duration_sec, abs=0.05)
    report_tracks = result.report["tracks"]
    assert [t["instrument"] for t in report_tracks][-1] == "Percussion"


def test_tempo_and_key_changes_are_written_where_they_happen() -> None:
    key = Key(0)
    prog = Progression(key, (TimedChord(Chord(0, "maj"), 0, 5760),), 3)
    mel = Melody((Note(72, 0, 5760),))
    score = Score(
        prog, mel, 100.0, (Track("Melody", 0, 0, mel.notes),), "changes",
        (TempoChange(1920, 80.0), TempoChange(3840, 140.0)),
        (KeyChange(3840, Key(9, "minor")),),
    )  # fmt: skip
    data = midi_bytes(score)
    mid = mido.MidiFile(file=io.BytesIO(data))
    now, events = 0, []
    for m in mid.tracks[0]:
        now += m.time
        if m.type == "set_tempo":
            events.append((now, round(mido.tempo2bpm(m.tempo), 3)))
        elif m.type == "key_signature":
            events.append((now, m.key))
    assert events == [(0, "C"), (0, 100.0), (1920, 80.0), (3840, "Am"), (3840, 140.0)]
    pretty_midi = pytest.importorskip("pretty_midi")
    pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    assert pm.get_end_time() == pytest.approx(score.duration_sec, abs=1e-3)
