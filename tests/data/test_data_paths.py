from __future__ import annotations

from pathlib import Path

import pytest

from image2music.data.paths import resolve_cache_dir, resolve_datasets_dir


def test_cache_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGE2MUSIC_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_cache_dir() == (tmp_path / "xdg" / "image2music" / "corpus").resolve()
    monkeypatch.setenv("IMAGE2MUSIC_CACHE_DIR", str(tmp_path / "env"))
    assert resolve_cache_dir() == (tmp_path / "env").resolve()
    assert resolve_cache_dir(tmp_path / "arg") == (tmp_path / "arg").resolve()


def test_datasets_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGE2MUSIC_DATASETS", raising=False)
    work = tmp_path / "project"
    (tmp_path / "shared" / "datasets").mkdir(parents=True)
    work.mkdir()
    monkeypatch.chdir(work)
    assert resolve_datasets_dir() == (tmp_path / "shared" / "datasets").resolve()
    monkeypatch.chdir(tmp_path)  # no ../shared/datasets here: project-root fallback
    assert resolve_datasets_dir().name == "datasets"
    monkeypatch.setenv("IMAGE2MUSIC_DATASETS", str(tmp_path / "elsewhere"))
    assert resolve_datasets_dir() == (tmp_path / "elsewhere").resolve()
    assert resolve_datasets_dir(tmp_path / "x") == (tmp_path / "x").resolve()
