"""The mix reaches the files: controllers in the MIDI, width and a reverb tail in the audio."""

from __future__ import annotations

import io
from pathlib import Path

import mido
import numpy as np
import pytest

import image2music
from image2music import Composition
from tests.rendering.test_audio import SYNTHS, _require

PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


@pytest.fixture(scope="module")
def piece() -> Composition:
    return image2music.compose(EXAMPLE, duration_sec=20)


def test_every_pitched_track_carries_pan_and_sends(piece: Composition) -> None:
    mid = mido.MidiFile(file=io.BytesIO(piece.midi))
    pitched = 0
    for track in mid.tracks[1:]:
        channels = {m.channel for m in track if m.type == "note_on"}
        if channels == {9}:
            continue
        pitched += 1
        numbers = {m.control for m in track if m.type == "control_change"}
        assert {7, 10, 91, 93} <= numbers, track.name
    assert pitched >= 3
    pans = [
        next(m.value for m in t if m.type == "control_change" and m.control == 10)
        for t in mid.tracks[1:]
        if any(m.type == "control_change" for m in t)
    ]
    assert min(pans) < 40 and max(pans) > 88  # spread, not all in the middle
    mix = piece.report["arrangement"]["mix"]
    assert mix["room"] == piece.score.room and set(mix["parts"]) >= {"melody", "chords", "bass"}


@pytest.mark.parametrize("name", SYNTHS)
@pytest.mark.parametrize("photo", [EXAMPLE, PHOTOS / "camera.jpg", PHOTOS / "ihc.jpg"])
def test_the_audio_is_wide_and_rings_on(name: str, photo: Path) -> None:
    _require(name)
    piece = image2music.compose(photo, duration_sec=15, synth=name)
    samples = piece.audio.samples
    corr = np.corrcoef(samples[:, 0], samples[:, 1])[0, 1]
    assert corr < 0.7, f"{name}: left/right correlation {corr:.2f}"
    last_off = max(n.end_ticks for t in piece.score.tracks for n in t.notes)
    after = round(piece.score.seconds_at(last_off) * 44100) + 2205  # 50 ms after it
    tail = samples[after : after + 22050]
    assert 20 * np.log10(np.abs(tail).max()) > -60.0, f"{name}: no reverb tail"


def test_the_pad_sits_under_a_moving_pattern() -> None:
    piece = image2music.compose(PHOTOS / "ihc.jpg", bars=8)
    tracks = {t.name: t for t in piece.score.tracks}
    assert piece.report["arrangement"]["accompaniment"]["pattern"] != "pad"
    pad = np.mean([n.pitch for n in tracks["Pad"].notes])
    chords = np.mean([n.pitch for n in tracks["Chords"].notes])
    assert chords - pad >= 6
