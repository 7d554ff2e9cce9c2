"""The ``sequence`` and ``video`` commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from image2music.cli.main import build_cli
from tests.conftest import need

PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"
BRIGHT, DARK, CALM = (str(PHOTOS / n) for n in ("astronaut.jpg", "camera.jpg", "coffee.jpg"))
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sequence_writes_one_piece_with_its_sections(tmp_path: Path) -> None:
    code, out, err = invoke(
        "sequence", BRIGHT, DARK, CALM, "-o", str(tmp_path), "--duration", "30", "--format",
        "mid,json",
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "astronaut-sequence.json", "astronaut-sequence.mid",
    ]  # fmt: skip
    report = json.loads((tmp_path / "astronaut-sequence.json").read_text())
    assert len(report["sections"]) == 3 and abs(report["duration_sec"] - 30.0) <= 0.25
    assert "3 sections" in out and "in by" in out


def test_sequence_seconds_each(tmp_path: Path) -> None:
    args = ("-o", str(tmp_path), "--format", "json", "--seconds-each", "8", "--name", "s")
    assert invoke("sequence", BRIGHT, CALM, *args)[0] == 0
    report = json.loads((tmp_path / "s.json").read_text())
    assert [s["end_sec"] for s in report["sections"]] == [8.0, 16.0]


def test_sequence_bad_input_is_one_line_exit_2_and_no_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for args, words in [
        ((BRIGHT,), "at least 2 pictures, got 1"),
        ((BRIGHT, str(tmp_path / "missing.jpg")), "missing.jpg"),
        ((BRIGHT, DARK, "--seconds-each", "5", "--duration", "20"), "mutually exclusive"),
    ]:
        code, _, err = invoke("sequence", *args, "-o", str(out))
        assert code == 2, err
        assert err.startswith("error: ") and words in err and err.count("\n") == 1
        assert not out.exists() or not any(out.iterdir())


def test_video_with_mux(tmp_path: Path, three_scenes: Path) -> None:
    need("av", "video clips")
    code, out, err = invoke(
        "video", str(three_scenes), "-o", str(tmp_path), "--format", "json", "--mux"
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["three.json", "three.mp4"]
    report = json.loads((tmp_path / "three.json").read_text())
    assert report["video"]["cuts_sec"] == [5.0, 11.0]
    assert "scene 2" in out


def test_video_bad_input_is_one_line_exit_2_and_no_files(tmp_path: Path) -> None:
    need("av", "video clips")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"nothing here" * 50)
    out = tmp_path / "out"
    code, _, err = invoke("video", str(junk), "-o", str(out), "--mux")
    assert code == 2 and err.startswith("error: junk.mp4: ") and err.count("\n") == 1
    assert not out.exists()
    code, _, err = invoke("video", BRIGHT, "-o", str(out))  # a still is not a clip
    assert code == 2 and err.count("\n") == 1
    assert not out.exists()
