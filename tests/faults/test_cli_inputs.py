"""Faults of the command line's inputs: odd names, special files, unreadable files."""

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
from tests.faults.conftest import EXAMPLE

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


def test_an_unreadable_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = tmp_path / "locked.jpg"
    shutil.copy(EXAMPLE, picture)
    real_open = Path.open

    def open_(self: Path, *args: object, **kwargs: object) -> object:
        if self == picture:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", open_)
    result = runner.invoke(build_cli(), ["compose", str(picture), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {picture}: cannot read the file (Permission denied)"
    ]
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--bars", "abc"], "Invalid value for '--bars'"),
        (["--tempo", "abc"], "Invalid value for '--tempo'"),
        (["--seed", "1.5"], "Invalid value for '--seed'"),
    ],
)
def test_malformed_option_values_are_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "image2music", "compose", str(EXAMPLE), "-o", str(tmp_path), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and lines[0].startswith("error: ")
    assert "╭" not in done.stderr and not done.stdout
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_exit_2_in_the_cli_words(tmp_path: Path) -> None:
    args = ["compose", str(EXAMPLE), "-o", str(tmp_path), "--format", "mid", "--bars", "4"]
    assert runner.invoke(build_cli(), args).exit_code == 0
    result = runner.invoke(build_cli(), args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {tmp_path / 'photo.mid'} exists; use --force to overwrite it"
    ]
