from __future__ import annotations

from collections.abc import Callable

import pytest

from image2music.data.midi import parse_midi
from image2music.errors import DataError


def test_parse_midi_notes_and_meta(midi_factory: Callable[..., bytes]) -> None:
    data = midi_factory(
        [("MELODY", [(0.0, 1.0, 60), (1.0, 0.5, 64)]), ("PIANO", [(0.0, 2.0, 48)])],
        tempo_bpm=100.0,
        time_signature=(3, 4),
        keys=[(0.0, "Bm")],
    )
    m = parse_midi(data)
    assert m.ticks_per_beat == 480
    names = [t.name for t in m.tracks]
    assert names == ["", "MELODY", "PIANO"]
    melody = m.tracks[1].notes
    assert [(n.start, n.end, n.pitch) for n in melody] == [(0, 480, 60), (480, 720, 64)]
    assert m.time_signatures == [(0, 3, 4)]
    assert m.key_signatures == [(0, 2, True)]
    secs = m.tick_to_seconds([0, 480, 960])
    assert list(secs) == pytest.approx([0.0, 0.6, 1.2])


def test_skip_track_and_errors(midi_factory: Callable[..., bytes]) -> None:
    data = midi_factory([("MELODY", [(0.0, 1.0, 60)]), ("PIANO", [(0.0, 1.0, 48)])])
    m = parse_midi(data, skip_track=lambda name: name != "MELODY")
    assert len(m.tracks[1].notes) == 1 and m.tracks[2].notes == []
    with pytest.raises(DataError, match="not a MIDI file"):
        parse_midi(b"RIFF0000")
    with pytest.raises(DataError):
        parse_midi(data[:30])
