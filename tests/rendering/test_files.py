from __future__ import annotations

import stat
from pathlib import Path

import pytest

from image2music.errors import OutputError
from image2music.rendering.files import write_files_atomically


def test_writes_all_files_readable_by_everyone(tmp_path: Path) -> None:
    a, b = tmp_path / "x" / "a.mid", tmp_path / "x" / "a.json"
    assert write_files_atomically({a: b"1", b: b"2"}) == [a, b]
    assert a.read_bytes() == b"1" and b.read_bytes() == b"2"
    assert stat.S_IMODE(a.stat().st_mode) == 0o644


def test_refuses_before_writing_anything(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mid", tmp_path / "a.json"
    b.write_bytes(b"old")
    with pytest.raises(OutputError, match="exists"):
        write_files_atomically({a: b"1", b: b"2"})
    assert not a.exists() and b.read_bytes() == b"old"
    write_files_atomically({a: b"1", b: b"2"}, force=True)
    assert b.read_bytes() == b"2"


def test_directory_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.mid").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        write_files_atomically({tmp_path / "d.mid": b"1"}, force=True)


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    write_files_atomically({tmp_path / "a.mid": b"1"})
    assert [p.name for p in tmp_path.iterdir()] == ["a.mid"]
