"""The mix: pans, volumes, sends, the room and the sustain pedal."""

from __future__ import annotations

import pytest

from image2music.arrangement.mix import (
    CC_CHORUS,
    CC_PAN,
    CC_REVERB,
    CC_SUSTAIN,
    CC_VOLUME,
    ROOM_SENDS,
    mix_for,
    room_for,
)
from image2music.rendering.reverb import ROOMS
from image2music.types import Chord, Emotion, TimedChord

BAND = {"melody": 73, "chords": 0, "bass": 32, "pad": 89, "drums": 0}


@pytest.mark.parametrize(
    ("style", "emotion", "room"),
    [
        ("pop", Emotion(0.5, 0.5), "plate"),
        ("lofi", Emotion(0.2, -0.2), "room"),
        ("folk", Emotion(0.2, -0.2), "room"),
        ("ambient", Emotion(0.2, -0.8), "hall"),
        ("cinematic", Emotion(0.2, 0.0), "hall"),
        ("cinematic", Emotion(0.2, 0.0, categories={"awe": 0.9, "fear": 0.1}), "cathedral"),
        ("auto", Emotion(0.6, 0.1, categories={"awe": 0.7, "amusement": 0.2}), "cathedral"),
        ("auto", Emotion(0.1, -0.6), "hall"),
        ("auto", Emotion(0.1, 0.7), "plate"),
        ("auto", Emotion(0.1, 0.1), "room"),
    ],
)
def test_rooms_by_style_and_mood(style: str, emotion: Emotion, room: str) -> None:
    chosen, reason = room_for(style, emotion)
    assert chosen == room and chosen in ROOMS and reason


def test_a_stereo_image_like_a_real_mix() -> None:
    mix = mix_for("auto", Emotion(0.2, 0.0), BAND, "arpeggio")
    pans = {p: m.pan for p, m in mix.parts.items()}
    assert pans["bass"] == pans["drums"] == 0.0
    assert abs(pans["melody"]) <= 0.15
    assert pans["chords"] < -0.3 and pans["pad"] > 0.3
    sends = {p: m.reverb for p, m in mix.parts.items()}
    assert sends["pad"] > sends["chords"] > sends["bass"]
    assert sends["chords"] == ROOM_SENDS[mix.room]
    assert mix.parts["pad"].chorus > 0 and mix.parts["bass"].chorus == 0


def test_pop_is_drier_than_cinematic() -> None:
    pop = mix_for("pop", Emotion(0.5, 0.5), BAND, "comping")
    film = mix_for("cinematic", Emotion(0.5, 0.5), BAND, "arpeggio")
    assert pop.parts["melody"].reverb < film.parts["melody"].reverb


def test_controls_open_each_part_and_the_pedal_follows_the_chords() -> None:
    mix = mix_for("auto", Emotion(0.2, 0.0), BAND, "arpeggio")
    piano = mix.parts["chords"]
    assert piano.pedal and not mix.parts["melody"].pedal
    chords = (TimedChord(Chord(0), 0, 960), TimedChord(Chord(5), 960, 960))
    controls = piano.controls(chords, 1920)
    opening = {(c.number, c.value) for c in controls if c.tick == 0}
    assert {n for n, _ in opening} == {CC_VOLUME, CC_PAN, CC_REVERB, CC_CHORUS}
    pedal = [(c.tick, c.value) for c in controls if c.number == CC_SUSTAIN]
    assert pedal == [(1, 127), (959, 0), (961, 127), (1919, 0)]
    strings = mix_for("auto", Emotion(0.2, 0.0), {**BAND, "chords": 48}, "arpeggio")
    assert not strings.parts["chords"].pedal  # a sustaining instrument needs no pedal
    report = mix.to_report()
    assert report["room"] == mix.room and report["parts"]["chords"]["sustain_pedal"] is True
