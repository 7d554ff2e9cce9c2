from __future__ import annotations

import pytest

from image2music.arrangement.gm import GM_NAMES, is_sustained, parse_program, program_range
from image2music.arrangement.instruments import (
    choose_instruments,
    palette_temperature,
    parse_instruments,
)
from image2music.arrangement.styles import STYLES, get_style
from image2music.errors import ConfigError
from image2music.types import Emotion

from .conftest import make_features

AUTO = STYLES["auto"]


def programs(
    valence: float, arousal: float, warmth: float, saturation: float = 0.3
) -> dict[str, int]:
    feats = make_features(warmth=warmth, saturation=saturation)
    chosen = choose_instruments(Emotion(valence, arousal), feats, AUTO)
    return {part: c.program for part, c in chosen.items()}


def test_gm_table_is_complete() -> None:
    assert len(GM_NAMES) == 128
    assert GM_NAMES[0] == "Acoustic Grand Piano" and GM_NAMES[42] == "Cello"
    assert GM_NAMES[127] == "Gunshot"


def test_sad_moods_lean_on_piano_and_cello() -> None:
    for warmth in (-0.5, 0.0):
        p = programs(-0.7, -0.6, warmth)
        assert p["melody"] == 0  # piano
        assert p["bass"] == 42  # cello
    warm = programs(-0.7, -0.6, 0.6)
    assert warm["melody"] == 42  # cello sings the tune on warm sad pictures


def test_warm_palettes_lean_on_strings_and_pads_cool_ones_on_electric_piano_and_bells() -> None:
    for valence, arousal in ((0.7, 0.6), (0.6, -0.6), (-0.6, -0.6), (-0.6, 0.6)):
        warm = programs(valence, arousal, 0.6)
        cool = programs(valence, arousal, -0.6)
        assert GM_NAMES[warm["chords"]].startswith(("String", "Tremolo", "Pad 2"))
        assert GM_NAMES[cool["chords"]].startswith("Electric Piano")
    assert GM_NAMES[programs(0.7, 0.6, -0.6)["melody"]] == "Vibraphone"
    assert GM_NAMES[programs(0.6, -0.6, -0.6)["melody"]] == "Celesta"


def test_grey_pictures_count_as_neutral() -> None:
    assert palette_temperature(make_features(warmth=0.9, saturation=0.05))[0] == "neutral"
    assert palette_temperature(make_features(warmth=0.9))[0] == "warm"
    assert palette_temperature(make_features(warmth=-0.9))[0] == "cool"
    assert palette_temperature(None)[0] == "neutral"


def test_style_then_user_override_the_table() -> None:
    feats = make_features(warmth=0.6)
    pop = choose_instruments(Emotion(0.5, 0.5), feats, get_style("pop"))
    assert pop["chords"].program == 0 and pop["chords"].reason == "pop style"
    assert pop["melody"].program == 73  # left to the mood table
    user = choose_instruments(Emotion(0.5, 0.5), feats, get_style("pop"), {"chords": 24})
    assert user["chords"].program == 24 and "--instruments" in user["chords"].reason
    for choice in user.values():
        assert choice.name == GM_NAMES[choice.program]


def test_parse_instruments_accepts_names_aliases_and_numbers() -> None:
    spec = "melody=flute, chords=Strings ,bass=Electric Bass (finger),pad=94"
    assert parse_instruments(spec) == {"melody": 73, "chords": 48, "bass": 33, "pad": 94}
    assert parse_instruments(None) == {} and parse_instruments("") == {}
    assert parse_program("ELECTRIC-PIANO-1") == 4
    assert parse_program("0") == 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("melody", "part=instrument"),
        ("drums=piano", "unknown part"),
        ("melody=kazoo", "unknown instrument"),
        ("melody=128", "0..127"),
        ("melody=flute,melody=oboe", "twice"),
        ("bass=", "part=instrument"),
    ],
)
def test_parse_instruments_rejects_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_instruments(spec)


def test_close_names_are_suggested() -> None:
    with pytest.raises(ConfigError, match="Flute"):
        parse_program("flut")


def test_ranges_and_sustain() -> None:
    low, high = program_range(42)
    assert low < 48 < high  # cello reaches below the treble staff
    assert is_sustained(48) and is_sustained(89) and not is_sustained(0)
    assert not is_sustained(45)  # pizzicato strings decay
    with pytest.raises(ConfigError, match="style must be one of"):
        get_style("jazz")
