from __future__ import annotations

import io
import json
from pathlib import Path

import mido
import pytest

import image2music
from image2music.errors import ConfigError, ImageError, OutputError
from image2music.options import ComposeOptions

from .conftest import real_photos


def _validate(report: dict[str, object]) -> None:
    from tests.conftest import need

    jsonschema = need("jsonschema", "report schema check")
    schema_path = Path(image2music.__file__).parent / "rendering" / "report.schema.json"
    jsonschema.validate(report, json.loads(schema_path.read_text()))


def _read_midi(data: bytes) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(data))


@pytest.mark.parametrize("photo", real_photos(), ids=lambda p: p.name)
def test_real_photos_give_valid_midi_and_report(photo: Path) -> None:
    result = image2music.compose(photo, bars=4)
    mid = _read_midi(result.midi)
    assert mid.type == 1 and mid.ticks_per_beat == 480
    names = [t.name for t in mid.tracks]
    assert names[:4] == [photo.stem, "Melody", "Chords", "Bass"]
    assert set(names[4:]) <= {"Pad", "Drums"}
    notes_on = [m for t in mid.tracks for m in t if m.type == "note_on" and m.velocity > 0]
    assert len(notes_on) > 10
    assert mid.length == pytest.approx(result.score.duration_sec, rel=0.01)
    _validate(result.report)
    assert result.report["image"]["name"] == photo.name
    assert -1 <= result.emotion.valence <= 1


def test_there_are_varied_real_photos() -> None:
    assert len(real_photos()) >= 6


def test_photos_differ_in_mood() -> None:
    emotions = [image2music.compose(p, bars=4).emotion for p in real_photos()]
    valences = [e.valence for e in emotions]
    arousals = [e.arousal for e in emotions]
    assert max(valences) - min(valences) > 0.5
    assert max(arousals) - min(arousals) > 0.4


def test_compose_accepts_path_bytes_and_file(example_photo: Path) -> None:
    a = image2music.compose(example_photo, seed=3)
    b = image2music.compose(example_photo.read_bytes(), seed=3)
    with example_photo.open("rb") as fh:
        c = image2music.compose(fh, seed=3)
    assert a.midi == c.midi  # same name, same bytes
    assert a.score.tracks == b.score.tracks  # bytes have no name: only the title differs
    assert b.report["image"]["name"] == "image"
    assert a.report["image"]["sha256"] == b.report["image"]["sha256"]
    assert c.report["image"]["name"] == "photo.jpg"


def test_same_seed_gives_identical_bytes_and_other_seeds_differ(example_photo: Path) -> None:
    one = image2music.compose(example_photo, seed=11)
    two = image2music.compose(example_photo, seed=11)
    assert one.midi == two.midi
    assert one.report_json == two.report_json
    others = {image2music.compose(example_photo, seed=s).midi for s in range(6)}
    assert len(others) > 1


def test_user_steering_is_followed(example_photo: Path) -> None:
    sad = image2music.compose(example_photo, valence=-0.8, arousal=-0.7)
    happy = image2music.compose(example_photo, valence=0.8, arousal=0.7)
    assert sad.report["mode"] == "minor" and happy.report["mode"] == "major"
    assert sad.score.tempo_bpm < happy.score.tempo_bpm
    assert sad.emotion.source == "user"
    fixed = image2music.compose(example_photo, key="Eb major", tempo_bpm=96, bars=16)
    assert fixed.report["key"] == "E♭ major" or fixed.report["key"] == "Eb major"
    assert fixed.report["tempo_bpm"] == 96 and fixed.report["bars"] == 16
    chords = fixed.report["chords"]
    assert chords[0]["roman"] == "I" and chords[-1]["roman"] == "I"


def test_report_explains_itself(example_photo: Path) -> None:
    report = image2music.compose(example_photo).report
    assert "→" in report["why"][0]
    assert any("tempo" in r for r in report["why"])
    assert report["models"]["harmony"]["name"] == "network-harmony"
    assert report["models"]["melody"]["name"] == "network-melody"


def test_bad_options_raise_config_error(example_photo: Path) -> None:
    for kw in ({"bars": 5}, {"valence": 2.0}, {"tempo_bpm": 10}, {"mode": "blues"}, {"key": "H"}):
        with pytest.raises(ConfigError):
            image2music.compose(example_photo, **kw)


def test_missing_file_raises_image_error(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match=r"nope\.jpg"):
        image2music.compose(tmp_path / "nope.jpg")


def test_write_is_atomic_and_refuses_to_overwrite(example_photo: Path, tmp_path: Path) -> None:
    result = image2music.compose(example_photo)
    paths = result.write(tmp_path, formats=["mid", "json"])
    assert sorted(p.name for p in paths.values()) == ["photo.json", "photo.mid"]
    assert paths["mid"].read_bytes() == result.midi
    assert json.loads(paths["json"].read_text()) == result.report
    with pytest.raises(OutputError, match="exists"):
        result.write(tmp_path, formats=["mid", "json"])
    result.write(tmp_path, formats=["mid", "json"], force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.json", "photo.mid"]


def test_options_object_and_overrides_combine(example_photo: Path) -> None:
    opts = ComposeOptions(bars=4, seed=2)
    r = image2music.compose(example_photo, opts, seed=5)
    assert r.options.bars == 4 and r.options.seed == 5


@pytest.mark.parametrize("duration", [10.0, 37.5, 95.5])
def test_the_music_ends_exactly_at_the_duration(duration: float, example_photo: Path) -> None:
    piece = image2music.compose(example_photo, duration_sec=duration, seed=3)
    last = max(n.end_ticks for t in piece.score.tracks for n in t.notes)
    assert last / piece.score.ticks_per_beat * 60 / piece.score.tempo_bpm == pytest.approx(
        duration, abs=0.01
    )
    assert mido.MidiFile(file=io.BytesIO(piece.midi)).length == pytest.approx(duration, abs=0.01)
    assert piece.report["duration_sec"] == pytest.approx(duration, abs=0.01)
    assert piece.report["options"]["duration_sec"] == duration
    assert any("end exactly at" in line for line in piece.report["why"])
