from __future__ import annotations

import statistics

import pytest

from image2music.arrangement.gm import program_range
from image2music.errors import ConfigError

from .conftest import arranged


def test_tracks_channels_and_programs_follow_the_choice() -> None:
    arr = arranged(0.7, 0.6, warmth=0.6)
    names = [t.name for t in arr.tracks]
    assert names == ["Melody", "Chords", "Bass", "Pad", "Drums"]
    assert [t.channel for t in arr.tracks] == [0, 1, 2, 3, 9]
    for t in arr.tracks[:4]:
        assert t.program == arr.choice.instruments[t.name.lower()].program
    report = arr.choice.to_report()
    assert report["accompaniment"]["pattern"] == "arpeggio"  # strings do not comp
    assert "sustains" in report["accompaniment"]["reason"]


def test_calm_pieces_are_pads_without_pad_layer_or_drums() -> None:
    arr = arranged(-0.6, -0.7)
    assert [t.name for t in arr.tracks] == ["Melody", "Chords", "Bass"]
    assert arr.choice.pattern == "pad" and not arr.choice.pad_layer
    asked = arranged(-0.6, -0.7, instruments="pad=choir")
    assert [t.name for t in asked.tracks] == ["Melody", "Chords", "Bass", "Pad"]
    assert asked.tracks[3].program == 52


def test_proper_ending() -> None:
    arr = arranged(0.4, 0.7)
    prog = arr.progression
    total = prog.total_ticks
    final = prog.chords[-1]
    assert final.duration_ticks > prog.bar_ticks  # held at least a bar
    last_note = arr.melody.notes[-1]
    assert last_note.pitch % 12 == prog.key.tonic_pc and last_note.end_ticks == total
    for track in arr.tracks:
        if not track.is_drum:  # drums end with a single crash
            assert max(n.end_ticks for n in track.notes) == total
        late = [n for n in track.notes if n.start_ticks >= final.start_ticks]
        assert late and all(n.start_ticks == final.start_ticks for n in late), track.name
    assert arr.choice.to_report()["ending"]["extra_bars"] == 1


def test_same_seed_same_tracks_and_humanising_is_bounded() -> None:
    a, b = arranged(0.3, 0.4, seed=4), arranged(0.3, 0.4, seed=4)
    assert a.tracks == b.tracks
    melody_track = a.tracks[0]
    timing = a.choice.timing_ticks
    assert 0 < timing <= 20
    for played, written in zip(melody_track.notes, a.melody.notes, strict=True):
        assert abs(played.start_ticks - written.start_ticks) <= timing
        assert abs(played.velocity - written.velocity) <= a.choice.velocity_jitter


def test_dynamics_follow_arousal() -> None:
    loud = arranged(0.5, 0.9).tracks[1].notes
    soft = arranged(0.5, -0.9).tracks[1].notes
    assert statistics.mean(n.velocity for n in loud) > statistics.mean(n.velocity for n in soft) + 8
    for arr in (arranged(0.5, 0.9), arranged(-0.5, -0.9)):
        assert all(1 <= n.velocity <= 127 for t in arr.tracks for n in t.notes)


def test_melody_moves_into_its_instrument_range() -> None:
    arr = arranged(0.5, 0.5, instruments="melody=contrabass")
    low, high = program_range(43)
    pitches = [n.pitch for n in arr.melody.notes]
    assert arr.choice.melody_transpose < 0
    assert sum(low <= p <= high for p in pitches) >= 0.8 * len(pitches)


def test_styles_and_registers() -> None:
    lofi = arranged(0.5, 0.5, style="lofi")
    assert lofi.choice.swing_ticks == 80 and lofi.choice.drum_kit == "lofi"
    assert lofi.choice.instruments["chords"].name == "Electric Piano 1"
    assert arranged(-0.6, -0.2).choice.register == "low"
    assert arranged(0.6, 0.5).choice.register == "high"
    reasons = " ".join(arranged(0.6, 0.5, style="folk").choice.reasons())
    assert "folk style" in reasons and "Acoustic Guitar (steel)" in reasons


def test_unknown_style_or_instrument_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        arranged(0.5, 0.5, style="jazz")
    with pytest.raises(ConfigError):
        arranged(0.5, 0.5, instruments="melody=kazoo")


@pytest.mark.parametrize(
    ("valence", "arousal"), [(0.8, 0.6), (0.6, -0.6), (-0.7, 0.7), (-0.7, -0.7), (0.0, 0.0)]
)
@pytest.mark.parametrize("seed", range(3))
def test_melody_stays_above_the_accompaniment(valence: float, arousal: float, seed: int) -> None:
    a = arranged(valence, arousal, seed=seed, bars=8)
    melody = sorted(n.pitch for n in a.melody.notes)
    q25 = melody[len(melody) // 4]
    by_name = {t.name.lower(): t for t in a.tracks}
    for part in ("chords", "pad"):
        if part in by_name:
            top = max(n.pitch for n in by_name[part].notes)
            assert top < q25, (part, top, q25)
