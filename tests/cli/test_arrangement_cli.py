from __future__ import annotations

import io
import json
from pathlib import Path

import mido
import pytest
from typer.testing import CliRunner

from image2music.cli.main import build_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


def _report(folder: Path, stem: str = "photo") -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / f"{stem}.json").read_text())
    return data


def test_duration_chooses_the_length(tmp_path: Path) -> None:
    code, out, err = invoke(
        "compose", str(EXAMPLE), "-o", str(tmp_path), "--duration", "50", "--tempo", "120",
        "--format", "mid,json",
    )  # fmt: skip
    assert code == 0, err
    report = _report(tmp_path)
    assert report["bars"] == 24  # 2 s bars: 24 bars + 1 ending bar wanted -> 3 x 8
    assert float(report["duration_sec"]) == 50.0  # type: ignore[arg-type]
    form = report["arrangement"]["form"]  # type: ignore[index]
    assert (form["section_bars"], form["sections"]) == (8, 3)
    assert "24 bars + ending" in out


def test_no_drums_instruments_and_style(tmp_path: Path) -> None:
    args = ("--format", "mid,json", "--arousal", "0.9")
    assert invoke("compose", str(EXAMPLE), "-o", str(tmp_path / "a"), *args)[0] == 0
    assert invoke("compose", str(EXAMPLE), "-o", str(tmp_path / "b"), *args, "--no-drums")[0] == 0
    with_drums = mido.MidiFile(file=io.BytesIO((tmp_path / "a" / "photo.mid").read_bytes()))
    without = mido.MidiFile(file=io.BytesIO((tmp_path / "b" / "photo.mid").read_bytes()))
    assert "Drums" in [t.name for t in with_drums.tracks]
    assert "Drums" not in [t.name for t in without.tracks]
    assert "--no-drums" in _report(tmp_path / "b")["arrangement"]["drums"]["reason"]  # type: ignore[index]

    code, out, err = invoke(
        "compose", str(EXAMPLE), "-o", str(tmp_path / "c"), "--format", "mid,json",
        "--style", "lofi", "--instruments", "melody=flute,bass=cello",
    )  # fmt: skip
    assert code == 0, err
    arrangement = _report(tmp_path / "c")["arrangement"]
    assert arrangement["style"] == "lofi"  # type: ignore[index]
    assert arrangement["instruments"]["melody"]["name"] == "Flute"  # type: ignore[index]
    assert arrangement["instruments"]["bass"]["program"] == 42  # type: ignore[index]
    assert arrangement["instruments"]["chords"]["name"] == "Electric Piano 1"  # type: ignore[index]
    assert "lofi style" in out


def test_musicxml_and_every_audio_format(tmp_path: Path) -> None:
    code, out, err = invoke(
        "compose", str(EXAMPLE), "-o", str(tmp_path), "--bars", "4", "--synth", "symusic",
        "--format", "musicxml,flac,ogg,mp3",
    )  # fmt: skip
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["photo.flac", "photo.mp3", "photo.musicxml", "photo.ogg"]
    assert "audio  symusic" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--style", "jazz"],
        ["--instruments", "melody=kazoo"],
        ["--instruments", "nonsense"],
        ["--instruments", "drums=piano"],
        ["--duration", "2"],
        ["--duration", "9999"],
        ["--synth", "timidity"],
        ["--bars", "4", "--duration", "30"],
        ["--format", "mid,aiff"],
    ],
)
def test_bad_arrangement_options_exit_2_and_write_nothing(tmp_path: Path, args: list[str]) -> None:
    code, stdout, stderr = invoke("compose", str(EXAMPLE), "-o", str(tmp_path / "out"), *args)
    assert code == 2, args
    assert stderr.strip().startswith("error:") and "Traceback" not in stdout + stderr
    assert not (tmp_path / "out").exists()


def test_force_is_checked_before_rendering(tmp_path: Path) -> None:
    (tmp_path / "photo.wav").write_bytes(b"old")
    code, _, stderr = invoke("compose", str(EXAMPLE), "-o", str(tmp_path), "--bars", "4")
    assert code == 2 and "use --force to overwrite" in stderr and "force=True" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.wav"]  # nothing else written
    assert (tmp_path / "photo.wav").read_bytes() == b"old"
    assert invoke("compose", str(EXAMPLE), "-o", str(tmp_path), "--bars", "4", "--force")[0] == 0
    assert (tmp_path / "photo.wav").read_bytes()[:4] == b"RIFF"
