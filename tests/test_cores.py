"""One core (workers, --jobs 1): analysis without its background thread, one OpenCV thread."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from image2music.cores import one_core
from image2music.vision.analyse import analyse_array
from image2music.vision.background import in_background
from tests.conftest import need_program

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "photo.jpg"


def test_background_work_runs_on_a_thread_of_its_own_by_default() -> None:
    assert in_background(threading.get_ident).result() != threading.get_ident()


def test_inside_one_core_background_work_runs_on_the_callers_thread() -> None:
    before = cv2.getNumThreads()
    with one_core():
        assert in_background(threading.get_ident).result() == threading.get_ident()
        assert cv2.getNumThreads() == 1
    assert cv2.getNumThreads() == before
    assert in_background(threading.get_ident).result() != threading.get_ident()


def test_a_failure_inside_one_core_is_held_by_the_future_as_from_a_thread() -> None:
    def fails() -> None:
        raise KeyError("no such label")

    with one_core():
        future = in_background(fails)
    with pytest.raises(KeyError, match="no such label"):
        future.result()


def test_one_core_gives_the_same_features_as_the_background_thread() -> None:
    rgb = np.random.default_rng(3).integers(0, 256, (96, 128, 3), dtype=np.uint8)
    threaded = analyse_array(rgb)
    with one_core():
        inline = analyse_array(rgb)
    assert inline == threaded


def test_hold_one_core_holds_for_the_rest_of_the_process() -> None:
    # A worker calls it once and never leaves: the setting must not lapse when
    # nothing keeps a reference to it (it did once, through a context manager).
    code = (
        "import gc, threading, cv2;"
        "from image2music.cores import hold_one_core;"
        "from image2music.vision.background import in_background;"
        "hold_one_core(); gc.collect();"
        "print(in_background(threading.get_ident).result() == threading.get_ident(),"
        " cv2.getNumThreads())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["True", "1"]


def test_on_one_core_a_piece_s_samples_are_not_decoded_on_a_thread_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import image2music
    from image2music.rendering import synth

    need_program("fluidsynth")
    started: list[str] = []
    monkeypatch.setattr(synth, "preload_soundfont", lambda *a, **k: started.append("preload"))

    def piece() -> image2music.Composition:
        return image2music.compose(EXAMPLE, bars=4, seed=1, synth="fluidsynth")

    with one_core():
        piece().write(tmp_path / "one", ("mid", "wav"))
    assert started == []
    piece().write(tmp_path / "all", ("mid", "wav"))
    assert started == ["preload"]
    one, every = (tmp_path / d / "photo.wav" for d in ("one", "all"))
    assert one.read_bytes() == every.read_bytes()
