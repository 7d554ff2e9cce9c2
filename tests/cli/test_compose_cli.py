from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from image2music.cli.main import build_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_compose_writes_default_formats_and_prints_summary(tmp_path: Path) -> None:
    code, out, err = invoke("compose", str(EXAMPLE), "-o", str(tmp_path), "--bars", "4")
    assert code == 0, err
    for ext in ("mid", "json", "wav", "png"):
        assert (tmp_path / f"photo.{ext}").stat().st_size > 100, ext
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".mid", ".png", ".wav"]
    for word in ("mood", "valence", "bpm", "chords", "sound", "wrote", "photo.wav"):
        assert word in out


def test_same_seed_same_files(tmp_path: Path) -> None:
    for d in ("a", "b"):
        args = ("-o", str(tmp_path / d), "--seed", "9", "--format", "mid,json")
        assert invoke("compose", str(EXAMPLE), *args)[0] == 0
    for name in ("photo.mid", "photo.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_steering_options(tmp_path: Path) -> None:
    code, out, _ = invoke(
        "compose", str(EXAMPLE), "-o", str(tmp_path), "--valence", "-0.7", "--arousal", "-0.5",
        "--key", "Dm", "--tempo", "70", "--bars", "16", "--name", "sad", "--format", "mid",
    )  # fmt: skip
    assert code == 0
    assert "D minor" in out and "70 bpm" in out and "16 bars" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sad.mid"]


def _bad_inputs(tmp: Path) -> dict[str, Path]:
    (tmp / "empty.jpg").write_bytes(b"")
    (tmp / "text.png").write_text("this is not a picture\n")
    good = tmp / "good.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(good)
    (tmp / "truncated.jpg").write_bytes(good.read_bytes()[:200])
    (tmp / "adir").mkdir()
    return {
        "missing": tmp / "missing.jpg",
        "empty": tmp / "empty.jpg",
        "not an image": tmp / "text.png",
        "truncated": tmp / "truncated.jpg",
        "directory without pictures": tmp / "adir",
    }


@pytest.mark.parametrize(
    "case", ["missing", "empty", "not an image", "truncated", "directory without pictures"]
)
def test_bad_input_exits_2_with_one_line_and_no_files(tmp_path: Path, case: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    path = _bad_inputs(src)[case]
    out = tmp_path / "out"
    code, stdout, stderr = invoke("compose", str(path), "-o", str(out))
    assert code == 2
    assert "Traceback" not in stdout + stderr
    assert stderr.strip().startswith("error:")
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_bad_option_exits_2(tmp_path: Path) -> None:
    for args in (["--bars", "5"], ["--valence", "3"], ["--format", "wav2"], ["--mode", "blues"]):
        code, _, stderr = invoke("compose", str(EXAMPLE), "-o", str(tmp_path), *args)
        assert code == 2, args
        assert "error" in stderr.lower() or "invalid" in stderr.lower()


def test_existing_files_need_force(tmp_path: Path) -> None:
    assert invoke("compose", str(EXAMPLE), "-o", str(tmp_path))[0] == 0
    code, _, stderr = invoke("compose", str(EXAMPLE), "-o", str(tmp_path))
    assert code == 2 and "use --force to overwrite" in stderr and "force=True" not in stderr
    assert invoke("compose", str(EXAMPLE), "-o", str(tmp_path), "--force")[0] == 0


def test_folder_batch_continues_past_bad_pictures(tmp_path: Path) -> None:
    src = tmp_path / "pics"
    src.mkdir()
    shutil.copy(EXAMPLE, src / "one.jpg")
    Image.new("RGB", (80, 60), (20, 40, 200)).save(src / "two.png")
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    (src / "notes.txt").write_text("ignored")
    code, out, err = invoke(
        "compose", str(src), "-o", str(tmp_path / "out"), "--format", "mid,json"
    )
    assert code == 2
    assert "2 of 3 pictures composed" in out
    assert "broken.jpg" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "image2music-manifest.jsonl", "one.json", "one.mid", "two.json", "two.mid",
    ]  # fmt: skip


def test_module_entry_point_and_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "image2music", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("image2music ")


def test_error_messages_keep_square_brackets(tmp_path: Path) -> None:
    # Rich markup must not swallow text such as an extra's name "[web]".
    odd = tmp_path / "[odd] name.jpg"
    odd.write_bytes(b"not a picture")
    code, _, stderr = invoke("compose", str(odd), "-o", str(tmp_path / "out"))
    assert code == 2 and "[odd] name.jpg" in stderr
