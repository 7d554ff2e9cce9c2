"""Faults found when the project was attacked, kept fixed (issue 13, first items)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import mido
import pytest
from typer.testing import CliRunner

import image2music
from image2music.cli.main import build_cli
from image2music.errors import ConfigError, ExistingFileError, ImageError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
runner = CliRunner()


@pytest.mark.parametrize("name", ["Фото.jpg", "日本.jpg", "🎵.jpg"])
def test_pictures_named_beyond_latin_1(tmp_path: Path, name: str) -> None:
    picture = tmp_path / name
    shutil.copy(EXAMPLE, picture)
    result = runner.invoke(
        build_cli(), ["compose", str(picture), "-o", str(tmp_path / "out"), "--format", "mid,json"]
    )
    assert result.exit_code == 0, result.output
    stem = Path(name).stem
    midi = mido.MidiFile(tmp_path / "out" / f"{stem}.mid", charset="utf-8")
    assert midi.tracks[0][0].name == stem


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    with pytest.raises(ImageError, match="not a regular file"):
        image2music.compose(fifo)
    result = runner.invoke(build_cli(), ["compose", str(fifo), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "not a regular file" in result.output


@pytest.mark.parametrize("stem", ["../escaped", "a/b", "..", "", "x\\y"])
def test_name_cannot_leave_the_output_folder(tmp_path: Path, stem: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        build_cli(),
        ["compose", str(EXAMPLE), "-o", str(out), "--name", stem, "--format", "mid"],
    )
    assert result.exit_code == 2
    assert "name must be a file name" in result.output
    assert not (tmp_path / "escaped.mid").exists()
    with pytest.raises(ConfigError):
        image2music.compose(EXAMPLE, bars=4).write(out, ["mid"], stem=stem)


def test_existing_file_words_for_the_api(tmp_path: Path) -> None:
    result = image2music.compose(EXAMPLE, bars=4)
    result.write(tmp_path, ["mid"])
    with pytest.raises(ExistingFileError, match="pass force=True") as info:
        result.write(tmp_path, ["mid"])
    assert info.value.path == tmp_path / "photo.mid"
