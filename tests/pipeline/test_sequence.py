"""A sequence of pictures: one piece, a section per picture, joined by transitions."""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path

import mido
import pytest

from image2music import ComposeOptions, Composition, compose_sequence
from image2music.errors import ConfigError, ImageError
from image2music.sequence import MAX_PICTURES

PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "src/image2music/rendering/report.schema.json"
#: Rated by the learned estimator: bright (valence +0.68, arousal +0.01),
#: dark (-0.23, -0.59) and calm (+0.15, -0.95).
BRIGHT, DARK, CALM = (PHOTOS / n for n in ("astronaut.jpg", "camera.jpg", "coffee.jpg"))


@pytest.fixture(scope="module")
def three() -> Composition:
    return compose_sequence([BRIGHT, DARK, CALM], ComposeOptions(seed=3))


def test_each_section_follows_its_picture(three: Composition) -> None:
    sections = three.report["sections"]
    assert [s["source"] for s in sections] == [
        "picture 1 (astronaut.jpg)", "picture 2 (camera.jpg)", "picture 3 (coffee.jpg)",
    ]  # fmt: skip
    for s in sections:  # mode from the picture's valence
        assert s["mode"] == ("major" if s["emotion"]["valence"] >= 0 else "minor")
    assert [s["mode"] for s in sections] == ["major", "minor", "major"]
    tempos = [s["tempo_bpm"] for s in sections]  # tempo from arousal: bright > dark > calm
    assert tempos[0] > tempos[1] > tempos[2]
    for s in sections[1:]:
        assert s["transition"]["name"] != "none" and s["transition"]["why"]
    assert sections[0]["transition"] is None
    assert any("entered by" in line for line in three.report["why"])


def test_the_score_changes_key_and_tempo_at_the_sections(three: Composition) -> None:
    mid = mido.MidiFile(file=io.BytesIO(three.midi))
    keys, tempos, now = [], [], 0
    for m in mid.tracks[0]:
        now += m.time
        if m.type == "key_signature":
            keys.append(now)
        if m.type == "set_tempo":
            tempos.append(now)
    starts = [round(s["start_beat"] * 480) for s in three.report["sections"]]
    assert keys[0] == 0 and set(keys[1:]) <= set(starts)
    assert set(starts) <= set(tempos) | {0}
    assert three.score.duration_sec == pytest.approx(
        three.report["sections"][-1]["end_sec"], abs=1e-3
    )


def test_the_report_validates_against_the_schema(three: Composition) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(three.report, json.loads(SCHEMA_PATH.read_text()))


@pytest.mark.parametrize(("seconds_each", "duration"), [(6.0, None), (None, 45.0), (None, 95.5)])
def test_lengths_are_exact(seconds_each: float | None, duration: float | None) -> None:
    opts = ComposeOptions(duration_sec=duration, seed=1)
    c = compose_sequence([BRIGHT, DARK, CALM], opts, seconds_each=seconds_each)
    want = duration if duration is not None else 3 * (seconds_each or 0.0)
    assert c.score.duration_sec == pytest.approx(want, abs=0.25)
    share = want / 3
    for i, s in enumerate(c.report["sections"]):
        assert s["start_sec"] == pytest.approx(i * share, abs=0.01)
        assert s["end_sec"] == pytest.approx((i + 1) * share, abs=0.01)
    assert c.report["requested_duration_sec"] == pytest.approx(want)


def test_same_pictures_options_and_seed_give_the_same_bytes(three: Composition) -> None:
    again = compose_sequence([BRIGHT, DARK, CALM], ComposeOptions(seed=3))
    assert again.midi == three.midi
    assert again.report_json == three.report_json
    other = compose_sequence([BRIGHT, DARK, CALM], ComposeOptions(seed=4))
    assert other.midi != three.midi


def test_close_moods_share_a_key() -> None:
    c = compose_sequence([BRIGHT, BRIGHT], ComposeOptions(seed=0))
    first, second = c.report["sections"]
    assert first["key"] == second["key"] and second["transition"]["name"] == "none"


def test_no_two_sections_are_the_same(three: Composition) -> None:
    tpb = three.score.ticks_per_beat
    bounds = [(round(s["start_beat"] * tpb), round(s["end_beat"] * tpb)) for s in
              three.report["sections"]]  # fmt: skip

    def notes(a: int, b: int) -> tuple[tuple[int, int], ...]:
        return tuple(
            (n.pitch, n.start_ticks - a) for n in three.score.melody.notes if a <= n.start_ticks < b
        )

    melodies = [notes(a, b) for a, b in bounds]
    assert len(set(melodies)) == len(melodies)


@pytest.mark.parametrize(
    ("count", "message"),
    [(0, "at least 2 pictures, got 0"), (1, "at least 2 pictures, got 1"),
     (MAX_PICTURES + 1, f"at most {MAX_PICTURES} pictures")],
)  # fmt: skip
def test_picture_counts_out_of_range(count: int, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        compose_sequence([BRIGHT] * count)


def test_bad_lengths_and_bad_pictures(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mutually exclusive"):
        compose_sequence([BRIGHT, DARK], ComposeOptions(duration_sec=20), seconds_each=5)
    with pytest.raises(ConfigError, match="at least 2 s"):
        compose_sequence([BRIGHT, DARK], seconds_each=1.0)
    with pytest.raises(ConfigError, match="at most 600 s"):
        compose_sequence([BRIGHT, DARK, CALM], seconds_each=300.0)
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture")
    with pytest.raises(ImageError, match=r"notes\.jpg"):
        compose_sequence([BRIGHT, bad])


def test_musicxml_marks_each_key_and_tempo(three: Composition) -> None:
    pytest.importorskip("music21")
    text = three.render("musicxml").decode()
    sections = three.report["sections"]
    keys = 1 + sum(1 for a, b in itertools.pairwise(sections) if a["key"] != b["key"])
    assert text.count("<key") == keys
    assert text.count("<metronome") >= len({s["tempo_bpm"] for s in sections})


def test_a_long_piece_has_a_bridge_and_layers_that_enter() -> None:
    from image2music import compose

    c = compose(BRIGHT, duration_sec=240, seed=1)
    form = c.report["arrangement"]["form"]
    letters = form["layout"].split()
    assert "C" in letters and letters[-1] == "B" and len(letters) >= 5
    assert [p["letter"] for p in form["plan"]] == letters
    assert "without drums and pad" in form["plan"][0]["plays"]
    section = form["section_bars"] * c.score.progression.bar_ticks
    for track in c.score.tracks:
        if track.name in ("Drums", "Pad"):
            assert min(n.start_ticks for n in track.notes) >= section - 60  # humanised
    assert any(re.match(r"section \d+ \(C\): bridge", line) for line in c.report["why"])


def test_sixteen_bars_are_two_related_phrases() -> None:
    from image2music import compose
    from image2music.theory import roman_numeral

    c = compose(BRIGHT, bars=16, seed=2)
    prog, bar = c.score.progression, c.score.progression.bar_ticks
    key = prog.key
    eighth_bar = [
        roman_numeral(tc.chord, key) for tc in prog.chords if 7 * bar <= tc.start_ticks < 8 * bar
    ]
    assert eighth_bar[-1] == "V"  # the antecedent ends open, on a half cadence
    assert roman_numeral(prog.chords[-1].chord, key) == "I"
    tune = c.score.melody.notes
    opening = [(n.pitch, n.start_ticks) for n in tune if n.start_ticks < 2 * bar]
    answer = [
        (n.pitch, n.start_ticks - 8 * bar) for n in tune if 8 * bar <= n.start_ticks < 10 * bar
    ]
    assert opening and answer == opening
