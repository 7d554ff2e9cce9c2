"""Service settings are validated when made."""

from __future__ import annotations

from pathlib import Path

import pytest

from image2music.errors import ConfigError
from image2music.service.settings import (
    DEFAULT_WEB_FORMATS,
    ServiceSettings,
    default_results_dir,
    usable_formats,
)


def test_defaults(tmp_path: Path) -> None:
    s = ServiceSettings(results_dir=tmp_path)
    assert s.max_upload_bytes == 20_000_000
    assert s.result_ttl_sec == 3600
    assert s.workers == 2
    assert s.formats == DEFAULT_WEB_FORMATS
    assert "flac" in s.formats and "png" in s.formats


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_upload_bytes": 0},
        {"max_upload_bytes": 1.5},
        {"result_ttl_sec": 0},
        {"workers": 0},
        {"workers": 65},
        {"workers": True},
        {"max_pending": 0},
        {"formats": ()},
        {"formats": ("mid", "exe")},
        {"sweep_interval_sec": -1},
        {"header_timeout_sec": 0},
        {"body_timeout_sec": 7200},
        {"body_idle_sec": "5"},
        {"max_option_chars": 3},
        {"max_results_bytes": 0},
        {"max_pixels": 1.5},
    ],
)
def test_bad_settings(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        ServiceSettings(results_dir=tmp_path, **kwargs)  # type: ignore[arg-type]


def test_results_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGE2MUSIC_RESULTS_DIR", str(tmp_path / "x"))
    assert default_results_dir() == tmp_path / "x"
    monkeypatch.delenv("IMAGE2MUSIC_RESULTS_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_results_dir() == tmp_path / "cache" / "image2music" / "results"


def test_usable_formats_keep_order() -> None:
    got = usable_formats(("mid", "mp3", "json"))
    assert got[0] == "mid" and got[-1] == "json" and got[1] in ("mp3", "ogg", "wav")


def test_the_default_flac_becomes_wav_where_libsndfile_cannot_write_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import soundfile

    real = soundfile.available_formats
    monkeypatch.setattr(
        soundfile, "available_formats", lambda: {k: v for k, v in real().items() if k != "FLAC"}
    )
    assert usable_formats(DEFAULT_WEB_FORMATS) == ("mid", "wav", "musicxml", "png", "json")


def test_musicxml_dropped_without_music21(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "music21" else real(n, *a)
    )
    assert usable_formats(("mid", "musicxml")) == ("mid",)
