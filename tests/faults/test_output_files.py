"""Faults of the output files: a full disk, names at the length limit, odd names."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import image2music
from image2music.cli.main import build_cli
from image2music.errors import WriteError
from image2music.rendering.files import write_files_atomically
from tests.faults.conftest import EXAMPLE

runner = CliRunner()


def test_a_full_disk_leaves_nothing(small_disk: Path) -> None:
    outputs = {small_disk / "a.mid": b"1" * 1000, small_disk / "a.wav": b"2" * 400_000}
    with pytest.raises(WriteError, match="No space left on device"):
        write_files_atomically(outputs)
    assert list(small_disk.iterdir()) == []  # neither targets nor scratch folders


def test_a_full_disk_is_one_line_and_exit_2_and_a_retry_works(
    small_disk: Path, tmp_path: Path
) -> None:
    args = ["compose", str(EXAMPLE), "-o", str(small_disk), "--format", "mid,json,wav"]
    result = runner.invoke(build_cli(), args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], result.output
    assert list(small_disk.iterdir()) == []
    # Without the audio it fits, and nothing left over refuses the retry.
    args[-1] = "mid,json"
    assert runner.invoke(build_cli(), args).exit_code == 0
    assert sorted(p.name for p in small_disk.iterdir()) == ["photo.json", "photo.mid"]


def test_long_file_names_up_to_the_limit(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 250 + ".flac")  # 255 bytes: the longest legal name
    assert write_files_atomically({target: b"1"}) == [target]
    assert target.read_bytes() == b"1"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_250_character_name_composes(tmp_path: Path) -> None:
    written = image2music.compose(EXAMPLE, bars=4).write(
        tmp_path, ["mid", "json", "musicxml"], stem="y" * 246
    )
    assert all(p.is_file() for p in written.values())
    assert len(list(tmp_path.iterdir())) == 3
